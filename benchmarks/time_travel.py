"""How long a jump to any iteration takes after a long training, and what keeping them all costs.

    .venv/bin/python benchmarks/time_travel.py [--iterations N] [--jumps J] [--presets a,b] [--no-window]

Each preset (the worked example by default, trained N = 1,000,000 iterations) is trained
headless; then J iterations drawn at random (seeded) from the whole timeline, and the worst
one (the iteration just before the archive's widest gap between two checkpoints: the longest
replay), are gone to:

  - by the engine (`Session.go_to_iteration`: the replay from the checkpoint before it and the
    record of the iteration computed again);
  - by the window (offscreen, 1400×860, the session shown by it): typed into the timeline's box,
    the views following, and the window painted.

It reports the median and the longest jump, in seconds and in iterations of training (the
jump's time over one trained iteration's, a ratio that the machine's speed does not move), and
the memory the timeline takes: checkpoints (recent tier and archive), the archive's spacing,
the trajectories and the loss history. Every jump is checked against the loss history (the
record's loss must equal it, bit for bit). Times are the best of 3 for each iteration.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)

import engine  # noqa: E402

WINDOW_SIZE = (1400, 860)


def best_of(n: int, run) -> float:
    best = float("inf")
    for _ in range(n):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def targets(s: engine.Session, jumps: int, seed: int = 12) -> list[int]:
    """Random iterations of the timeline, and the one with the longest replay."""
    rng = random.Random(seed)
    picked = [rng.randint(s.first, s.latest) for _ in range(jumps)]
    keys = s.trace._keys
    gaps = [(b - a, b - 1) for a, b in zip(keys, keys[1:])]
    worst = max(gaps)[1] if gaps else s.latest
    return picked + [worst]


def engine_jumps(s: engine.Session, its: list[int]) -> list[float]:
    out = []
    for k in its:
        def go(k=k):
            s.go_to_iteration(k)
            s.trace._rows.clear()  # each time from its checkpoint: no row kept from the run before
        out.append(best_of(3, go))
        s.go_to_iteration(k)
        assert s.record.batch_loss == s.history.values[k - 1], k
    s.back_to_latest()
    return out


def window_jumps(s: engine.Session, name: str, its: list[int]) -> list[float]:
    app = qtwindow.application()
    from guiapp.window import MainWindow

    w = MainWindow(engine.open_network(name), name)
    w.resize(*WINDOW_SIZE)
    w.show()
    app.processEvents()
    w.model.set_session(s, name)
    app.processEvents()
    out = []
    for k in its:
        def go(k=k):
            s.trace._rows.clear()
            w.timeline.box.setValue(k)  # as typed and entered
            app.processEvents()
            w.grab()  # painted, every widget
        w.timeline.box.setValue(s.first if k != s.first else s.latest)
        out.append(best_of(3, go))
        assert s.iteration == k and w.timeline.slider.value() == k
    w.undo_stack.setClean()
    w.close()
    return out


def report(name: str, n: int, s: engine.Session, train_seconds: float, eng: list[float], win: list[float] | None):
    per_iteration = train_seconds / n
    trace = s.trace
    archive_mb = trace._archive_bytes / 2**20
    print(f"\n{name}: {n:,} iterations trained in {train_seconds:.1f} s ({per_iteration * 1e6:.1f} µs each)")
    print(f"  timeline: iterations {s.first:,}..{s.latest:,}, {trace.checkpoints:,} checkpoints "
          f"({trace.memory() / 2**20:.1f} MB, of which the archive {archive_mb:.1f} MB of "
          f"{trace.archive_budget / 2**20:.0f}), archive spacing {trace.spacing:,}, recent tier "
          f"{trace.capacity:,} iterations every {trace.interval}")
    paths = s.trajectories
    print(f"  trajectories: {len(paths):,} rows, one iteration in {paths.stride:,}, {paths.bytes / 2**20:.1f} MB; "
          f"loss history {s.history.values.nbytes / 2**20:.1f} MB")
    for what, times in (("engine", eng), ("window", win)):
        if times is None:
            continue
        median, worst = statistics.median(times[:-1]), max(times)
        print(f"  jump ({what}): median {median * 1e3:.1f} ms, longest {worst * 1e3:.1f} ms "
              f"(the widest gap's: {times[-1] * 1e3:.1f} ms) = {worst / per_iteration:,.0f} iterations of training")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", "-n", type=int, default=1_000_000)
    parser.add_argument("--jumps", type=int, default=30)
    parser.add_argument("--presets", default="mazur", help="comma-separated presets or network files")
    parser.add_argument("--no-window", action="store_true", help="the engine's jumps only")
    args = parser.parse_args(argv)
    for name in args.presets.split(","):
        s = engine.Session(engine.open_network(name))
        started = time.perf_counter()
        s.run(args.iterations)
        train_seconds = time.perf_counter() - started
        its = targets(s, args.jumps)
        eng = engine_jumps(s, its)
        win = None if args.no_window else window_jumps(s, name, its)
        report(name, args.iterations, s, train_seconds, eng, win)
    return 0


if __name__ == "__main__":
    sys.exit(main())
