"""python -m engine train: train a network and write its trace, loss history, trajectories and
the trained network; evaluate it as it trains (test loss, accuracies: engine.session.evaluation)
and stop early (--patience, --until-loss)."""
from __future__ import annotations

import contextlib
import csv
import math
import sys
import time

import numpy as np

from engine.cli.loader import NUMBER, WHOLE, TerminalProgress, load_network, output_paths
from engine.cli.terminal import EXIT_DIVERGED, say
from engine.concepts.formula import exact
from engine.files import presets
from engine.files.atomic import Outputs
from engine.files.netfile import NetworkFileError, thinned_line, written as network_text
from engine.network.limits import MAX_EVALUATION_BYTES
from engine.network.network import UPDATE_ORDERS, Network, summary as describe_network
from engine.network.numbers import digits_only, quoted
from engine.record.tracecsv import COLUMNS, ENCODING, TraceRows
from engine.session import trajectory
from engine.session.evaluation import BUDGET, Evaluations, measures
from engine.session.export import history_to
from engine.session.runs import history_columns, keep
from engine.network import runs as kept
from engine.session.session import MAX_ITERATIONS, Session, TrainingDiverged


def add_parser(sub) -> None:
    train = sub.add_parser("train", help="train a network and write its trace, loss history and trained network")
    train.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    train.add_argument("--iterations", "-n", type=WHOLE, required=True, help="number of updates")
    train.add_argument("--trace", metavar="T.csv", help="write every quantity of every iteration")
    train.add_argument("--history", metavar="H.csv",
                       help="write iteration,loss (and test_loss, accuracy, test_accuracy where they apply)")
    train.add_argument("--out", metavar="TRAINED.json", help="write the trained network")
    train.add_argument("--update-order", choices=UPDATE_ORDERS, help="override the file's update order")
    train.add_argument("--trace-iterations", metavar="LIST",
                       help="with --trace: only these iterations, e.g. 1,37,9999-10000 (bounded memory)")
    train.add_argument("--trajectories", metavar="J.csv",
                       help="write each parameter's value, gradient and velocity at every iteration (as the window's "
                            "File > Export trajectories; one iteration in 2, 4, ... beyond 32 MB)")
    train.add_argument("--parameters", metavar="LIST", help="with --trajectories: only these, e.g. w1,w5,b_o1")
    # evaluation as it trains, and stopping early (engine.session.evaluation)
    train.add_argument("--eval-every", type=WHOLE, metavar="K",
                       help="evaluate (test loss, accuracies) every K-th iteration and the last (default: every one)")
    train.add_argument("--patience", type=WHOLE, metavar="P",
                       help="stop when the test loss has not reached a new minimum for P evaluations")
    train.add_argument("--until-loss", type=NUMBER, metavar="X", help="stop once the batch loss is below X")
    train.add_argument("--keep", metavar="NAME", help="with --out: keep this run's loss history in the network "
                                                      "written, under NAME, beside its kept runs")
    train.add_argument("--runs-from", metavar="R.json", help="with --out: the network written keeps the kept runs "
                                                             "of R.json too (a network file)")


