"""What laying the diagram out costs: `guiapp.diagram.layout.choose`, reported, not asserted.

    .venv/bin/python benchmarks/diagram_layout.py                # the named networks and 40 random shapes
    .venv/bin/python benchmarks/diagram_layout.py --random 200 --seed 7

For each network and view size, the diagram (alone in its view, offscreen) is laid out as the
window lays it out; then the same layout is made again and timed in the main thread's CPU time
(best of 3), with the plans it made and the checks it spent (guiapp.diagram.layout.MAX_CHECKS
at most). Printed per case, then the worst case, its ratio to the watchdog's bound (1 s, the
longest the window may leave its event loop, tests/watchdog.py), and the layouts that ran out
of checks made again without the budget (the ratio: what the bound saves on them). The named networks:
the 2-8-8-1 and 2-8-8-8-1 spirals, a 3-4-4-4-4-2, 16 layers of 60 (folded, and one layer shown
whole) and the 2-64-64-3 spiral with every unit shown; the random ones have 3 to 10 layers of
1 to 8 units.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)

SIZES = ((1015, 447), (675, 279), (1400, 700), (1900, 1000), (800, 600), (300, 200))
BOUND = 1.0  # seconds: tests/watchdog.py


def network(sizes):
    """The 2-8-8-1 spiral of the tests (200 samples), its structure changed to `sizes`."""
    from engine.files import design as designs, netfile
    from tests.spiral import spiral_network

    if sizes == [60] * 16:  # one sample: the limits take 16 × 60 with one sample per iteration
        return netfile.parse({"layers": sizes, "activations": ["sigmoid"] * 15, "loss": "half_sse", "seed": 1,
                              "optimizer": {"name": "sgd", "learning_rate": 0.5},
                              "samples": [{"input": [0.01 * k for k in range(60)], "target": [0.5] * 60}]})
    net = spiral_network()
    d = designs.design_of(net)
    d.sizes, d.activations, d.batch_size = list(sizes), ["tanh"] * (len(sizes) - 2) + ["sigmoid"], 1
    inputs, targets = designs.fit_samples(net.inputs, net.targets, d.sizes, d.loss)
    return designs.build(d, inputs, targets)


def cases(n_random: int, seed: int):
    from engine import open_network

    yield "2-8-8-1", network([2, 8, 8, 1]), None
    yield "2-8-8-8-1", network([2, 8, 8, 8, 1]), None
    yield "3-4-4-4-4-2", network([3, 4, 4, 4, 4, 2]), None
    yield "16×60", network([60] * 16), None
    yield "16×60, layer 5 whole", network([60] * 16), {5}
    yield "2-64-64-3, all shown", open_network(str(ROOT / "tests" / "data" / "spiral-2-64-64-3.json")), "all"
    rng = random.Random(seed)
    for _ in range(n_random):
        sizes = [rng.randint(1, 8) for _ in range(rng.randint(3, 10))]
        yield "-".join(map(str, sizes)), network(sizes), None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=40, help="random shapes (default 40)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    app = qtwindow.application()

    from guiapp.diagram import layout
    from guiapp.diagram.view import DiagramView
    from guiapp.model.session import SessionModel

    asked = []  # the arguments of each choose the view made
    choose = layout.choose
    layout.choose = lambda *a: asked.append(a) or choose(*a)
    spent = {"plans": 0, "checks": 0}
    plan = layout.plan

    def counted(*a, **k):
        spent["plans"] += 1
        budget = k.get("budget")
        before = budget.left if budget else 0
        p = plan(*a, **k)
        spent["checks"] += before - budget.left if budget else 0
        return p

    layout.plan = counted

    def timed(arguments) -> tuple[float, layout.Choice]:
        best = None
        for _ in range(3):
            spent["plans"] = spent["checks"] = 0
            started = time.thread_time()
            chosen = choose(*arguments)
            seconds = time.thread_time() - started
            best = seconds if best is None else min(best, seconds)
        return best, chosen

    results = []
    print(f"{'network':>24} {'view':>9} {'plans':>5} {'checks':>10} {'level':>6} {'ms':>6}")
    for name, net, shown in cases(args.random, args.seed):
        model = SessionModel(net)
        view = DiagramView(model)
        view.show()
        if shown == "all":
            model.set_show_all(True)
        elif shown:
            model.set_expanded(shown)
        for size in SIZES:
            asked.clear()
            view.resize(*size)
            app.processEvents()
            if not asked:
                continue
            seconds, chosen = timed(asked[-1])
            results.append((seconds, name, size, asked[-1], spent["checks"] > layout.MAX_CHECKS))
            level = ("full", "values", "names")[chosen.level]
            print(f"{name:>24} {size[0]:>4}×{size[1]:<4} {spent['plans']:>5} {spent['checks']:>10,} {level:>6} "
                  f"{seconds * 1000:>6.0f}", flush=True)
        view.close()
        view.deleteLater()
        app.processEvents()
    results.sort(key=lambda r: -r[0])
    worst, name, size = results[0][:3]
    print(f"worst: {worst * 1000:.0f} ms ({name} at {size[0]}×{size[1]}), {worst / BOUND:.2f} of the watchdog's "
          f"{BOUND:.0f} s; median {results[len(results) // 2][0] * 1000:.0f} ms over {len(results)} layouts")
    stopped = [r for r in results if r[4]]
    layout.MAX_CHECKS = 10**12  # the layouts the budget stopped, made again without it
    if stopped:
        bounded = max(r[0] for r in stopped)
        unbounded = max(timed(r[3])[0] for r in stopped)
        print(f"{len(stopped)} layouts ran out of checks: the longest took {bounded * 1000:.0f} ms; without the "
              f"budget the longest of them takes {unbounded * 1000:.0f} ms ({unbounded / bounded:.1f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
