"""The classic mistakes of a hand calculation of backprop, and the values they give.

`Mistakes(net, record, key)` computes, for one value of a recorded iteration, what each mistake
in the catalogue makes of it: the value's formula tree (`recompute.Tree`: its formula, the
formulas of the backward values it reads, and so on) computed again with the mistake made.
Most mistakes are built from the structure of the formulas alone, so that they exist on any
network: a factor of a product left out, a term of a sum left out (for a hidden unit's ∂E/∂out:
a downstream path), a negative number taken as positive, a neighbour's value (an input,
output, weight or δ of the unit beside it) in place of the right one, net where out belongs.
The named special cases use the activations' and losses' own functions: the sign of ∂E/∂out,
the activation's derivative left out or taken at the wrong value or of another activation,
the ½ or the mean forgotten, log₁₀ for ln (each loss says which it has: `Loss.half`,
`mean_over_outputs`, `logarithm`), the updated weights in the backward pass, the
learning rate or the sign of the update. A mistake is offered only where its value is a
number that differs from the right one.

`diagnose(typed, digits)` names the mistake a typed value agrees with (to the digits typed), or
a rounding slip, or says that nothing matches and which part of the formula to recompute first.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Iterator

import numpy as np

from engine.concepts import render
from engine.concepts.activations import ACTIVATIONS
from engine.concepts.optimizers import OPTIMIZERS, Ref
from engine.concepts.penalties import PENALTIES
from engine.concepts.formula import descent, mean_of, product, significant, total, weighted_sum
from engine.concepts.tokens import Token
from engine.record.layout import Record
from engine.network.network import Setup
from engine.network.numbers import Typed, agreeing_digits, agrees
from engine.record.quantities import QUANTITIES, Key, Names, operand
from engine.teaching.recompute import Node, Tree

MIN_DIGITS = 3  # a typed value is checked to at least this many significant digits
SLIP_DEPTH = 3  # slips (one place) are looked for this many levels of the formula tree deep
NEIGHBOURS = 2  # units on each side whose values may be taken by mistake
MOST_TERMS = 8  # terms of a sum (the largest) that may be left out or have their sign lost


@dataclass(frozen=True)
class Mistake:
    id: str
    title: str  # one line: the user guide (docs/user-guide.md) and the report list them


def _first_of_each(mistakes) -> dict[str, "Mistake"]:
    """By ID, the first of the mistakes with that ID (an optimizer's or a penalty's mistake may
    be made in several formulas: each of them names it, the first says what it is)."""
    found: dict[str, Mistake] = {}
    for m in mistakes:
        found.setdefault(m.id, m)
    return found


CATALOGUE: dict[str, Mistake] = _first_of_each((
    Mistake("sign_flipped", "the sign of (target − out) reversed, or ∂E/∂out written as (target − out) "
                            "(for bce and cross-entropy: the minus in front of the logarithm left out)"),
    Mistake("missing_activation_derivative", "the factor ∂out/∂net (the activation's derivative) left out"),
    Mistake("derivative_at_net", "∂out/∂net evaluated with net where out belongs: σ(net)·(1 − σ(net)) "
                                 "written net·(1 − net), 1 − tanh² written 1 − net²"),
    Mistake("derivative_at_out", "∂out/∂net evaluated with out where net belongs (a derivative written in net, "
                                 "taken at out)"),
    Mistake("wrong_derivative", "another activation's derivative (or the activation itself) taken for ∂out/∂net"),
    Mistake("wrong_activation", "another activation function applied to net"),
    Mistake("missing_path", "a hidden unit's ∂E/∂out with one of its downstream paths left out"),
    Mistake("updated_weights", "the updated weights w⁺ used in the backward pass (the sequential order: "
                               "the worked example's own historical slip)"),
    Mistake("weights_before_update", "in the sequential update order, the weights before the update used "
                                     "where the layer above is already updated"),
    Mistake("missing_learning_rate", "the learning rate η left out of the update (p − g)"),
    Mistake("update_sign", "the update added instead of subtracted (p + η·g)"),
    # each optimizer's own (`Optimizer.slips`): SGD's momentum left out, Adam's bias correction ...
    *(Mistake(slip.id, slip.title) for o in OPTIMIZERS.values() for slip in o.slips if slip.title),
    # each penalty's own (`Penalty.slips`): its term added to a bias's gradient, the ½ of L2 ...
    *(Mistake(slip.id, slip.title) for p in PENALTIES.values() for slip in p.slips if slip.title),
    Mistake("wrong_iteration_rate", "the learning rate of another iteration taken (with a schedule: η of "
                                    "iteration k − 1 or k + 1, or the first iteration's η0)"),
    Mistake("missing_half", "the ½ of ½·(target − out)² forgotten (in the loss, or a 2 left in its derivative)"),
    Mistake("missing_mean", "the mean forgotten: over the outputs (mse, bce with several outputs) or over "
                            "the samples of a batch (a sum instead)"),
    Mistake("log_base", "log₁₀ used where ln belongs (bce, cross-entropy)"),
    Mistake("net_for_out", "the net input used where the output belongs (or the activation not applied)"),
    Mistake("wrong_unit", "an input, output, weight or δ of the wrong unit (the neighbour's)"),
    Mistake("missing_term", "one term of a sum left out: a weight's term, the bias, a loss term, a sample"),
    Mistake("missing_factor", "one factor of a product left out"),
    Mistake("minus_lost", "a negative number taken as positive"),
    Mistake("rounding", "right, but to fewer significant digits than typed (or fewer than 3 typed)"),
))


# built from the structure of any formula; where one of these and a named mistake give the same
# number, the named one is said
GENERIC = ("missing_factor", "missing_term", "minus_lost", "wrong_unit")


@dataclass(frozen=True)
class Candidate:
    """What one mistake makes of the value: the mistake's ID, the value, and where it lies."""
    mistake: str
    value: float
    explanation: str
    depth: int  # how deep in the formula tree the mistake is made (0: in the value's own formula)