def cmd_train(args) -> int:
    if not 1 <= args.iterations <= MAX_ITERATIONS:
        raise NetworkFileError("--iterations", "value", f"must be from 1 to {MAX_ITERATIONS:,} (the loss of every "
                               f"iteration is kept, 8 bytes each), found {args.iterations:,}")
    network = str(presets.resolve(args.network))
    if args.trace_iterations is not None and not args.trace:
        raise NetworkFileError("--trace-iterations", "value", "goes with --trace T.csv")
    if args.parameters is not None and not args.trajectories:
        raise NetworkFileError("--parameters", "value", "goes with --trajectories J.csv")
    net = load_network(args.network, args.update_order)
    names = [p.name for p in net.parameters()]
    try:
        traced = trajectory.chosen(names, args.parameters)
    except ValueError as e:
        raise NetworkFileError("--parameters", "value", str(e)) from None
    runs = kept_runs_of(args, net)
    start = 1 if net.state is None else net.state.iteration  # a saved network goes on where it stopped
    end = start + args.iterations  # the iteration the session ends at
    evaluations = _evaluations(args, net, start)
    listed = None
    if args.trace_iterations is not None:
        listed = iteration_ranges(args.trace_iterations, start, end - 1)
    paths = output_paths(args, {network: "the network file being trained"})
    session = Session(net)
    if args.keep is not None:  # room for the run: iterations 1 to `end`
        problem = kept.room_problem(runs, end, len(history_columns(session, evaluations)))
        if problem is not None:
            raise NetworkFileError("--keep", "value", problem)
    say(f"{args.network}: {describe_network(net)}" + (f", from iteration {start:,}" if start > 1 else ""))
    first_loss = session.loss
    progress = TerminalProgress(args.iterations)
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
                    for step in _train_listed(session, end, listed, writer, rows, evaluations):
                        progress.update(step - start + 1)
                    written = sum(min(last, session.iteration - 1) - first + 1 for first, last in listed
                                  if first <= session.iteration - 1)
                else:
                    for step in session.train(args.iterations, record_all=bool(trace_file), watch=evaluations):
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
        say(f"loss at iteration {start:,}: {exact(first_loss)}")
        if diverged:
            say(f"error: {diverged}", file=sys.stderr)
            status = EXIT_DIVERGED
        else:
            say(f"loss at iteration {done:,}: {exact(history[done - 1])}")
            say(f"loss after the last update: {exact(session.loss)}")
            outs = session.record["out", net.depth]
            for k, s in enumerate(session.record.samples):
                say(f"outputs for sample {int(s) + 1}: " + ", ".join(exact(v) for v in outs[k]))
            if evaluations is not None:
                _evaluated(session, evaluations, done, end, args)
        done_lines = []
        if "--history" in paths:
            with outputs.open(paths["--history"], "--history") as f:
                penalties = session.penalty_history
                for _ in history_to(f, history[: diverged.stopped_at if diverged else done], evaluations,
                                    trained=None if penalties is None else {"penalty": penalties.copy()}):
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
            trained, what = _trained(session, evaluations, diverged)
            trained.runs = runs if args.keep is None else keep(session, args.keep, runs, evaluations)
            if all(np.isfinite(a).all() for a in trained.weights + trained.biases):
                try:
                    text, every = network_text(trained, args.out)  # refused (too large) before it is opened
                except NetworkFileError as e:
                    raise NetworkFileError(args.out, "--out", e.problem) from None
                with outputs.open(paths["--out"], "--out") as f:
                    f.write(text)
                del text
                done_lines.append(f"wrote {args.out} ({what}{_kept_line(args.keep, trained.runs)})")
                if every > 1:
                    done_lines.append(f"{args.out}: {thinned_line(every)}")
            else:
                say(f"{args.out} not written: the parameters are no longer finite", file=sys.stderr)
                status = status or EXIT_DIVERGED
        outputs.commit()
        for line in done_lines:
            say(line)
    finally:
        outputs.discard()
    return status


def _evaluations(args, net: Network, start: int) -> Evaluations | None:
    """What training evaluates as it goes and what stops it early, checked before any work: None
    where there is nothing to evaluate and nothing to stop at."""
    found = measures(net)
    if args.eval_every is not None:
        if not found:
            raise NetworkFileError("--eval-every", "value", "this network has nothing to evaluate: no test_samples, "
                                   "and a loss that does not classify")
        if args.eval_every < 1:
            raise NetworkFileError("--eval-every", "value", f"must be a whole number ≥ 1, found {args.eval_every}")
    if args.patience is not None:
        if not net.n_test:
            raise NetworkFileError("--patience", "value", "needs test samples (the network file's test_samples)")
        if args.patience < 1:
            raise NetworkFileError("--patience", "value", f"must be a whole number ≥ 1, found {args.patience}")
    if not found and args.until_loss is None:
        return None
    # evaluated as training goes only where something keeps the numbers: the history, the kept
    # run, patience (else only the last iteration is, for what is printed: no time spent)
    wanted = args.history or args.keep is not None or args.patience is not None or args.eval_every is not None
    every = (args.eval_every or 1) if wanted else 0
    if found and every and _kept(args.iterations, every, net) > MAX_EVALUATION_BYTES:
        rows = MAX_EVALUATION_BYTES // Evaluations.bytes_for(1, net) - 2  # besides the first and the last
        least = args.iterations // (rows + 1) + 1  # the least K with iterations // K <= rows
        raise NetworkFileError("--eval-every", "value", f"evaluating every {every:,} of {args.iterations:,} iterations "
                               f"would keep {_kept(args.iterations, every, net) / 1e6:,.0f} MB of evaluations, at most "
                               f"{MAX_EVALUATION_BYTES / 1e6:,.0f}: give --eval-every {least:,} or more")
    return Evaluations(net, every, start, args.patience, args.until_loss)


