"""Formulas (`tokens`) written out: plain text, LaTeX, HTML and Markdown.

`text(token, fmt)` is the engine's plain Unicode text, the way the side panel and the trace CSV
write it: net_h1, ∂E_total/∂w5, w5⁺, 1/(1 + e^(−net_h1)), 0.15·0.05 + 0.2·0.1 + 0.35.
`latex(token, fmt)` typesets the same as the worked example does: \\mathit{net}_{h1},
\\frac{\\partial E_{total}}{\\partial w_{5}}, w_{5}^{+}, e^{-\\mathit{net}_{h1}}; `html(token, fmt)`
with sub- and superscripts in the subset of HTML Qt's rich text shows; `markdown` is the LaTeX
between $…$. Each number a formula reads (`tokens.Num`) is written by `fmt` (engine.concepts.
formula: true minus signs, exponents as e−05), and typeset from that text (1.5 \\times 10^{-5}).

One walk writes all four: the parentheses each operand needs come from the tree (`tokens`'
precedences), and each format says how it writes a name, a number, an operator, a power. Text
in a name or in words is written by engine.text (latex, markup): shown, never obeyed.
"""
from __future__ import annotations

import re
import unicodedata

from engine.concepts import tokens as t
from engine.concepts.numbers import Fmt, short
from engine.text.latex import math_char, text_char
from engine.text.markup import text as _escape

__all__ = ["text", "latex", "html", "markdown", "template"]

SUPERSCRIPT_DIGITS = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
# an accent's character in plain text and HTML, and its LaTeX: the hat of Adam's mˆ is the spacing
# circumflex, which the fonts the window and Qt's PDF use draw beside its letter (the combining
# U+0302 they draw a line too high)
ACCENTS = {"^": ("\u02c6", r"\hat"), "~": ("\u0303", r"\tilde"), "-": ("\u0304", r"\bar")}
# LaTeX's own named operators (\ln, \tanh, …): a typesetting table, the same for any formula
LATEX_FUNCTIONS = frozenset("arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd inf ker lg lim ln log "
                            "max min sec sin sinh sup tan tanh".split())
SUPERSCRIPTS = {"+": "⁺"}


def _square(token: t.Token) -> str | None:
    """The digit of a power written as a superscript digit (x²), if it is one."""
    if isinstance(token.exponent, t.Const) and token.exponent.text in SUPERSCRIPT_DIGITS:
        return token.exponent.text
    return None


# each format's names as written (a name is written the same whatever the number format), up to
# NAMES_KEPT names of each: the largest network has some 60,000
NAMES_KEPT = 200_000
_NAMES: dict[type, dict] = {}
_METHODS: dict[type, dict] = {}  # each format's method for each kind of token


