"""The headless command: python -m engine {train,gradcheck,presets,new,explain,export,practice}.

Exit status: 0 done; 1 a gradient check failed; 2 bad input (the network file or the
options), nothing done and no file written; 3 training stopped because the loss became
NaN or infinite (what was computed up to there is written); 4 an output file could not be
written.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from . import cli_explain, cli_export, cli_new, cli_practice, presets, trajectory
from .terminal import EXIT_BAD_INPUT, EXIT_DIVERGED, EXIT_WRITE, say
from .atomic import OutputError, Outputs, output_path
from .gradcheck import gradcheck
from .netfile import NetworkFileError, dumps, load
from .network import UPDATE_ORDERS, Network, summary as describe_network
from .session import MAX_ITERATIONS, Session, TrainingDiverged
from .export import history_to
from .tracecsv import COLUMNS, ENCODING, TraceRows



class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 2, like a bad network file
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m engine", description="Backprop Stepper without a window.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = sub.add_parser("train", help="train a network and write its trace, loss history and trained network")
    train.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    train.add_argument("--iterations", "-n", type=int, required=True, help="number of updates")
    train.add_argument("--trace", metavar="T.csv", help="write every quantity of every iteration")
    train.add_argument("--history", metavar="H.csv", help="write iteration,loss")
    train.add_argument("--out", metavar="TRAINED.json", help="write the trained network")
    train.add_argument("--update-order", choices=UPDATE_ORDERS, help="override the file's update order")
    train.add_argument("--trace-iterations", metavar="LIST",
                       help="with --trace: only these iterations, e.g. 1,37,9999-10000 (bounded memory)")
    train.add_argument("--trajectories", metavar="J.csv",
                       help="write each parameter's value, gradient and velocity at every iteration (as the window's "
                            "File > Export trajectories; one iteration in 2, 4, ... beyond 32 MB)")
    train.add_argument("--parameters", metavar="LIST", help="with --trajectories: only these, e.g. w1,w5,b_o1")
    check = sub.add_parser("gradcheck", help="compare backprop gradients with central differences")
    check.add_argument("network")
    sub.add_parser("presets", help="list the networks that come with the application")
    cli_new.add_parser(sub)
    cli_explain.add_parser(sub)
    cli_export.add_parser(sub)
    cli_practice.add_parser(sub)
    return parser


def _load(spec: str, update_order: str | None = None) -> Network:
    net = load(presets.resolve(spec))
    if update_order:
        net.update_order = update_order
    return net


def _output_paths(args, network: str, reading: str = "being trained") -> dict[str, Path]:
    """Where each output goes, checked before any work: a regular file (a symbolic link is
    written through) in a writable folder, each output its own file, none the network read
    (the network file `reading`, as the refusal says)."""
    paths: dict[str, Path] = {}
    owners: dict[str, str] = {}
    source = os.path.realpath(network) if os.path.exists(network) else None
    for option in ("trace", "history", "trajectories", "out", "output"):
        given = getattr(args, option, None)
        if not given:
            continue
        flag = f"--{option}"
        try:
            path = output_path(given)
        except ValueError as e:
            raise NetworkFileError(given, flag, str(e)) from None
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise NetworkFileError(given, flag, f"the folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise NetworkFileError(given, flag, f"the folder {folder} is not writable")
        real = os.path.realpath(path)
        if real in owners:
            raise NetworkFileError(given, flag, f"is also the file of {owners[real]}; give each output its own file")
        if real == source:
            raise NetworkFileError(given, flag, f"is the network file {reading}; give another path")
        owners[real] = flag
        paths[flag] = path
    return paths


class _Progress:
    """A one-line progress report on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=sys.stderr, unit: str = "iteration", at_least: int = 10_000):
        self.total, self.stream, self.unit = total, stream, unit
        self.active = stream.isatty() and total >= at_least
        self.started = time.perf_counter()
        self.shown = 0.0

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if self.active and now - self.shown > 0.2:
            self.shown = now
            self.stream.write(f"\r  {self.unit} {done:,} of {self.total:,} ({100 * done / self.total:.0f}%)")
            self.stream.flush()

    def finish(self) -> None:
        if self.active:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def cmd_train(args) -> int:
    if not 1 <= args.iterations <= MAX_ITERATIONS:
        raise NetworkFileError("--iterations", "value", f"must be from 1 to {MAX_ITERATIONS:,} (the loss of every "
                               f"iteration is kept, 8 bytes each), found {args.iterations:,}")
    network = str(presets.resolve(args.network))
    if args.trace_iterations is not None and not args.trace:
        raise NetworkFileError("--trace-iterations", "value", "goes with --trace T.csv")
    if args.parameters is not None and not args.trajectories:
        raise NetworkFileError("--parameters", "value", "goes with --trajectories J.csv")
    net = _load(args.network, args.update_order)
    names = [p.name for p in net.parameters()]
    try:
        traced = trajectory.chosen(names, args.parameters)
    except ValueError as e:
        raise NetworkFileError("--parameters", "value", str(e)) from None
    start = 1 if net.state is None else net.state.iteration  # a saved network goes on where it stopped
    end = start + args.iterations  # the iteration the session ends at
    listed = None
    if args.trace_iterations is not None:
        listed = iteration_ranges(args.trace_iterations, start, end - 1)
    paths = _output_paths(args, network)
    say(f"{args.network}: {describe_network(net)}" + (f", from iteration {start:,}" if start > 1 else ""))
    session = Session(net)
    first_loss = session.loss
    progress = _Progress(args.iterations)
    started = time.perf_counter()
    diverged = None
    written = 0
    status = 0
    outputs = Outputs()  # every output written together, once all are complete
    try:
        trace_path = paths.get("--trace")
        with outputs.open(trace_path, "--trace", ENCODING) if trace_path else contextlib.nullcontext() as trace_file:
            rows = TraceRows(session.net, session.layout) if trace_file else None
            writer = csv.writer(trace_file, lineterminator="\n") if trace_file else None
            if writer:
                writer.writerow(COLUMNS)
            try:
                if listed is not None:
                    for step in _train_listed(session, end, listed, writer, rows):
                        progress.update(step - start + 1)
                    written = sum(min(last, session.iteration - 1) - first + 1 for first, last in listed
                                  if first <= session.iteration - 1)
                else:
                    for step in session.train(args.iterations, record_all=bool(trace_file)):
                        progress.update(step.done)
                        if writer:
                            written = _write_new(writer, rows, session, written)
            except TrainingDiverged as e:
                diverged = e
            finally:
                progress.finish()
            if writer and listed is None:
                written = _write_new(writer, rows, session, written)
        elapsed = time.perf_counter() - started
        done = session.iteration - 1  # the last iteration trained
        count = done - start + 1
        history = session.history.values.copy()
        if diverged:
            session.rewind_to_finite()
        say(f"trained {count:,} iteration{'s' if count != 1 else ''} in {elapsed:.2f} s")
        say(f"loss at iteration {start:,}: {first_loss!r}")
        if diverged:
            say(f"error: {diverged}", file=sys.stderr)
            status = EXIT_DIVERGED
        else:
            say(f"loss at iteration {done:,}: {float(history[done - 1])!r}")
            say(f"loss after the last update: {session.loss!r}")
            outs = session.record["out", net.depth]
            for k, s in enumerate(session.record.samples):
                say(f"outputs for sample {int(s) + 1}: " + ", ".join(repr(float(v)) for v in outs[k]))
        done_lines = []
        if "--history" in paths:
            with outputs.open(paths["--history"], "--history") as f:
                for _ in history_to(f, history[: diverged.stopped_at if diverged else done]):
                    pass
            done_lines.append(f"wrote {args.history}")
        if trace_path:
            done_lines.append(f"wrote {args.trace} ({written:,} iterations, {written * len(rows):,} rows)")
        if "--trajectories" in paths:
            paths_kept = session.trajectories
            with outputs.open(paths["--trajectories"], "--trajectories") as f:
                for _ in trajectory.write_rows(f, paths_kept, [names[i] for i in traced], traced):
                    pass
            every = "" if paths_kept.stride == 1 else f"; one iteration in {paths_kept.stride:,}, to keep 32 MB"
            done_lines.append(f"wrote {args.trajectories} ({len(traced):,} parameter{'s' if len(traced) != 1 else ''}, "
                              f"{len(paths_kept):,} iterations{every})")
        if "--out" in paths:
            trained = session.current_network()
            if all(np.isfinite(a).all() for a in trained.weights + trained.biases):
                with outputs.open(paths["--out"], "--out") as f:
                    f.write(dumps(trained))
                updates = session.iteration - 1
                last = " (the last whose parameters are finite)" if diverged else ""
                done_lines.append(f"wrote {args.out} (the network after {updates:,} update{'s' if updates != 1 else ''}{last})")
            else:
                say(f"{args.out} not written: the parameters are no longer finite", file=sys.stderr)
                status = status or EXIT_DIVERGED
        outputs.commit()
        for line in done_lines:
            say(line)
    finally:
        outputs.discard()
    return status


