"""Labels and formulas of recorded values, made when someone reads them.

`entry(net, record, step)` names one value of a recorded iteration the way the worked example
writes it: its label (net_h1, ∂E/∂w5, w5⁺ ...), the formula in symbols, the same formula with
the numbers the engine used, and the value itself, straight from the record.

A formula is made in two steps: `spec(net, context, step)` writes it with references to the
record's values, from the few things a record's formulas depend on (its `Context`), and
`formula` reads those values. The trace CSV makes each spec once and reads the values of
every iteration straight from its row (see `tracecsv`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import naming
from .formula import Fmt, Formula, exact, joined, mean_of, short, weighted_sum
from .layout import Record
from .network import Network
from .steps import Step



@dataclass(frozen=True)
class Entry:
    label: str
    formula: Formula | None  # None for a value that is given, not computed (an input, a target)
    value: float

    def text(self, fmt: Fmt = short) -> str:
        """label = symbols = numbers = value, as the side panel writes it."""
        parts = [self.label]
        if self.formula is not None:
            for part in (self.formula.symbolic(), self.formula.numeric(fmt)):
                if part not in parts:
                    parts.append(part)
        value = fmt(self.value)
        if parts[-1].strip("()") != value:
            parts.append(value)
        return " = ".join(parts)

    def csv_formula(self) -> str:
        if self.formula is None:
            return exact(self.value)
        return f"{self.formula.symbolic()} = {self.formula.numeric(exact)}"


class Names:
    """Symbols of one network's units and parameters."""

    def __init__(self, net: Network):
        self.sizes = net.sizes

    def unit(self, layer: int, j: int) -> str:
        return naming.unit_name(self.sizes, layer, j)

    def out(self, layer: int, j: int) -> str:
        """Inputs are written i1, i2 (not out_i1), as in the article."""
        return self.unit(layer, j) if layer == 0 else f"out_{self.unit(layer, j)}"

    def net(self, layer: int, j: int) -> str:
        return f"net_{self.unit(layer, j)}"

    def weight(self, layer: int, j: int, i: int) -> str:
        return naming.weight_name(self.sizes, layer, j, i)

    def bias(self, layer: int, j: int) -> str:
        return naming.bias_name(self.sizes, layer, j)

    def param(self, layer: int, j: int, i: int | None) -> str:
        return self.bias(layer, j) if i is None else self.weight(layer, j, i)


def label(net: Network, step: Step) -> str:
    n, q, l, j, i = Names(net), step.quantity, step.layer, step.unit, step.source
    if q == "input":
        return n.unit(0, j)
    if q == "target":
        return f"target_{n.unit(l, j)}"
    if q == "net":
        return n.net(l, j)
    if q == "out":
        return n.out(l, j)
    if q == "loss_term":
        return f"E_{n.unit(l, j)}"
    if q == "loss":
        return "E_total"
    if q == "batch_loss":
        return "E"
    if q == "dE_dout":
        return f"∂E/∂{n.out(l, j)}"
    if q == "dout_dnet":
        return f"∂{n.out(l, j)}/∂{n.net(l, j)}"
    if q == "delta":
        return f"δ_{n.unit(l, j)}"
    if q in ("grad_w", "grad_w_sample", "grad_b", "grad_b_sample"):
        return f"∂E/∂{n.param(l, j, i)}"
    if q in ("velocity_w", "velocity_b"):
        return f"v_{n.param(l, j, i)}"
    if q in ("w", "b"):
        return f"{n.param(l, j, i)}⁺"
    raise ValueError(f"unknown quantity {q!r}")


def index_of(step: Step) -> tuple[int, ...]:
    """The step's value is `record[step.quantity, step.layer][index_of(step)]`."""
    return tuple(k for k in (step.sample, step.unit, step.source) if k is not None)


def value(record: Record, step: Step) -> float:
    return float(record[step.quantity, step.layer][index_of(step)])


def entry(net: Network, record: Record, step: Step) -> Entry:
    return Entry(label(net, step), formula(net, record, step), value(record, step))


def formula(net: Network, rec: Record, step: Step) -> Formula | None:
    s = spec(net, context(net, rec), step)
    if s is None:
        return None
    return Formula(s.fn, s.symbols, tuple(_read(rec, ref) for ref in s.refs))


def _read(rec: Record, ref):
    if type(ref) is not tuple:  # a number given with the formula
        return ref
    quantity, layer, index = ref
    return rec[quantity, layer][index]


@dataclass(frozen=True)
class Context:
    """What a formula takes from its record besides the values it reads: the batch's samples
    (1-based, as in the file), whether a momentum buffer existed, the learning rate, and
    each sample's target sum (softmax outputs only). Records with equal contexts have
    formulas that differ only in the values read."""
    samples: tuple[int, ...]
    has_velocity: bool
    lr: float
    target_sums: tuple[float, ...] = ()


def context(net: Network, rec: Record) -> Context:
    samples = tuple(int(k) + 1 for k in rec.samples)
    target_sums = ()
    if not net.activation(net.depth).elementwise:
        targets = rec["target", net.depth]
        target_sums = tuple(float(targets[s].sum()) for s in range(len(samples)))
    return Context(samples, bool(rec["has_velocity", 0]), rec.lr, target_sums)


@dataclass(frozen=True)
class Spec:
    """A formula before its values are read: each of `refs` is a (quantity, layer, index)
    of the record (its value is `record[quantity, layer][index]`) or a number."""
    fn: Callable[..., str]
    symbols: tuple[str, ...]
    refs: tuple

    def symbolic(self) -> str:
        return self.fn(*self.symbols)


