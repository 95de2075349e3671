"""Reading a number the user typed: exactly, or not at all; and how many digits of it count.

Accepted: 0.5, -1e-3, .5, 1/2 (a fraction, converted once to the nearest float64), and a
decimal comma (0,5). Anything else raises ValueError with a message that says what is wrong.
The window's value editor and samples table, and practice mode, read numbers with
`parse_number` / `read_typed`.

Practice mode checks a typed value to the significant digits it was typed with (`Typed.digits`,
trailing zeros included: 0.7500 has 4), and `agrees` says whether a value rounds to it there.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

EXAMPLES = ("0.5", "-1e-3", ".5", "1/2", "0,5")  # what the editor offers as examples

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FORMS = re.compile(rf"^({_NUMBER})(?:/({_NUMBER}))?$")


def _parts(text: str) -> tuple[str, str | None]:
    """The numerator and denominator (None) of a typed number, in Python's notation."""
    s = text.strip().replace("−", "-").replace(" ", "")
    if "," in s:
        if "." in s or s.count(",") > 1:
            raise ValueError(f"“{text}” is not a number: use either a decimal point or a decimal comma")
        s = s.replace(",", ".")
    if not s:
        raise ValueError("no number given")
    match = _FORMS.match(s)
    if not match:
        raise ValueError(f"“{text}” is not a number")
    return match.group(1), match.group(2)


def _value(text: str, numerator: str, denominator: str | None) -> float:
    if denominator is None:
        value = float(numerator)
    else:
        d = Fraction(denominator)
        if d == 0:
            raise ValueError(f"“{text}”: division by zero")
        value = float(Fraction(numerator) / d)
    if not math.isfinite(value):
        raise ValueError(f"“{text}” is too large for a float64")
    return value


def parse_number(text: str) -> float:
    return _value(text, *_parts(text))


@dataclass(frozen=True)
class Typed:
    """A number as typed: its text, its float64 value, the decimal it was written as (None for
    a fraction, which is exact) and its significant digits (None for a fraction)."""
    text: str
    value: float
    decimal: Decimal | None
    digits: int | None


def read_typed(text: str) -> Typed:
    numerator, denominator = _parts(text)
    value = _value(text, numerator, denominator)
    if denominator is not None:
        return Typed(text, value, None, None)
    mantissa = numerator.lstrip("+-").lower().partition("e")[0].replace(".", "")
    significant = mantissa.lstrip("0")
    return Typed(text, value, Decimal(numerator), len(significant) if significant else 1)


def _unit(number: Decimal, digits: int) -> Decimal:
    """The place value of the `digits`-th significant digit of a non-zero number."""
    return Decimal(1).scaleb(number.adjusted() - digits + 1)


def agrees(typed: Typed, value: float, digits: int) -> bool:
    """Does `value` round to the typed number at `digits` significant digits? True when it lies
    within half a unit of that digit of the typed number (a tie either way counts: 0.3775 is
    0.378 or 0.377 to 3 digits, whichever the student's rounding gave, although the float64
    nearest to 0.3775 lies a little above it). A fraction, or a typed 0, is measured in the
    digits of `value`."""
    if not math.isfinite(value):
        return False
    exact = Decimal(value)
    typed_number = typed.decimal if typed.decimal is not None else Decimal(typed.value)
    scale = typed_number if typed_number != 0 else exact
    if scale == 0:
        return True  # both zero
    return abs(exact - typed_number) <= _unit(scale, digits) / 2 + Decimal(4 * math.ulp(value))


def agreeing_digits(typed: Typed, value: float, most: int) -> int:
    """The most significant digits (at most `most`, 0 for none) to which `value` rounds to the
    typed number."""
    for digits in range(most, 0, -1):
        if agrees(typed, value, digits):
            return digits
    return 0
