"""The chain-rule breakdown of the gradient of any weight or bias, as data.

    ∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5
                 = 0.74136507 × 0.186815602 × 0.593269992 = 0.082167041
For a unit that feeds several others, ∂E_total/∂out_h1 is a sum over the downstream paths:
    ∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.055399425 + (−0.019049119)
    ∂E_o1/∂out_h1 = ∂E_o1/∂net_o1 × ∂net_o1/∂out_h1 = 0.138498562 × 0.4

A `Node` is a product of factors, a sum of terms, the mean over a batch, or a leaf with
the formula that gives its value. Every value comes from the recorded iteration; the
gradient itself is the one the engine applied. `lines()` writes it out as above.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import naming
from .describe import Names, formula as step_formula
from .formula import Fmt, Formula, in_expression, short
from .layout import Record
from .network import Network
from .steps import Step

OPERATORS = {"product": " × ", "sum": " + "}


@dataclass(frozen=True)
class Node:
    symbol: str
    value: float
    kind: str  # "leaf", "product", "sum" or "mean"
    children: tuple["Node", ...] = ()
    formula: Formula | None = None  # leaves: how the value was computed

    def expansion(self, fmt: Fmt | None = None) -> str:
        """The children joined by the node's operator: symbols, or numbers with `fmt`."""
        if self.kind == "leaf":
            if self.formula is None:
                return ""
            return self.formula.symbolic() if fmt is None else self.formula.numeric(fmt)
        parts = [c.symbol if fmt is None else in_expression(fmt)(c.value) for c in self.children]
        if self.kind == "mean":
            return f"({' + '.join(parts)})/{len(parts)}"
        return OPERATORS[self.kind].join(parts)

    def line(self, fmt: Fmt = short) -> str:
        """symbol = symbols = numbers = value, leaving out repeats."""
        parts = [self.symbol]
        for part in (self.expansion(), self.expansion(fmt)):
            if part and part not in parts:
                parts.append(part)
        value = fmt(self.value)
        if parts[-1] != value:
            parts.append(value)
        return " = ".join(parts)

    def lines(self, fmt: Fmt = short, depth: int = 0) -> list[tuple[int, str]]:
        """This node's line, then those of the children that have more to say, indented."""
        out = [(depth, self.line(fmt))]
        for child in self.children:
            if child.kind != "leaf" or (child.formula is not None and child.line(fmt).count(" = ") > 1):
                out += child.lines(fmt, depth + 1)
        return out

    def find(self, symbol: str) -> "Node | None":
        if self.symbol == symbol:
            return self
        for child in self.children:
            found = child.find(symbol)
            if found is not None:
                return found
        return None


def _leaf(symbol: str, value: float, formula: Formula | None = None) -> Node:
    return Node(symbol, float(value), "leaf", (), formula)


def gradient(net: Network, rec: Record, p: naming.Param, sample: int | None = None) -> Node:
    """∂E/∂p in the recorded iteration: the batch mean of the per-sample breakdowns, or the
    breakdown for one sample (0-based position in the batch)."""
    batch = len(rec.samples)
    if sample is None and batch > 1:
        idx = (p.unit, p.source) if p.kind == "w" else (p.unit,)
        children = tuple(_per_sample(net, rec, p, s) for s in range(batch))
        return Node(f"∂E/∂{p.name}", float(rec["grad_" + p.kind, p.layer][idx]), "mean", children)
    return _per_sample(net, rec, p, 0 if sample is None else sample)


def _per_sample(net: Network, rec: Record, p: naming.Param, s: int) -> Node:
    n = Names(net)
    l, j, i = p.layer, p.unit, p.source
    batch = len(rec.samples)
    suffix = f" (sample {int(rec.samples[s]) + 1})" if batch > 1 else ""
    if p.kind == "w":
        prev = rec["input", 0] if l == 1 else rec["out", l - 1]
        last = _leaf(f"∂{n.net(l, j)}/∂{p.name}", prev[s, i], Formula(lambda x: x, (n.out(l - 1, i),), (prev[s, i],)))
        value = rec["grad_w_sample", l][s, j, i]
    else:
        last = _leaf(f"∂{n.net(l, j)}/∂{p.name}", 1.0)
        value = rec["grad_b_sample", l][s, j]
    if net.activation(l).elementwise:
        factors = (
            _dE_dout(net, rec, l, j, s),
            _leaf(f"∂{n.out(l, j)}/∂{n.net(l, j)}", rec["dout_dnet", l][s, j],
                  step_formula(net, rec, Step("backward", "dout_dnet", l, j, None, s))),
            last,
        )
    else:  # softmax with cross-entropy: ∂E/∂net comes in one piece
        factors = (
            _leaf(f"∂E_total/∂{n.net(l, j)}", rec["delta", l][s, j],
                  step_formula(net, rec, Step("backward", "delta", l, j, None, s))),
            last,
        )
    return Node(f"∂E_total/∂{p.name}{suffix}", float(value), "product", factors)


def _dE_dout(net: Network, rec: Record, l: int, j: int, s: int) -> Node:
    """∂E_total/∂out of unit j of layer l: from the loss, or summed over the paths above."""
    n = Names(net)
    symbol = f"∂E_total/∂{n.out(l, j)}"
    if l == net.depth:
        return _leaf(symbol, rec["dE_dout", l][s, j], step_formula(net, rec, Step("backward", "dE_dout", l, j, None, s)))
    sequential = net.update_order == "sequential"
    weights = rec["w" if sequential else "w_before", l + 1]
    above_is_output = l + 1 == net.depth and net.activation(l + 1).elementwise
    terms = []
    for k in range(net.sizes[l + 1]):
        above = n.unit(l + 1, k)
        w_symbol = n.weight(l + 1, k, j) + ("⁺" if sequential else "")
        w_leaf = _leaf(f"∂{n.net(l + 1, k)}/∂{n.out(l, j)}", weights[k, j],
                       Formula(lambda w: w, (w_symbol,), (weights[k, j],)))
        delta = rec["delta", l + 1][s, k]
        if above_is_output:
            # The worked example's form: ∂E_o1/∂out_h1 = ∂E_o1/∂net_o1 × ∂net_o1/∂out_h1,
            # with ∂E_o1/∂net_o1 = ∂E_o1/∂out_o1 × ∂out_o1/∂net_o1.
            delta_node = Node(f"∂E_{above}/∂{n.net(l + 1, k)}", float(delta), "product", (
                _leaf(f"∂E_{above}/∂{n.out(l + 1, k)}", rec["dE_dout", l + 1][s, k]),
                _leaf(f"∂{n.out(l + 1, k)}/∂{n.net(l + 1, k)}", rec["dout_dnet", l + 1][s, k]),
            ))
            term_symbol = f"∂E_{above}/∂{n.out(l, j)}"
        else:
            delta_node = _leaf(f"∂E_total/∂{n.net(l + 1, k)}", delta, Formula(lambda d: d, (f"δ_{above}",), (delta,)))
            term_symbol = f"∂E_total/∂{n.net(l + 1, k)} × ∂{n.net(l + 1, k)}/∂{n.out(l, j)}"
        terms.append(Node(term_symbol, float(delta * weights[k, j]), "product", (delta_node, w_leaf)))
    return Node(symbol, float(rec["dE_dout", l][s, j]), "sum", tuple(terms))
