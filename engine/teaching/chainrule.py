"""The chain-rule breakdown of the gradient of any weight or bias, as data.

    ∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5
                 = 0.74136507 × 0.186815602 × 0.593269992 = 0.082167041
With a penalty, a weight's gradient is the sum of the loss's and the penalty's:
    ∂E/∂w5 = ∂E_total/∂w5 + ∂E_penalty/∂w5,   ∂E_penalty/∂w5 = λ·w5 (L2)
For a unit that feeds several others, ∂E_total/∂out_h1 is a sum over the downstream paths:
    ∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.055399425 + (−0.019049119)
    ∂E_o1/∂out_h1 = ∂E_o1/∂net_o1 × ∂net_o1/∂out_h1 = 0.138498562 × 0.4

A `Node` is a product of factors, a sum of terms, the mean over a batch, or a leaf with
the formula that gives its value. Every value comes from the recorded iteration; the
gradient itself is the one the engine applied. The tree is built by walking the specs of the
quantity table (`Spec.chain`: the derivatives each value is the product of, and which recorded
value each is): the gradient's chain (δ × ∂net/∂w), δ's own (∂E/∂out × ∂out/∂net), and ∂E/∂out's
sum over the paths from the units above. Nothing here names a factor's quantity; the names it
gives are the article's (E_total for a sample's error, E_o1 along a path to output o1). Each
line is a token (engine.concepts.tokens) that `render` writes as text, LaTeX or HTML, the
same the side panel and the trace CSV write. `lines()` writes it out as above; with
`shown` (which recorded values may be shown: practice mode's answered ones) a value not shown
is written in symbols alone, and so is a product of values inside it:
    ∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5
      ∂E_total/∂out_o1 = −(target_o1 − out_o1)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from engine.concepts import render
from engine.concepts.formula import Fmt, Formula, same, short, weighted_sum
from engine.concepts.tokens import Const, Deriv, Num, Product, Quotient, Sum, Sym, Token, remark
from engine.network import naming
from engine.record.describe import context, distinct, equation, formula as step_formula
from engine.record.layout import Record
from engine.network.network import Setup
from engine.record.quantities import Key, Names, Spec, spec

TOTAL = Sym("E", "total")  # the error of one sample
LOSS = Sym("E")  # the loss the specs' derivatives are of
Shown = Callable[[Key], bool]  # may the number of this recorded value be written?


@dataclass(frozen=True)
class Node:
    symbol: Token  # ∂E_total/∂w5 (engine.concepts.tokens)
    value: float
    kind: str  # "leaf", "product", "sum" or "mean"
    children: tuple["Node", ...] = ()
    formula: Formula | None = None  # leaves: how the value was computed
    key: Key | None = None  # the recorded value it is; None for a product inside one (δ·w) or the constant 1

    @property
    def name(self) -> str:
        """Its symbol as plain text."""
        return render.text(self.symbol)

    def shown(self, shown: Shown | None, above: bool = True) -> bool:
        """May its number be written? Any, without `shown`; a recorded value if `shown` says
        so; a product inside one (δ·w) as the value it is inside (`above`)."""
        if shown is None:
            return True
        return above if self.key is None else shown(self.key)

    def expansion(self, numbers: bool = False) -> Token | None:
        """The children joined by the node's operator (× of a product, + of a sum, their mean):
        symbols, or (`numbers`) their values; a leaf's formula."""
        if self.kind == "leaf":
            return None if self.formula is None else self.formula.tokens(numbers)
        parts = tuple(Num(c.value) if numbers else c.symbol for c in self.children)
        if self.kind == "mean":
            return Quotient(Sum(parts), Const(str(len(parts))))
        return Product(parts, "×") if self.kind == "product" else Sum(parts)

    def tokens(self, fmt: Fmt = short, numbers: bool = True) -> list[Token]:
        """symbol, symbols, numbers, value: each once (without `numbers`: symbol, symbols)."""
        parts = [self.symbol, self.expansion(), self.expansion(numbers=True)] if numbers else \
            [self.symbol, self.expansion()]
        return distinct([p for p in parts if p is not None], self.value if numbers else None, fmt)

    def line(self, fmt: Fmt = short, numbers: bool = True) -> Token:
        """symbol = symbols = numbers = value (without `numbers`: symbol = symbols), a token."""
        return equation(self.tokens(fmt, numbers))

    def lines(self, fmt: Fmt = short, depth: int = 0, shown: Shown | None = None,
              above: bool = True) -> list[tuple[int, Token]]:
        """This node's line, then those of the children that have more to say, indented; a
        value `shown` refuses (and a product inside it) in symbols alone. The lines are the
        same with or without `shown`: only their numbers differ. Each is a token: `render`
        writes it as text, LaTeX or HTML."""
        here = self.shown(shown, above)
        out = [(depth, self.line(fmt, here))]
        for child in self.explained(fmt):
            out += child.lines(fmt, depth + 1, shown, here)
        return out

    def text_lines(self, fmt: Fmt = short, shown: Shown | None = None) -> list[tuple[int, str]]:
        """`lines` as plain text."""
        return [(depth, render.text(line, fmt)) for depth, line in self.lines(fmt, shown=shown)]

    def explained(self, fmt: Fmt = short) -> list["Node"]:
        """The children that have more to say than their value: products, sums, and leaves
        whose formula is more than a name for the value."""
        return [child for child in self.children
                if child.kind != "leaf" or (child.formula is not None and len(child.tokens(fmt)) > 2)]

    def find(self, name: str) -> "Node | None":
        """The node whose symbol is written `name` (plain text)."""
        if self.name == name:
            return self
        for child in self.children:
            found = child.find(name)
            if found is not None:
                return found
        return None


