"""Labels and formulas of recorded values, made when someone reads them.

`entry(net, record, step)` names one value of a recorded iteration the way the worked example
writes it: its label (net_h1, ∂E/∂w5, w5⁺ ...), the formula in symbols, the same formula with
the numbers the engine used, and the value itself, straight from the record.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import naming
from .formula import Fmt, Formula, exact, joined, mean_of, short, weighted_sum
from .layout import Record
from .network import Network
from .steps import Step

LABEL_QUANTITY = {"grad_w_sample": "grad_w", "grad_b_sample": "grad_b", "batch_loss": "loss"}


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


def _idx(step: Step) -> tuple[int, ...]:
    return tuple(k for k in (step.sample, step.unit, step.source) if k is not None)


def value(record: Record, step: Step) -> float:
    return float(record[step.quantity, step.layer][_idx(step)])


def entry(net: Network, record: Record, step: Step) -> Entry:
    return Entry(label(net, step), formula(net, record, step), value(record, step))


def formula(net: Network, rec: Record, step: Step) -> Formula | None:
    n = Names(net)
    q, l, j, i, s = step.quantity, step.layer, step.unit, step.source, step.sample
    depth, sizes = net.depth, net.sizes
    if q in ("input", "target"):
        return None
    if q == "net":
        prev = rec["input", 0][s] if l == 1 else rec["out", l - 1][s]
        symbols, values = [], []
        for k in range(sizes[l - 1]):
            symbols += [n.weight(l, j, k), n.out(l - 1, k)]
            values += [rec["w_before", l][j, k], prev[k]]
        symbols.append(n.bias(l, j))
        values.append(rec["b_before", l][j])
        return Formula(weighted_sum, tuple(symbols), tuple(values))
    if q == "out":
        act = net.activation(l)
        if act.elementwise:
            return Formula(lambda v: act.text(v, [v]), (n.net(l, j),), (rec["net", l][s, j],))
        nets = tuple(n.net(l, k) for k in range(sizes[l]))
        return Formula(lambda *v: act.text(v[j], list(v)), nets, tuple(rec["net", l][s]))
    if q == "loss_term":
        loss, k_out = net.loss_fn, sizes[-1]
        return Formula(lambda t, o: loss.text(t, o, k_out), (f"target_{n.unit(l, j)}", n.out(l, j)),
                       (rec["target", l][s, j], rec["out", l][s, j]))
    if q == "loss":
        terms = tuple(f"E_{n.unit(l, k)}" for k in range(sizes[l]))
        return Formula(joined(" + "), terms, tuple(rec["loss_term", l][s]))
    if q == "batch_loss":
        return _mean(rec, "E_total[{}]", rec["loss", l])
    if q == "dE_dout":
        if l == depth:
            loss, k_out = net.loss_fn, sizes[-1]
            return Formula(lambda t, o: loss.grad_text(t, o, k_out), (f"target_{n.unit(l, j)}", n.out(l, j)),
                           (rec["target", l][s, j], rec["out", l][s, j]))
        sequential = net.update_order == "sequential"
        weights = rec["w" if sequential else "w_before", l + 1]
        symbols, values = [], []
        for k in range(sizes[l + 1]):
            w = n.weight(l + 1, k, j) + ("⁺" if sequential else "")
            symbols += [f"δ_{n.unit(l + 1, k)}", w]
            values += [rec["delta", l + 1][s, k], weights[k, j]]
        return Formula(weighted_sum, tuple(symbols), tuple(values))
    if q == "dout_dnet":
        act = net.activation(l)
        return Formula(act.grad_text, (n.net(l, j), n.out(l, j)), (rec["net", l][s, j], rec["out", l][s, j]))
    if q == "delta":
        if net.activation(l).elementwise:
            return Formula(joined("·"), (f"∂E/∂{n.out(l, j)}", f"∂{n.out(l, j)}/∂{n.net(l, j)}"),
                           (rec["dE_dout", l][s, j], rec["dout_dnet", l][s, j]))
        target_sum = float(rec["target", l][s].sum())
        symbols = (n.out(l, j), f"target_{n.unit(l, j)}")
        values = (rec["out", l][s, j], rec["target", l][s, j])
        if target_sum == 1.0:
            return Formula(lambda o, t: f"{o} − {t}", symbols, values)
        return Formula(lambda o, st, t: f"{o}·{st} − {t}", (symbols[0], "Σtarget", symbols[1]),
                       (values[0], target_sum, values[1]))
    if q == "grad_w_sample":
        prev = rec["input", 0][s] if l == 1 else rec["out", l - 1][s]
        return Formula(joined("·"), (f"δ_{n.unit(l, j)}", n.out(l - 1, i)), (rec["delta", l][s, j], prev[i]))
    if q == "grad_b_sample":
        return Formula(lambda d: d, (f"δ_{n.unit(l, j)}",), (rec["delta", l][s, j],))
    if q in ("grad_w", "grad_b"):
        if len(rec.samples) == 1:
            return formula(net, rec, Step(step.phase, q + "_sample", l, j, i, 0))
        per_sample = rec[q + "_sample", l][(slice(None), j) + ((i,) if i is not None else ())]
        return _mean(rec, "∂E[{}]/∂" + n.param(l, j, i), per_sample)
    param = n.param(l, j, i)
    idx = (j, i) if i is not None else (j,)
    kind = "w" if q in ("w", "velocity_w") else "b"
    if q in ("velocity_w", "velocity_b"):
        grad = rec["grad_" + kind, l][idx]
        if rec["has_velocity", 0]:
            v_before = rec["velocity_" + kind + "_before", l][idx]
            return Formula(lambda m, v, g: f"{m}·{v} + {g}", ("μ", f"v_{param}", f"∂E/∂{param}"),
                           (net.momentum, v_before, grad))
        return Formula(lambda g: g, (f"∂E/∂{param}",), (grad,))
    before = rec[kind + "_before", l][idx]
    if kind == "b" and not net.train_biases:
        return Formula(lambda b: b, (f"{param} (not trained)",), (before,))
    if net.momentum:
        step_symbol, step_value = f"v_{param}", rec["velocity_" + kind, l][idx]
    else:
        step_symbol, step_value = f"∂E/∂{param}", rec["grad_" + kind, l][idx]
    return Formula(lambda p, lr, g: f"{p} − {lr}·{g}", (param, "η", step_symbol), (before, rec.lr, step_value))


def _mean(rec: Record, symbol: str, values: np.ndarray) -> Formula:
    numbers = [int(k) + 1 for k in rec.samples]
    return Formula(mean_of, tuple(symbol.format(k) for k in numbers), tuple(values))
