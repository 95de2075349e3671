"""What the unit maps cost (View ▸ Unit maps, issue 20): reported, not asserted.

    .venv/bin/python benchmarks/unit_maps.py [--iterations N] [--repeats R] [--display]

(a) One refresh of all the maps of a 2-8-8-1 network (17 units, 100×100 points each): the engine's
    grids alone (`outputmap.unit_grids`, one forward pass), the maps' refresh (grids, colour scales,
    images, the units given them; target: at most 20 ms), and that refresh with the diagram repainted
    at once; then the diagram's repaint alone with the maps and without them (what drawing them
    adds); the median of many, each for a new θ.
(b) The window's Train of a 2-8-8-1 tanh/tanh/sigmoid bce network on 200 spiral samples
    (tests/spiral.py), N iterations (100,000 by default) with the unit maps shown, against the same
    training headless (`Session.run`) and against the window with them hidden; the best of R runs
    each (2 by default): iterations per second and the ratios (target: shown / headless ≥ 0.8).
The window is offscreen unless --display, 1400×860, its output map shown as it opens by default.
The user's settings are neither read nor changed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)


def refresh_times(app, MainWindow, net, samples: int = 200) -> tuple[float, ...]:
    """Median seconds of the engine's grids, of the maps' refresh, of the refresh with the
    diagram's repaint (a new θ each time), and of the diagram's repaint with and without the maps."""
    from engine.network import outputmap

    w = MainWindow(net, "spiral")
    w.resize(1400, 860)
    w.show()
    w.model.set_unit_maps(True)
    app.processEvents()
    s, maps = w.model.session, w.diagram.unit_maps
    units = maps.units()
    assert len(units) == 17
    bounds = outputmap.extent(s.net.inputs)
    grids, whole, painted = [], [], []
    for _ in range(samples):
        s.params.theta[0] += 1e-6  # another θ: the maps are computed again
        started = time.perf_counter()
        outputmap.unit_grids(s.plan, s.params, units, bounds, 100)
        grids.append(time.perf_counter() - started)
        started = time.perf_counter()
        maps.refresh()
        whole.append(time.perf_counter() - started)
        s.params.theta[0] += 1e-6
        started = time.perf_counter()
        maps.refresh()
        w.diagram.viewport().repaint()
        painted.append(time.perf_counter() - started)
    assert all(maps.grids[u].shape == (100, 100) for u in units)
    repaints = {}
    for shown in (True, False):
        w.model.set_unit_maps(shown)
        app.processEvents()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            w.diagram.viewport().repaint()
            times.append(time.perf_counter() - started)
        repaints[shown] = statistics.median(times)
    qtwindow.close(app, w)
    return (statistics.median(grids), statistics.median(whole), statistics.median(painted), repaints[True],
            repaints[False])


def train_rate(app, MainWindow, net, n: int, shown: bool) -> float:
    """Iterations per second of the window's Train, the views following, in its event loop."""
    w = MainWindow(net, "spiral")
    w.resize(1400, 860)
    w.show()
    w.model.set_unit_maps(shown)
    app.processEvents()
    assert bool(w.diagram.unit_maps.grids) == shown
    seconds, _ = qtwindow.train(w, n)
    assert w.model.session.iteration == n + 1
    qtwindow.close(app, w)
    return n / seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2, help="best of R runs of each (default 2)")
    parser.add_argument("--display", action="store_true", help="use the real display, not Qt's offscreen platform")
    args = parser.parse_args(argv)
    app = qtwindow.application(args.display)

    from engine import Session
    from guiapp.window import MainWindow
    from tests.spiral import spiral_network

    grids, whole, painted, with_maps, without = refresh_times(app, MainWindow, spiral_network())
    print(f"(a) 2-8-8-1, 17 maps of 100×100: engine grids {grids * 1e3:.2f} ms, the maps' refresh {whole * 1e3:.2f} ms "
          f"(target ≤ 20 ms), refresh and repaint {painted * 1e3:.2f} ms; the diagram's repaint "
          f"{with_maps * 1e3:.2f} ms with the maps, {without * 1e3:.2f} ms without (medians)")
    n = args.iterations
    headless = shown = hidden = 0.0
    for _ in range(args.repeats):  # the best of R, alternating: the machine's noise only ever adds time
        started = time.perf_counter()
        Session(spiral_network()).run(n)
        headless = max(headless, n / (time.perf_counter() - started))
        hidden = max(hidden, train_rate(app, MainWindow, spiral_network(), n, shown=False))
        shown = max(shown, train_rate(app, MainWindow, spiral_network(), n, shown=True))
    print(f"(b) Train, 2-8-8-1 on 200 spiral samples, {n:,} iterations: headless {headless:,.0f} it/s, window with "
          f"unit maps hidden {hidden:,.0f} it/s, shown {shown:,.0f} it/s; shown / headless {shown / headless:.2f} "
          f"(target ≥ 0.8), shown / hidden {shown / hidden:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
