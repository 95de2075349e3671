"""Reading a number the user typed: exactly, or not at all; and how many digits of it count.

Accepted: 0.5, -1e-3, .5, 1/2 (a fraction, converted once to the nearest float64), and a
decimal comma (0,5). Anything else raises NumberError (a ValueError) with one line that says
what is wrong: “TEXT” is too large, is too small, is not a number.
Every number read from a user or a file goes through here (`parse_number`, `read_typed`,
`whole_number`, `digits_only`, `parse_decimal`): the window's value editor, samples table and
New network fields, practice mode (the window's and `python -m engine practice`), the options
of `python -m engine` (and of guiapp.screenshot), the window's settings file and the fields of
a CSV file (engine.files.csvdata reads them with float() at C speed, checked to agree).

The bounds, checked before any arithmetic on the text (so that no input takes long):
- a number is at most MAX_CHARACTERS characters: enough for any float64 written out exactly
  (the smallest, 2^-1074, takes 1,077 characters in positional notation with its sign);
- its value is a float64's: "too large" when it rounds to infinity (beyond 1.7976931348623157e308
  by half a unit in the last place), "too small" when it is not zero but rounds to zero (below
  about 2.5e-324); a value between rounds to the nearest float64 (subnormals included);
- a fraction a/b: a and b each obey these bounds, b is not zero, and so does a/b, which is
  computed exactly (from integers of at most a few thousand digits) and rounded once;
- a whole number (`whole_number`: an option such as --iterations) is ASCII digits with an
  optional sign, at most MAX_WHOLE_DIGITS digits; `digits_only` (a number in a list such as
  1,37,9999-10000) the same without a sign. Superscripts (²) and other scripts' digits are not
  digits here;
- a CSV field (`parse_decimal`) is a decimal only: no fraction, no decimal comma (the reader
  turns a file's decimal commas into points), within the same bounds.

Practice mode checks a typed value to the significant digits it was typed with (`Typed.digits`,
trailing zeros included: 0.7500 has 4), and `agrees` says whether a value rounds to it there.
"""
from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # decimal and fractions (some 3 ms) are imported by the first number that needs them
    from decimal import Decimal

EXAMPLES = ("0.5", "-1e-3", ".5", "1/2", "0,5")  # what the editor offers as examples
MAX_CHARACTERS = 1_100  # of a typed number (see the module)
MAX_WHOLE_DIGITS = 18  # of a whole number: below 10**18, so that it fits an int64
SHOWN = 40  # characters of the text a message quotes

_DIGITS = "[0-9]"  # ASCII digits only: re's \d also takes other scripts' digits
_DECIMAL = rf"[+-]?(?:{_DIGITS}+\.?{_DIGITS}*|\.{_DIGITS}+)(?:[eE][+-]?{_DIGITS}+)?"
DECIMAL = re.compile(_DECIMAL)  # 0.5, -1e-3, .5, 1.
ZERO = re.compile(rf"\s*[+-]?(?:0+\.?0*|\.0+)(?:[eE][+-]?{_DIGITS}+)?\s*")  # a decimal that writes 0
_FORMS = re.compile(rf"({_DECIMAL})(?:/({_DECIMAL}))?")
_WHOLE = re.compile(rf"[+-]?{_DIGITS}+")

TOO_LARGE = f"is too large: a float64 holds at most ±{sys.float_info.max!r}"
TOO_SMALL = "is too small: not zero, but a float64 rounds it to zero (its least positive value is 5e-324)"
NOT_A_NUMBER = "is not a number"


def quoted(text: str) -> str:
    """Text a message quotes: stripped, at most SHOWN characters (then …), in “ ”."""
    s = str(text).strip()
    return f"“{s if len(s) <= SHOWN else s[: SHOWN - 1] + '…'}”"


class NumberError(ValueError):
    """Text that is not a number within the bounds: “TEXT” REASON, one line (`reason` alone is
    TOO_LARGE, TOO_SMALL, NOT_A_NUMBER or another sentence that starts with "is" or "has")."""

    def __init__(self, text: str, reason: str):
        super().__init__(f"{quoted(text)} {reason}")
        self.text, self.reason = text, reason