def _kept(iterations: int, every: int, net: Network) -> int:
    """The bytes the evaluations of `iterations` iterations keep, every `every`-th and the last."""
    return Evaluations.bytes_for(iterations // every + 2, net)


def _evaluated(session: Session, evaluations: Evaluations, done: int, end: int, args) -> None:
    """After training: the last iteration trained evaluated if it was not, and what was found said."""
    if evaluations.measures and evaluations.at(done) is None:
        params, _ = session.trace.start(done)
        evaluations.see(done, params)
    if done < end - 1:  # stopped early
        if evaluations.stop <= done:
            say(f"stopped after iteration {done:,}: the test loss had not reached a new minimum for "
                f"{args.patience:,} evaluation{'s' if args.patience != 1 else ''}")
        else:
            say(f"stopped after iteration {done:,}: its loss is below {exact(args.until_loss)}")
    if evaluations.best is not None:
        say(f"best iteration: {evaluations.best:,} (test loss {exact(evaluations.best_loss)})")
    values = evaluations.at(done)
    for m, v in zip(evaluations.measures, [] if values is None else values):
        say(f"{m.title} at iteration {done:,}: {exact(v)}")
    share = evaluations.share()
    if evaluations.measures and share > BUDGET and evaluations.seconds > 0.1:
        every = math.ceil(evaluations.every * share / BUDGET)
        say(f"evaluating took {share:.0%} as long as training; --eval-every {every:,} would keep it within "
            f"{BUDGET:.0%}")


def _trained(session: Session, evaluations: Evaluations | None, diverged) -> tuple[Network, str]:
    """The network --out writes and what it is: as the best iteration starts after --patience
    stopped training, else after the last update."""
    if evaluations is not None and evaluations.stop < session.iteration and evaluations.best is not None:
        best = evaluations.best
        session.go_to_iteration(best)
        return session.current_network(), f"the network as iteration {best:,} starts, the best"
    updates = session.iteration - 1
    last = " (the last whose parameters are finite)" if diverged else ""
    return session.current_network(), f"the network after {updates:,} update{'s' if updates != 1 else ''}{last}"


def kept_runs_of(args, net) -> tuple:
    """The kept runs of the network --out writes, before the run --keep adds: NETWORK's, then
    those of --runs-from; checked before any work (one line: a name given twice, too many)."""
    for option in ("keep", "runs_from"):
        if getattr(args, option) is not None and not args.out:
            raise NetworkFileError(f"--{option.replace('_', '-')}", "value", "goes with --out TRAINED.json: the "
                                   "network written keeps the runs")
    runs = tuple(net.runs)
    if args.runs_from is not None:
        for k, run in enumerate(load_network(args.runs_from).runs):
            problem = kept.name_problem(run.name, runs) or kept.room_problem(runs, len(run), len(run.columns))
            if problem is not None:
                raise NetworkFileError(args.runs_from, f"--runs-from: kept_runs[{k}]", problem)
            runs += (run,)
    if args.keep is not None:
        problem = kept.name_problem(args.keep, runs)
        if problem is not None:
            raise NetworkFileError("--keep", "value", problem)
    return runs


def _kept_line(name: str | None, runs: tuple) -> str:
    if name is None:
        return f"; {len(runs)} kept run{'s' if len(runs) != 1 else ''}" if runs else ""
    return f"; kept this run as “{runs[-1].label}”: {len(runs)} kept run{'s' if len(runs) != 1 else ''}"


def iteration_ranges(text: str, lowest: int, n: int) -> list[tuple[int, int]]:
    """ "1,37,9999-10000" -> [(1, 1), (37, 37), (9999, 10000)]: sorted, merged, each within
    lowest..n (the iterations a run trains)."""
    ranges = []
    for part in (p.strip() for p in text.split(",")):
        bounds = part.split("-")
        try:
            numbers = [digits_only(b) for b in bounds]
        except ValueError as e:  # more digits than any iteration has
            raise NetworkFileError("--trace-iterations", "value", str(e)) from None
        if not part or len(bounds) > 2 or None in numbers:
            raise NetworkFileError("--trace-iterations", "value",
                                   f"expected iterations and ranges such as 1,37,9999-10000, found {quoted(part)}")
        first, last = numbers[0], numbers[-1]
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


def _train_listed(session: Session, end: int, listed: list[tuple[int, int]], writer, rows: TraceRows,
                  watch: Evaluations | None):
    """Train up to iteration `end`, writing the full record of the listed ones only: the session
    trains unrecorded up to each, which it then computes in full as it starts it (the same
    numbers as a full trace). Yields the iterations done. (Once the watch stops training, the
    listed iterations after it are not trained or written.)"""
    def stopped() -> bool:  # after the iteration just trained
        k = session.iteration - 1
        return watch is not None and watch.stops(k, session.history.values[k - 1])

    for first, last in listed:
        for k in range(first, last + 1):
            if k > session.iteration:
                for step in session.train(k - session.iteration, watch=watch):
                    yield session.iteration - 1
                if stopped():
                    return
            writer.writerows(rows.rows(session.record))
    if session.iteration < end:
        for step in session.train(end - session.iteration, watch=watch):
            yield session.iteration - 1


def _write_new(writer, rows: TraceRows, session: Session, written: int) -> int:
    """Write the recorded iterations that are complete and not yet written."""
    last_complete = session.iteration - 1
    first = written + 1
    for rec in session.trace.records(first, last_complete):
        writer.writerows(rows.rows(rec))
        written = rec.iteration
    return written
