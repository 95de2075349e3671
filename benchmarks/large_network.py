"""How the window copes with large networks: reported, not asserted.

    .venv/bin/python benchmarks/large_network.py [NAME ...] [--size 1400x860] [--iterations N,M] [--display]

NAME is one of the networks below (all by default):

    spiral    tests/data/spiral-2-64-64-3.json: 300 samples in mini-batches of 30, two layers of 64
    wide      2-64-3 softmax on the same 300 samples in one batch (the sample box lists 300)
    largest   the largest network the limits accept: 16 layers of 60 sigmoid units, one sample

For each, the real window (offscreen unless --display) is measured in seconds: opening it
(construction, first layout and paint), one step's refresh (the model's step, the views
following and the repaint: the median and the longest of a walk through the iteration, into
folded units, across the backward pass and the update), Finish iteration, selecting a unit
whose formula has a term for every unit of the layer before, choosing another sample in the
sample box, and View ▸ Show all units and back. Then the window trains N iterations (1,000 and
10,000 by default, each from the start) with its views following, against the same training
headless (the best of --repeats runs of each, 2 by default): iterations per second of both and
their ratio, with the longest gap of a 10 ms timer meanwhile (how long the window could not
answer, the longest of the runs). The user's settings are neither read nor changed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)

SPIRAL = ROOT / "tests" / "data" / "spiral-2-64-64-3.json"


def spiral():
    from engine import open_network

    return open_network(str(SPIRAL))


def wide():
    """The spiral's samples, one batch of all 300, through one layer of 64."""
    from engine.files import netfile

    data = netfile.to_dict(spiral())
    data.update(layers=[2, 64, 3], activations=["tanh", "softmax"], batch_size=None, seed=2, name="Spirals (2-64-3)")
    del data["weights"], data["biases"]
    return netfile.parse(data)


def largest():
    """16 layers of 60 sigmoid units (54,900 parameters, 224,282 computations per iteration)."""
    from engine.files import netfile

    return netfile.parse({"name": "Largest (16 × 60)", "layers": [60] * 16, "activations": ["sigmoid"] * 15,
                          "loss": "half_sse", "seed": 1, "optimizer": {"name": "sgd", "learning_rate": 0.5},
                          "samples": [{"input": [0.01 * k for k in range(60)], "target": [0.5] * 60}]})


NETWORKS = {"spiral": spiral, "wide": wide, "largest": largest}


def timed(app, action) -> float:
    """Seconds for `action` and the events it leaves (the views' refresh and repaint)."""
    started = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - started


def walk(app, w, count: int = 40) -> list[float]:
    """Seconds of single steps at places spread over the iteration (each after a jump there)."""
    session = w.model.session
    n = len(session.steps)
    times = []
    for k in range(count):
        w.model.go_to(max(-1, k * n // count - 1))
        app.processEvents()
        times.append(timed(app, w.model.step))
    return times


def train(app, w, n: int) -> tuple[float, float]:
    """Iterations per second of the window's Train, and the longest gap of a 10 ms timer meanwhile."""
    seconds, gap = qtwindow.train(w, n, tick_ms=10)
    return n / seconds, gap


def measure(app, name: str, size: tuple[int, int], n: list[int], repeats: int) -> None:
    from engine import Session
    from guiapp.model.session import UnitRef
    from guiapp.window import MainWindow

    net = NETWORKS[name]()
    print(f"\n{name}: {'-'.join(map(str, net.sizes))}, {net.n_samples} sample{'s' if net.n_samples > 1 else ''}, {net.batch} per iteration, "
          f"{len(net.parameters()):,} parameters")
    started = time.perf_counter()
    w = MainWindow(net, name)
    w.resize(*size)
    w.show()
    app.processEvents()
    opened = time.perf_counter() - started
    steps = len(w.model.session.steps)
    print(f"  open the window              {opened:8.3f} s   ({steps:,} computations per iteration; "
          f"{len(w.diagram.scene().items()):,} scene items)")
    times = walk(app, w)
    print(f"  one step (median, longest)   {statistics.median(times):8.3f} s  {max(times):.3f} s   "
          f"({len(times)} steps over the iteration)")
    w.model.go_to(-1)
    app.processEvents()
    print(f"  finish iteration             {timed(app, w.model.finish_iteration):8.3f} s")
    sizes = net.sizes
    layer = max(range(1, len(sizes)), key=lambda l: (sizes[l - 1], l))  # the most inputs, the last such layer
    unit = sizes[layer] - 1
    seconds = timed(app, lambda: w.model.set_selection(UnitRef(layer, unit)))
    text = w.panel.selected.toPlainText()
    print(f"  select {net.unit_name(layer, unit):<8} ({sizes[layer - 1]} inputs) {seconds:8.3f} s   "
          f"(its panel: {len(text):,} characters, scrolls {w.panel.selected.verticalScrollBar().maximum() > 0})")
    if w.sample_box.count() > 1:
        last = w.sample_box.count() - 1
        print(f"  sample box: sample {last + 1:<8}  {timed(app, lambda: w.sample_box.setCurrentIndex(last)):8.3f} s   "
              f"({w.sample_box.count()} samples listed)")
    show_all = w.actions.get("show_all_units")
    if show_all is not None and show_all.isEnabled():
        seconds = timed(app, show_all.trigger)
        items = len(w.diagram.scene().items())
        step = timed(app, w.model.step)
        back = timed(app, show_all.trigger)
        print(f"  show all units, a step, fold {seconds:8.3f} s  {step:.3f} s  {back:.3f} s   ({items:,} scene items)")
    elif show_all is not None:
        print(f"  show all units               not offered: {len(net.parameters()):,} edges to draw")
    for count in n:
        headless_rate = window_rate = gap = 0.0
        for _ in range(repeats):  # the best of R: the machine's noise only ever adds time
            headless = Session(net)
            started = time.perf_counter()
            headless.run(count)
            headless_rate = max(headless_rate, count / (time.perf_counter() - started))
            w.model.reset()
            app.processEvents()
            rate, longest = train(app, w, count)
            window_rate, gap = max(window_rate, rate), max(gap, longest)
        print(f"  train {count:,}: headless {headless_rate:,.0f} it/s, window {window_rate:,.0f} it/s, "
              f"window / headless {window_rate / headless_rate:.2f}; longest gap of a 10 ms timer {gap * 1000:.0f} ms")
    w.undo_stack.setClean()
    w.close()
    w.deleteLater()
    app.processEvents()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="*", choices=[[], *NETWORKS], help=f"any of {', '.join(NETWORKS)} (all by default)")
    parser.add_argument("--size", default="1400x860", help="window size (default 1400x860)")
    parser.add_argument("--iterations", default="1000,10000",
                        help="iterations to train, comma-separated (default 1000,10000)")
    parser.add_argument("--repeats", type=int, default=2, help="training: the best of R runs of each (default 2)")
    parser.add_argument("--display", action="store_true", help="use the real display, not Qt's offscreen platform")
    args = parser.parse_args(argv)
    app = qtwindow.application(args.display)
    app.setStyle("Fusion")
    size = tuple(int(v) for v in args.size.lower().split("x"))
    print(f"window {size[0]}×{size[1]}; machine: {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name in args.networks or NETWORKS:
        measure(app, name, size, [int(k) for k in args.iterations.split(",")], args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
