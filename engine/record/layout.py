"""Where each recorded quantity of an iteration sits in one flat float64 row.

An iteration is recorded as one row of numbers and nothing else. `Layout` places the blocks
the quantity table (`quantities`) declares as stored: the iteration-wide facts (iteration,
learning rate, whether the optimizer's state existed), the batch's samples, the flat parameter
vectors (θ before and after, the gradient, each buffer the optimizer keeps (the momentum
buffer) before and after, each value it only shows (Adam's m̂) after) and, per
layer, net, out (layer 0: the inputs), target, the loss terms, the losses, dE_dout,
dout_dnet and delta (and with a penalty, the penalty, E and each weight's ∂E_data/∂w). A `Record` hands out views of them (and of each layer's weights and
biases within the flat vectors); labels and formula text are made only when someone reads a
value (see `describe`). The per-sample gradients δ ⊗ out are products made on reading.
"""
from __future__ import annotations

import operator

import numpy as np

from engine.network.maths import Params, Shapes
from engine.record.quantities import LAYERS, QUANTITIES, SHAPES, Key

META = tuple(q.name for q in QUANTITIES.values() if isinstance(q.stored, tuple) and q.stored[0] == "meta")


class Layout:
    def __init__(self, sizes, batch: int, buffers: tuple[str, ...], train_biases: bool, shown: tuple[str, ...] = (),
                 stepped: tuple[str, ...] | None = None, penalty: bool = False, raw: int = 0):
        """`buffers`: the names of the buffers the optimizer keeps (`Optimizer.buffers`), `shown`
        of those it only shows (`Optimizer.shown`), `stepped` of those whose new values are
        computations of the update, in its order (`Optimizer.stepped`; default: `buffers`);
        `penalty`: the network has one; `raw`: the raw inputs of each sample a network with
        features computes its inputs from (0: none, the inputs are the samples')."""
        self.sizes = list(sizes)
        self.batch = batch
        self.raw = int(raw)
        self.buffers = tuple(buffers)
        self.shown = tuple(shown)
        self.stepped = self.buffers if stepped is None else tuple(stepped)
        self.penalty = bool(penalty)
        self.train_biases = bool(train_biases)
        self.depth = depth = len(sizes) - 1
        self.shapes_of_params = params = Shapes(sizes)
        traced = self.buffers + self.shown
        blocks: list[tuple[tuple[str, int], tuple[int, ...]]] = [(("meta", 0), (len(META),))]
        for q in QUANTITIES.values():
            if q.shape == "raw":
                if self.raw:
                    blocks.append(((q.name, 0), (batch, self.raw)))
            elif q.stored == "block" and (not q.buffer or q.buffer in traced) and (not q.penalty or self.penalty):
                blocks += [((q.name, l), SHAPES[q.shape](sizes, l, batch)) for l in LAYERS[q.layers](depth)]

        self.keys = [k for k, _ in blocks]
        self.shapes = dict(blocks)
        # (quantity, layer) -> (start, stop, shape) of every block, and of the quantities
        # stored within or as another (the per-layer parameter views, the inputs).
        self.spans: dict[tuple[str, int], tuple[int, int, tuple[int, ...]]] = {}
        pos = 0
        for key, shape in blocks:
            self.spans[key] = (pos, pos + int(np.prod(shape, dtype=np.int64)), shape)
            pos = self.spans[key][1]
        self.size = pos
        for q in QUANTITIES.values():
            kind = q.stored[0] if isinstance(q.stored, tuple) else q.stored
            if kind == "view" and (q.stored[1], 0) in self.spans:
                start = self.spans[q.stored[1], 0][0]
                for l in LAYERS[q.layers](depth):
                    part = (params.w_slices if q.stored[2] == "w" else params.b_slices)[l - 1]
                    self.spans[q.name, l] = (start + part.start, start + part.stop, SHAPES[q.shape](sizes, l, batch))
            elif kind == "alias":
                for l in LAYERS[q.layers](depth):
                    self.spans[q.name, l] = self.spans[q.stored[1], l]
            elif kind == "meta":
                start = self.spans["meta", 0][0] + q.stored[1]
                self.spans[q.name, 0] = (start, start + 1, ())
        self._numbered: Record | None = None
        self._in_order = operator.itemgetter(*self.keys)  # a dict's blocks, in row order

    @classmethod
    def of(cls, setup) -> "Layout":
        """The layout of a network's iterations (a `Setup`)."""
        opt = setup.optimizer
        return cls(setup.sizes, setup.batch, tuple(b.name for b in opt.buffers), setup.train_biases,
                   tuple(b.name for b in opt.shown), tuple(b.name for b in opt.stepped), setup.penalty is not None,
                   raw=setup.raw_width if setup.features else 0)

    def has(self, quantity: str, layer: int) -> bool:
        return (quantity, layer) in self.spans or (
            QUANTITIES[quantity].stored == "derived" and layer in LAYERS[QUANTITIES[quantity].layers](self.depth))

    def block(self, row: np.ndarray, quantity: str, layer: int) -> np.ndarray:
        start, stop, shape = self.spans[quantity, layer]
        return row[start:stop].reshape(shape)

    def positions(self, key: Key) -> tuple[int, ...]:
        """Where the value of `key` sits in a row: its position, or for a per-sample
        gradient (made on reading) the positions of the values it is the product of."""
        if key.quantity == "grad_w_sample":
            return (self.positions(Key("delta", key.layer, key.unit, sample=key.sample))
                    + self.positions(Key("out", key.layer - 1, key.source, sample=key.sample)))
        if key.quantity == "grad_b_sample":
            return self.positions(Key("delta", key.layer, key.unit, sample=key.sample))
        if self._numbered is None:  # a record whose every value is its own position
            self._numbered = Record(self, np.arange(self.size, dtype=np.float64))
        return (int(self._numbered.value(key)),)

    def pack(self, values: dict, row: np.ndarray) -> None:
        """Copy every block of `values` (a complete dict) into `row`, in one call."""
        np.concatenate(self._in_order(values), axis=None, out=row)

    def header(self, iteration: int, lr: float, samples: np.ndarray, params: Params, x, t, raw=None) -> dict:
        """The blocks that describe the iteration's starting point (what `iterate` does not record):
        `x` the input layer's values, `raw` the raw inputs they are features of (with features)."""
        has_state = params.state is not None
        values = {
            ("meta", 0): np.array([iteration, lr, float(has_state)]),
            ("sample", 0): samples,
            ("theta_before", 0): params.theta.copy(),
            ("out", 0): x,
            ("target", self.depth): t,
        }
        if self.raw:
            values[("raw_input", 0)] = raw
        for k, name in enumerate(self.buffers):
            values[(name + "_before", 0)] = params.state[k].copy() if has_state else np.zeros_like(params.theta)
        return values


