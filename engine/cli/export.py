"""python -m engine export: the network as a PyTorch or NumPy script that trains it on its own, or
an iteration as a Jupyter notebook.

    python -m engine export NETWORK --format pytorch|numpy [--iterations N] -o FILE
    python -m engine export NETWORK --format notebook [--iteration K] -o FILE.ipynb

The script (engine.scripts.pyexport) prints iteration,loss as CSV: the rows of the loss history that
`python -m engine train NETWORK --iterations N --history H.csv` writes for the same iterations.
The notebook (engine.scripts.notebook) retraces iteration K (by default the first the network has
not trained, as `explain` takes it) in NumPy and checks it with PyTorch.
"""
from __future__ import annotations

import os

from engine.cli.loader import WHOLE, session_at
from engine.files.atomic import Outputs
from engine.network.limits import MAX_ITERATIONS
from engine.files.netfile import NetworkFileError
from engine.network.network import Network
from engine.scripts.pyexport import DEFAULT_ITERATIONS, FORMATS, first_iteration, script
from engine.cli.terminal import EXIT_DIVERGED, say

NOTEBOOK = "notebook"  # engine.scripts.notebook.FORMAT (imported only when a notebook is asked for)



def add_parser(sub) -> None:
    export = sub.add_parser("export", help="write the network as a PyTorch or NumPy script that trains it and "
                                           "prints its loss history, or an iteration as a Jupyter notebook")
    export.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    export.add_argument("--format", "-f", required=True, choices=[*FORMATS, NOTEBOOK],
                        help=", ".join(FORMATS) + " or " + NOTEBOOK)
    export.add_argument("--iterations", "-n", type=WHOLE, default=None, metavar="N",
                        help=f"iterations the script trains unless its command line says otherwise "
                             f"(default {DEFAULT_ITERATIONS}; scripts only)")
    export.add_argument("--iteration", "-k", type=WHOLE, default=None, metavar="K",
                        help="the iteration the notebook retraces (default: the first the network has not trained; "
                             "notebook only)")
    export.add_argument("--out", "-o", required=True, metavar="FILE", help="the script (.py) or notebook (.ipynb) "
                                                                          "to write")


def check(args) -> None:
    """The options that need no file, refused before any work."""
    if args.format == NOTEBOOK:
        if args.iterations is not None:
            raise NetworkFileError("--iterations", "value", "is for the scripts: a notebook retraces one iteration, "
                                   "chosen with --iteration K")
        return
    if args.iteration is not None:
        raise NetworkFileError("--iteration", "value", "is for --format notebook: a script trains --iterations N")
    if args.iterations is None:
        args.iterations = DEFAULT_ITERATIONS
    if not 1 <= args.iterations <= MAX_ITERATIONS:
        raise NetworkFileError("--iterations", "value", f"must be from 1 to {MAX_ITERATIONS:,} (the app's own "
                               f"limit, so that its loss history can be compared), found {args.iterations:,}")


def _notebook(args, net: Network) -> tuple[str, int] | None:
    """The notebook's text and the iteration it retraces, or None (said) if training diverged
    before the iteration."""
    from engine.scripts import notebook

    why = notebook.problem(net)
    if why is not None:
        raise NetworkFileError(args.network, "--format", why)
    session = session_at(net, args.iteration, "written out")
    return None if session is None else (notebook.notebook(session.net, session.record), session.iteration)


def _write(text: str, out) -> None:
    outputs = Outputs()
    try:
        with outputs.open(out, "--out") as f:
            f.write(text)
        outputs.commit()
    finally:
        outputs.discard()


def cmd_export(args, net: Network, out) -> int:
    """`out`: the checked path of --out."""
    if args.format == NOTEBOOK:
        written = _notebook(args, net)
        if written is None:
            return EXIT_DIVERGED
        text, k = written
        _write(text, out)
        say(f"wrote {args.out}: a Jupyter notebook of iteration {k:,} of {args.network}, computed in NumPy and "
            "checked with PyTorch; open it in Jupyter (its kernel needs numpy and torch)")
        return 0
    text = script(net, args.format, args.iterations, source=args.network, filename=os.path.basename(out))
    _write(text, out)
    start = first_iteration(net)
    say(f"wrote {args.out}: a {FORMATS[args.format]} script that trains {args.network} for "
          f"{args.iterations:,} iteration{'s' if args.iterations != 1 else ''}"
          f"{f' from iteration {start:,}' if start > 1 else ''}; run it with: python3 {args.out}")
    return 0
