"""What evaluating as training goes costs: the test loss and the accuracies (issue 19).

    .venv/bin/python benchmarks/evaluation_speed.py [--iterations N] [--repeats R]

Each workload is trained N iterations (2,000 by default) by a default session three ways:

  1. without evaluation (`Session.run`), the reference;
  2. evaluating every iteration (`train --history` without --eval-every: every row filled);
  3. evaluating as often as costs at most 15 % of the training time (`Evaluations(every=None)`:
     what the window uses; the interval it settled on is printed).

and the ratio of (2) and (3) to (1) is printed: (3) is meant to stay within 1.15. Each figure is
the process's CPU time (other programs on a busy machine take wall time, not this), the best of R
runs (3 by default) taking turns, since the machine's noise only ever adds time.
Every run ends with the same parameters: evaluating reads them, never changes them.

Workloads: the 2-8-8-1 tanh/tanh/sigmoid bce network of benchmarks/train_speed.py (200 samples of
an XOR pattern, 40 of them held out) in full batches and in batches of 10 (where an evaluation,
over all 200 samples, costs as much as 20 iterations), and a 2-16-3 tanh/softmax cross-entropy
network on 300 samples (60 held out) in batches of 30.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Session  # noqa: E402
from engine.files.netfile import parse  # noqa: E402
from engine.session.evaluation import BUDGET, Evaluations  # noqa: E402


def samples(x, t) -> list[dict]:
    return [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(x, t)]


def xor_bce(batch_size: int | None):
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, size=(200, 2))
    t = (x[:, 0] * x[:, 1] > 0).astype(float)[:, None]
    return parse({"layers": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"], "loss": "bce", "seed": 1,
                  "optimizer": {"name": "sgd", "learning_rate": 0.5}, "batch_size": batch_size,
                  "samples": samples(x[:160], t[:160]), "test_samples": samples(x[160:], t[160:])})


def three_classes():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 2))
    t = np.eye(3)[np.digitize(np.arctan2(x[:, 1], x[:, 0]), [-1.0, 1.0])]
    return parse({"layers": [2, 16, 3], "activations": ["tanh", "softmax"], "loss": "cross_entropy", "seed": 2,
                  "optimizer": {"name": "sgd", "learning_rate": 0.3, "momentum": 0.9}, "batch_size": 30,
                  "samples": samples(x[:240], t[:240]), "test_samples": samples(x[240:], t[240:])})


WORKLOADS = {
    "2-8-8-1 bce, 160 + 40 samples, full batches": lambda: xor_bce(None),
    "2-8-8-1 bce, 160 + 40 samples, batches of 10": lambda: xor_bce(10),
    "2-16-3 cross-entropy, 240 + 60 samples, batches of 30": three_classes,
}


def trained(net, n: int, every: int | None | str) -> tuple[np.ndarray, Evaluations | None]:
    """θ after n iterations, and the evaluations made on the way (`every` "none": no watch)."""
    session = Session(net)
    watch = None if every == "none" else Evaluations(session.net, every)
    for _ in session.train(n, watch=watch):
        pass
    return session.params.theta.copy(), watch


def best_of(repeats: int, runs: dict) -> tuple[dict, dict]:
    best, results = dict.fromkeys(runs, math.inf), {}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.process_time()
            results[name] = run()
            best[name] = min(best[name], time.process_time() - started)
    return best, results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=2_000, metavar="N")
    parser.add_argument("--repeats", type=int, default=3, metavar="R", help="best of R runs (default 3)")
    args = parser.parse_args(argv)
    n = args.iterations
    print(f"{n:,} iterations, best of {args.repeats} runs; Python {platform.python_version()}, numpy {np.__version__}; "
          f"load average {os.getloadavg()[0]:.1f}")
    ok = True
    for name, make in WORKLOADS.items():
        net = make()
        times, results = best_of(args.repeats, {"none": lambda: trained(net, n, "none"),
                                                "every": lambda: trained(net, n, 1),
                                                "budget": lambda: trained(net, n, None)})
        thetas = [results[k][0] for k in ("none", "every", "budget")]
        same = all(np.array_equal(thetas[0], theta) for theta in thetas[1:])
        watch = results["budget"][1]
        print(f"\n{name}:")
        print(f"  without evaluation          {times['none'] / n * 1e6:8.1f} µs/iteration")
        print(f"  every iteration             {times['every'] / n * 1e6:8.1f} µs/iteration  "
              f"ratio {times['every'] / times['none']:.2f}")
        print(f"  within the budget           {times['budget'] / n * 1e6:8.1f} µs/iteration  "
              f"ratio {times['budget'] / times['none']:.2f} (target ≤ {1 + BUDGET:.2f}); "
              f"{len(watch):,} evaluations, at last every {watch.every:,} iterations")
        print(f"  the same parameters after training: {'yes' if same else 'NO'}")
        ok &= same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