class Plain:
    """The plain text; the other formats change what differs."""
    times = {"·": "·", "×": " × "}

    def __init__(self, fmt: Fmt):
        self.fmt = fmt
        self._names = _NAMES.setdefault(type(self), {})
        self._methods = _METHODS.setdefault(type(self), {})

    def __call__(self, token: t.Token) -> str:
        return self.write(token)

    # -- the walk -------------------------------------------------------------------------------
    def write(self, token: t.Token, wrap: bool = True) -> str:
        """A token; `wrap` False: a negative number without its parentheses (a function's only
        argument, tanh(−0.3); an exponent typeset as a superscript)."""
        kind = type(token)
        if kind is t.Num:
            return self.number(token.value, wrap and token.wrap)
        if kind is t.Sym:
            return self.sym(token)
        method = self._methods.get(kind)
        if method is None:
            method = getattr(type(self), "_" + kind.__name__.lower(), None)
            if method is None:
                raise TypeError(f"no way to write {token!r}")
            self._methods[kind] = method
        return method(self, token)

    def sym(self, s: t.Sym) -> str:
        """A name: the same in every formula, so written once (the trace CSV writes a few
        names a hundred thousand times)."""
        text = self._names.get(s)
        if text is None:
            text = self._sym(s)
            if len(self._names) < NAMES_KEPT:
                self._names[s] = text
        return text

    def operand(self, token: t.Token, above: int, strict: bool = False) -> str:
        """An operand, in parentheses where it binds less tightly than the node it is in (or as
        tightly, `strict`: the right side of − and /)."""
        text = self.write(token)
        if token.prec < above or (strict and token.prec <= above):
            return self.group(text)
        return text

    # -- what each format says ----------------------------------------------------------------------
    def group(self, text: str, brackets: str = "()") -> str:
        return brackets[0] + text + brackets[1]

    def literal(self, text: str) -> str:
        """Characters of the formula itself (operators, digits, function names)."""
        return text

    def number(self, value: float, wrap: bool) -> str:
        text = self.fmt(value)
        return self.group(text) if wrap and text[:1] in "-−" else text

    def _sym(self, s: t.Sym) -> str:
        text = s.base + (ACCENTS[s.accent][0] if s.accent else "")
        if isinstance(s.sub, t.Token):
            text += "_" + self.write(s.sub)
        elif s.sub:
            text += s.sub if s.sub.isdigit() else "_" + s.sub
        text += "".join(SUPERSCRIPTS.get(c, c) for c in s.sup)
        return text + (f"[{s.index}]" if s.index else "")

    def _const(self, c: t.Const) -> str:
        return c.text

    def _text(self, w: t.Text) -> str:
        return w.words

    def _dots(self, d: t.Dots) -> str:
        return "…"

    def _elided(self, e: t.Elided) -> str:
        return f"… ({e.count:,} terms) …"

    def _deriv(self, d: t.Deriv) -> str:
        return f"∂{self.write(d.top)}/∂{self.write(d.bottom)}"

    def _sum(self, s: t.Sum) -> str:
        return self.literal(" + ").join(self.operand(p, t.SUM) for p in s.parts)

    def _diff(self, d: t.Diff) -> str:
        return self.operand(d.left, t.SUM) + self.literal(" − ") + self.operand(d.right, t.SUM, strict=True)

    def _product(self, p: t.Product) -> str:
        return self.literal(self.times[p.sign]).join(self.operand(f, t.PRODUCT) for f in p.parts)

    def _quotient(self, q: t.Quotient) -> str:
        return self.operand(q.left, t.PRODUCT) + self.literal(" / " if q.spaced else "/") + \
            self.operand(q.right, t.PRODUCT, strict=True)

    def _neg(self, n: t.Neg) -> str:
        return self.literal("−") + self.operand(n.inner, t.SUM, strict=True)

    def _power(self, p: t.Power) -> str:
        base = self.operand(p.base, t.POWER)
        digit = _square(p)
        if digit is not None:
            return base + SUPERSCRIPT_DIGITS[digit]
        return base + "^" + self.operand(p.exponent, t.ATOM)

    def _sqrt(self, r: t.Sqrt) -> str:
        return "√" + self.operand(r.inner, t.ATOM)

    def _base(self, b: t.Base) -> str:
        inner = b.inner
        if type(inner) is t.Num:
            text = self.number(inner.value, True)
            written = self.fmt(inner.value)
            return self.group(text) if written[:1] not in "-−" and "e" in written else text
        return self.operand(inner, t.POWER)

    def _abs(self, a: t.Abs) -> str:
        return self.bars("|", "|", self.write(a.inner, wrap=False))

    def _floor(self, f: t.Floor) -> str:
        return self.bars("⌊", "⌋", self.write(f.inner))

    def bars(self, left: str, right: str, text: str) -> str:
        return left + text + right

    def _call(self, c: t.Call) -> str:
        sole = len(c.args) == 1
        args = self.literal(", ").join(self.write(a, wrap=not sole) for a in c.args)
        return self.function(c.name) + self.group(args)

    def function(self, name: str) -> str:
        return name

    def _group(self, g: t.Group) -> str:
        return self.group(self.write(g.inner), g.brackets)

    def _relation(self, r: t.Relation) -> str:
        return self.literal(f" {r.sign} ").join(self.write(p) for p in r.parts)

    def _row(self, r: t.Row) -> str:
        return " ".join(self.write(p) for p in r.parts)

    def _remark(self, r: t.Remark) -> str:
        return self._row(r)

    def _sumover(self, s: t.SumOver) -> str:
        return "Σ" + self.operand(s.inner, t.ATOM)