@dataclass(frozen=True)
class Diagnosis:
    mistake: str | None  # an ID of CATALOGUE; None when no mistake gives the typed value
    explanation: str  # in plain words, pointing at the factor or term; or what to recompute first


@dataclass(frozen=True)
class _Change:
    mistake: str
    change: Callable[[Node, list], "float | None"]
    explain: Callable[[list[Node]], str]  # from the nodes changed
    target: Node | None = None  # the one node it changes (a slip), if only one


def _distinct(a: float, b: float) -> bool:
    """Different numbers, beyond the roundings of two ways of computing the same one."""
    return not math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


class Mistakes:
    """The mistakes of one value of a recorded iteration (see the module's docstring)."""

    def __init__(self, net: Setup, rec: Record, key: Key):
        self.net, self.rec, self.key = net, rec, key
        self.tree = Tree(net, rec, key)
        self.value = self.tree.root.value
        self.fmt = significant(4)
        self.candidates = self._candidates()

    def _candidates(self) -> list[Candidate]:
        found: list[Candidate] = []
        if not math.isfinite(self.value):
            return found
        for change in _changes(self):
            within = None if change.target is None else self.tree.above(change.target)
            value, sites = self.tree.evaluate(change.change, within)
            if sites and math.isfinite(value) and _distinct(value, self.value):
                found.append(Candidate(change.mistake, value, change.explain(sites), sites[0].depth))
        found.sort(key=lambda c: c.depth)  # stable: within a depth, the order of `_changes`
        # Where mistakes give the same number, the first named one is kept (the sign of
        # ∂E/∂out reversed rather than "a minus sign lost"), in the place of the first.
        kept: list[Candidate] = []
        for c in found:
            same = next((k for k, other in enumerate(kept) if not _distinct(c.value, other.value)), None)
            if same is None:
                kept.append(c)
            elif kept[same].mistake in GENERIC and c.mistake not in GENERIC:
                kept[same] = Candidate(c.mistake, kept[same].value, c.explanation, kept[same].depth)
        return kept

    # -- naming a typed value -------------------------------------------------------------------
    def diagnose(self, typed: Typed, most_digits: int = 9) -> Diagnosis:
        """The mistake the typed value (a wrong one) agrees with, to the digits typed."""
        digits = checked_digits(typed, most_digits)
        for c in self.candidates:
            if agrees(typed, c.value, digits):
                return Diagnosis(c.mistake, c.explanation)
        typed_digits = digits if typed.digits is None else typed.digits
        right_to = agreeing_digits(typed, self.value, digits - 1)
        if right_to >= min(MIN_DIGITS, typed_digits):
            if typed_digits < MIN_DIGITS:
                text = (f"{typed.text} agrees with {self.tree.root.label} to the {_digits(typed_digits)} you typed, "
                        f"but at least {MIN_DIGITS} significant digits are needed")
            else:
                text = (f"{typed.text} agrees with {self.tree.root.label} to {_digits(right_to)} only, and you "
                        f"typed {_digits(min(typed_digits, digits))}: carry more digits through the values you "
                        f"compute it from, or type only the digits you are sure of")
            return Diagnosis("rounding", text)
        return Diagnosis(None, f"No mistake in the catalogue gives {typed.text}. {self._first_to_recompute(typed.value)}")

    def _first_to_recompute(self, typed: float) -> str:
        """Which part of the formula to recompute first: the operand (a term of a sum, a factor
        of a product, the gradient of an update) that would have to change least, relative to
        its size, for the formula to give the typed value."""
        root = self.tree.root
        fn = root.spec.fn if root.spec is not None else None
        parts = _parts(root)
        if fn is None or not parts:
            return f"Recompute {root.label} = {root.symbolic()} from its numbers, innermost part first."
        best = None
        for symbol, actual, needed in parts(typed):
            if needed is None or not math.isfinite(needed):
                continue
            miss = abs(needed - actual) / max(abs(actual), 1e-300)
            if best is None or miss < best[0]:
                best = (miss, symbol, needed)
        if best is None:
            return f"Recompute {root.label} = {root.symbolic()} part by part."
        _, symbol, needed = best
        return (f"Recompute {symbol} first: with the rest of {root.label} = {root.symbolic()} as it is, "
                f"your value needs it to be {self.fmt(needed)}.")


