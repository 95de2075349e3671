"""Formulas as tokens: what a formula says, built once, written by each renderer (`render`).

A formula function (an activation's, a loss's, an optimizer's update, `formula.product` ...)
takes its operands as tokens, symbols or numbers, and returns the expression as a tree of
tokens; the plain text (the side panel, the trace CSV), LaTeX, HTML and Markdown are each
written from that tree by `engine.concepts.render`, so they cannot disagree, and nothing reads
formula text back.

The leaves: `Sym` a name (net_h1: Sym("net", "h1"); w5⁺: Sym("w", "5", sup="+"); E_total[2]:
Sym("E", "total", index="2"); m̂: Sym("m", accent="^")), `Num` a number the formula reads
(written by the renderer's number format, in parentheses where negative: 0.4 + (−0.5)),
`Const` a number that is part of the formula (1, 2, ½), `Text` words ("if", "not trained"),
`Dots` and `Elided` (terms of a long sum left out). The nodes: `Deriv` ∂A/∂B, `Sum`, `Diff`,
`Product` (· or ×), `Quotient`, `Neg`, `Power` (its `Base` where a number may be: x²), `Sqrt`,
`Abs` (|w|), `Floor` (⌊x⌋), `Call` (tanh(x), max(a, b)), `Group`
(explicit parentheses or brackets), `Relation` (a = b, a > b), `Row` (items side by side:
1 if net > 0 else 0) and `SumOver` (Σtarget).

Formulas are written with Python's operators: `1 - out`, `out * (1 - out)`, `-(t - o)`,
`e ** -net`, `t / o`; numbers in them become `Const`. Parentheses follow from precedence:
they are written where the tree needs them (−(t − o), (o − t)/(o·(1 − o)), (t − o)²), never
typed. A token is data: `render.text(token)` is its plain text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

# how tightly a node binds, as the operand of another (parentheses where an operand binds less)
RELATION, SUM, NEGATION, PRODUCT, DERIVATIVE, POWER, ATOM = 0, 10, 15, 20, 35, 40, 50


class Token:
    """A formula or a part of one. Python's operators build formulas from tokens and numbers."""
    prec = ATOM

    def __add__(self, other) -> "Token":
        return Sum((*(self.parts if isinstance(self, Sum) else (self,)), lift(other)))

    def __radd__(self, other) -> "Token":
        return Sum((lift(other), self))

    def __sub__(self, other) -> "Token":
        return Diff(self, lift(other))

    def __rsub__(self, other) -> "Token":
        return Diff(lift(other), self)

    def __mul__(self, other) -> "Token":
        mine = self.parts if isinstance(self, Product) and self.sign == "·" else (self,)
        return Product((*mine, lift(other)))

    def __rmul__(self, other) -> "Token":
        return Product((lift(other), self))

    def __truediv__(self, other) -> "Token":
        return Quotient(self, lift(other))

    def __rtruediv__(self, other) -> "Token":
        return Quotient(lift(other), self)

    def __neg__(self) -> "Token":
        return Neg(self)

    def __pow__(self, other) -> "Token":
        return Power(self, lift(other))

    def __rpow__(self, other) -> "Token":
        return Power(lift(other), self)


Part = Union[Token, int, float]


def lift(value: Part) -> Token:
    """A token as it is; a number written in a formula (1, 2, 0.01) as a `Const`."""
    if isinstance(value, Token):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a part of a formula: {value!r}")
    return Const(str(value))


# -- leaves ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=True)
class Sym(Token):
    """A name: base letters, a subscript (digits written straight after the base, as w5; other
    text after an underscore, as net_h1; or a token of its own, as the w5 of v_w5), a
    superscript + (w5⁺, an updated value), a bracketed index ([2], a sample's) and an accent
    over the base ("^": m̂)."""
    base: str
    sub: Union[str, Token] = ""
    sup: str = ""
    index: str = ""
    accent: str = ""

    def updated(self) -> "Sym":
        """The same name with ⁺: the value after the update."""
        return Sym(self.base, self.sub, "+", self.index, self.accent)


@dataclass(frozen=True, eq=True)
class Num(Token):
    """A number the formula reads (or its result, `wrap` False): written by the renderer's
    number format, a negative one in parentheses where it is an operand."""
    value: float
    wrap: bool = True


@dataclass(frozen=True, eq=True)
class Const(Token):
    """A number that is part of the formula, written as it is: 1, 2, ½, 0.01."""
    text: str


HALF = Const("½")


@dataclass(frozen=True, eq=True)
class Text(Token):
    """Words in a formula: "if", "else", "not trained"."""
    words: str


@dataclass(frozen=True, eq=True)
class Dots(Token):
    """…"""