class Html(Plain):
    """HTML: names with <sub> and <sup>, powers as superscripts, everything else escaped."""

    def literal(self, text: str) -> str:
        return _escape(text)

    def group(self, text: str, brackets: str = "()") -> str:
        return _escape(brackets[0]) + text + _escape(brackets[1])

    def number(self, value: float, wrap: bool) -> str:
        text = self.fmt(value)
        mantissa, _, exponent = text.partition("e")
        if text.lstrip("-−") in ("inf", "nan"):
            body = text[:-3] + {"inf": "∞", "nan": "NaN"}[text[-3:]]
        elif exponent:
            power = str(int(exponent.replace("−", "-"))).replace("-", "−")
            body = f"{_escape(mantissa)}×10<sup>{power}</sup>"
        else:
            body = _escape(text)
        return self.group(body) if wrap and text[:1] in "-−" else body

    def _sym(self, s: t.Sym) -> str:
        text = _escape(s.base + (ACCENTS[s.accent][0] if s.accent else ""))
        if s.sub:
            text += "<sub>" + (self.write(s.sub) if isinstance(s.sub, t.Token) else _escape(s.sub)) + "</sub>"
        text += _escape("".join(SUPERSCRIPTS.get(c, c) for c in s.sup))
        return text + (f"<sup>[{_escape(s.index)}]</sup>" if s.index else "")

    def _const(self, c: t.Const) -> str:
        return _escape(c.text)

    def _text(self, w: t.Text) -> str:
        return _escape(w.words)

    def _elided(self, e: t.Elided) -> str:
        return _escape(super()._elided(e))

    def _power(self, p: t.Power) -> str:
        base = self.operand(p.base, t.POWER)
        digit = _square(p)
        if digit is not None:
            return base + SUPERSCRIPT_DIGITS[digit]
        return base + "<sup>" + self.write(p.exponent, wrap=False) + "</sup>"

    def function(self, name: str) -> str:
        return _escape(name)


class Latex(Plain):
    """LaTeX maths (without the $ delimiters)."""
    times = {"·": r" \cdot ", "×": r" \times "}
    OPERATORS = {" + ": " + ", " − ": " - ", "−": "-", " / ": "/", "/": "/", ", ": r",\ ", " = ": " = ",
                 " > ": " > ", " < ": " < "}

    def __call__(self, token: t.Token) -> str:
        return re.sub(r"  +", " ", self.write(token)).strip()

    def literal(self, text: str) -> str:
        return self.OPERATORS.get(text, text)

    def number(self, value: float, wrap: bool) -> str:
        text = self.fmt(value)
        sign = "-" if text[:1] in "-−" else ""
        body = text.lstrip("-−")
        if body in ("inf", "nan"):
            body = {"inf": r"\infty", "nan": r"\mathrm{NaN}"}[body]
        else:
            mantissa, _, exponent = body.partition("e")
            if exponent:
                body = f"{mantissa} \\times 10^{{{int(exponent.replace('−', '-'))}}}"
        return f"({sign}{body})" if wrap and sign else sign + body

    @staticmethod
    def base(base: str) -> str:
        if len(base) == 1:
            if unicodedata.category(base) == "Ll" or unicodedata.category(base) == "Lu":
                name = unicodedata.name(base, "")
                if name.startswith("GREEK "):
                    letter = name.split()[-1].lower()
                    letter = {"lamda": "lambda"}.get(letter, letter)  # Unicode spells it LAMDA
                    return "\\" + (letter.capitalize() if "CAPITAL" in name else letter)
            return math_char(base)
        return r"\mathit{" + "".join(map(math_char, base)) + "}"

    def _sym(self, s: t.Sym) -> str:
        text = self.base(s.base)
        if s.accent:
            text = ACCENTS[s.accent][1] + "{" + text + "}"
        if s.sub:
            sub = self.write(s.sub) if isinstance(s.sub, t.Token) else "".join(map(math_char, s.sub))
            text += "_{" + sub + "}"
        if s.sup or s.index:
            sup = "".join(map(math_char, s.sup)) + ("[" + "".join(map(math_char, s.index)) + "]" if s.index else "")
            text += "^{" + sup + "}"
        return text

    def _const(self, c: t.Const) -> str:
        if c.text == "½":
            return r"\tfrac{1}{2}"
        return "".join("{,}" if ch == "," else math_char(ch) for ch in c.text)

    def _text(self, w: t.Text) -> str:
        return r"\text{" + "".join(map(text_char, w.words)) + "}"

    def _dots(self, d: t.Dots) -> str:
        return r"\dots "

    def _elided(self, e: t.Elided) -> str:
        return r"\dots (" + self._const(t.Const(f"{e.count:,}")) + r"\ \text{terms})\dots "

    def _deriv(self, d: t.Deriv) -> str:
        return f"\\frac{{\\partial {self.write(d.top)}}}{{\\partial {self.write(d.bottom)}}}"

    def _power(self, p: t.Power) -> str:
        return self.operand(p.base, t.POWER) + "^{" + self.write(p.exponent, wrap=False) + "}"

    def _sqrt(self, r: t.Sqrt) -> str:
        return r"\sqrt{" + self.write(r.inner, wrap=False) + "}"

    BARS = {"|": r"\lvert ", "⌊": r"\lfloor ", "⌋": r"\rfloor "}

    def bars(self, left: str, right: str, text: str) -> str:
        return self.BARS[left] + text + (r"\rvert " if right == "|" else self.BARS[right])

    def function(self, name: str) -> str:
        return "\\" + name if name in LATEX_FUNCTIONS else r"\operatorname{" + "".join(map(math_char, name)) + "}"

    def _row(self, r: t.Row) -> str:
        """Items side by side: a space (\\ ) kept beside words only, words beside words as one."""
        out = []
        for k, part in enumerate(r.parts):
            if k:
                before, after = _wordy(r.parts[k - 1]), _wordy(part)
                if before and after and isinstance(part, t.Text) and isinstance(r.parts[k - 1], t.Text):
                    out[-1] = out[-1][:-1] + " " + "".join(map(text_char, part.words)) + "}"
                    continue
                if before or after:
                    out.append(r"\ ")
            out.append(self.write(part))
        return "".join(out)

    def _sumover(self, s: t.SumOver) -> str:
        return r"\Sigma " + self.operand(s.inner, t.ATOM)


