"""Data sets like TensorFlow Playground's, seeded and reproducible.

Classification (2 inputs, 2 classes "0" and "1"): `xor` (quadrants), `circle` (inside or
outside a ring), `gaussians` (two clusters), `spiral` (two arms). Regression: `sine` and
`cubic` (1 input), `plane` (2 inputs), with values in [0, 1] so that a sigmoid output can
fit them. Inputs lie in about [−1, 1]; `noise` is the standard deviation of the Gaussian noise
added to the inputs (classification) or to the values (regression), in those units.

`generate(name, samples, noise, seed)` gives `Data`: the inputs and either class labels or
values, and a one-line description of how it was made. `Data.targets(sizes, loss)` turns it
into a network's targets (engine.targets rules).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .targets import Data

MAX_SAMPLES = 10_000  # a generated data set has at most this many samples
MAX_NOISE = 10.0


@dataclass(frozen=True)
class Dataset:
    name: str
    inputs: int
    kind: str  # "classification" or "regression"
    text: str  # what it is, in a few words
    make: Callable  # (rng, n, noise) -> (inputs, labels or values)


def _xor(rng, n, noise):
    x = rng.uniform(-1, 1, size=(n, 2))
    labels = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(int)
    return x + rng.normal(0, noise, x.shape), labels


def _circle(rng, n, noise):
    inside = np.arange(n) % 2 == 0
    radius = np.where(inside, rng.uniform(0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return x + rng.normal(0, noise, x.shape), inside.astype(int)


def _gaussians(rng, n, noise):
    labels = np.arange(n) % 2
    centre = np.where(labels[:, None] == 1, 0.5, -0.5) * np.ones((1, 2))
    x = centre + rng.normal(0, 0.2 + noise, (n, 2))
    return x, labels


def _spiral(rng, n, noise):
    labels = np.arange(n) % 2
    t = rng.uniform(0, 1, n)
    angle = 1.75 * 2 * np.pi * t + np.pi * labels
    x = np.column_stack([t * np.sin(angle), t * np.cos(angle)])
    return x + rng.normal(0, noise, x.shape), labels


def _sine(rng, n, noise):
    x = rng.uniform(-1, 1, size=(n, 1))
    return x, 0.5 + 0.4 * np.sin(np.pi * x[:, 0]) + rng.normal(0, noise, n)


def _cubic(rng, n, noise):
    x = rng.uniform(-1, 1, size=(n, 1))
    return x, 0.5 + 0.4 * x[:, 0] ** 3 + rng.normal(0, noise, n)


def _plane(rng, n, noise):
    x = rng.uniform(-1, 1, size=(n, 2))
    return x, 0.5 + 0.2 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(0, noise, n)


DATASETS = {d.name: d for d in (
    Dataset("xor", 2, "classification", "XOR quadrants: class 1 where x and y have opposite signs", _xor),
    Dataset("circle", 2, "classification", "a disc (class 1) inside a ring (class 0)", _circle),
    Dataset("gaussians", 2, "classification", "two Gaussian clusters around (−½, −½) and (½, ½)", _gaussians),
    Dataset("spiral", 2, "classification", "two interleaved spiral arms", _spiral),
    Dataset("sine", 1, "regression", "y = ½ + 0.4·sin(πx)", _sine),
    Dataset("cubic", 1, "regression", "y = ½ + 0.4·x³", _cubic),
    Dataset("plane", 2, "regression", "y = ½ + 0.2·x₁ + 0.2·x₂", _plane),
)}


def generate(name: str, samples: int = 200, noise: float = 0.0, seed: int = 0) -> Data:
    """The data set `name` with `samples` samples: the same numbers for the same arguments.
    Raises ValueError (one line) for an unknown name, a size or noise out of range."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r} (known: {', '.join(DATASETS)})")
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValueError(f"the number of samples must be from 1 to {MAX_SAMPLES:,}, found {samples:,}")
    if not 0 <= noise <= MAX_NOISE:
        raise ValueError(f"the noise must be from 0 to {MAX_NOISE}, found {noise}")
    d = DATASETS[name]
    x, y = d.make(np.random.default_rng(seed), samples, float(noise))
    description = f"{name} data set ({d.text}), {samples} samples, noise {noise!r}, seed {seed}"
    if d.kind == "classification":
        return Data(inputs=x, labels=[str(v) for v in y], classes=["0", "1"], description=description)
    return Data(inputs=x, values=y[:, None], description=description)
