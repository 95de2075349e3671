"""python -m engine runs: the kept runs of a network, listed, and written as CSV.

    python -m engine runs NETWORK [-o RUNS.csv]

Each kept run on a line: its number, name, iterations, first and last loss (exact) and settings;
with -o the CSV File ▸ Export ▸ Kept runs as CSV writes (`iteration,run,loss,…`,
engine.session.runs). A network keeps runs through `train --keep NAME --out` or the window's Run ▸
Keep this run.
"""
from __future__ import annotations

from engine.cli.terminal import say
from engine.concepts.formula import exact
from engine.files.atomic import Outputs
from engine.files.netfile import NetworkFileError
from engine.network.network import Network
from engine.session.runs import runs_to


def add_parser(sub) -> None:
    runs = sub.add_parser("runs", help="list a network's kept runs and write them as CSV (iteration,run,loss,...)")
    runs.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    runs.add_argument("--out", "-o", metavar="RUNS.csv", help="write the kept runs' histories as CSV")


def cmd_runs(args, net: Network, out) -> int:
    """`out`: the checked path of --out, or None."""
    if not net.runs:
        if out is not None:
            raise NetworkFileError(args.network, "kept_runs", "no kept runs to write (keep one with train --keep NAME "
                                                              "--out, or the window's Run > Keep this run)")
        say(f"{args.network}: no kept runs")
        return 0
    for k, run in enumerate(net.runs, 1):
        losses = run.loss
        say(f"{k}. {run.label}: {len(run):,} iteration{'s' if len(run) != 1 else ''}, loss {exact(losses[0])} to "
            f"{exact(losses[-1])}" + (f" ({run.settings_label})" if run.settings_label else ""))
    if out is not None:
        outputs = Outputs()
        try:
            with outputs.open(out, "--out") as f:
                for _ in runs_to(f, net.runs):
                    pass
            outputs.commit()
        finally:
            outputs.discard()
        rows = sum(map(len, net.runs))
        say(f"wrote {args.out} ({len(net.runs)} run{'s' if len(net.runs) != 1 else ''}, {rows:,} rows)")
    return 0
