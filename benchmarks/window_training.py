"""How fast the window trains, against the headless engine: reported, not asserted.

    .venv/bin/python benchmarks/window_training.py [--iterations N] [--log] [--display]

For each preset, a default session trains N iterations (100,000 by default) headless
(`Session.run`), then the real window (offscreen unless --display, 1400×860, the worked
example's layout) trains the same N with its Train action while its views follow (the loss
curve, the diagram, the panel, the status bar, every ~100 ms). Printed: iterations per second of
both (the best of --repeats runs, 2 by default) and the ratio window / headless (target ≥ 0.8). With --log the loss curve is on a log
scale; with --kept-runs K the loss curve also draws K kept runs of N + 1 losses each (the headless run's
history, within the 500,000 values kept runs may hold). The user's settings are neither read nor changed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)

PRESETS = ("mazur", "seed-notebook", "xor", "softmax")


def train_in_window(app, MainWindow, net, name: str, n: int, log: bool, runs: tuple = ()) -> float:
    """Iterations per second of the window's Train, its views following, in its event loop."""
    w = MainWindow(net, name)
    w.model.set_runs(runs)
    w.resize(1400, 860)
    w.show()
    if log:
        w.plot.log_scale.setChecked(True)
    app.processEvents()
    seconds, _ = qtwindow.train(w, n)
    assert w.model.session.iteration == n + 1
    qtwindow.close(app, w)
    return n / seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--log", action="store_true", help="the loss curve on a log scale")
    parser.add_argument("--display", action="store_true", help="use the real display, not Qt's offscreen platform")
    parser.add_argument("--repeats", type=int, default=2, help="best of R runs of each (default 2)")
    parser.add_argument("--kept-runs", type=int, default=0, metavar="K", help="K kept runs on the loss curve")
    parser.add_argument("presets", nargs="*", default=PRESETS)
    args = parser.parse_args(argv)
    app = qtwindow.application(args.display)

    from engine import Session, open_network
    from engine.network import runs as kept
    from guiapp.window import MainWindow

    n = args.iterations
    print(f"{n:,} iterations{' (log scale)' if args.log else ''}"
          f"{f', {args.kept_runs} kept runs' if args.kept_runs else ''}")
    print(f"{'preset':<14} {'headless it/s':>14} {'window it/s':>12} {'window / headless':>18}")
    worst = float("inf")
    for name in args.presets:
        net = open_network(name)
        headless = window = 0.0
        for _ in range(args.repeats):  # the best of R: the machine's noise only ever adds time
            session = Session(net)
            started = time.perf_counter()
            session.run(n)
            headless = max(headless, n / (time.perf_counter() - started))
            runs = ()
            for k in range(args.kept_runs):
                runs = kept.keep(runs, f"run {k + 1}", "", {"loss": session.history.values * (1 + k / 10)})
            window = max(window, train_in_window(app, MainWindow, open_network(name), name, n, args.log, runs))
        ratio = window / headless
        worst = min(worst, ratio)
        print(f"{name:<14} {headless:14,.0f} {window:12,.0f} {ratio:18.2f}")
    print(f"lowest ratio: {worst:.2f} (target ≥ 0.8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
