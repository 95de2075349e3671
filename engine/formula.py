"""Formulas as data: one text function applied to symbols or to numbers.

A `Formula` keeps the function that writes the expression, the symbols it is written in and
the values those symbols had; `symbolic()` and `numeric(fmt)` write the same expression
twice, so "out_o1·(1 − out_o1)" and "0.75136507·(1 − 0.75136507)" can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

Fmt = Callable[[float], str]


def exact(value: float) -> str:
    """The shortest text that reads back as the same float64 (Python's repr)."""
    return repr(float(value))


def significant(digits: int) -> Fmt:
    """Numbers with `digits` significant digits and a true minus sign, as the panel shows them."""

    def fmt(value: float) -> str:
        return f"{float(value):.{digits}g}".replace("-", "−")

    return fmt


short = significant(9)


def parenthesized(text: str) -> str:
    """A number's text as it goes inside an expression: negative ones in parentheses, 0.4 + (−0.5)."""
    return f"({text})" if text[:1] in "-−" else text


def in_expression(fmt: Fmt) -> Fmt:
    """`fmt`, then `parenthesized`."""

    def wrapped(value: float) -> str:
        return parenthesized(fmt(value))

    return wrapped


@dataclass(frozen=True)
class Formula:
    fn: Callable[..., str]
    symbols: tuple[str, ...]
    values: tuple[float, ...]

    def symbolic(self) -> str:
        return self.fn(*self.symbols)

    def numeric(self, fmt: Fmt = exact) -> str:
        wrap = in_expression(fmt)
        return self.fn(*(wrap(v) for v in self.values))


def joined(separator: str) -> Callable[..., str]:
    return lambda *parts: separator.join(parts)


def mean_of(*parts: str) -> str:
    return f"({' + '.join(parts)})/{len(parts)}"


def weighted_sum(*parts: str) -> str:
    """a1·b1 + a2·b2 + ... (+ c when the count is odd: the bias term)."""
    pairs = [f"{parts[k]}·{parts[k + 1]}" for k in range(0, len(parts) - 1, 2)]
    if len(parts) % 2:
        pairs.append(parts[-1])
    return " + ".join(pairs)