def checked_digits(typed: Typed, most_digits: int) -> int:
    """The significant digits a typed value is checked to: as typed, at least MIN_DIGITS, at
    most `most_digits` (a fraction is exact: `most_digits`)."""
    typed_digits = most_digits if typed.digits is None else typed.digits
    return max(MIN_DIGITS, min(typed_digits, most_digits))


def _digits(n: int) -> str:
    return f"{n} significant digit{'s' if n != 1 else ''}"


def _parts(root: Node):
    """For a formula of plain arithmetic: a function of the typed value giving, for each part,
    (its symbols, its value, the value it would need for the formula to give the typed one)."""
    fn, ops = root.spec.fn, root.operands
    values = [o.value for o in ops]
    symbols = root.symbols()
    if fn is product:
        def solve(typed):
            for k, o in enumerate(ops):
                others = math.prod(v for m, v in enumerate(values) if m != k)
                yield symbols[k], values[k], typed / others if others else None
        return solve
    if fn in (total, weighted_sum, mean_of):
        terms = _terms(root)
        scale = len(ops) if fn is mean_of else 1

        def solve(typed):
            whole = math.fsum(t for _, _, t in terms)
            for _, symbol, t in terms:
                yield symbol, t, typed * scale - (whole - t)
        return solve
    if fn is descent:
        p, lr, step = values
        return lambda typed: iter([(symbols[2], step, (p - typed) / lr if lr else None)])
    return None


def _terms(node: Node) -> list[tuple[list[int], str, float]]:
    """The terms of a sum-like formula: (operand positions, symbols, value)."""
    ops, symbols = node.operands, node.symbols()
    if node.spec.fn is weighted_sum:
        terms = [([k, k + 1], f"{symbols[k]}·{symbols[k + 1]}", ops[k].value * ops[k + 1].value)
                 for k in range(0, len(ops) - 1, 2)]
        if len(ops) % 2:
            terms.append(([len(ops) - 1], symbols[-1], ops[-1].value))
        return terms
    return [([k], symbols[k], o.value) for k, o in enumerate(ops)]


# -- the catalogue as changes of the formula tree -----------------------------------------------------

def _changes(m: Mistakes) -> Iterator[_Change]:
    """Every change to try, slips in one place (shallowest first) before misconceptions
    applied wherever they can be (see `_misconceptions`)."""
    for node in m.tree.nodes:
        if node.depth > SLIP_DEPTH or node.spec is None:
            continue
        for slip in _slips(m, node):
            yield replace(slip, target=node)
    yield from _misconceptions(m)