@dataclass(frozen=True, eq=True)
class Elided(Token):
    """`count` terms of a sum left out: … (12 terms) …"""
    count: int


# -- nodes ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=True)
class Deriv(Token):
    """∂top/∂bottom"""
    top: Token
    bottom: Token
    prec = DERIVATIVE


@dataclass(frozen=True, eq=True)
class Sum(Token):
    parts: tuple
    prec = SUM


@dataclass(frozen=True, eq=True)
class Diff(Token):
    left: Token
    right: Token
    prec = SUM


@dataclass(frozen=True, eq=True)
class Product(Token):
    """Factors joined by · (a formula's product) or × (the chain rule's)."""
    parts: tuple
    sign: str = "·"
    prec = PRODUCT


@dataclass(frozen=True, eq=True)
class Quotient(Token):
    """left/right (`spaced`: left / right)."""
    left: Token
    right: Token
    spaced: bool = False
    prec = PRODUCT


@dataclass(frozen=True, eq=True)
class Neg(Token):
    inner: Token
    prec = NEGATION


@dataclass(frozen=True, eq=True)
class Power(Token):
    base: Token
    exponent: Token
    prec = POWER


@dataclass(frozen=True, eq=True)
class Sqrt(Token):
    """√x (x in parentheses unless it is a single symbol or number)."""
    inner: Token
    prec = POWER


@dataclass(frozen=True, eq=True)
class Abs(Token):
    """|x| (a negative number inside without parentheses: |−0.4|)."""
    inner: Token


@dataclass(frozen=True, eq=True)
class Floor(Token):
    """⌊x⌋"""
    inner: Token


@dataclass(frozen=True, eq=True)
class Base(Token):
    """The base of a power that may be a number (x of x²): a number in parentheses where it is
    negative or written with an exponent ((−0.05)², (1e−05)²), anything else as an operand of
    the power."""
    inner: Token


@dataclass(frozen=True, eq=True)
class Call(Token):
    """A function applied: tanh(x), max(0, x), ln(x)."""
    name: str
    args: tuple


@dataclass(frozen=True, eq=True)
class Group(Token):
    """Parentheses or brackets the formula writes itself: −[a + b]/K."""
    inner: Token
    brackets: str = "()"


@dataclass(frozen=True, eq=True)
class Relation(Token):
    """a = b = c, a > b"""
    sign: str
    parts: tuple
    prec = RELATION


@dataclass(frozen=True, eq=True)
class Row(Token):
    """Items side by side, a space apart: 1 if net > 0 else 0; w5 (not trained)."""
    parts: tuple
    prec = RELATION


@dataclass(frozen=True, eq=True)
class SumOver(Token):
    """Σx: the sum of x over the outputs."""
    inner: Token


# -- builders ------------------------------------------------------------------------------------
E = Sym("e")


def call(name: str, *args: Part) -> Call:
    return Call(name, tuple(lift(a) for a in args))


def ln(x: Part) -> Call:
    return call("ln", x)


def sqrt(x: Part) -> Sqrt:
    return Sqrt(lift(x))


def product(*parts: Part, sign: str = "·") -> Token:
    return Product(tuple(lift(p) for p in parts), sign)


def total(*parts: Part) -> Token:
    return Sum(tuple(lift(p) for p in parts))


def squared(x: Part) -> Power:
    """x²: a name or a number as it is (w5², 0.05², (−0.05)²), anything longer in parentheses
    ((∂E/∂w5)²), a number written with an exponent too ((1e−05)²)."""
    return Power(Base(lift(x)), Const("2"))


def greater(a: Part, b: Part) -> Relation:
    return Relation(">", (lift(a), lift(b)))


def equals(*parts: Part) -> Relation:
    return Relation("=", tuple(lift(p) for p in parts))


def if_else(then: Part, condition: Token, otherwise: Part) -> Row:
    """1 if net > 0 else 0"""
    return Row((lift(then), Text("if"), condition, Text("else"), lift(otherwise)))


def row(*parts: Part) -> Row:
    return Row(tuple(lift(p) for p in parts))


@dataclass(frozen=True, eq=True)
class Remark(Row):
    """A name with words after it in parentheses, which binds as the name does: a term of a sum
    without parentheses of its own (∂E_total/∂w1 (sample 3) + …)."""
    prec = DERIVATIVE


def remark(token: Token, words: str) -> Remark:
    """A token with words after it in parentheses: w5 (not trained)."""
    return Remark((token, Group(Text(words))))


def terms(token: Token) -> list[Token]:
    """The terms of a formula's outermost sum (one term if it is not a sum)."""
    return list(token.parts) if isinstance(token, Sum) else [token]
