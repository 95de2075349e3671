"""Every quantity an iteration records, declared once.

A `Quantity` says what one kind of value is: its name (as the trace CSV writes it too), the
phase that computes it, how its values are indexed (its shape), in which layers it exists,
where a record keeps it, its label, and how its formula is written and which values that
formula reads. The layout of a recorded row, the record reader, the stepper's list of
computations, the labels and formulas, the chain-rule breakdowns, the trace CSV and the
window's highlighting all read this table; adding a quantity is one entry here plus its
maths (`maths.iterate` stores it under its name).

A `Key` names one value: `Key("net", 1, unit=0, sample=0)` is net_h1 of the batch's first
sample; `record.value(key)` reads it. The inputs are `out` of layer 0. A network with input
features (engine.concepts.features) records each sample's raw inputs too (`raw_input`, x1 …
xn, as wide as the samples' inputs: the layout's `raw`), and each input's formula is its
feature of them: i3 = x1².
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from engine.network import naming
from engine.concepts import render
from engine.concepts.features import raw_sym
from engine.concepts.formula import mean_of, product, same, total, weighted_sum
from engine.concepts.tokens import Deriv, SumOver, Sym, Text, Token, remark
from engine.concepts.optimizers import BUFFERS, Ref
from engine.network.network import Setup

PHASES = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Key:
    """One recorded value: `record[quantity, layer][index]` (indices 0-based; `sample` is a
    position in the batch, None for a batch value; `source` the unit of layer−1 a weight
    comes from)."""
    quantity: str
    layer: int
    unit: int | None = None
    source: int | None = None
    sample: int | None = None

    @property
    def index(self) -> tuple[int, ...]:
        return tuple(k for k in (self.sample, self.unit, self.source) if k is not None)

    @property
    def info(self) -> "Quantity":
        return QUANTITIES[self.quantity]

    @property
    def phase(self) -> str:
        return QUANTITIES[self.quantity].phase or ""


def _kept(method):
    """A name written once per instance and arguments (the trace CSV asks for each many times)."""
    def kept(self, *args):
        key = (method.__name__, *args)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = method(self, *args)
        return found
    kept.__name__, kept.__doc__ = method.__name__, method.__doc__
    return kept


class Names:
    """Symbols of one network's units and parameters, as the worked example writes them: as
    tokens (engine.concepts.tokens) for formulas, as plain text for labels. `names(sizes)` is
    the one of a network's sizes, its names kept; `Names.of(net)` the one of a network. With a
    penalty, E is the loss the gradient descends, E_data the batch loss it is made of."""

    def __init__(self, sizes, penalty: bool = False):
        self.sizes = list(sizes)
        self.offsets = naming.weight_offsets(self.sizes)
        self._kept: dict[tuple, object] = {}
        # the batch loss, and what its gradients are of
        self.data_sym = Sym("E", "data") if penalty else Sym("E")
        self.data = render.text(self.data_sym)

    @classmethod
    def of(cls, net: Setup) -> "Names":
        return names(tuple(net.sizes), net.penalty is not None)

    def unit(self, layer: int, j: int) -> str:
        return naming.unit_name(self.sizes, layer, j)

    # -- tokens ----------------------------------------------------------------------------------
    @_kept
    def out_sym(self, layer: int, j: int) -> Sym:
        """Inputs are written i1, i2 (not out_i1), as in the article."""
        return Sym("i", str(j + 1)) if layer == 0 else Sym("out", self.unit(layer, j))

    @_kept
    def net_sym(self, layer: int, j: int) -> Sym:
        return Sym("net", self.unit(layer, j))

    @_kept
    def target_sym(self, layer: int, j: int) -> Sym:
        return Sym("target", self.unit(layer, j))

    @_kept
    def delta_sym(self, layer: int, j: int) -> Sym:
        return Sym("δ", self.unit(layer, j))

    @_kept
    def loss_term_sym(self, layer: int, j: int) -> Sym:
        return Sym("E", self.unit(layer, j))

    @_kept
    def param_sym(self, layer: int, j: int, i: int | None) -> Sym:
        if i is None:
            return Sym("b", self.unit(layer, j))
        return Sym("w", str(naming.weight_number(self.sizes, layer, j, i, self.offsets)))

    def grad_sym(self, layer: int, j: int, i: int | None) -> Deriv:
        """∂E/∂w5"""
        return Deriv(Sym("E"), self.param_sym(layer, j, i))

    # -- plain text ------------------------------------------------------------------------------
    def out(self, layer: int, j: int) -> str:
        return render.text(self.out_sym(layer, j))

    def net(self, layer: int, j: int) -> str:
        return render.text(self.net_sym(layer, j))

    def param(self, layer: int, j: int, i: int | None) -> str:
        return render.text(self.param_sym(layer, j, i))


@lru_cache(maxsize=8)
def names(sizes: tuple[int, ...], penalty: bool = False) -> Names:
    return Names(sizes, penalty)


@dataclass(frozen=True)
class Context:
    """What a formula takes from its record besides the values it reads: the batch's samples
    (1-based, as in the file), whether the optimizer's state existed as the iteration started
    (a momentum buffer), the learning rate (None with a schedule: then η is a value of the
    record), and each sample's target sum (softmax outputs only). Records with equal contexts have
    formulas that differ only in the values read."""
    samples: tuple[int, ...]
    has_state: bool
    lr: float | None
    target_sums: tuple[float, ...] = ()


@dataclass(frozen=True)
class Spec:
    """A formula before its values are read: `fn` (a formula function: tokens in, a token out)
    writes it from `symbols` (tokens) or from the values of `refs`, each a Key of the record or
    a number given with the formula."""
    fn: Callable[..., Token]
    symbols: tuple[Token, ...]
    refs: tuple
    # how the value is computed from the values of `refs` (and, where its owner needs the rest
    # of the output row, `read`: a Key's value in the record), where `fn` does not carry its
    # arithmetic (`formula.computes`): an activation's, a loss's
    compute: Callable[[list, Callable[[Key], float]], float] | None = None
    # the chain rule's factors of the value, each a derivative of the loss E and the recorded value
    # that is it (None: a factor of 1, ∂net/∂b): ∂E/∂w5 = ∂E/∂net_o1 × ∂net_o1/∂w5 (δ_o1, out_h1);
    # with a weighted sum, a sum over paths of two factors each (∂E/∂out_h1 = Σ ∂E/∂net_m × ∂net_m/∂out_h1).
    # It holds where the value is computed otherwise too (an output's δ in one piece: ∂E/∂out ×
    # ∂out/∂net, both recorded). engine.teaching.chainrule walks these.
    chain: tuple[tuple[Token, Key | None], ...] | None = None

    def value(self, values: list, read: Callable[[Key], float]) -> float:
        """The value of the formula with these values of what it reads (practice's catalogue of
        mistakes computes changed formulas with it)."""
        if self.compute is not None:
            return float(self.compute(values, read))
        return float(self.fn.compute(*values))

    def tokens(self) -> Token:
        return self.fn(*self.symbols)

    def symbolic(self) -> str:
        return render.text(self.tokens())

    def keys(self) -> list[Key]:
        """The recorded values the formula reads."""
        return [r for r in self.refs if isinstance(r, Key)]


@dataclass(frozen=True)
class Quantity:
    name: str
    phase: str | None  # the phase whose steps compute it; None: not a step of its own
    shape: str  # how its values are indexed, see SHAPES
    layers: str  # in which layers it exists, see LAYERS
    # where a record keeps it: "block" (its own block of the row), ("view", block, "w" or "b")
    # (a layer's weights or biases within a flat parameter block), ("alias", quantity),
    # ("meta", position), or "derived" (made on reading, see `layout.Record`)
    stored: object
    label: Callable[[Names, Key], Token]  # its name, as a token
    formula: Callable[[Setup, Names, Context, Key], Spec | None] | None = None
    csv: str = ""  # the name the trace CSV writes (default: `name`)
    batch_of: str = ""  # the batch mean of this per-sample quantity: with one sample, known with it
    buffer: str = ""  # the optimizer's buffer it holds: recorded only where the optimizer keeps or shows it
    penalty: bool = False  # recorded only where the network has a penalty

    @property
    def csv_name(self) -> str:
        return self.csv or self.name


# index form -> the shape of a layer's block, from (sizes, layer, batch)
SHAPES: dict[str, Callable[[list, int, int], tuple]] = {
    "meta": lambda sizes, l, b: (),
    "unit": lambda sizes, l, b: (b, sizes[l]),
    "sample": lambda sizes, l, b: (b,),
    "batch": lambda sizes, l, b: (),
    "flat": lambda sizes, l, b: (sum(sizes[k] * (sizes[k - 1] + 1) for k in range(1, len(sizes))),),
    "weight": lambda sizes, l, b: (sizes[l], sizes[l - 1]),
    "bias": lambda sizes, l, b: (sizes[l],),
    "weight_sample": lambda sizes, l, b: (b, sizes[l], sizes[l - 1]),
    "bias_sample": lambda sizes, l, b: (b, sizes[l]),
    # "raw": (b, the raw inputs of a sample): a width that is not a layer's (see `layout.Layout`)
}
# which layers, from the depth L
LAYERS: dict[str, Callable[[int], range]] = {
    "none": lambda depth: range(0, 1),  # iteration-wide values, kept under layer 0
    "input": lambda depth: range(0, 1),
    "all": lambda depth: range(0, depth + 1),
    "computed": lambda depth: range(1, depth + 1),
    "output": lambda depth: range(depth, depth + 1),
}


# -- formulas ---------------------------------------------------------------------------------
# Each writes one quantity's formula for the value `k` in any record with context `ctx`.

def _input(net: Setup, n: Names, ctx: Context, k: Key) -> Spec | None:
    """A feature of the raw inputs (i3 = x1²); without features an input is given."""
    if not net.features:
        return None
    feature = net.features[k.unit]
    return Spec(feature.form.text, feature.symbols,
                tuple(Key("raw_input", 0, i, sample=k.sample) for i in feature.indices))


def _net(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j, s = k.layer, k.unit, k.sample
    symbols, refs = [], []
    for i in range(net.sizes[l - 1]):
        symbols += [n.param_sym(l, j, i), n.out_sym(l - 1, i)]
        refs += [Key("w_before", l, j, i), Key("out", l - 1, i, sample=s)]
    symbols.append(n.param_sym(l, j, None))
    refs.append(Key("b_before", l, j))
    return Spec(weighted_sum, tuple(symbols), tuple(refs))


def _out(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j, s = k.layer, k.unit, k.sample
    act = net.activation(l)
    if act.elementwise:
        return Spec(lambda v: act.text(v, [v]), (n.net_sym(l, j),), (Key("net", l, j, sample=s),),
                    lambda values, read: act.fn(np.array(values, dtype=np.float64))[0])
    nets = tuple(n.net_sym(l, m) for m in range(net.sizes[l]))
    return Spec(lambda *v: act.text(v[j], list(v)), nets,
                tuple(Key("net", l, m, sample=s) for m in range(net.sizes[l])),
                lambda values, read: act.fn(np.array(values, dtype=np.float64))[j])


def _of_outputs(net: Setup, k: Key, refs: tuple, how: Callable) -> Callable:
    """A computation by the loss (`how(loss, net, out, target)`, of the output row of k's sample,
    (1, K) each) of output k.unit, with the values its formula reads put into the recorded row:
    mse and bce divide by the outputs' count, a fused δ of softmax reads them all."""
    l, s, size = k.layer, k.sample, net.sizes[k.layer]

    def compute(values: list, read: Callable[[Key], float]) -> float:
        rows = {q: [read(Key(q, l, m, sample=s)) for m in range(size)] for q in ("net", "out", "target")}
        for ref, v in zip(refs, values):
            if isinstance(ref, Key):
                rows[ref.quantity][ref.unit] = v
        arrays = {q: np.array([row], dtype=np.float64) for q, row in rows.items()}
        return how(net.loss_fn, arrays["net"], arrays["out"], arrays["target"])[0, k.unit]
    return compute