def _at(target: Node, make: Callable[[list], "float | None"]):
    """A change of one node."""
    return lambda node, values: make(values) if node is target else None


def _replaced(tree: Tree, node: Node, values: list, replace: dict[int, float]) -> float:
    return tree.compute(node, [replace.get(k, v) for k, v in enumerate(values)])


def _in(node: Node, word: str = "in") -> str:
    """'in δ_o1 = ∂E/∂out_o1·∂out_o1/∂net_o1'"""
    return f"{word} {node.label} = {node.symbolic()}"


def _slips(m: Mistakes, node: Node) -> Iterator[_Change]:
    """The slips made in the formula of `node` (they change its value only)."""
    tree, net = m.tree, m.net
    fn, ops = node.spec.fn, node.operands
    symbols = node.symbols()
    names = Names(net.sizes)
    fixed = lambda text: (lambda sites: text)  # noqa: E731

    if fn is descent:
        p, lr, step = ops
        yield _Change("missing_learning_rate", _at(node, lambda v: v[0] - v[2]),
                      fixed(f"the learning rate η = {m.fmt(lr.value)} left out {_in(node, 'of')}"))
        yield _Change("update_sign", _at(node, lambda v: v[0] + v[1] * v[2]),
                      fixed(f"the step added instead of subtracted {_in(node)} (gradient descent goes "
                            f"against the gradient)"))

    yield from _optimizer_slips(m, node)

    if fn is product and len(ops) > 1:
        for k, o in enumerate(ops):
            mistake = "missing_activation_derivative" if o.quantity == "dout_dnet" else "missing_factor"
            what = "the activation's derivative " if mistake == "missing_activation_derivative" else ""
            yield _Change(mistake, _at(node, lambda v, k=k: math.prod(x for i, x in enumerate(v) if i != k)),
                          fixed(f"the factor {symbols[k]} ({what}{o.label}) left out {_in(node, 'of')}"
                                if symbols[k] != o.label else f"the factor {symbols[k]} left out {_in(node, 'of')}"))

    if fn in (weighted_sum, total, mean_of):
        terms = _terms(node)
        if len(terms) > 1:
            hidden = node.quantity == "dE_dout" and node.key.layer < net.depth
            largest = {symbol for _, symbol, _ in _largest(node)}
            for t, (positions, symbol, _) in enumerate(terms):
                if symbol not in largest:
                    continue

                def drop(v, t=t):
                    kept = [x for i, x in enumerate(_term_values(node, v)) if i != t]
                    return math.fsum(kept) / (len(v) if fn is mean_of else 1)
                if hidden:
                    above = ops[positions[0]].key.unit
                    text = (f"the path through {names.unit(node.key.layer + 1, above)} ({symbol}) left out: "
                            f"{node.label} sums every path from {names.unit(node.key.layer, node.key.unit)} "
                            f"to the loss, {node.label} = {node.symbolic()}")
                    yield _Change("missing_path", _at(node, drop), fixed(text))
                else:
                    yield _Change("missing_term", _at(node, drop), fixed(f"the term {symbol} left out {_in(node, 'of')}"))

    if fn in (product, weighted_sum, total, mean_of):
        # the operands of the largest terms (all the factors of a product)
        shown = sorted(k for positions, _, _ in _largest(node) for k in positions)
        for k in [k for k in shown if ops[k].value < 0]:
            yield _Change("minus_lost", _at(node, lambda v, k=k: _replaced(tree, node, v, {k: abs(v[k])})),
                          fixed(f"the minus sign of {symbols[k]} = {m.fmt(ops[k].value)} lost {_in(node)}"))
        yield from _neighbours(m, node, shown)
        outs = {k: tree.value(Key("net", o.key.layer, o.key.unit, sample=o.key.sample))
                for k, o in enumerate(ops) if o.quantity == "out" and o.key.layer > 0}
        if outs:
            used = ", ".join(names.net(ops[k].key.layer, ops[k].key.unit) for k in outs)
            belongs = ", ".join(symbols[k] for k in outs)
            yield _Change("net_for_out", _at(node, lambda v: _replaced(tree, node, v, outs)),
                          fixed(f"{used} used where {belongs} belong{'s' if len(outs) == 1 else ''} {_in(node)}"))

    q = node.quantity
    if q == "out" and node.depth == 0:
        act = net.activation(node.key.layer)
        j = node.key.unit
        net_value = ops[j if not act.elementwise else 0].value
        net_symbol = node.spec.symbols[j if not act.elementwise else 0]
        yield _Change("net_for_out", _at(node, lambda v: net_value),
                      fixed(f"the activation not applied: {node.label} = {node.symbolic()}, not "
                            f"{render.text(net_symbol)}"))
        for other in ACTIVATIONS.values():
            if other.elementwise and other.name != act.name:
                yield _Change("wrong_activation", _at(node, lambda v, f=other.fn: _one(f, net_value)),
                              fixed(f"{other.name} applied ({render.text(other.text(net_symbol, [net_symbol]))}) where the "
                                    f"layer's activation is {act.name}: {node.label} = {node.symbolic()}"))
    if q in ("loss_term", "dE_dout") and node.key.layer == net.depth:
        k = next(i for i, o in enumerate(ops) if o.quantity == "out")
        o = ops[k].key
        net_value = tree.value(Key("net", o.layer, o.unit, sample=o.sample))
        yield _Change("net_for_out", _at(node, lambda v: _replaced(tree, node, v, {k: net_value})),
                      fixed(f"{names.net(o.layer, o.unit)} used where {symbols[k]} belongs {_in(node)}"))
    if q == "dout_dnet":
        yield from _derivative_changes(m, lambda n: n is node)


