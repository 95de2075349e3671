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
from engine.record.quantities import Context, Key, label, spec

__all__ = ["Entry", "context", "entry", "formula", "label", "spec", "value"]


@dataclass(frozen=True)
class Entry:
    label: str
    formula: Formula | None  # None for a value that is given, not computed (an input, a target)
    value: float

    def text(self, fmt: Fmt = short, numbers: bool = True) -> str:
        """label = symbols = numbers = value, as the side panel writes it (without `numbers`:
        label = symbols, what practice mode shows of a value not yet answered)."""
        return " = ".join(self.parts(fmt, numbers))

    def parts(self, fmt: Fmt = short, numbers: bool = True) -> list[str]:
        """label, symbols, numbers, value: each once (a given value is its label and value)."""
        parts = [self.label]
        if self.formula is not None:
            for part in (self.formula.symbolic(), self.formula.numeric(fmt)) if numbers else (self.formula.symbolic(),):
                if part not in parts:
                    parts.append(part)
        if not numbers:
            return parts
        value = fmt(self.value)
        if parts[-1].strip("()") != value:
            parts.append(value)
        return parts


def value(record: Record, key: Key) -> float:
    return record.value(key)


def entry(net: Setup, record: Record, key: Key) -> Entry:
    return Entry(label(net, key), formula(net, record, key), record.value(key))


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
