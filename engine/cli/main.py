"""The headless command: python -m engine {train,evaluate,gradcheck,presets,new,explain,export,practice,runs,maps}.

Exit status: 0 done; 1 a gradient check failed; 2 bad input (the network file or the
options), nothing done and no file written; 3 training stopped because the loss became
NaN or infinite (what was computed up to there is written); 4 an output file could not be
written; 5 there was not enough memory (no file written).
"""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

import numpy as np

from engine import HEADLESS_PROGRAM, __version__
from engine.cli.loader import TerminalProgress, load_network, output_paths
from engine.files import presets
from engine.cli.terminal import EXIT_BAD_INPUT, EXIT_MEMORY, EXIT_WRITE, say
from engine.files.atomic import OutputError
from engine.files.netfile import NetworkFileError, load, printable
from engine.network.network import summary as describe_network

# The commands in the order --help lists them; those with a module of their own in engine/cli/
# (add_parser, cmd_NAME) are imported only when they run, or for --help: a command starts with the
# modules it needs (`presets` within a few milliseconds of numpy's own import).
COMMANDS = ("train", "evaluate", "gradcheck", "presets", "new", "explain", "export", "practice", "runs", "maps")
MODULES = {"train", "evaluate", "new", "explain", "export", "practice", "runs", "maps"}


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() finds it: $COLUMNS, else the terminal's,
    else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help, as wide as the terminal; argparse's own asks shutil, and makes one for each
    option a parser is given: importing shutil (with zlib, bz2 and lzma) took 2 ms of every command's
    start."""

    def __init__(self, prog: str):
        super().__init__(prog, width=_columns() - 2)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, formatter_class=_Formatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)

    def error(self, message):  # one line of printable characters and status 2, like a bad network file
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {printable(message, 400)}\n")


def _command(name: str):
    """engine.cli.NAME, the module of a command."""
    return importlib.import_module(f"engine.cli.{name}")


def _chosen(argv: list[str]) -> str | None:
    """The command `argv` names (the first argument that is not an option), if it is one."""
    name = next((a for a in argv if not a.startswith("-")), None)
    return name if name in COMMANDS else None


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the command it names has its options (and its module
    imported): the others are there by name, or, where nothing comes before the command's name
    (no --help to list them), left out (a parser each: 1 to 2 ms in all)."""
    parser = _Parser(prog="python -m engine", description="Backprop Stepper without a window.")
    parser.add_argument("--version", action="version", version=f"{HEADLESS_PROGRAM} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chosen = None if argv is None else _chosen(argv)
    alone = chosen is not None and argv[0] == chosen
    for name in COMMANDS:
        if chosen is not None and name != chosen:
            if not alone:
                sub.add_parser(name)
        elif name in MODULES:
            _command(name).add_parser(sub)
        elif name == "gradcheck":
            check = sub.add_parser("gradcheck", help="compare backprop gradients with central differences")
            check.add_argument("network")
        else:
            sub.add_parser("presets", help="list the networks that come with the application")
    return parser


def cmd_gradcheck(args) -> int:
    from engine.session.gradcheck import gradcheck

    net = load_network(args.network)
    iteration = 1 if net.state is None else net.state.iteration  # a saved network: the iteration it stopped at
    say(f"{args.network}: {describe_network(net)}" + (f", iteration {iteration:,}" if iteration > 1 else ""))
    progress = TerminalProgress(len(net.parameters()), unit="parameter", at_least=2048)
    try:
        result = gradcheck(net, iteration, progress=lambda done, total: progress.update(done))
    finally:
        progress.finish()
    width = max(len(c.name) for c in result.checks)
    say(f"{'parameter':<{width}}  {'backprop':>24}  {'central difference':>24}  relative error")
    for c in result.checks:
        say(f"{c.name:<{width}}  {c.backprop!r:>24}  {c.numeric!r:>24}  {c.relative_error:.3e}")
    worst = result.worst
    verdict = "passed" if result.passed else "FAILED"
    say(f"largest relative error: {worst.relative_error:.3e} ({worst.name}); {verdict}")
    return 0 if result.passed else 1


def cmd_evaluate(args) -> int:
    return _command("evaluate").cmd_evaluate(args, load_network(args.network))


def cmd_new(args) -> int:
    reads = {args.csv: "the CSV file --csv reads"} if args.csv else {}
    return _command("new").cmd_new(args, output_paths(args, reads)["--out"])


def cmd_explain(args) -> int:
    network = str(presets.resolve(args.network))
    return _command("explain").cmd_explain(args, output_paths(args, {network: "the network file being explained"})["--output"])


def cmd_export(args) -> int:
    cli_export = _command("export")
    cli_export.check(args)
    network = str(presets.resolve(args.network))
    out = output_paths(args, {network: "the network file being exported"})["--out"]
    return cli_export.cmd_export(args, load_network(args.network), out)


def cmd_practice(args) -> int:
    return _command("practice").cmd_practice(args, load_network)


def cmd_runs(args) -> int:
    network = str(presets.resolve(args.network))
    out = output_paths(args, {network: "the network file whose runs are written"}).get("--out")
    return _command("runs").cmd_runs(args, load_network(args.network), out)


def cmd_maps(args) -> int:
    network = str(presets.resolve(args.network))
    return _command("maps").cmd_maps(args, output_paths(args, {network: "the network file being mapped"})["--output"])


def cmd_presets(args) -> int:
    for name in presets.names():
        net = load(presets.path(name))
        say(f"{name:<14} {net.name or ''}: {describe_network(net)}")
    return 0


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl+C, so that no temporary file is left behind."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, frame):
    raise Terminated(signum)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(argv).parse_args(argv)
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, _terminate)
        except ValueError:  # not the main thread (a caller's): its signals stay as they are
            break
    try:
        return _run(args)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args) -> int:
    command = {"train": lambda args: _command("train").cmd_train(args), "evaluate": cmd_evaluate,
               "gradcheck": cmd_gradcheck, "presets": cmd_presets, "new": cmd_new,
               "explain": cmd_explain, "export": cmd_export, "practice": cmd_practice,
               "runs": cmd_runs, "maps": cmd_maps}[args.command]
    try:
        with np.errstate(all="ignore"):
            return command(args)
    except NetworkFileError as e:
        say(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OutputError as e:  # an output that could not be written, before any was renamed over its file
        say(f"error: {e}; no output file was changed", file=sys.stderr)
        return EXIT_WRITE
    except MemoryError:  # what was allocated is freed by now: there is memory to say so
        say("error: not enough memory to finish; no output file was changed", file=sys.stderr)
        return EXIT_MEMORY
    except KeyboardInterrupt:
        say("\ninterrupted; no output file was changed", file=sys.stderr)
        return 130
    except Terminated as e:
        say(f"\n{signal.Signals(e.signum).name}: stopped; no output file was changed", file=sys.stderr)
        return 128 + e.signum
