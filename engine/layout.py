"""Where each recorded quantity of an iteration sits in one flat float64 row.

An iteration is recorded as one row of numbers and nothing else. `Layout` names the blocks
of that row; a `Record` hands out views of them, and labels and formula text are made only
when someone reads a value (see `describe`). With B the batch size, n_l the units of layer l
(0 = inputs, L = outputs) and P the number of parameters, the blocks are:

    meta (3: iteration, learning rate, 1 if a momentum buffer existed before the update),
    sample (B: 0-based positions in the file of the batch's samples),
    theta_before (P: the parameters the iteration starts from), velocity_before (P, momentum only),
    input (B, n_0), net and out (B, n_l), target and loss_term (B, n_L), loss (B), batch_loss (1),
    dE_dout, dout_dnet and delta (B, n_l), grad (P: the batch gradient the update applies),
    velocity (P, momentum only), theta (P: the parameters after the update).

Records also answer for views of those: w_before, b_before, w, b, grad_w, grad_b,
velocity_w, velocity_b (and their _before), iteration, lr, and the per-sample gradients
grad_w_sample = δ ⊗ out and grad_b_sample = δ, which are those products, made on reading.
"""
from __future__ import annotations

import operator

import numpy as np

from .maths import Params, Shapes

META = ("iteration", "lr", "has_velocity")


class Layout:
    def __init__(self, sizes, batch: int, momentum: bool, train_biases: bool):
        self.sizes = list(sizes)
        self.batch = batch
        self.momentum = bool(momentum)
        self.train_biases = bool(train_biases)
        self.depth = depth = len(sizes) - 1
        self.shapes_of_params = Shapes(sizes)
        n_params = self.shapes_of_params.size
        blocks: list[tuple[tuple[str, int], tuple[int, ...]]] = []

        def add(quantity, layer, shape):
            blocks.append(((quantity, layer), tuple(shape)))

        b = batch
        add("meta", 0, (len(META),))
        add("sample", 0, (b,))
        add("theta_before", 0, (n_params,))
        if self.momentum:
            add("velocity_before", 0, (n_params,))
        add("input", 0, (b, sizes[0]))
        for l in range(1, depth + 1):
            add("net", l, (b, sizes[l]))
            add("out", l, (b, sizes[l]))
        add("target", depth, (b, sizes[-1]))
        add("loss_term", depth, (b, sizes[-1]))
        add("loss", depth, (b,))
        add("batch_loss", depth, ())
        for l in range(depth, 0, -1):
            for q in ("dE_dout", "dout_dnet", "delta"):
                add(q, l, (b, sizes[l]))
        add("grad", 0, (n_params,))
        if self.momentum:
            add("velocity", 0, (n_params,))
        add("theta", 0, (n_params,))

        self.keys = [k for k, _ in blocks]
        self.shapes = dict(blocks)
        self.offsets: dict[tuple[str, int], int] = {}
        # (quantity, layer) -> (start, stop, shape) of every block, and of the per-layer
        # parameter views Record derives from them (w, b_before, grad_w ...).
        self.spans: dict[tuple[str, int], tuple[int, int, tuple[int, ...]]] = {}
        pos = 0
        for key, shape in blocks:
            self.offsets[key] = pos
            self.spans[key] = (pos, pos + int(np.prod(shape, dtype=np.int64)), shape)
            pos = self.spans[key][1]
        self.size = pos
        params = self.shapes_of_params
        for quantity, (block, kind) in Record.FLAT.items():
            if (block, 0) in self.offsets:
                start = self.offsets[block, 0]
                for l in range(1, depth + 1):
                    part = (params.w_slices if kind == "w" else params.b_slices)[l - 1]
                    shape = (sizes[l], sizes[l - 1]) if kind == "w" else (sizes[l],)
                    self.spans[quantity, l] = (start + part.start, start + part.stop, shape)
        self._numbered: Record | None = None
        self._in_order = operator.itemgetter(*self.keys)  # a dict's blocks, in row order

    def block(self, row: np.ndarray, quantity: str, layer: int) -> np.ndarray:
        start, stop, shape = self.spans[quantity, layer]
        return row[start:stop].reshape(shape)

    def positions(self, quantity: str, layer: int, index: tuple[int, ...]) -> tuple[int, ...]:
        """Where the value `record[quantity, layer][index]` sits in a row: its position, or
        for a per-sample weight gradient the positions of the δ and the out it is the product of."""
        if quantity == "grad_w_sample":
            s, j, i = index
            prev = ("input", 0) if layer == 1 else ("out", layer - 1)
            return self.positions("delta", layer, (s, j)) + self.positions(*prev, (s, i))
        if quantity == "grad_b_sample":
            return self.positions("delta", layer, index)
        if self._numbered is None:  # a record whose every value is its own position
            self._numbered = Record(self, np.arange(self.size, dtype=np.float64))
        return (int(self._numbered[quantity, layer][index]),)

    def pack(self, values: dict, row: np.ndarray) -> None:
        """Copy every block of `values` (a complete dict) into `row`, in one call."""
        np.concatenate(self._in_order(values), axis=None, out=row)

    def header(self, iteration: int, lr: float, samples: np.ndarray, params: Params, x, t) -> dict:
        """The blocks that describe the iteration's starting point (what `iterate` does not record)."""
        has_velocity = params.velocity is not None
        values = {
            ("meta", 0): np.array([iteration, lr, float(has_velocity)]),
            ("sample", 0): samples,
            ("theta_before", 0): params.theta.copy(),
            ("input", 0): x,
            ("target", self.depth): t,
        }
        if self.momentum:
            values[("velocity_before", 0)] = params.velocity.copy() if has_velocity else np.zeros_like(params.theta)
        return values