def _wordy(token: t.Token) -> bool:
    """Words, or parentheses that open with words: (not trained), (sample 2)."""
    if isinstance(token, t.Text):
        return True
    if isinstance(token, t.Group):
        inner = token.inner
        return isinstance(inner, t.Text) or (isinstance(inner, t.Row) and isinstance(inner.parts[0], t.Text))
    return False


def text(token: t.Token, fmt: Fmt = short) -> str:
    """The formula as plain text."""
    return Plain(fmt)(token)


def latex(token: t.Token, fmt: Fmt = short) -> str:
    """The formula in LaTeX maths (without the $ delimiters)."""
    return Latex(fmt)(token)


def html(token: t.Token, fmt: Fmt = short) -> str:
    """The formula as HTML: subscripts and superscripts, everything else escaped."""
    return Html(fmt)(token)


def markdown(token: t.Token, fmt: Fmt = short) -> str:
    """The formula as Markdown maths: its LaTeX between $ signs."""
    return f"${latex(token, fmt)}$"


class _Slot(t.Token):
    """A number not yet known: `template` writes where it goes."""

    def __init__(self, k: int):
        self.k = k

    def __repr__(self) -> str:
        return f"_Slot({self.k})"


class _Template(Plain):
    def write(self, token: t.Token, wrap: bool = True) -> str:
        if type(token) is _Slot:
            return f"\x00{token.k}{'w' if wrap else 'b'}\x00"
        if type(token) is t.Base and type(token.inner) is _Slot:
            return f"\x00{token.inner.k}p\x00"
        return super().write(token, wrap)


# how a number goes into a template's slot: as it is, in parentheses where negative (an operand),
# or in parentheses where negative or written with an exponent (the base of a power: `tokens.Base`)
BARE, WRAPPED, BASE = 0, 1, 2
_MODES = {"b": BARE, "w": WRAPPED, "p": BASE}


def template(fn, count: int) -> tuple[list[str], list[tuple[int, int]]]:
    """The plain text of formula function `fn` of `count` numbers, as pieces of text between
    which the numbers go, and for each (its position among the arguments, how it is written:
    BARE, WRAPPED or BASE): the trace CSV writes millions of rows with it."""
    pieces = _Template(short)(fn(*(_Slot(k) for k in range(count)))).split("\x00")
    slots = [(int(p[:-1]), _MODES[p[-1]]) for p in pieces[1::2]]
    return pieces[0::2], slots
