"""Labels and formulas of recorded values, made when someone reads them.

`entry(net, record, key)` names one value of a recorded iteration the way the worked example
writes it: its label (net_h1, ∂E/∂w5, w5⁺ ...), the formula in symbols, the same formula with
the numbers the engine used, and the value itself, straight from the record. The label and
the formula's spec come from the quantity table (`quantities`); `formula` reads the values
the spec refers to. The trace CSV makes each spec once and reads the values of every
iteration straight from its row (see `tracecsv`).
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.concepts.formula import Fmt, Formula, short
from engine.record.layout import Record
from engine.network.network import Setup
from engine.concepts import render
from engine.concepts.tokens import Num, Relation, Token
from engine.record.quantities import Context, Key, label, label_token, spec

__all__ = ["Entry", "context", "distinct", "entry", "equation", "formula", "label", "label_token", "spec", "value"]


@dataclass(frozen=True)
class Entry:
    symbol: Token  # its name: net_h1, ∂E/∂w5, w5⁺
    formula: Formula | None  # None for a value that is given, not computed (an input, a target)
    value: float

    @property
    def label(self) -> str:
        return render.text(self.symbol)

    def text(self, fmt: Fmt = short, numbers: bool = True) -> str:
        """label = symbols = numbers = value, as the side panel writes it (without `numbers`:
        label = symbols, what practice mode shows of a value not yet answered)."""
        return render.text(self.line(fmt, numbers), fmt)

    def line(self, fmt: Fmt = short, numbers: bool = True) -> Token:
        """label = symbols = numbers = value as one token, for any renderer."""
        return equation(self.tokens(fmt, numbers))

    def tokens(self, fmt: Fmt = short, numbers: bool = True) -> list[Token]:
        """label, symbols, numbers, value, each once (a given value is its label and value), as
        tokens for the renderers to write."""
        return distinct([self.symbol, *((self.formula.tokens(), self.formula.tokens(numbers=True))
                                        if self.formula is not None else ())][: None if numbers else 2],
                        self.value if numbers else None, fmt)


def equation(parts: list[Token]) -> Token:
    """a = b = c (a token alone as it is)."""
    return parts[0] if len(parts) == 1 else Relation("=", tuple(parts))


def distinct(tokens: list[Token], value: float | None, fmt: Fmt) -> list[Token]:
    """The tokens written the same only once, then `value` (a number, as a result: no parentheses)
    unless the last already says it: symbol = symbols = numbers = value. A last token that is a
    number alone (w5 = (−0.5)) is that value: written once, as a result (w5 = −0.5)."""
    out, seen = [], set()
    for token in tokens:
        written = render.text(token, fmt)
        if written not in seen:
            seen.add(written)
            out.append(token)
    if value is None:
        return out
    if len(out) > 1 and isinstance(out[-1], Num):
        out.pop()
    if render.text(out[-1], fmt) != fmt(value):
        out.append(Num(value, wrap=False))
    return out


def value(record: Record, key: Key) -> float:
    return record.value(key)


def entry(net: Setup, record: Record, key: Key) -> Entry:
    return Entry(label_token(net, key), formula(net, record, key), record.value(key))


def formula(net: Setup, rec: Record, key: Key) -> Formula | None:
    s = spec(net, context(net, rec), key)
    if s is None:
        return None
    return Formula(s.fn, s.symbols, tuple(rec.value(r) if isinstance(r, Key) else r for r in s.refs))


def context(net: Setup, rec: Record) -> Context:
    samples = tuple(int(k) + 1 for k in rec.samples)
    target_sums = ()
    fused = net.fused
    if fused is not None and fused.needs_target_sum:
        targets = rec["target", net.depth]
        target_sums = tuple(float(targets[s].sum()) for s in range(len(samples)))
    return Context(samples, bool(rec["has_state", 0]), rec.lr, target_sums)