def _optimizer_slips(m: Mistakes, node: Node) -> Iterator[_Change]:
    """The optimizer's own mistakes (`Optimizer.slips`) made in the formula of `node`, a new
    value of one of its buffers or of a trained parameter: each computed from the formula's
    operands (as the change gives them) and, for what the formula does not read, from the record."""
    tree, net = m.tree, m.net
    q = QUANTITIES[node.quantity] if node.quantity else None
    if q is None or q.phase != "update" or (node.quantity == "b" and not net.train_biases):
        return
    if not q.buffer and node.quantity not in ("w", "b"):  # η of the iteration (a schedule's) is no update
        return
    names = Names(net.sizes)
    position = {symbol: k for k, symbol in enumerate(node.spec.symbols)}

    def resolved(ref: Ref) -> tuple[Token, object]:
        return operand(net, names, tree.ctx, node.key, ref)

    def label(ref: Ref) -> str:
        symbol, source = resolved(ref)
        return tree.label(source) if isinstance(source, Key) else render.text(symbol)

    for slip in net.optimizer.slips:
        if slip.quantity != q.buffer or not slip.applies(net.optimizer):
            continue

        def value(v, slip=slip):
            def get(ref: Ref) -> float:
                symbol, source = resolved(ref)
                if symbol in position:
                    return v[position[symbol]]
                return tree.value(source) if isinstance(source, Key) else float(source)
            return slip.value(get)
        yield _Change(slip.id, _at(node, value), lambda sites, slip=slip: f"{slip.explain(label)}: {_in(node)}")


def _one(fn, x: float) -> float:
    with np.errstate(all="ignore"):
        return float(fn(np.array([x]))[0])


def _largest(node: Node) -> list[tuple[list[int], str, float]]:
    """The MOST_TERMS terms of a sum-like formula largest in size, in order; a product's
    factors, each a term of its own."""
    if node.spec.fn is product:
        return [([k], node.symbol(k), o.value) for k, o in enumerate(node.operands)]
    terms = _terms(node)
    largest = sorted(range(len(terms)), key=lambda t: -abs(terms[t][2]))[:MOST_TERMS]
    return [terms[t] for t in sorted(largest)]


def _term_values(node: Node, values: list) -> list[float]:
    """The values of the terms of a sum-like formula, from its operands' values."""
    if node.spec.fn is weighted_sum:
        terms = [values[k] * values[k + 1] for k in range(0, len(values) - 1, 2)]
        return terms + ([values[-1]] if len(values) % 2 else [])
    return list(values)


