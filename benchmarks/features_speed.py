"""Training with input features costs what training on the same inputs given directly costs.

    .venv/bin/python benchmarks/features_speed.py [--iterations N] [--repeats R]

A 7-8-8-1 tanh/tanh/sigmoid network with bce on the spiral data set (200 samples) takes as
its inputs the features x1, x2, x1², x2², x1·x2, sin(x1), sin(x2) of the samples' raw inputs;
the same network is given those seven values directly as its samples (no features). Both are
trained N iterations (2,000 by default) by a default session (`Session.run`), in mini-batches
of 10 (a cycle of 20 batches) and in full batches. The session computes the features once
per sample set (the cycle's batches), so the ratio should be about 1. Each figure is the best
of R runs (5 by default) in CPU time (other processes of a loaded machine do not count), the two
taking turns; the script checks that both end with the same
loss (to 1e-12 relative): the same computation.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.concepts import features as F  # noqa: E402
from engine.files import datasets, netfile  # noqa: E402
from engine.session.session import Session  # noqa: E402

FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def networks(batch: int | None):
    """The network with features, and the same network on the derived inputs."""
    data = datasets.generate("spiral", 200, 0.03, seed=0)
    targets = data.targets(1, "bce")
    spec = {"layers": [len(FEATURES), 8, 8, 1], "features": FEATURES, "activations": ["tanh", "tanh", "sigmoid"],
            "loss": "bce", "seed": 1, "optimizer": {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9},
            "batch_size": batch,
            "samples": [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(data.inputs, targets)]}
    derived = F.derive(F.parse(FEATURES, 2, 64), data.inputs)
    plain = {k: v for k, v in spec.items() if k != "features"}
    plain["samples"] = [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(derived, targets)]
    return netfile.parse(spec), netfile.parse(plain)


def train(net, n: int) -> float:
    session = Session(net)
    session.run(n)
    return float(session.history.values[n - 1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.iterations
    for batch in (10, None):
        with_features, direct = networks(batch)
        best, losses = {"features": math.inf, "direct": math.inf}, {}
        for _ in range(args.repeats):
            for name, net in (("features", with_features), ("direct", direct)):
                started = time.process_time()
                losses[name] = train(net, n)
                best[name] = min(best[name], time.process_time() - started)
        if not np.isclose(losses["features"], losses["direct"], rtol=1e-12, atol=0):
            print(f"the losses differ: {losses}")
            return 1
        what = "mini-batches of 10" if batch else "full batches of 200"
        print(f"{what}: {n:,} iterations, features {best['features']:.3f} s, inputs given directly "
              f"{best['direct']:.3f} s, ratio {best['features'] / best['direct']:.3f} (loss {losses['direct']:.6g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
