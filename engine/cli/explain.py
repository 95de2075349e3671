"""python -m engine explain: the worked example of an iteration as a document.

    python -m engine explain NETWORK [--iteration K] [--format md|html|pdf] [--digits D] -o FILE

The network is trained up to iteration K (1 by default; a saved network goes on from its own
iteration), and that iteration is written out as `document` builds it, with D significant
digits (9 by default, as the window). The format is --format's, or the one FILE's suffix names
(.md, .html, .pdf). A PDF is printed from the HTML by Qt in a separate program (the engine
never imports Qt), which needs PySide6. Refusals are one line, status 2.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import tempfile

from engine.cli.loader import WHOLE, load_network, session_at
from engine.teaching import explain
from engine.files.atomic import Outputs
from engine.files.netfile import NetworkFileError
from engine.cli.terminal import EXIT_DIVERGED, say



def add_parser(sub) -> None:
    p = sub.add_parser("explain", help="write the worked example of an iteration (Markdown, HTML or PDF)")
    p.add_argument("network", help="a network file (JSON) or a preset name")
    p.add_argument("--iteration", "-k", type=WHOLE, default=None, metavar="K",
                   help="the iteration to write out (default: the first the network has not trained)")
    p.add_argument("--format", choices=list(explain.FORMATS), default=None,
                   help="md, html or pdf (default: from the suffix of -o)")
    p.add_argument("--digits", type=WHOLE, default=9, metavar="D",
                   help=f"significant digits of every number, {explain.DIGITS[0]} to {explain.DIGITS[1]} (default 9)")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="the document to write")


def _format(args) -> str:
    fmt = args.format or explain.format_of(args.output)
    if fmt is None:
        raise NetworkFileError(args.output, "--format", "give --format md, html or pdf, or a file name ending in "
                               ".md, .html or .pdf")
    if fmt == "pdf" and not _has_qt():
        raise NetworkFileError("--format", "pdf", "needs PySide6 (Qt prints the PDF): install the application "
                               "with pip install -e . or write md or html")
    return fmt


def _has_qt() -> bool:
    """Is PySide6 installed? (Looked up, not imported: the engine never imports Qt.)"""
    try:
        return importlib.util.find_spec("PySide6") is not None
    except (ImportError, ValueError):  # a broken installation, or one hidden in sys.modules
        return False


def _pdf(html: str, out: str) -> None:
    """Print `html` to the PDF file `out` with guiapp.pdfdoc, run as a program."""
    with tempfile.TemporaryDirectory(prefix="explain-") as folder:
        source = os.path.join(folder, "document.html")
        with open(source, "w", encoding="utf-8") as f:
            f.write(html)
        command, env = explain.pdf_command(source, out)
        r = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace",
                           stdin=subprocess.DEVNULL, timeout=600)
    if r.returncode != 0:
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        raise OSError(f"the PDF converter failed: {lines[-1][:200] if lines else f'status {r.returncode}'}")


def cmd_explain(args, path) -> int:
    """`path`: the checked path of --output."""
    lo, hi = explain.DIGITS
    if not lo <= args.digits <= hi:
        raise NetworkFileError("--digits", "value", f"must be from {lo} to {hi}, found {args.digits}")
    fmt = _format(args)
    net = load_network(args.network)
    session = session_at(net, args.iteration, "written out")
    if session is None:
        return EXIT_DIVERGED
    k = session.iteration
    outputs = Outputs()
    try:
        def save(text: str) -> None:
            if fmt == "pdf":
                with outputs.reserve(path, "--output") as tmp:
                    _pdf(text, tmp)
            else:
                with outputs.open(path, "--output") as f:
                    f.write(text)

        for _ in explain.write_steps(session.net, session.record, args.digits, fmt, save):
            pass
        outputs.commit()
    finally:
        outputs.discard()
    say(f"wrote {args.output}: iteration {k:,} of {args.network} ({explain.FORMATS[fmt]}, {args.digits} digits)")
    return 0