def _neighbours(m: Mistakes, node: Node, positions: list[int]) -> Iterator[_Change]:
    """An operand (of those at `positions`) replaced by the same value of a neighbouring unit:
    an input, output or δ of the unit beside it, or the weight from or into the unit beside it."""
    tree, net = m.tree, m.net
    names = Names(net.sizes)
    for k in positions:
        o = node.operands[k]
        key = o.key
        if key is None or key.quantity not in ("out", "delta", "w_before", "w"):
            continue
        fields = ("unit", "source") if key.source is not None else ("unit",)
        for fld in fields:
            here = getattr(key, fld)
            size = net.sizes[key.layer - (1 if fld == "source" else 0)]
            for other in _nearby(here, size):
                swapped = Key(key.quantity, key.layer, *(other if f == fld else getattr(key, f)
                                                         for f in ("unit", "source")), sample=key.sample)
                value = tree.value(swapped)
                what = ""
                if key.source is not None:
                    what = (f" (the weight {names.unit(key.layer - 1, swapped.source)} → "
                            f"{names.unit(key.layer, swapped.unit)}; {o.label} is "
                            f"{names.unit(key.layer - 1, key.source)} → {names.unit(key.layer, key.unit)})")
                yield _Change("wrong_unit", _at(node, lambda v, k=k, value=value: _replaced(tree, node, v, {k: value})),
                              lambda sites, s=tree.label(swapped), what=what, k=k:
                              f"{s}{what} used in place of {node.symbol(k)} {_in(node)}")


def _nearby(here: int, size: int) -> list[int]:
    """Up to NEIGHBOURS units on each side, nearest first."""
    out = []
    for d in range(1, NEIGHBOURS + 1):
        out += [u for u in (here - d, here + d) if 0 <= u < size]
    return out


def _derivative_changes(m: Mistakes, where: Callable[[Node], bool]) -> Iterator[_Change]:
    """∂out/∂net taken at the wrong value, of another activation, or the activation itself,
    at the nodes `where` selects."""
    tree, net = m.tree, m.net
    names = Names(net.sizes)

    def chosen(node):
        return node.quantity == "dout_dnet" and where(node)

    def symbols(node):
        return names.net_sym(node.key.layer, node.key.unit), names.out_sym(node.key.layer, node.key.unit)

    def at_net(node, values):
        return tree.compute(node, [values[0], values[0]]) if chosen(node) else None

    def explain_at_net(sites):
        n = sites[0]
        act = net.activation(n.key.layer)
        s_net, s_out = symbols(n)
        return (f"{n.label} evaluated with {render.text(s_net)} where {render.text(s_out)} belongs: "
                f"{render.text(act.grad_text(s_net, s_net))} instead of {render.text(act.grad_text(s_net, s_out))}"
                f"{_elsewhere(sites)}")
    yield _Change("derivative_at_net", at_net, explain_at_net)

    # a derivative written in net (Activation.grad_of), taken at out
    def at_out(node, values):
        if not chosen(node) or net.activation(node.key.layer).grad_of != "net":
            return None
        return tree.compute(node, [values[1], values[1]])

    def explain_at_out(sites):
        n = sites[0]
        act = net.activation(n.key.layer)
        s_net, s_out = symbols(n)
        return (f"{n.label} evaluated with {render.text(s_out)} where {render.text(s_net)} belongs: "
                f"{render.text(act.grad_text(s_out, s_out))} instead of {render.text(act.grad_text(s_net, s_out))}"
                f"{_elsewhere(sites)}")
    yield _Change("derivative_at_out", at_out, explain_at_out)

    # the activation's value for its derivative, said so before another activation's derivative
    # that gives the same number (softplus's σ(net) is a sigmoid unit's out)
    def itself(node, values):
        return values[1] if chosen(node) else None

    def explain_itself(sites):
        n = sites[0]
        s_net, s_out = symbols(n)
        return f"the activation's value {render.text(s_out)} taken for its derivative {n.label} = {n.symbolic()}{_elsewhere(sites)}"
    yield _Change("wrong_derivative", itself, explain_itself)

    for other in ACTIVATIONS.values():
        if not other.elementwise:
            continue

        def other_grad(node, values, other=other):
            if not chosen(node) or net.activation(node.key.layer).name == other.name:
                return None
            with np.errstate(all="ignore"):
                return float(other.grad(np.array([values[0]]), np.array([values[1]]))[0])

        def explain_other(sites, other=other):
            n = sites[0]
            act = net.activation(n.key.layer)
            s_net, s_out = symbols(n)
            return (f"the derivative of {other.name} ({render.text(other.grad_text(s_net, s_out))}) taken for "
                    f"{n.label}; the layer's activation is {act.name}: {n.label} = "
                    f"{render.text(act.grad_text(s_net, s_out))}"
                    f"{_elsewhere(sites)}")
        yield _Change("wrong_derivative", other_grad, explain_other)