def _loss_term(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    loss, size = net.loss_fn, net.sizes[-1]
    refs = (Key("target", k.layer, k.unit, sample=k.sample), Key("out", k.layer, k.unit, sample=k.sample))
    return Spec(lambda t, o: loss.text(t, o, size), (n.target_sym(k.layer, k.unit), n.out_sym(k.layer, k.unit)),
                refs, _of_outputs(net, k, refs, lambda loss, x, o, t: loss.terms(x, o, t)))


def _loss(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    units = range(net.sizes[k.layer])
    return Spec(total, tuple(n.loss_term_sym(k.layer, m) for m in units),
                tuple(Key("loss_term", k.layer, m, sample=k.sample) for m in units))


def _batch_loss(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    return _mean(ctx, lambda b: Sym("E", "total", index=str(b)),
                 [Key("loss", k.layer, sample=b) for b in range(len(ctx.samples))])


def _dE_dout(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j, s = k.layer, k.unit, k.sample
    if l == net.depth:
        loss, size = net.loss_fn, net.sizes[-1]
        refs = (Key("target", l, j, sample=s), Key("out", l, j, sample=s))
        return Spec(lambda t, o: loss.grad_text(t, o, size), (n.target_sym(l, j), n.out_sym(l, j)), refs,
                    _of_outputs(net, k, refs, lambda loss, x, o, t: loss.grad(o, t)))
    # the sum over the downstream paths: Σ_m δ_m·w_mj, with the weights the backward pass
    # multiplies (the updated ones in sequential order)
    weights = "w" if net.sequential else "w_before"
    symbols, refs, chain = [], [], []
    for m in range(net.sizes[l + 1]):
        w = n.param_sym(l + 1, m, j)
        symbols += [n.delta_sym(l + 1, m), w.updated() if net.sequential else w]
        refs += [Key("delta", l + 1, m, sample=s), Key(weights, l + 1, m, j)]
        chain += [(Deriv(Sym("E"), n.net_sym(l + 1, m)), refs[-2]), (Deriv(n.net_sym(l + 1, m), n.out_sym(l, j)), refs[-1])]
    return Spec(weighted_sum, tuple(symbols), tuple(refs), chain=tuple(chain))


def _dout_dnet(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j, s = k.layer, k.unit, k.sample
    act = net.activation(l)
    return Spec(act.grad_text, (n.net_sym(l, j), n.out_sym(l, j)),
                (Key("net", l, j, sample=s), Key("out", l, j, sample=s)),
                lambda values, read: act.grad(np.array(values[:1]), np.array(values[1:]))[0])


def _delta(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j, s = k.layer, k.unit, k.sample
    fused = net.fused if l == net.depth else None
    out = n.out_sym(l, j)
    # the chain rule's δ = ∂E/∂out × ∂out/∂net, both recorded; it holds where δ is computed in one piece
    # too (an output with its loss fused), for an activation of each unit alone (not softmax)
    chain = ((Deriv(Sym("E"), out), Key("dE_dout", l, j, sample=s)),
             (Deriv(out, n.net_sym(l, j)), Key("dout_dnet", l, j, sample=s)))
    if fused is None:
        symbols, refs = zip(*chain)
        return Spec(product, symbols, refs, chain=chain)
    factors = chain if net.activation(l).elementwise else None
    size = net.sizes[-1]
    symbols = (out, n.target_sym(l, j))
    refs = (Key("out", l, j, sample=s), Key("target", l, j, sample=s))
    compute = _of_outputs(net, k, refs, lambda loss, x, o, t: fused.delta(o, t))
    if fused.needs_target_sum and ctx.target_sums[s] != 1.0:
        return Spec(lambda o, t, st: fused.text(o, t, size, st), (*symbols, SumOver(Sym("target"))),
                    (*refs, ctx.target_sums[s]), compute, factors)
    return Spec(lambda o, t: fused.text(o, t, size, None), symbols, refs, compute, factors)


def _grad_w_sample(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j, i, s = k.layer, k.unit, k.source, k.sample
    return Spec(product, (n.delta_sym(l, j), n.out_sym(l - 1, i)), (Key("delta", l, j, sample=s), Key("out", l - 1, i, sample=s)),
                chain=((Deriv(Sym("E"), n.net_sym(l, j)), Key("delta", l, j, sample=s)),
                       (Deriv(n.net_sym(l, j), n.param_sym(l, j, i)), Key("out", l - 1, i, sample=s))))


def _grad_b_sample(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    l, j = k.layer, k.unit
    return Spec(same, (n.delta_sym(l, j),), (Key("delta", l, j, sample=k.sample),),
                chain=((Deriv(Sym("E"), n.net_sym(l, j)), Key("delta", l, j, sample=k.sample)),
                       (Deriv(n.net_sym(l, j), n.param_sym(l, j, None)), None)))


def _grad(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    """The batch mean of the per-sample gradients (of the batch loss E, or E_data with a penalty)."""
    if k.quantity == "grad_w" and net.penalty is not None:
        return _penalized(net, n, ctx, k)
    per_sample = QUANTITIES[QUANTITIES[k.quantity].batch_of]
    if len(ctx.samples) == 1:
        return per_sample.formula(net, n, ctx, Key(per_sample.name, k.layer, k.unit, k.source, 0))
    keys = [Key(per_sample.name, k.layer, k.unit, k.source, b) for b in range(len(ctx.samples))]
    param = n.param_sym(k.layer, k.unit, k.source)
    return _mean(ctx, lambda b: Deriv(Sym(n.data_sym.base, n.data_sym.sub, index=str(b)), param), keys)


def _penalized(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    """∂E/∂w = ∂E_data/∂w + the penalty's term (L2: λ·w)."""
    param = n.param_sym(k.layer, k.unit, k.source)
    return Spec(net.penalty.gradient_text, (Deriv(n.data_sym, param), Sym("λ"), param),
                (Key("grad_data_w", k.layer, k.unit, k.source), float(net.penalty.strength),
                 Key("w_before", k.layer, k.unit, k.source)))


def _penalty(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    """E_penalty of every weight as the iteration starts."""
    symbols, refs = [Sym("λ")], [float(net.penalty.strength)]
    for l in range(1, net.depth + 1):
        for j in range(net.sizes[l]):
            for i in range(net.sizes[l - 1]):
                symbols.append(n.param_sym(l, j, i))
                refs.append(Key("w_before", l, j, i))
    return Spec(net.penalty.text, tuple(symbols), tuple(refs))


def _objective(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    """E = E_data + E_penalty."""
    return Spec(total, (Sym("E", "data"), Sym("E", "penalty")),
                (Key("batch_loss", k.layer), Key("penalty", k.layer)))


def _scheduled_lr(net: Setup, n: Names, ctx: Context, k: Key) -> Spec | None:
    """η of the iteration, by the schedule: η0·γ^(k − 1) ... (None: no schedule, η is given)."""
    if net.schedule is None:
        return None
    symbols, values = zip(*net.schedule.operands())
    return Spec(net.schedule.text, (Sym("η", "0"), Sym("k"), *symbols),
                (float(net.learning_rate), Key("iteration", 0), *values))


def operand(net: Setup, n: Names, ctx: Context, k: Key, ref: Ref) -> tuple[Token, object]:
    """How an update formula writes one of its operands (`optimizers.Ref`) for the parameter
    `k` is about, and what it reads: (symbol, Key or number)."""
    kind, param = QUANTITIES[k.quantity].shape[0], n.param_sym(k.layer, k.unit, k.source)
    if ref.kind == "param":
        return param, Key(kind + "_before", k.layer, k.unit, k.source)
    if ref.kind == "grad":
        return n.grad_sym(k.layer, k.unit, k.source), Key("grad_" + kind, k.layer, k.unit, k.source)
    if ref.kind == "lr":  # with a schedule, η of the iteration is a computation of its own
        return Sym("η"), (ctx.lr if net.schedule is None else Key("lr", 0))
    if ref.kind == "setting":
        return net.optimizer.setting_value(ref)
    quantity = f"{ref.name}_{kind}" + ("_before" if ref.before else "")
    return BUFFERS[ref.name].written(param), Key(quantity, k.layer, k.unit, k.source)


def _updated(net: Setup, n: Names, ctx: Context, k: Key) -> Spec:
    """A buffer's new value or the parameter's, by the optimizer's formula (`Optimizer.formula`)."""
    q = QUANTITIES[k.quantity]
    if not q.buffer and k.quantity == "b" and not net.train_biases:
        param = n.param_sym(k.layer, k.unit, k.source)
        return Spec(same, (remark(param, "not trained"),), (Key("b_before", k.layer, k.unit, k.source),))
    update = net.optimizer.formula(q.buffer, first=not ctx.has_state)
    symbols, refs = zip(*(operand(net, n, ctx, k, ref) for ref in update.operands))
    return Spec(update.fn, symbols, refs)


def _mean(ctx: Context, symbol: Callable[[int], Token], keys: list) -> Spec:
    """The mean over the batch's samples; `symbol(b)` writes sample b's value (b 1-based)."""
    return Spec(mean_of, tuple(map(symbol, ctx.samples)), tuple(keys))


# -- the table ----------------------------------------------------------------------------------

def _param(n: Names, k: Key) -> Sym:
    return n.param_sym(k.layer, k.unit, k.source)


def _grad_label(n: Names, k: Key) -> Deriv:
    return Deriv(Sym("E"), _param(n, k))


def _updated_label(n: Names, k: Key) -> Sym:
    return _param(n, k).updated()


Q = Quantity


def _buffers(before: bool) -> list[Quantity]:
    """The quantities of every buffer an optimizer may keep or show (`optimizers.BUFFERS`), flat
    and per layer: as the iteration starts (`before`: kept ones only), or their new values,
    computed in the update (a computation of its own where the buffer is `stepped`)."""
    out = []
    for b in BUFFERS.values():
        if before and not b.kept:
            continue
        label = (lambda n, k, b=b: b.written(n.param_sym(k.layer, k.unit, k.source)))
        end = "_before" if before else ""
        stepped = b.stepped and not before
        out += [Q(b.name + end, None, "flat", "none", "block", lambda n, k, s=Sym(b.symbol, accent=b.accent): s,
                  buffer=b.name)]
        for kind, shape in (("w", "weight"), ("b", "bias")):
            out.append(Q(f"{b.name}_{kind}{end}", "update" if stepped else None, shape, "computed",
                         ("view", b.name + end, kind), label, _updated if stepped else None, buffer=b.name))
    return out


def _data_label(n: Names, k: Key) -> Deriv:
    return Deriv(n.data_sym, _param(n, k))


QUANTITIES: dict[str, Quantity] = {q.name: q for q in (
    # iteration-wide facts
    Q("iteration", None, "meta", "none", ("meta", 0), lambda n, k: Text("iteration")),
    Q("lr", "update", "meta", "none", ("meta", 1), lambda n, k: Sym("η"), _scheduled_lr),
    Q("has_state", None, "meta", "none", ("meta", 2), lambda n, k: Text("optimizer state")),
    Q("sample", None, "sample", "none", "block", lambda n, k: Text("sample")),
    # the parameters (and the optimizer's buffers) the iteration starts from, flat and per layer
    Q("theta_before", None, "flat", "none", "block", lambda n, k: Sym("θ")),
    *[q for q in _buffers(before=True) if q.shape == "flat"],
    Q("w_before", None, "weight", "computed", ("view", "theta_before", "w"), _param),
    Q("b_before", None, "bias", "computed", ("view", "theta_before", "b"), _param),
    *[q for q in _buffers(before=True) if q.shape != "flat"],
    # forward pass: the inputs are out of layer 0 (features of the raw inputs, with features)
    Q("raw_input", "forward", "raw", "input", "block", lambda n, k: raw_sym(k.unit)),
    Q("input", "forward", "unit", "input", ("alias", "out"), lambda n, k: n.out_sym(0, k.unit), _input),
    Q("net", "forward", "unit", "computed", "block", lambda n, k: n.net_sym(k.layer, k.unit), _net),
    Q("out", "forward", "unit", "all", "block", lambda n, k: n.out_sym(k.layer, k.unit), _out),
    # loss
    Q("target", "loss", "unit", "output", "block", lambda n, k: n.target_sym(k.layer, k.unit)),
    Q("loss_term", "loss", "unit", "output", "block", lambda n, k: n.loss_term_sym(k.layer, k.unit), _loss_term),
    Q("loss", "loss", "sample", "output", "block", lambda n, k: Sym("E", "total"), _loss),
    Q("batch_loss", "loss", "batch", "output", "block", lambda n, k: n.data_sym, _batch_loss, csv="loss",
      batch_of="loss"),
    # with a penalty: E_penalty of the weights, and E = E_data + E_penalty, what the gradient descends
    Q("penalty", "loss", "batch", "output", "block", lambda n, k: Sym("E", "penalty"), _penalty, penalty=True),
    Q("objective", "loss", "batch", "output", "block", lambda n, k: Sym("E"), _objective, penalty=True),
    # backward pass
    Q("dE_dout", "backward", "unit", "computed", "block", lambda n, k: Deriv(Sym("E"), n.out_sym(k.layer, k.unit)), _dE_dout),
    Q("dout_dnet", "backward", "unit", "computed", "block",
      lambda n, k: Deriv(n.out_sym(k.layer, k.unit), n.net_sym(k.layer, k.unit)), _dout_dnet),
    Q("delta", "backward", "unit", "computed", "block", lambda n, k: n.delta_sym(k.layer, k.unit), _delta),
    Q("grad_w_sample", "backward", "weight_sample", "computed", "derived", _data_label, _grad_w_sample, csv="grad_w"),
    Q("grad_b_sample", "backward", "bias_sample", "computed", "derived", _data_label, _grad_b_sample, csv="grad_b"),
    # with a penalty: each weight's gradient of E_data, before the penalty's term is added
    Q("grad_data_w", "backward", "weight", "computed", "block", _data_label, _grad, batch_of="grad_w_sample",
      penalty=True),
    Q("grad", None, "flat", "none", "block", lambda n, k: Deriv(Sym("E"), Sym("θ"))),
    Q("grad_w", "backward", "weight", "computed", ("view", "grad", "w"), _grad_label, _grad,
      batch_of="grad_w_sample"),
    Q("grad_b", "backward", "bias", "computed", ("view", "grad", "b"), _grad_label, _grad,
      batch_of="grad_b_sample"),
    # update: the optimizer's buffers, then the parameters
    *_buffers(before=False),
    Q("theta", None, "flat", "none", "block", lambda n, k: Sym("θ", sup="+")),
    Q("w", "update", "weight", "computed", ("view", "theta", "w"), _updated_label, _updated),
    Q("b", "update", "bias", "computed", ("view", "theta", "b"), _updated_label, _updated),
)}


def parameter_of(sizes, key: Key) -> naming.Param | None:
    """The weight or bias a value is about (its gradient, its update ...), or None."""
    shape = QUANTITIES[key.quantity].shape
    if shape in ("weight", "weight_sample"):
        return naming.Param("w", key.layer, key.unit, key.source, naming.weight_name(sizes, key.layer, key.unit, key.source))
    if shape in ("bias", "bias_sample"):
        return naming.Param("b", key.layer, key.unit, None, naming.bias_name(sizes, key.layer, key.unit))
    return None


def label_token(net: Setup, key: Key) -> Token:
    """The name of a recorded value, as a token: net_h1, ∂E/∂w5, w5⁺, E_total."""
    return QUANTITIES[key.quantity].label(Names.of(net), key)


def label(net: Setup, key: Key) -> str:
    """The name of a recorded value, as plain text."""
    return render.text(label_token(net, key))


def spec(net: Setup, ctx: Context, key: Key) -> Spec | None:
    """The formula of `key` in any record with context `ctx` (None for given values)."""
    q = QUANTITIES[key.quantity]
    return None if q.formula is None else q.formula(net, Names.of(net), ctx, key)