def _checked_length(text: str) -> str:
    if len(text) > MAX_CHARACTERS:
        raise NumberError(text, f"{NOT_A_NUMBER}: it has more than {MAX_CHARACTERS:,} characters")
    return text.strip()


def _bounded(text: str, part: str) -> float:
    """The float64 nearest the decimal `part` of `text`, or NumberError: too large, too small."""
    value = float(part)  # correctly rounded, and quick: `part` has at most MAX_CHARACTERS characters
    if math.isinf(value):
        raise NumberError(text, TOO_LARGE)
    if value == 0.0 and not ZERO.fullmatch(part):
        raise NumberError(text, TOO_SMALL)
    return value


def parse_decimal(text: str) -> float:
    """A decimal number only (0.5, -1e-3, .5), within the bounds: a field of a CSV file."""
    s = _checked_length(text)
    if not DECIMAL.fullmatch(s):
        raise NumberError(text, NOT_A_NUMBER)
    return _bounded(text, s)


def _parts(text: str) -> tuple[str, str | None]:
    """The numerator and denominator (None) of a typed number, in Python's notation."""
    s = _checked_length(text).replace("−", "-").replace(" ", "")
    if "," in s:
        if "." in s or s.count(",") > 1:
            raise NumberError(text, f"{NOT_A_NUMBER}: use either a decimal point or a decimal comma")
        s = s.replace(",", ".")
    if not s:
        raise ValueError("no number given")
    match = _FORMS.fullmatch(s)
    if not match:
        raise NumberError(text, NOT_A_NUMBER)
    return match.group(1), match.group(2)


def _value(text: str, numerator: str, denominator: str | None) -> float:
    value = _bounded(text, numerator)
    if denominator is None:
        return value
    if _bounded(text, denominator) == 0.0:
        raise NumberError(text, "has a division by zero")
    if value == 0.0:
        return 0.0
    # Both sides are float64 values written in at most MAX_CHARACTERS characters: their exact
    # fractions have integers of at most a few thousand digits.
    from fractions import Fraction
    try:
        value = float(Fraction(numerator) / Fraction(denominator))  # rounded once
    except OverflowError:
        raise NumberError(text, TOO_LARGE) from None
    if value == 0.0:
        raise NumberError(text, TOO_SMALL)
    return value


def parse_number(text: str) -> float:
    return _value(text, *_parts(text))


def whole_number(text: str) -> int:
    """A whole number written in ASCII digits with an optional sign (an option's count, size
    or seed); NumberError: not a whole number, or more than MAX_WHOLE_DIGITS digits."""
    s = str(text).strip()
    if not _WHOLE.fullmatch(s):  # linear in the text's length: no limit needed before it
        raise NumberError(s, "is not a whole number")
    sign, digits = ("-" if s[0] == "-" else ""), s.lstrip("+-").lstrip("0") or "0"
    if len(digits) > MAX_WHOLE_DIGITS:
        raise NumberError(s, f"is too large: at most {MAX_WHOLE_DIGITS} digits")
    return int(sign + digits)


def digits_only(text: str) -> int | None:
    """The whole number that ASCII digits alone write (a column, an iteration in a list such
    as 1,37,9999-10000), or None for any other text; NumberError for more than
    MAX_WHOLE_DIGITS digits."""
    s = text.strip()
    if not (s.isascii() and s.isdigit()):
        return None
    return whole_number(s)


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
    from decimal import Decimal
    return Typed(text, value, Decimal(numerator) if value else Decimal(0),
                 len(significant) if significant else 1)


def _unit(number: Decimal, digits: int) -> Decimal:
    """The place value of the `digits`-th significant digit of a non-zero number."""
    from decimal import Decimal
    return Decimal(1).scaleb(number.adjusted() - digits + 1)


def agrees(typed: Typed, value: float, digits: int) -> bool:
    """Does `value` round to the typed number at `digits` significant digits? True when it lies
    within half a unit of that digit of the typed number (a tie either way counts: 0.3775 is
    0.378 or 0.377 to 3 digits, whichever the student's rounding gave, although the float64
    nearest to 0.3775 lies a little above it). A fraction, or a typed 0, is measured in the
    digits of `value`."""
    if not math.isfinite(value):
        return False
    from decimal import Decimal
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
