"""The output map: one output unit of a network of one or two inputs, over the line or the
plane of its inputs; the unit maps: any units of the network (hidden or output) over the same
grid, all from one forward pass; the decision regions of the outputs.

The points form a regular grid over the samples' range widened by a margin (`extent`); the
output at all of them comes from the engine's own forward pass (`maths.forward`, the one every
iteration starts with) called once on all the points as one batch, so the map shows exactly
what the network computes. A very large network is evaluated in chunks of at most
`limits.MAX_BATCH_VALUES` point × unit values (each chunk's net inputs and outputs: at most
16 MB), and `resolution` keeps a grid's work within WORK_BUDGET multiply-adds.

Grid layout: for one input, `grid` gives one value per point of `axis`; for two, an array
[row, column] with rows along the second input and columns along the first (row 0 at the
smallest second input), the order of an image whose first row is drawn at the bottom.
`unit_grids` gives one such grid per unit asked for, from a single forward pass on the grid's
points (each chunk of it once): every unit's output is in that pass, so asking for many costs
little more than asking for one; the grids kept are bounded too (`resolution`'s `maps`).

A network with input features (engine.concepts.features) is mapped over the plane of its raw
inputs x1, x2: each grid point's features are computed (by the plan's features) before the
forward pass, as a sample's are.

Decision regions (`regions`): one output unit's grid made 1 where it is at least THRESHOLD and
0 below; for a softmax layer, the class that wins at each point (the output unit of the
largest probability, 0-based; the first of equal ones).
"""
from __future__ import annotations

import math

import numpy as np

from engine.concepts.features import derive
from engine.network.limits import MAX_BATCH_VALUES
from engine.network.maths import Params, Plan, forward
from engine.network.network import Setup

MARGIN = 0.1  # the extent reaches this fraction of the samples' range beyond them on each side
WORK_BUDGET = 20_000_000  # multiply-adds of one grid (about 10-20 ms): large networks get fewer points
MIN_RESOLUTION = 16  # points along each input, however large the network
THRESHOLD = 0.5  # decision regions: an output at least this is class 1 (one output unit)


def why_empty(setup: Setup) -> str | None:
    """Why there is no map of this network (None if there is one)."""
    n = setup.raw_width
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


def unit_outputs(plan: Plan, params: Params, units, x: np.ndarray) -> np.ndarray:
    """The outputs of `units` ((layer, unit) pairs: layer 1 to L, unit 0-based) at the inputs
    `x` (one row each; the raw inputs where the plan has features), by the forward pass: one
    call on all of them, in chunks only for a very large network (see the module). An array
    [k, point] for the k-th unit asked."""
    x = np.asarray(x, dtype=np.float64)
    units = [(int(l), int(j)) for l, j in units]
    for l, j in units:
        if not (1 <= l <= plan.depth and 0 <= j < plan.shapes.sizes[l]):
            raise ValueError(f"no unit {j} in layer {l} of a network of layers {plan.shapes.sizes}")
    rows: dict[int, list[int]] = {}  # the rows of the result each layer fills
    columns: dict[int, list[int]] = {}
    for k, (l, j) in enumerate(units):
        rows.setdefault(l, []).append(k)
        columns.setdefault(l, []).append(j)
    chunk = max(1, MAX_BATCH_VALUES // sum(plan.shapes.sizes))
    found = np.empty((len(units), len(x)))
    with np.errstate(all="ignore"):  # an overflow gives inf or 0, as in training
        for start in range(0, len(x), chunk):
            part = x[start:start + chunk]
            _, outs = forward(plan, params, derive(plan.features, part) if plan.features else part)
            for l, ks in rows.items():
                found[ks, start:start + chunk] = outs[l][:, columns[l]].T
    return found


def outputs(plan: Plan, params: Params, unit: int, x: np.ndarray) -> np.ndarray:
    """Output unit `unit` (0-based) at the inputs `x` (one row each), by the forward pass."""
    return unit_outputs(plan, params, [(plan.depth, unit)], x)[0]


def unit_grids(plan: Plan, params: Params, units, bounds: list[tuple[float, float]], resolution: int) -> np.ndarray:
    """Each of `units` ((layer, unit) pairs) over the grid of `resolution` points along each
    input within `bounds`, from one forward pass: [k] is the k-th unit's grid (see the module
    for its layout)."""
    units = list(units)
    values = unit_outputs(plan, params, units, points(bounds, resolution))
    return values.reshape((len(units),) + (resolution,) * len(bounds))


def grid(plan: Plan, params: Params, unit: int, bounds: list[tuple[float, float]], resolution: int) -> np.ndarray:
    """Output unit `unit` over the grid of `resolution` points along each input within
    `bounds` (see the module for its layout)."""
    return unit_grids(plan, params, [(plan.depth, unit)], bounds, resolution)[0]


def regions(values: np.ndarray, softmax: bool) -> np.ndarray:
    """Decision regions. For one output unit (`values`: its grid): 1.0 where it is at least
    THRESHOLD, 0.0 below. For a softmax layer (`values`: the grids of all its units, stacked
    as `unit_grids` gives them): the winning class at each point, 0-based, as a float. NaN
    where a value is NaN."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        if softmax:
            found = np.argmax(np.nan_to_num(values, nan=-np.inf), axis=0).astype(np.float64)
            found[np.isnan(values).any(axis=0)] = np.nan
        else:
            found = np.where(values >= THRESHOLD, 1.0, 0.0)
            found[np.isnan(values)] = np.nan
    return found


def resolution(sizes, most: int, budget: int = WORK_BUDGET, maps: int = 1, dims: int | None = None) -> int:
    """Points along each input for a grid of at most `most` along each, fewer for a network
    whose forward pass would cost more than `budget` multiply-adds on the whole grid, or
    where the `maps` grids kept (`unit_grids`) would hold more than MAX_BATCH_VALUES values.
    `dims`: the grid's inputs (the raw ones of a network with features; sizes[0] by default)."""
    weights = sum(sizes[l] * sizes[l - 1] for l in range(1, len(sizes)))
    dims = sizes[0] if dims is None else dims
    affordable = int(math.floor((budget / max(weights, 1)) ** (1 / dims)))
    kept = int(math.floor((MAX_BATCH_VALUES / max(maps, 1)) ** (1 / dims)))
    return max(min(most, affordable, kept), min(most, MIN_RESOLUTION, kept))


def levels(setup: Setup, values: np.ndarray, targets: np.ndarray, layer: int | None = None) -> tuple[float, float]:
    """The range of the colour scale of a unit of `layer` (the output layer by default): on
    a side where its activation is bounded, the bound (the colours then mean the same
    throughout training), otherwise the values shown; widened to the targets (none for a
    hidden unit)."""
    bounds = setup.activation(setup.depth if layer is None else layer).bounds
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
