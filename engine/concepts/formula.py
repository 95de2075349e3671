"""Formulas as data: one text function applied to symbols or to numbers.

A `Formula` keeps the function that writes the expression, the symbols it is written in and
the values those symbols had; `symbolic()` and `numeric(fmt)` write the same expression
twice, so "out_o1·(1 − out_o1)" and "0.75136507·(1 − 0.75136507)" can never disagree.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

_DOUBLED = re.compile(r"(?<=\w)\(\(([−-][^()]*)\)\)")  # name((−x)) -> name(−x)

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


def parenthesized(text: str) -> str:
    """A number's text as it goes inside an expression: negative ones in parentheses, 0.4 + (−0.5)."""
    return f"({text})" if text[:1] in "-−" else text


def tidy(text: str) -> str:
    """A formula with numbers put in: a negative number that is a whole function argument
    needs no second pair of parentheses (tanh(−0.3), not tanh((−0.3)))."""
    if "((" not in text:
        return text
    return _DOUBLED.sub(r"(\1)", text)


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

    def numeric(self, fmt: Fmt = exact_in_formula) -> str:
        wrap = in_expression(fmt)
        return tidy(self.fn(*(wrap(v) for v in self.values)))


# The text functions of the formulas whose arithmetic is plain (sums, products, means, the SGD
# step) carry it as `compute`: the value of the expression from its numbers. The practice
# mode's catalogue of mistakes reads a formula's structure from them (which operands are
# factors, which are terms) and computes what a changed formula gives. Formulas whose function
# is an activation's or a loss's have no `compute`: their owner computes them.

def computes(compute: Callable[..., float]):
    """Mark a text function with the arithmetic of its formula (`compute`): a concept module
    writing a formula of its own (an optimizer's update) says how its value is computed."""
    def mark(text: Callable[..., str]) -> Callable[..., str]:
        text.compute = compute
        return text
    return mark


_computes = computes


def _weighted_sum_value(*values: float) -> float:
    total = sum(values[k] * values[k + 1] for k in range(0, len(values) - 1, 2))
    return total + values[-1] if len(values) % 2 else total


@_computes(lambda *values: math.prod(values))
def product(*parts: str) -> str:
    """a·b·c"""
    return "·".join(parts)


@_computes(lambda *values: math.fsum(values))
def total(*parts: str) -> str:
    """a + b + c"""
    return " + ".join(parts)


@_computes(lambda *values: math.fsum(values) / len(values))
def mean_of(*parts: str) -> str:
    """(a + b)/2; the mean of one value is that value."""
    return parts[0] if len(parts) == 1 else f"({' + '.join(parts)})/{len(parts)}"


@_computes(_weighted_sum_value)
def weighted_sum(*parts: str) -> str:
    """a1·b1 + a2·b2 + ... (+ c when the count is odd: the bias term)."""
    pairs = [f"{parts[k]}·{parts[k + 1]}" for k in range(0, len(parts) - 1, 2)]
    if len(parts) % 2:
        pairs.append(parts[-1])
    return " + ".join(pairs)


@_computes(lambda p, lr, step: p - lr * step)
def descent(p: str, lr: str, step: str) -> str:
    """The SGD step: p − η·g."""
    return f"{p} − {lr}·{step}"


@_computes(lambda value: value)
def same(value: str) -> str:
    """A value that is another's (∂E/∂b = δ)."""
    return value


def squared(x: str) -> str:
    """x²: a name or a number as it is (0.05², (−0.05)²), anything longer in parentheses ((∂E/∂w5)²)."""
    simple = x.startswith("(") and x.endswith(")") or not any(c in x for c in "/ ·+−-")
    return f"{x}²" if simple else f"({x})²"


@_computes(lambda beta, old, new: beta * old + (1 - beta) * new)
def moving_average(beta: str, old: str, new: str) -> str:
    """An exponential moving average: β·m + (1 − β)·g."""
    return f"{beta}·{old} + (1 − {beta})·{new}"


@_computes(lambda beta, old, new: beta * old + (1 - beta) * (new * new))
def moving_average_of_squares(beta: str, old: str, new: str) -> str:
    """An exponential moving average of squares: β·v + (1 − β)·g²."""
    return f"{beta}·{old} + (1 − {beta})·{squared(new)}"
