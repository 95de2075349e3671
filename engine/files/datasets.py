"""Data sets like TensorFlow Playground's, seeded and reproducible.

`generate(name, samples, noise, seed)` gives `engine.network.targets.Data`: the inputs, (samples, 1 or
2) float64, and either class labels or values, and a one-line description of how it was made
("spiral data set (two interleaved spiral arms), 200 samples, noise 0.1, seed 3; classes in
order 0, 1"). The same
arguments give the same numbers (numpy's default_rng(seed)). `Data.targets(outputs, loss)`
turns it into a network's targets (engine.network.targets).

Classification: 2 inputs, 2 classes "0" and "1" (in that order: for one sigmoid output,
class "1" is the target 1). Without noise:
- `xor`: inputs uniform in [−1, 1]²; class 1 where x₁ and x₂ have opposite signs.
- `circle`: every other sample (the 1st, 3rd, ...) class 1 at a radius uniform in [0, 0.5],
  the others class 0 at a radius in [0.7, 1]; angles uniform.
- `gaussians`: alternately class 0 around (−½, −½) and class 1 around (½, ½), standard
  deviation 0.2 (plus the noise) in each input.
- `spiral`: alternately class 0 and 1 on two arms t·(sin a, cos a), a = 3.5π·t (+π for class
  1), t uniform in [0, 1]: inputs within the unit disc.
Regression: inputs uniform in [−1, 1]; values in [0.1, 0.9], so that a sigmoid output with
bce fits them:
- `sine`: y = ½ + 0.4·sin(πx) (1 input); `cubic`: y = ½ + 0.4·x³ (1 input);
- `plane`: y = ½ + 0.2·x₁ + 0.2·x₂ (2 inputs).

`noise` is the standard deviation of Gaussian noise added to the inputs (classification; for
`gaussians`, to the clusters' spread) or to the values (regression, which may then leave
[0, 1]: a bce network refuses such targets with the sample named), from 0 to MAX_NOISE. The
number of samples is from 1 to MAX_SAMPLES (engine.network.limits).
"""
from __future__ import annotations

import operator

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.network.limits import MAX_GENERATED_SAMPLES as MAX_SAMPLES
from engine.files.netfile import printable, whole_number_problem
from engine.network.targets import Data

MAX_NOISE = 10.0  # standard deviation, in the inputs' or the values' units


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


def _whole(value):
    try:
        return operator.index(value) if not isinstance(value, bool) else value
    except TypeError:
        return value


def generate(name: str, samples: int = 200, noise: float = 0.0, seed: int = 0) -> Data:
    """The data set `name` with `samples` samples (see the module): the same numbers for the
    same arguments. Raises ValueError (one line) for an unknown name, a number of samples,
    noise or seed out of range, before any work."""
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown data set {printable(repr(name), 60)} (known: {', '.join(DATASETS)})")
    samples, seed = _whole(samples), _whole(seed)  # numpy's integers too
    if whole_number_problem(samples, 1) is not None or samples > MAX_SAMPLES:
        raise ValueError(f"the number of samples must be from 1 to {MAX_SAMPLES:,}, found {printable(samples, 60)}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise <= MAX_NOISE:
        raise ValueError(f"the noise must be from 0 to {MAX_NOISE}, found {printable(noise, 60)}")
    if whole_number_problem(seed, 0) is not None:
        raise ValueError(f"the seed must be a whole number ≥ 0, found {printable(seed, 60)}")
    d = DATASETS[name]
    noise = float(noise)
    x, y = d.make(np.random.default_rng(seed), samples, noise)
    description = f"{name} data set ({d.text}), {samples:,} samples, noise {noise!r}, seed {seed}"
    if d.kind == "classification":
        return Data(inputs=x, labels=[str(v) for v in y], classes=["0", "1"],
                    description=f"{description}; classes in order 0, 1")
    return Data(inputs=x, values=y[:, None], description=description)
