"""What the output map costs: reported, not asserted.

    .venv/bin/python benchmarks/output_map.py [--iterations N] [--repeats R] [--display]

(a) One refresh of the map for a 2-8-8-1 network on a 100×100 grid: the engine's grid alone,
    the view's refresh (grid, image, colour bar, samples), and that refresh with the map painted
    at once (the whole plot's repaint), the median of many (target under 10 ms).
(b) The window's Train of a 2-8-8-1 tanh/tanh/sigmoid bce network on 200 spiral samples
    (engine.files.datasets, tests/spiral.py), N iterations (200,000 by default) with the map shown and
    with it hidden (View ▸ Output map), the best of R runs each (2 by default, alternating):
    iterations per second and the ratio shown / hidden (target ≥ 0.8). The window is offscreen
    unless --display, 1400×860. The user's settings are neither read nor changed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)


def refresh_times(app, MainWindow, net, samples: int = 200) -> tuple[float, float, float]:
    """Median seconds of the engine's grid, of the view's refresh and of the refresh with its
    repaint (a new θ each time)."""
    from engine.network import outputmap

    w = MainWindow(net, "spiral")
    w.resize(1400, 860)
    w.show()
    app.processEvents()
    s, view = w.model.session, w.output_map
    bounds = outputmap.extent(s.net.inputs)
    assert outputmap.resolution(s.net.sizes, 100) == 100
    grid, whole, painted = [], [], []
    for k in range(samples):
        s.params.theta[0] += 1e-6  # another θ: the view computes its picture again
        started = time.perf_counter()
        outputmap.grid(s.plan, s.params, 0, bounds, 100)
        grid.append(time.perf_counter() - started)
        started = time.perf_counter()
        view.refresh()
        whole.append(time.perf_counter() - started)
        s.params.theta[0] += 1e-6
        started = time.perf_counter()
        view.refresh()
        view.plot.viewport().repaint()
        painted.append(time.perf_counter() - started)
    assert view.shown_image().shape == (100, 100)
    w.undo_stack.setClean()
    w.close()
    w.deleteLater()
    app.processEvents()
    return statistics.median(grid), statistics.median(whole), statistics.median(painted)


def train_rate(app, MainWindow, net, n: int, shown: bool) -> float:
    """Iterations per second of the window's Train, the views following, in its event loop."""
    w = MainWindow(net, "spiral")
    w.resize(1400, 860)
    w.show()
    w.actions["output_map"].setChecked(shown)
    app.processEvents()
    assert w.output_map.isVisible() == shown
    seconds, _ = qtwindow.train(w, n)
    assert w.model.session.iteration == n + 1
    qtwindow.close(app, w)
    return n / seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=2, help="best of R runs of each (default 2)")
    parser.add_argument("--display", action="store_true", help="use the real display, not Qt's offscreen platform")
    args = parser.parse_args(argv)
    app = qtwindow.application(args.display)

    from guiapp.window import MainWindow
    from tests.spiral import spiral_network

    grid, whole, painted = refresh_times(app, MainWindow, spiral_network())
    print(f"(a) 2-8-8-1, 100×100 grid: engine grid {grid * 1e3:.2f} ms, the view's refresh {whole * 1e3:.2f} ms, "
          f"refresh and repaint {painted * 1e3:.2f} ms (medians; target < 10 ms)")
    n = args.iterations
    shown = hidden = 0.0
    for _ in range(args.repeats):  # the best of R, alternating: the machine's noise only ever adds time
        hidden = max(hidden, train_rate(app, MainWindow, spiral_network(), n, shown=False))
        shown = max(shown, train_rate(app, MainWindow, spiral_network(), n, shown=True))
    print(f"(b) window Train, 2-8-8-1 on 200 spiral samples, {n:,} iterations: map hidden {hidden:,.0f} it/s, "
          f"shown {shown:,.0f} it/s, shown / hidden {shown / hidden:.2f} (target ≥ 0.8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