class Record:
    """Read access to one recorded iteration: `rec["net", 1]` is net of layer 1, shape (B, n_1);
    `rec.value(key)` is one value."""

    def __init__(self, layout: Layout, row: np.ndarray):
        self.layout = layout
        self.row = row

    def __getitem__(self, key) -> np.ndarray:
        span = self.layout.spans.get(key)
        if span is not None:  # a block or a view: the common case, made quick
            start, stop, shape = span
            return self.row[start:stop].reshape(shape)
        quantity, layer = key
        if quantity == "grad_w_sample" and self.layout.has(quantity, layer):
            with np.errstate(all="ignore"):  # ∞·0 is NaN, as the engine computed it
                return self["delta", layer][:, :, None] * self["out", layer - 1][:, None, :]
        if quantity == "grad_b_sample" and self.layout.has(quantity, layer):
            return self["delta", layer]
        if quantity not in QUANTITIES:
            raise KeyError(f"no quantity {quantity!r}")
        raise KeyError(f"{quantity!r} has no layer {layer} in this record")

    def value(self, key: Key) -> float:
        return float(self[key.quantity, key.layer][key.index])

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
        state = None
        if self.layout.buffers and self["has_state", 0]:
            state = np.stack([self[name + "_before", 0] for name in self.layout.buffers])
        return Params(self.layout.shapes_of_params, self["theta_before", 0].copy(), state)

    def params_after(self) -> Params:
        state = np.stack([self[name, 0] for name in self.layout.buffers]) if self.layout.buffers else None
        return Params(self.layout.shapes_of_params, self["theta", 0].copy(), state)