def _elsewhere(sites: list[Node]) -> str:
    others = sorted({s.label for s in sites[1:]} - {sites[0].label})
    return f" (and likewise in {', '.join(others)})" if others else ""


def _misconceptions(m: Mistakes) -> Iterator[_Change]:
    """Mistakes of understanding, made wherever they apply in the tree: the loss's derivative
    and its constants, the activations' derivatives, the weights of the backward pass."""
    tree, net = m.tree, m.net
    depth = net.depth
    names = Names(net.sizes)
    fused, loss = net.fused, net.loss_fn
    outputs = net.sizes[-1]

    def output(node, *quantities):
        return node.quantity in quantities and node.key.layer == depth

    def is_fused_delta(node):
        return fused is not None and output(node, "delta")

    def scaled(factor, *quantities, fused_too=False):
        def change(node, values):
            if output(node, *quantities) or (fused_too and is_fused_delta(node)):
                return node.value * factor
            return None
        return change

    def at(sites, text):
        return f"{text}{_elsewhere(sites)}"

    # the sign of ∂E/∂out (or of a fused δ; for bce and cross-entropy, of the loss term)
    def flip(node, values):
        if output(node, "dE_dout") or is_fused_delta(node) or (output(node, "loss_term") and loss.logarithm):
            return -node.value
        return None

    def explain_flip(sites):
        n = sites[0]
        if n.quantity == "loss_term":
            return at(sites, f"the minus sign in front of the logarithm left out: {n.label} = {n.symbolic()}")
        return at(sites, f"the sign of {n.label} reversed (as when (target − out) is written where (out − target) "
                         f"belongs): {n.label} = {n.symbolic()}")
    yield _Change("sign_flipped", flip, explain_flip)

    if loss.half:
        def explain_half(sites):
            n = sites[0]
            if n.quantity == "loss_term":
                return at(sites, f"the ½ of {n.label} = {n.symbolic()} forgotten")
            return at(sites, f"the ½ of ½·(target − out)² forgotten, so the 2 of the square stays: "
                             f"{n.label} = {n.symbolic()}")
        yield _Change("missing_half", scaled(2.0, "loss_term", "dE_dout"), explain_half)

    if loss.mean_over_outputs and outputs > 1:
        yield _Change("missing_mean", scaled(float(outputs), "loss_term", "dE_dout", fused_too=True),
                      lambda sites: at(sites, f"the division by the {outputs} outputs (the mean over them) left "
                                              f"out: {sites[0].label} = {sites[0].symbolic()}"))

    def batch_sum(node, values):
        if node.spec is not None and node.spec.fn is mean_of and len(values) > 1:
            return math.fsum(values)
        return None
    yield _Change("missing_mean", batch_sum,
                  lambda sites: at(sites, f"the mean over the batch's {len(sites[0].operands)} samples left out "
                                          f"(their sum instead): {sites[0].label} = {sites[0].symbolic()}"))

    if loss.logarithm:
        yield _Change("log_base", scaled(1 / math.log(10), "loss_term", "dE_dout", fused_too=True),
                      lambda sites: at(sites, f"log₁₀ used where ln belongs: {sites[0].label} = {sites[0].symbolic()}"))

    # the weights of the backward pass: those of the forward pass (simultaneous) or the updated ones
    used, other = ("w", "w_before") if net.sequential else ("w_before", "w")

    def weights(node, values):
        if node.quantity != "dE_dout" or node.key.layer == depth:
            return None
        swap = {k: tree.value(Key(other, o.key.layer, o.key.unit, o.key.source))
                for k, o in enumerate(node.operands) if o.quantity == used}
        return _replaced(tree, node, values, swap)

    def explain_weights(sites):
        n = sites[0]
        ws = [tree.label(Key(other, o.key.layer, o.key.unit, o.key.source)) for o in n.operands if o.quantity == used]
        if net.sequential:
            return at(sites, f"the weights before the update ({', '.join(ws)}) used in {n.label} = {n.symbolic()}: "
                             f"in the sequential order the layer above is updated before this one is backpropagated")
        return at(sites, f"the updated weights ({', '.join(ws)}) used in {n.label} = {n.symbolic()}: the backward "
                         f"pass uses the weights of the forward pass (updating the layer above first is the "
                         f"'sequential' order, the worked example's own historical slip)")
    yield _Change("weights_before_update" if net.sequential else "updated_weights", weights, explain_weights)

    # the activation's derivative, everywhere: left out, at the wrong value, of another activation
    def no_derivative(node, values):
        if node.quantity == "dout_dnet":
            return 1.0
        if is_fused_delta(node):
            d = tree.value(Key("dE_dout", node.key.layer, node.key.unit, sample=node.key.sample))
            return d if math.isfinite(d) else None
        return None

    def explain_no_derivative(sites):
        n = sites[0]
        if n.quantity == "delta":
            return at(sites, f"{n.label} taken as ∂E/∂{names.out(n.key.layer, n.key.unit)} alone: the output "
                             f"activation's derivative is part of {n.label} = {n.symbolic()}")
        return at(sites, f"the factor {n.label} = {n.symbolic()} (the activation's derivative) left out")
    yield _Change("missing_activation_derivative", no_derivative, explain_no_derivative)
    yield from _derivative_changes(m, lambda node: True)
    yield from _penalty_changes(m)
    yield from _schedule_changes(m)


