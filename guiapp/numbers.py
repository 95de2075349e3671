"""Reading a number the user typed: exactly, or not at all.

Accepted: 0.5, -1e-3, .5, 1/2 (a fraction, converted once to the nearest float64), and a
decimal comma (0,5). Anything else raises ValueError with a message that says what is wrong.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

EXAMPLES = ("0.5", "-1e-3", ".5", "1/2", "0,5")  # what the editor offers as examples

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FORMS = re.compile(rf"^({_NUMBER})(?:/({_NUMBER}))?$")


def parse_number(text: str) -> float:
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
    numerator, denominator = match.groups()
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