def iteration_ranges(text: str, lowest: int, n: int) -> list[tuple[int, int]]:
    """ "1,37,9999-10000" -> [(1, 1), (37, 37), (9999, 10000)]: sorted, merged, each within
    lowest..n (the iterations a run trains)."""
    ranges = []
    for part in (p.strip() for p in text.split(",")):
        bounds = part.split("-")
        if not part or len(bounds) > 2 or not all(b.strip().isdigit() for b in bounds):
            raise NetworkFileError("--trace-iterations", "value",
                                   f"expected iterations and ranges such as 1,37,9999-10000, found {part[:40]!r}")
        first, last = int(bounds[0]), int(bounds[-1])
        if not lowest <= first <= last <= n:
            raise NetworkFileError("--trace-iterations", "value",
                                   f"{part}: iterations run from {lowest:,} to {n:,} (--iterations), first to last")
        ranges.append((first, last))
    ranges.sort()
    merged = [ranges[0]]
    for first, last in ranges[1:]:
        if first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def _train_listed(session: Session, end: int, listed: list[tuple[int, int]], writer, rows: TraceRows):
    """Train up to iteration `end`, writing the full record of the listed ones only: the session
    trains unrecorded up to each, which it then computes in full as it starts it (the same
    numbers as a full trace). Yields the iterations done."""
    for first, last in listed:
        for k in range(first, last + 1):
            if k > session.iteration:
                for step in session.train(k - session.iteration):
                    yield session.iteration - 1
            writer.writerows(rows.rows(session.record))
    if session.iteration < end:
        for step in session.train(end - session.iteration):
            yield session.iteration - 1