def _penalty_changes(m: Mistakes) -> Iterator[_Change]:
    """The penalty's own mistakes (`Penalty.slips`), wherever they apply in the tree: in its value
    (the loss phase), in a weight's gradient ∂E_data/∂w + its term, in a bias's gradient (which
    has no term: ∂E/∂b, or with one sample its own ∂E_data/∂b)."""
    tree, net = m.tree, m.net
    penalty = net.penalty
    if penalty is None:
        return
    lam = float(penalty.strength)
    names = Names(net.sizes)

    def where(node) -> str | None:
        if node.quantity == "penalty":
            return "penalty"
        if node.quantity == "grad_w":
            return "weight"
        if node.quantity == "grad_b" or (node.quantity == "grad_b_sample" and len(tree.ctx.samples) == 1):
            return "bias"
        return None

    for slip in penalty.slips:
        def change(node, values, slip=slip):
            if where(node) != slip.at:
                return None
            if slip.at == "penalty":
                return float(slip.value(lam, tuple(values[1:])))
            if slip.at == "weight":
                return float(slip.value(lam, (values[0], values[2])))
            b = tree.value(Key("b_before", node.key.layer, node.key.unit))
            return float(slip.value(lam, (tree.compute(node, values), b)))

        def explain(sites, slip=slip):
            n = sites[0]
            param = "" if n.key.unit is None else names.param(n.key.layer, n.key.unit, n.key.source)
            return f"{slip.explain(param, n.label)}{_elsewhere(sites)}"
        yield _Change(slip.id, change, explain)


def _schedule_changes(m: Mistakes) -> Iterator[_Change]:
    """The learning rate of another iteration (k − 1, k + 1, or the first's η0) where the
    schedule's η of this one belongs: at η itself, and so in every update that reads it."""
    tree, net = m.tree, m.net
    if net.schedule is None:
        return
    k = int(tree.rec.iteration)
    for other in dict.fromkeys(j for j in (k - 1, k + 1, 1) if j >= 1 and j != k):
        rate = net.lr_at(other)

        def change(node, values, rate=rate):
            return rate if node.quantity == "lr" else None

        def explain(sites, other=other, rate=rate):
            which = "the first iteration's η0" if other == 1 else f"η of iteration {other}"
            return (f"{which} = {m.fmt(rate)} taken where η of iteration {k} belongs: η = "
                    f"{sites[0].symbolic()}, with k = {k}{_elsewhere(sites)}")
        yield _Change("wrong_iteration_rate", change, explain)