class Record:
    """Read access to one recorded iteration: `rec["net", 1]` is net of layer 1, shape (B, n_1)."""

    # The per-layer views of the flat parameter blocks: quantity -> (block, weights or biases).
    FLAT = {
        "w": ("theta", "w"), "b": ("theta", "b"),
        "w_before": ("theta_before", "w"), "b_before": ("theta_before", "b"),
        "grad_w": ("grad", "w"), "grad_b": ("grad", "b"),
        "velocity_w": ("velocity", "w"), "velocity_b": ("velocity", "b"),
        "velocity_w_before": ("velocity_before", "w"), "velocity_b_before": ("velocity_before", "b"),
    }

    def __init__(self, layout: Layout, row: np.ndarray):
        self.layout = layout
        self.row = row

    def __getitem__(self, key) -> np.ndarray:
        span = self.layout.spans.get(key)
        if span is not None:  # a block or a parameter view: the common case, made quick
            start, stop, shape = span
            return self.row[start:stop].reshape(shape)
        quantity, layer = key
        layout = self.layout
        if quantity in self.FLAT:
            block, kind = self.FLAT[quantity]
            flat = layout.block(self.row, block, 0)
            shapes = layout.shapes_of_params
            views = shapes.weights(flat) if kind == "w" else shapes.biases(flat)
            return views[layer - 1]
        if quantity in META:
            return layout.block(self.row, "meta", 0)[META.index(quantity)]
        if quantity == "grad_w_sample":
            prev = self["input", 0] if layer == 1 else self["out", layer - 1]
            return self["delta", layer][:, :, None] * prev[:, None, :]
        if quantity == "grad_b_sample":
            return self["delta", layer]
        return layout.block(self.row, quantity, layer)

    @property
    def iteration(self) -> int:
        return int(self["iteration", 0])

    @property
    def lr(self) -> float:
        return float(self["lr", 0])

    @property
    def batch_loss(self) -> float:
        return float(self["batch_loss", self.layout.depth])

    @property
    def samples(self) -> np.ndarray:
        return self["sample", 0].astype(np.int64)

    def params_before(self) -> Params:
        velocity = None
        if self.layout.momentum and self["has_velocity", 0]:
            velocity = self["velocity_before", 0].copy()
        return Params(self.layout.shapes_of_params, self["theta_before", 0].copy(), velocity)

    def params_after(self) -> Params:
        velocity = self["velocity", 0].copy() if self.layout.momentum else None
        return Params(self.layout.shapes_of_params, self["theta", 0].copy(), velocity)
