"""Formulas as data, and how their numbers are written.

A formula function takes its operands as tokens (engine.concepts.tokens: symbols, or the
numbers they stand for) and returns the expression as a token; a `Formula` keeps the function,
the symbols it is written in and the values those symbols had, so that "out_o1·(1 − out_o1)"
and "0.75136507·(1 − 0.75136507)" are one expression twice and can never disagree. The number
formats (`exact`, `significant`: engine.concepts.numbers, named here too) are how a renderer
(engine.concepts.render) writes a number.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from engine.concepts.numbers import MINUS, Fmt, exact, exact_in_formula, short, significant, unsigned_zero
from engine.concepts.tokens import Const, Num, Product, Sum, Token, lift, squared

__all__ = ["MINUS", "Fmt", "Formula", "computes", "descent", "exact", "exact_in_formula", "mean_of",
           "moving_average", "moving_average_of_squares", "product", "squared",
           "same", "short", "significant", "total", "unsigned_zero", "weighted_sum"]


@dataclass(frozen=True)
class Formula:
    """A formula with its numbers: `fn` (a formula function: tokens in, a token out) applied to
    the symbols it is written in, or to the values those symbols had. Both are tokens
    (engine.concepts.tokens), written by engine.concepts.render."""
    fn: Callable[..., Token]
    symbols: tuple[Token, ...]
    values: tuple[float, ...]

    def tokens(self, numbers: bool = False) -> Token:
        """The formula in its symbols, or (`numbers`) with the values put in."""
        return self.fn(*map(Num, self.values)) if numbers else self.fn(*self.symbols)

    def symbolic(self) -> str:
        """The plain text in symbols: out_o1·(1 − out_o1)."""
        from engine.concepts import render  # written where a formula is (`presets` reads files without it)

        return render.text(self.tokens())

    def numeric(self, fmt: Fmt = exact_in_formula) -> str:
        """The plain text with the numbers written by `fmt`: 0.75136507·(1 − 0.75136507)."""
        from engine.concepts import render

        return render.text(self.tokens(numbers=True), fmt)


# The formula functions whose arithmetic is plain (sums, products, means, the SGD step) carry it
# as `compute`: the value of the expression from its numbers. The practice mode's catalogue of
# mistakes reads a formula's structure from them (which operands are factors, which are terms)
# and computes what a changed formula gives. A formula of an activation or a loss has no
# `compute`: the quantity it is the formula of computes it with its owner's function.

def computes(compute: Callable[..., float]):
    """Mark a formula function with the arithmetic of its formula (`compute`): a concept module
    writing a formula of its own (an optimizer's update) says how its value is computed."""
    def mark(fn: Callable[..., Token]) -> Callable[..., Token]:
        fn.compute = compute
        return fn
    return mark


def _weighted_sum_value(*values: float) -> float:
    total = sum(values[k] * values[k + 1] for k in range(0, len(values) - 1, 2))
    return total + values[-1] if len(values) % 2 else total


@computes(lambda *values: math.prod(values))
def product(*parts: Token) -> Token:
    """a·b·c"""
    return parts[0] if len(parts) == 1 else Product(tuple(map(lift, parts)))


@computes(lambda *values: math.fsum(values))
def total(*parts: Token) -> Token:
    """a + b + c"""
    return parts[0] if len(parts) == 1 else Sum(tuple(map(lift, parts)))


@computes(lambda *values: math.fsum(values) / len(values))
def mean_of(*parts: Token) -> Token:
    """(a + b)/2; the mean of one value is that value."""
    return parts[0] if len(parts) == 1 else Sum(tuple(parts)) / Const(str(len(parts)))


@computes(_weighted_sum_value)
def weighted_sum(*parts: Token) -> Token:
    """a1·b1 + a2·b2 + ... (+ c when the count is odd: the bias term)."""
    terms = [parts[k] * parts[k + 1] for k in range(0, len(parts) - 1, 2)]
    if len(parts) % 2:
        terms.append(parts[-1])
    return terms[0] if len(terms) == 1 else Sum(tuple(terms))


@computes(lambda p, lr, step: p - lr * step)
def descent(p: Token, lr: Token, step: Token) -> Token:
    """The SGD step: p − η·g."""
    return p - lr * step


@computes(lambda value: value)
def same(value: Token) -> Token:
    """A value that is another's (∂E/∂b = δ)."""
    return value


@computes(lambda beta, old, new: beta * old + (1 - beta) * new)
def moving_average(beta: Token, old: Token, new: Token) -> Token:
    """An exponential moving average: β·m + (1 − β)·g."""
    return beta * old + (1 - beta) * new


@computes(lambda beta, old, new: beta * old + (1 - beta) * (new * new))
def moving_average_of_squares(beta: Token, old: Token, new: Token) -> Token:
    """An exponential moving average of squares: β·v + (1 − β)·g²."""
    return beta * old + (1 - beta) * squared(new)
