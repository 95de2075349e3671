"""How a number is written: exactly (the shortest text that reads back as the same float64), or
with so many significant digits; a true minus sign (−) in formulas; 0, never −0. A renderer
(engine.concepts.render) writes each number of a formula with one of these."""
from __future__ import annotations

from typing import Callable

Fmt = Callable[[float], str]


MINUS = "−"  # U+2212: every minus sign in a formula, whether of a symbol or of a number


def unsigned_zero(value: float) -> float:
    """The value, a zero always written 0: −0.0 becomes 0.0 (x + 0.0 changes nothing else,
    NaN and infinities included). A product or a negation of 0 can be −0.0 (δ·w with w < 0);
    no output shows a reader "−0"."""
    return float(value) + 0.0


def exact(value: float) -> str:
    """The shortest text that reads back as the same float64 (Python's repr); 0, never −0."""
    return repr(unsigned_zero(value))


def exact_in_formula(value: float) -> str:
    """`exact` with a true minus sign, as numbers are written inside formulas (the trace CSV's
    `value` column keeps `exact`, which every CSV reader parses)."""
    return exact(value).replace("-", MINUS)


def significant(digits: int) -> Fmt:
    """Numbers with `digits` significant digits and a true minus sign, as the panel shows them
    (0, never −0)."""

    def fmt(value: float) -> str:
        return f"{unsigned_zero(value):.{digits}g}".replace("-", MINUS)

    return fmt


short = significant(9)