def spec(net: Network, ctx: Context, step: Step) -> Spec | None:
    """The formula of `step` in any record with context `ctx` (None for inputs and targets)."""
    n = Names(net)
    q, l, j, i, s = step.quantity, step.layer, step.unit, step.source, step.sample
    depth, sizes = net.depth, net.sizes
    prev = ("input", 0) if l == 1 else ("out", l - 1)  # the outs that feed layer l
    if q in ("input", "target"):
        return None
    if q == "net":
        symbols, refs = [], []
        for k in range(sizes[l - 1]):
            symbols += [n.weight(l, j, k), n.out(l - 1, k)]
            refs += [("w_before", l, (j, k)), (*prev, (s, k))]
        symbols.append(n.bias(l, j))
        refs.append(("b_before", l, (j,)))
        return Spec(weighted_sum, tuple(symbols), tuple(refs))
    if q == "out":
        act = net.activation(l)
        if act.elementwise:
            return Spec(lambda v: act.text(v, [v]), (n.net(l, j),), (("net", l, (s, j)),))
        nets = tuple(n.net(l, k) for k in range(sizes[l]))
        return Spec(lambda *v: act.text(v[j], list(v)), nets, tuple(("net", l, (s, k)) for k in range(sizes[l])))
    if q == "loss_term":
        loss, k_out = net.loss_fn, sizes[-1]
        return Spec(lambda t, o: loss.text(t, o, k_out), (f"target_{n.unit(l, j)}", n.out(l, j)),
                    (("target", l, (s, j)), ("out", l, (s, j))))
    if q == "loss":
        terms = tuple(f"E_{n.unit(l, k)}" for k in range(sizes[l]))
        return Spec(joined(" + "), terms, tuple(("loss_term", l, (s, k)) for k in range(sizes[l])))
    if q == "batch_loss":
        return _mean(ctx, "E_total[{}]", [("loss", l, (b,)) for b in range(len(ctx.samples))])
    if q == "dE_dout":
        if l == depth:
            loss, k_out = net.loss_fn, sizes[-1]
            return Spec(lambda t, o: loss.grad_text(t, o, k_out), (f"target_{n.unit(l, j)}", n.out(l, j)),
                        (("target", l, (s, j)), ("out", l, (s, j))))
        sequential = net.update_order == "sequential"
        weights = "w" if sequential else "w_before"
        symbols, refs = [], []
        for k in range(sizes[l + 1]):
            w = n.weight(l + 1, k, j) + ("⁺" if sequential else "")
            symbols += [f"δ_{n.unit(l + 1, k)}", w]
            refs += [("delta", l + 1, (s, k)), (weights, l + 1, (k, j))]
        return Spec(weighted_sum, tuple(symbols), tuple(refs))
    if q == "dout_dnet":
        act = net.activation(l)
        return Spec(act.grad_text, (n.net(l, j), n.out(l, j)), (("net", l, (s, j)), ("out", l, (s, j))))
    if q == "delta":
        if net.activation(l).elementwise:
            return Spec(joined("·"), (f"∂E/∂{n.out(l, j)}", f"∂{n.out(l, j)}/∂{n.net(l, j)}"),
                        (("dE_dout", l, (s, j)), ("dout_dnet", l, (s, j))))
        target_sum = ctx.target_sums[s]
        symbols = (n.out(l, j), f"target_{n.unit(l, j)}")
        refs = (("out", l, (s, j)), ("target", l, (s, j)))
        if target_sum == 1.0:
            return Spec(lambda o, t: f"{o} − {t}", symbols, refs)
        return Spec(lambda o, st, t: f"{o}·{st} − {t}", (symbols[0], "Σtarget", symbols[1]),
                    (refs[0], target_sum, refs[1]))
    if q == "grad_w_sample":
        return Spec(joined("·"), (f"δ_{n.unit(l, j)}", n.out(l - 1, i)), (("delta", l, (s, j)), (*prev, (s, i))))
    if q == "grad_b_sample":
        return Spec(lambda d: d, (f"δ_{n.unit(l, j)}",), (("delta", l, (s, j)),))
    if q in ("grad_w", "grad_b"):
        if len(ctx.samples) == 1:
            return spec(net, ctx, Step(step.phase, q + "_sample", l, j, i, 0))
        index = (j, i) if i is not None else (j,)
        per_sample = [(q + "_sample", l, (b, *index)) for b in range(len(ctx.samples))]
        return _mean(ctx, "∂E[{}]/∂" + n.param(l, j, i), per_sample)
    param = n.param(l, j, i)
    idx = (j, i) if i is not None else (j,)
    kind = "w" if q in ("w", "velocity_w") else "b"
    if q in ("velocity_w", "velocity_b"):
        grad = ("grad_" + kind, l, idx)
        if ctx.has_velocity:
            v_before = ("velocity_" + kind + "_before", l, idx)
            return Spec(lambda m, v, g: f"{m}·{v} + {g}", ("μ", f"v_{param}", f"∂E/∂{param}"),
                        (net.momentum, v_before, grad))
        return Spec(lambda g: g, (f"∂E/∂{param}",), (grad,))
    before = (kind + "_before", l, idx)
    if kind == "b" and not net.train_biases:
        return Spec(lambda b: b, (f"{param} (not trained)",), (before,))
    if net.momentum:
        step_symbol, step_value = f"v_{param}", ("velocity_" + kind, l, idx)
    else:
        step_symbol, step_value = f"∂E/∂{param}", ("grad_" + kind, l, idx)
    return Spec(lambda p, lr, g: f"{p} − {lr}·{g}", (param, "η", step_symbol), (before, ctx.lr, step_value))


def _mean(ctx: Context, symbol: str, refs: list) -> Spec:
    return Spec(mean_of, tuple(symbol.format(k) for k in ctx.samples), tuple(refs))
