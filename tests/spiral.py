"""The 2-8-8-1 spiral network the output map's tests and benchmark use: tanh/tanh/sigmoid with
bce on engine.files.datasets' spiral (two arms, 200 samples by default) in full batches, from a
seeded random start. Test and benchmark set-up only (not a preset)."""
from __future__ import annotations

from engine import Network
from engine.files import datasets, netfile


def spiral_network(n: int = 200, seed: int = 1, learning_rate: float = 1.0, noise: float = 0.03) -> Network:
    data = datasets.generate("spiral", n, noise, seed=0)
    targets = data.targets(1, "bce")
    return netfile.parse({
        "name": "Spiral", "layers": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"],
        "loss": "bce", "seed": seed, "optimizer": {"name": "sgd", "learning_rate": learning_rate},
        "samples": [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(data.inputs, targets)]})