def _leaf(symbol: Token, value: float, formula: Formula | None = None, key: Key | None = None) -> Node:
    return Node(symbol, float(value), "leaf", (), formula, key)


class _Reader:
    """Values, symbols and formulas of one recorded iteration, as the quantity table writes
    them: the breakdowns below take every structure (which factors, which paths, which
    weights) from the formula specs, so there is one source for each derivative."""

    def __init__(self, net: Setup, rec: Record):
        self.net, self.rec = net, rec
        self.names = Names.of(net)
        self.ctx = context(net, rec)

    def param(self, p: naming.Param) -> Sym:
        return self.names.param_sym(p.layer, p.unit, p.source)

    def spec(self, key: Key):
        return spec(self.net, self.ctx, key)

    def formula(self, key: Key) -> Formula | None:
        return step_formula(self.net, self.rec, key)

    def value(self, key: Key) -> float:
        return self.rec.value(key)

    def chain(self, key: Key) -> Spec | None:
        """The spec of `key` where it is a product of recorded derivatives, each finite (δ =
        ∂E/∂out × ∂out/∂net); None for a value in one piece (a softmax output's δ with cross-entropy;
        where ∂E/∂out is not finite: an output that rounds to exactly 0 or 1 with bce, whose δ
        is (out − target)/K)."""
        found = self.spec(key)
        if found is None or found.chain is None or found.fn is weighted_sum:
            return None
        return found if all(math.isfinite(self.value(k)) for _, k in found.chain) else None


def gradient(net: Setup, rec: Record, p: naming.Param, sample: int | None = None) -> Node:
    """∂E/∂p in the recorded iteration: the batch mean of the per-sample breakdowns (with a
    penalty, of a weight: that mean, ∂E_data/∂p, plus the penalty's term), or the breakdown for
    one sample (0-based position in the batch)."""
    r = _Reader(net, rec)
    batch = len(rec.samples)
    penalized = net.penalty is not None and p.kind == "w"
    if sample is None and batch > 1:
        children = tuple(_per_sample(r, p, s) for s in range(batch))
        key = Key("grad_data_w" if penalized else "grad_" + p.kind, p.layer, p.unit, p.source)
        data = Node(Deriv(r.names.data_sym, r.param(p)), r.value(key), "mean", children, key=key)
    else:
        data = _per_sample(r, p, 0 if sample is None else sample)
    return _with_penalty(r, p, data) if penalized and sample is None else data


def _with_penalty(r: _Reader, p: naming.Param, data: Node) -> Node:
    """∂E/∂w = (the loss's gradient, `data`) + ∂E_penalty/∂w, the penalty's term."""
    penalty = r.net.penalty
    w_key = Key("w_before", p.layer, p.unit, p.source)
    w, lam = r.value(w_key), float(penalty.strength)
    symbols = (Sym("λ"), r.names.param_sym(p.layer, p.unit, p.source))
    term = _leaf(Deriv(Sym("E", "penalty"), symbols[1]), penalty.term(w), Formula(penalty.term_text, symbols, (lam, w)))
    key = Key("grad_w", p.layer, p.unit, p.source)
    return Node(Deriv(Sym("E"), symbols[1]), r.value(key), "sum", (data, term), key=key)


