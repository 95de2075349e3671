"""python -m engine export: the network as a PyTorch or NumPy script that trains it on its own.

    python -m engine export NETWORK --format pytorch|numpy [--iterations N] -o FILE

The script (engine.scripts.pyexport) prints iteration,loss as CSV: the rows of the loss history that
`python -m engine train NETWORK --iterations N --history H.csv` writes for the same iterations.
"""
from __future__ import annotations

import os

from engine.cli.loader import WHOLE
from engine.files.atomic import Outputs
from engine.network.limits import MAX_ITERATIONS
from engine.files.netfile import NetworkFileError
from engine.network.network import Network
from engine.scripts.pyexport import DEFAULT_ITERATIONS, FORMATS, first_iteration, script
from engine.cli.terminal import say



def add_parser(sub) -> None:
    export = sub.add_parser("export", help="write the network as a PyTorch or NumPy script that trains it and "
                                           "prints its loss history")
    export.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    export.add_argument("--format", "-f", required=True, choices=list(FORMATS), help=" or ".join(FORMATS))
    export.add_argument("--iterations", "-n", type=WHOLE, default=DEFAULT_ITERATIONS, metavar="N",
                        help=f"iterations the script trains unless its command line says otherwise "
                             f"(default {DEFAULT_ITERATIONS})")
    export.add_argument("--out", "-o", required=True, metavar="FILE", help="the script to write (.py)")


def check(args) -> None:
    """The options that need no file, refused before any work."""
    if not 1 <= args.iterations <= MAX_ITERATIONS:
        raise NetworkFileError("--iterations", "value", f"must be from 1 to {MAX_ITERATIONS:,} (the app's own "
                               f"limit, so that its loss history can be compared), found {args.iterations:,}")


def cmd_export(args, net: Network, out) -> int:
    """`out`: the checked path of --out."""
    text = script(net, args.format, args.iterations, source=args.network, filename=os.path.basename(out))
    outputs = Outputs()
    try:
        with outputs.open(out, "--out") as f:
            f.write(text)
        outputs.commit()
    finally:
        outputs.discard()
    start = first_iteration(net)
    say(f"wrote {args.out}: a {FORMATS[args.format]} script that trains {args.network} for "
          f"{args.iterations:,} iteration{'s' if args.iterations != 1 else ''}"
          f"{f' from iteration {start:,}' if start > 1 else ''}; run it with: python3 {args.out}")
    return 0