def _write_new(writer, rows: TraceRows, session: Session, written: int) -> int:
    """Write the recorded iterations that are complete and not yet written."""
    last_complete = session.iteration - 1
    first = written + 1
    for rec in session.trace.records(first, last_complete):
        writer.writerows(rows.rows(rec))
        written = rec.iteration
    return written


def cmd_gradcheck(args) -> int:
    net = _load(args.network)
    iteration = 1 if net.state is None else net.state.iteration  # a saved network: the iteration it stopped at
    say(f"{args.network}: {describe_network(net)}" + (f", iteration {iteration:,}" if iteration > 1 else ""))
    progress = _Progress(len(net.parameters()), unit="parameter", at_least=2048)
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


def cmd_new(args) -> int:
    return cli_new.cmd_new(args, _output_paths(args, "")["--out"])


def cmd_explain(args) -> int:
    network = str(presets.resolve(args.network))
    return cli_explain.cmd_explain(args, _output_paths(args, network)["--output"])


def cmd_export(args) -> int:
    cli_export.check(args)
    network = str(presets.resolve(args.network))
    out = _output_paths(args, network, "being exported")["--out"]
    return cli_export.cmd_export(args, _load(args.network), out)


def cmd_practice(args) -> int:
    return cli_practice.cmd_practice(args, _load)


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
    args = _parser().parse_args(argv)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, _terminate)
    try:
        return _run(args)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args) -> int:
    command = {"train": cmd_train, "gradcheck": cmd_gradcheck, "presets": cmd_presets, "new": cmd_new,
               "explain": cmd_explain, "export": cmd_export, "practice": cmd_practice}[args.command]
    try:
        with np.errstate(all="ignore"):
            return command(args)
    except NetworkFileError as e:
        say(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OutputError as e:  # an output that could not be written, before any was renamed over its file
        say(f"error: {e}; no output file was changed", file=sys.stderr)
        return EXIT_WRITE
    except KeyboardInterrupt:
        say("\ninterrupted; no output file was changed", file=sys.stderr)
        return 130
    except Terminated as e:
        say(f"\n{signal.Signals(e.signum).name}: stopped; no output file was changed", file=sys.stderr)
        return 128 + e.signum
