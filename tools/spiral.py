"""Write the large test network: python tools/spiral.py [OUT.json]

Three interleaved spirals of 100 points each in the plane (300 samples, the classes taken in
turn so that every mini-batch holds all three), learned by a 2-64-64-3 network: tanh hidden
units, softmax outputs with cross-entropy, mini-batches of 30, a seeded random start. The
points are rounded to 3 decimals and drawn from a seeded generator: the file is the same on
every run. Default OUT: tests/data/spiral-2-64-64-3.json (the benchmark, the screenshots and
the tests of the diagram's folding read it).
"""
from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "spiral-2-64-64-3.json"
CLASSES, PER_CLASS = 3, 100


def samples(seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for k in range(PER_CLASS):
        radius = (k + 1) / PER_CLASS
        for c in range(CLASSES):
            angle = c * 2 * math.pi / CLASSES + 4.0 * radius + rng.gauss(0.0, 0.2)
            out.append({"input": [round(radius * math.sin(angle), 3), round(radius * math.cos(angle), 3)],
                        "target": [1.0 if j == c else 0.0 for j in range(CLASSES)]})
    return out


def network() -> dict:
    return {
        "name": "Spirals (2-64-64-3)",
        "description": "A larger network for checking the window: three interleaved spirals of 100 points each, "
                       "2 inputs, two hidden layers of 64 tanh units, 3 softmax outputs with cross-entropy, "
                       "mini-batches of 30 of the 300 samples, learning rate 0.2 (plain SGD), a seeded "
                       "random start. Written by tools/spiral.py.",
        "layers": [2, 64, 64, 3],
        "activations": ["tanh", "tanh", "softmax"],
        "loss": "cross_entropy",
        "seed": 1,
        "train_biases": True,
        "optimizer": {"name": "sgd", "learning_rate": 0.2, "momentum": 0.0},
        "batch_size": 30,
        "update_order": "simultaneous",
        "samples": samples(),
    }


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    data = network()
    lines = ",\n".join(f"    {json.dumps(s)}" for s in data.pop("samples"))
    head = json.dumps(data, indent=2)[:-2]
    out.write_text(f'{head},\n  "samples": [\n{lines}\n  ]\n}}\n', encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
