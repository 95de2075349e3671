"""A LOCAL STAND-IN for the tests and benchmarks only: two interleaved spirals of points in the
plane and a 2-8-8-1 network to classify them. Not a data-set generator of the product (that is
engine/datasets.py, being written separately); keep it out of engine/."""
from __future__ import annotations

import numpy as np

from engine import Network, netfile


def spiral(n: int = 200, turns: float = 1.5, noise: float = 0.03, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points (inputs, shape (n, 2)) on two spiral arms, half each, and their class as a
    target of 0 or 1 (shape (n, 1))."""
    rng = np.random.default_rng(seed)
    half = n // 2
    classes = np.repeat([0.0, 1.0], [half, n - half])
    r = np.concatenate([np.linspace(0.05, 1.0, half), np.linspace(0.05, 1.0, n - half)])
    angle = 2 * np.pi * turns * r + np.pi * classes
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1) + rng.normal(0.0, noise, (n, 2))
    return x, classes[:, None]


def spiral_network(n: int = 200, seed: int = 1, learning_rate: float = 1.0) -> Network:
    """2-8-8-1 tanh/tanh/sigmoid with bce on `n` spiral samples in full batches, from a seeded
    random start."""
    x, t = spiral(n)
    return netfile.parse({
        "name": "Spiral (test stand-in)", "layers": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"],
        "loss": "bce", "seed": seed, "optimizer": {"name": "sgd", "learning_rate": learning_rate},
        "samples": [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(x, t)]})