def _named(derivative: Deriv, top: Token) -> Deriv:
    """A spec's derivative of the loss E (∂E/∂out_o1) as the chain rule writes it of `top`: of
    the sample's total error E_total, or of one output's error E_o1 (the article's paths)."""
    return Deriv(top, derivative.bottom) if derivative.top == LOSS else derivative


def _per_sample(r: _Reader, p: naming.Param, s: int) -> Node:
    """∂E_total/∂p for sample s: the chain of the gradient's spec (∂E/∂net × ∂net/∂w, or ∂net/∂b
    = 1), ∂E/∂net = δ written as its own chain where it has one (∂E/∂out × ∂out/∂net)."""
    key = Key(f"grad_{p.kind}_sample", p.layer, p.unit, p.source, s)
    grad = r.spec(key)
    (to_net, delta_key), (to_param, input_key) = grad.chain
    inner = r.chain(delta_key)
    if inner is not None:  # δ = ∂E/∂out × ∂out/∂net: its factors, in line
        factors = [_factor(r, k, _named(d, TOTAL)) for d, k in inner.chain]
    else:  # δ in one piece (softmax + cross-entropy; bce at a saturated output): its own formula
        factors = [_leaf(_named(to_net, TOTAL), r.value(delta_key), r.formula(delta_key), delta_key)]
    if input_key is None:  # ∂net/∂b = 1
        factors.append(_leaf(to_param, 1.0))
    else:  # ∂net/∂w: the value the gradient's spec reads, written as its symbol there (out_h1)
        x = r.value(input_key)
        factors.append(_leaf(to_param, x, Formula(same, (grad.symbols[1],), (x,)), input_key))
    symbol = Deriv(TOTAL, r.param(p))
    if len(r.rec.samples) > 1:
        symbol = remark(symbol, f"sample {int(r.rec.samples[s]) + 1}")
    return Node(symbol, r.value(key), "product", tuple(factors), key=key)


def _factor(r: _Reader, key: Key, symbol: Token) -> Node:
    """A factor of δ: ∂E/∂out as its spec writes it (the loss's derivative; above the outputs, the
    sum over the paths from the units above), or ∂out/∂net with the activation's derivative."""
    spec = r.spec(key)
    if spec is not None and spec.chain is not None and spec.fn is weighted_sum:
        return _paths(r, key, symbol, spec)
    return _leaf(symbol, r.value(key), r.formula(key), key)


def _paths(r: _Reader, key: Key, symbol: Token, spec: Spec) -> Node:
    """∂E_total/∂out of a hidden unit: its spec's sum over the units m above of ∂E/∂net_m ×
    ∂net_m/∂out, each term the chain rule of one path; in the worked example's form where m is
    an output whose δ has factors: ∂E_o1/∂out_h1 = ∂E_o1/∂net_o1 × ∂net_o1/∂out_h1."""
    terms = []
    for n in range(0, len(spec.chain), 2):
        (to_net, delta_key), (to_out, w_key) = spec.chain[n : n + 2]
        delta, w = r.value(delta_key), r.value(w_key)
        w_leaf = _leaf(to_out, w, Formula(same, (spec.symbols[n + 1],), (w,)), w_key)
        inner = r.chain(delta_key) if delta_key.layer == r.net.depth else None
        if inner is not None:
            top = r.names.loss_term_sym(delta_key.layer, delta_key.unit)  # E_o1: the error of that output
            delta_node = Node(_named(to_net, top), delta, "product",
                              tuple(_leaf(_named(d, top), r.value(k), key=k) for d, k in inner.chain), key=delta_key)
            term_symbol = Deriv(top, to_out.bottom)
        else:
            delta_node = _leaf(_named(to_net, TOTAL), delta, Formula(same, (spec.symbols[n],), (delta,)), delta_key)
            term_symbol = Product((delta_node.symbol, w_leaf.symbol), "×")
        terms.append(Node(term_symbol, float(delta * w), "product", (delta_node, w_leaf)))
    return Node(symbol, r.value(key), "sum", tuple(terms), key=key)
