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
gradient itself is the one the engine applied. The structure (which factors, which
downstream paths, which weights) comes from the formula specs of the quantity table, the
same that the side panel and the trace CSV write. `lines()` writes it out as above; with
`shown` (which recorded values may be shown: practice mode's answered ones) a value not shown
is written in symbols alone, and so is a product of values inside it:
    ∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5
      ∂E_total/∂out_o1 = −(target_o1 − out_o1)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from engine.network import naming
from engine.record.describe import context, formula as step_formula
from engine.concepts import render
from engine.concepts.formula import Fmt, Formula, short
from engine.concepts.tokens import Const, Deriv, Num, Product, Quotient, Sum, Sym, Token, remark
from engine.record.describe import distinct, equation
from engine.record.layout import Record
from engine.network.network import Setup
from engine.record.quantities import Key, Names, spec

TOTAL = Sym("E", "total")
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

    def parts(self, fmt: Fmt = short, numbers: bool = True) -> list[str]:
        """`tokens` as plain text."""
        return [render.text(p, fmt) for p in self.tokens(fmt, numbers)]

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

    def factorized(self, layer: int, unit: int, s: int) -> bool:
        """Is δ of this unit written ∂E/∂out × ∂out/∂net with finite factors? (Not for a
        softmax output, whose δ comes in one piece, nor where ∂E/∂out is not finite: an
        output that rounds to exactly 0 or 1 with bce, where δ = (out − target)/K.)"""
        if not self.net.activation(layer).elementwise:
            return False
        dout = self.value(Key("dE_dout", layer, unit, sample=s))
        return math.isfinite(dout)


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


def _per_sample(r: _Reader, p: naming.Param, s: int) -> Node:
    n = r.names
    l, j = p.layer, p.unit
    batch = len(r.rec.samples)
    key = Key(f"grad_{p.kind}_sample", l, j, p.source, s)
    # ∂E_s/∂p = δ × ∂net/∂p: the gradient's own spec says what ∂net/∂p is
    grad = r.spec(key)
    delta_key, *inputs = grad.keys()
    if inputs:  # a weight: ∂net/∂w = the out it multiplies
        last = _leaf(Deriv(n.net_sym(l, j), r.param(p)), r.value(inputs[0]),
                     Formula(lambda x: x, (grad.symbols[1],), (r.value(inputs[0]),)), inputs[0])
    else:  # a bias: ∂net/∂b = 1
        last = _leaf(Deriv(n.net_sym(l, j), r.param(p)), 1.0)
    if r.factorized(l, j, s):
        slope = Key("dout_dnet", l, j, sample=s)
        factors = (
            _dE_dout(r, l, j, s),
            _leaf(Deriv(n.out_sym(l, j), n.net_sym(l, j)), r.value(slope), r.formula(slope), slope),
            last,
        )
    else:  # δ in one piece (softmax + cross-entropy; bce at a saturated output)
        factors = (_leaf(Deriv(TOTAL, n.net_sym(l, j)), r.value(delta_key), r.formula(delta_key), delta_key), last)
    symbol = Deriv(TOTAL, r.param(p))
    if batch > 1:
        symbol = remark(symbol, f"sample {int(r.rec.samples[s]) + 1}")
    return Node(symbol, r.value(key), "product", factors, key=key)


def _dE_dout(r: _Reader, l: int, j: int, s: int) -> Node:
    """∂E_total/∂out of unit j of layer l: from the loss, or summed over the paths above."""
    n = r.names
    key = Key("dE_dout", l, j, sample=s)
    symbol = Deriv(TOTAL, n.out_sym(l, j))
    if l == r.net.depth:
        return _leaf(symbol, r.value(key), r.formula(key), key)
    # the spec is Σ_m δ_m·w_mj over the units above, with the weights the backward pass used
    path = r.spec(key)
    refs = path.keys()
    terms = []
    for (delta_key, w_key), w_symbol in zip(zip(refs[0::2], refs[1::2]), path.symbols[1::2]):
        m = delta_key.unit
        above = n.unit(l + 1, m)
        w = r.value(w_key)
        w_leaf = _leaf(Deriv(n.net_sym(l + 1, m), n.out_sym(l, j)), w, Formula(lambda v: v, (w_symbol,), (w,)), w_key)
        delta = r.value(delta_key)
        if l + 1 == r.net.depth and r.factorized(l + 1, m, s):
            # The worked example's form: ∂E_o1/∂out_h1 = ∂E_o1/∂net_o1 × ∂net_o1/∂out_h1,
            # with ∂E_o1/∂net_o1 = ∂E_o1/∂out_o1 × ∂out_o1/∂net_o1.
            dout, slope = Key("dE_dout", l + 1, m, sample=s), Key("dout_dnet", l + 1, m, sample=s)
            e_above = Sym("E", above)
            delta_node = Node(Deriv(e_above, n.net_sym(l + 1, m)), delta, "product", (
                _leaf(Deriv(e_above, n.out_sym(l + 1, m)), r.value(dout), key=dout),
                _leaf(Deriv(n.out_sym(l + 1, m), n.net_sym(l + 1, m)), r.value(slope), key=slope),
            ), key=delta_key)
            term_symbol = Deriv(e_above, n.out_sym(l, j))
        else:
            delta_node = _leaf(Deriv(TOTAL, n.net_sym(l + 1, m)), delta,
                               Formula(lambda d: d, (n.delta_sym(l + 1, m),), (delta,)), delta_key)
            term_symbol = Product((delta_node.symbol, w_leaf.symbol), "×")
        terms.append(Node(term_symbol, float(delta * w), "product", (delta_node, w_leaf)))
    return Node(symbol, r.value(key), "sum", tuple(terms), key=key)
