"""The output map: one output unit of a network of one or two inputs, over the line or the
plane of its inputs.

The points form a regular grid over the samples' range widened by a margin (`extent`); the
output at all of them comes from the engine's own forward pass (`maths.forward`, the one every
iteration starts with) called once on all the points as one batch, so the map shows exactly
what the network computes. A very large network is evaluated in chunks of at most
`limits.MAX_BATCH_VALUES` point × unit values (each chunk's net inputs and outputs: at most
16 MB), and `resolution` keeps a grid's work within WORK_BUDGET multiply-adds.

Grid layout: for one input, `grid` gives one value per point of `axis`; for two, an array
[row, column] with rows along the second input and columns along the first (row 0 at the
smallest second input), the order of an image whose first row is drawn at the bottom.
"""
from __future__ import annotations

import math

import numpy as np

from engine.network.limits import MAX_BATCH_VALUES
from engine.network.maths import Params, Plan, forward
from engine.network.network import Setup

MARGIN = 0.1  # the extent reaches this fraction of the samples' range beyond them on each side
WORK_BUDGET = 20_000_000  # multiply-adds of one grid (about 10-20 ms): large networks get fewer points
MIN_RESOLUTION = 16  # points along each input, however large the network


def why_empty(setup: Setup) -> str | None:
    """Why there is no map of this network (None if there is one)."""
    n = setup.sizes[0]
    if n in (1, 2):
        return None
    return (f"The output map shows networks of 1 or 2 inputs (a curve or a coloured plane); this one has {n} "
            "inputs.")


def extent(inputs: np.ndarray, margin: float = MARGIN) -> list[tuple[float, float]]:
    """(low, high) along each input: the samples' range widened by `margin` of it on each side
    (by 1 on each side where every sample has the same value), always finite and low < high."""
    inputs = np.asarray(inputs, dtype=np.float64)
    top = np.finfo(np.float64).max
    found = []
    for column in inputs.T:
        lo, hi = float(column.min()), float(column.max())
        half = hi / 2 - lo / 2  # half the range, without overflow
        widen = 2 * margin * half if half > 0 else 1.0
        found.append((max(lo - widen, -top), min(hi + widen, top)))
    return found


def axis(low: float, high: float, n: int) -> np.ndarray:
    """n points from low to high: the centres of n equal cells (so an image of n pixels
    covers exactly [low, high])."""
    t = (np.arange(n) + 0.5) / n
    return low * (1 - t) + high * t  # never overflows for finite ends


def points(bounds: list[tuple[float, float]], resolution: int) -> np.ndarray:
    """The grid's points, one row each (inputs as columns), the first input varying fastest."""
    axes = [axis(lo, hi, resolution) for lo, hi in bounds]
    mesh = np.meshgrid(*axes, indexing="xy")  # [second input, first input]
    return np.stack([m.ravel() for m in mesh], axis=1)


def outputs(plan: Plan, params: Params, unit: int, x: np.ndarray) -> np.ndarray:
    """Output unit `unit` (0-based) at the inputs `x` (one row each), by the forward pass:
    one call on all of them, in chunks only for a very large network (see the module)."""
    x = np.asarray(x, dtype=np.float64)
    chunk = max(1, MAX_BATCH_VALUES // sum(plan.shapes.sizes))
    found = np.empty(len(x))
    with np.errstate(all="ignore"):  # an overflow gives inf or 0, as in training
        for start in range(0, len(x), chunk):
            _, outs = forward(plan, params, x[start:start + chunk])
            found[start:start + chunk] = outs[-1][:, unit]
    return found


def grid(plan: Plan, params: Params, unit: int, bounds: list[tuple[float, float]], resolution: int) -> np.ndarray:
    """Output unit `unit` over the grid of `resolution` points along each input within
    `bounds` (see the module for its layout)."""
    values = outputs(plan, params, unit, points(bounds, resolution))
    return values.reshape((resolution,) * len(bounds))


def resolution(sizes, most: int, budget: int = WORK_BUDGET) -> int:
    """Points along each input for a grid of at most `most` along each, fewer for a network
    whose forward pass would cost more than `budget` multiply-adds on the whole grid."""
    weights = sum(sizes[l] * sizes[l - 1] for l in range(1, len(sizes)))
    dims = sizes[0]
    affordable = int(math.floor((budget / max(weights, 1)) ** (1 / dims)))
    return max(min(most, affordable), min(most, MIN_RESOLUTION))


def levels(setup: Setup, values: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
    """The range of the colour scale: on a side where the output activation is bounded, its
    bound (the colours then mean the same throughout training), otherwise the values shown;
    widened to the targets."""
    bounds = setup.activation(setup.depth).bounds
    values, targets = np.ravel(values), np.ravel(targets)
    values, targets = values[np.isfinite(values)], targets[np.isfinite(targets)]
    ends = []
    for bound, pick, default in ((bounds[0], np.min, 0.0), (bounds[1], np.max, 1.0)):
        found = [bound] if bound is not None else [float(pick(values))] if len(values) else []
        found += [float(pick(targets))] if len(targets) else []
        ends.append(float(pick(found)) if found else default)
    low, high = ends
    if not high > low:
        low, high = low - 0.5, high + 0.5
    return low, high
