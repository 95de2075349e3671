"""The engine's formula text as LaTeX (Markdown documents) and as HTML (sub- and superscripts).

The engine writes every name and formula as plain Unicode text, the way the side panel shows
it: `net_h1`, `∂E_total/∂w5`, `w5⁺`, `1/(1 + e^(−net_h1))`, `0.15·0.05 + 0.2·0.1 + 0.35`.
`latex(text)` and `html(text)` write the same text as the worked example typesets it:
net_{h1}, \\frac{\\partial E_{total}}{\\partial w_5}, w_5^{+}, e^{-net_{h1}}. Both read one list of
tokens (`tokens`), so they cannot disagree about what a formula says.

Names: letters, then digits (w5: w with subscript 5), or letters, `_` and a subscript (net_h1,
E_total, b_h1.2), optionally followed by [k] (a sample: E_total[2]). ∂A/∂B is a derivative.
Numbers are written by `formula.significant` (true minus signs, exponents as e−05). A character
with no rule of its own is written by engine.text (latex.math_char, markup.text): shown, never
obeyed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.concepts.activations import ACTIVATIONS
from engine.concepts.features import FUNCTIONS as FEATURE_FUNCTIONS
from engine.concepts.render import LATEX_FUNCTIONS
from engine.text.latex import math_char
from engine.text.markup import text as _escape

__all__ = ["Token", "tokens", "latex", "html", "terms"]

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+\-−]\d+)?|\.\d+|inf|nan")
# the hat of Adam's bias-corrected mˆ and vˆ: the spacing circumflex, which every font the window and
# Qt's PDF use draws beside its letter (the combining U+0302 they draw a line too high); the combining
# one is read alike. Both are typeset \hat{m}.
HATS = "\u02c6\u0302"
_NAME = re.compile(r"([A-Za-zα-ωΑ-ΡΣ-Ω\u02c6\u0302]+?)(\d*)(?:_([A-Za-z0-9]+(?:\.\d+)?))?(?![A-Za-z\u02c6\u0302])")
_LETTERS = re.compile(r"[A-Za-zα-ωΑ-ΡΣ-Ω][A-Za-zα-ωΑ-ΡΣ-Ω\u02c6\u0302]*")
# the words and function names formulas write (until the documents and the side panel typeset
# the formulas' tokens with engine.concepts.render, which needs no such list)
# an activation whose name is one of LaTeX's operators (tanh) is typeset as that operator
ACTIVATION_OPERATORS = tuple(sorted(name for name in ACTIVATIONS if name in LATEX_FUNCTIONS))
# words set upright: the formulas' own, and every activation's name (softmax's formulas name it)
WORDS = {"if", "else", "not", "trained", "sample", "the", "of", "terms", "Jacobian", "folded", "into",
         *(name for name in ACTIVATIONS if name not in LATEX_FUNCTIONS)}
FUNCTIONS = {name: "\\" + name for name in ("ln", "max", "exp") + ACTIVATION_OPERATORS}  # name -> LaTeX
FUNCTIONS.update(FEATURE_FUNCTIONS)  # sin and cos of the input features
GREEK = {"δ": r"\delta", "η": r"\eta", "μ": r"\mu", "Σ": r"\Sigma", "θ": r"\theta", "α": r"\alpha", "β": r"\beta",
         "γ": r"\gamma", "ε": r"\varepsilon", "λ": r"\lambda"}
OPERATORS = {"·": r" \cdot ", "×": r" \times ", "−": " - ", "-": " - ", "+": " + ", "=": " = ", ">": " > ",
             "<": " < ", ",": r",\ ", "(": "(", ")": ")", "[": "[", "]": "]", "/": "/", "…": r"\dots ",
             "⌊": r"\lfloor ", "⌋": r"\rfloor "}
SUPERSCRIPTS = {"²": "2", "⁺": "+"}


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "partial", "op", "sup", "pow", "func", "word", "half", "sum", "space"
    text: str
    base: str = ""
    sub: str = ""
    bracket: str = ""  # a name's [k]
    parts: tuple = ()  # a derivative's two names (as name tokens)


def _name(text: str, pos: int) -> tuple[Token, int]:
    """The name at `pos`: base letters, subscript digits or _subscript, optional [k]."""
    letters = _LETTERS.match(text, pos)
    word = letters.group(0)
    if word in WORDS or word in FUNCTIONS or (word == "e" and text.startswith("^", letters.end())):
        kind = "word" if word in WORDS else "func"
        return Token(kind, word), letters.end()
    m = _NAME.match(text, pos)
    if m is None or m.end() == pos:
        return Token("word", word), letters.end()
    base, digits, sub = m.group(1), m.group(2), m.group(3)
    end = m.end()
    if not digits and not sub and m.end() < letters.end():  # a long word: take it whole
        base, end = word, letters.end()
    bracket = ""
    if text.startswith("[", end):
        close = text.find("]", end)
        if close > 0:
            bracket, end = text[end + 1 : close], close + 1
    return Token("name", text[pos:end], base, digits or sub or "", bracket), end


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == " ":
            out.append(Token("space", " "))
            pos += 1
        elif ch == "∂":
            first, pos = _name(text, pos + 1)
            if text.startswith("/∂", pos):
                second, pos = _name(text, pos + 2)
                out.append(Token("partial", "", parts=(first, second)))
            else:
                out += [Token("op", "∂"), first]
        elif ch == "Σ":
            out.append(Token("sum", ch))
            pos += 1
        elif ch == "½":
            out.append(Token("half", ch))
            pos += 1
        elif ch in SUPERSCRIPTS:
            out.append(Token("sup", SUPERSCRIPTS[ch]))
            pos += 1
        elif ch == "^":
            out.append(Token("pow", ch))
            pos += 1
        elif ch.isdigit() or (ch == "." and text[pos + 1 : pos + 2].isdigit()) or text.startswith(("inf", "nan"), pos):
            m = _NUMBER.match(text, pos)
            out.append(Token("number", m.group(0)))
            pos = m.end()
        elif _LETTERS.match(ch):
            token, pos = _name(text, pos)
            out.append(token)
        else:
            out.append(Token("op", ch))
            pos += 1
    return out


def _group(toks: list[Token], k: int) -> tuple[list[Token], int]:
    """The exponent after ^ at toks[k]: a parenthesized group (without its parentheses) or one token."""
    if k < len(toks) and toks[k].kind == "op" and toks[k].text == "(":
        depth = 0
        for n in range(k, len(toks)):
            if toks[n].kind == "op" and toks[n].text in "()":
                depth += 1 if toks[n].text == "(" else -1
                if depth == 0:
                    return toks[k + 1 : n], n + 1
    return toks[k : k + 1], k + 1


# -- LaTeX ----------------------------------------------------------------------------------------
def _latex_number(text: str) -> str:
    if text == "inf":
        return r"\infty"
    if text == "nan":
        return r"\mathrm{NaN}"
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    power = int(exponent.replace("−", "-"))
    return f"{mantissa} \\times 10^{{{power}}}"


def _latex_base(base: str) -> str:
    if len(base) == 2 and base[1] in HATS:  # mˆ: \hat{m}
        return f"\\hat{{{_latex_base(base[0])}}}"
    if base in GREEK:
        return GREEK[base]
    return base if len(base) == 1 else f"\\mathit{{{base}}}"


def _latex_name(t: Token) -> str:
    text = _latex_base(t.base)
    if t.sub:
        text += f"_{{{t.sub}}}"
    if t.bracket:
        text += "^{[" + "".join(map(math_char, t.bracket)) + "]}"
    return text


def _latex(toks: list[Token]) -> str:
    out: list[str] = []
    words: list[str] = []

    def flush_words():
        if words:
            out.append(r"\text{" + " ".join(words) + "}")
            words.clear()

    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "word":
            words.append(t.text)
            k += 1
            continue
        if t.kind == "space":  # kept only beside a word: \text{if} and its neighbours
            before = toks[k - 1].kind if k else ""
            after = toks[k + 1].kind if k + 1 < len(toks) else ""
            remark = after == "op" and toks[k + 1].text == "(" and k + 2 < len(toks) and toks[k + 2].kind == "word"
            if remark or (before and after and "word" in (before, after) and not (before == after == "word")):
                flush_words()
                out.append(r"\ ")
            k += 1
            continue
        flush_words()
        if t.kind == "number":
            out.append(_latex_number(t.text))
        elif t.kind == "name":
            out.append(_latex_name(t))
        elif t.kind == "partial":
            a, b = t.parts
            out.append(f"\\frac{{\\partial {_latex_name(a)}}}{{\\partial {_latex_name(b)}}}")
        elif t.kind == "func":
            out.append("e" if t.text == "e" else FUNCTIONS[t.text])
        elif t.kind == "sup":
            out.append(f"^{{{t.text}}}")
        elif t.kind == "pow":
            group, k = _group(toks, k + 1)
            out.append("^{" + _latex(group) + "}")
            continue
        elif t.kind == "op" and t.text == "√":  # √x, √(x + ε): \sqrt{...}
            group, k = _group(toks, k + 1)
            out.append("\\sqrt{" + _latex(group) + "}")
            continue
        elif t.kind == "half":
            out.append(r"\tfrac{1}{2}")
        elif t.kind == "sum":
            out.append(r"\Sigma ")
        elif t.text in "−-" and k + 1 < len(toks) and toks[k + 1].kind != "space":
            out.append("-")  # a sign, not a subtraction: −0.5, −(t − o)
        else:
            out.append(OPERATORS.get(t.text) or "".join(map(math_char, t.text)))
        k += 1
    flush_words()
    text = "".join(out)
    return re.sub(r"  +", " ", text).strip()


def latex(text: str) -> str:
    """The formula text in LaTeX maths (without the $ delimiters)."""
    return _latex(tokens(text))


# -- HTML -------------------------------------------------------------------------------------------
def _html_number(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    if not exponent or text in ("inf", "nan"):
        return {"inf": "∞", "nan": "NaN"}.get(text, text)
    power = str(int(exponent.replace("−", "-"))).replace("-", "−")
    return f"{mantissa}×10<sup>{power}</sup>"


def _html_name(t: Token) -> str:
    text = _escape(t.base)
    if t.sub:
        text += f"<sub>{_escape(t.sub)}</sub>"
    if t.bracket:
        text += f"<sup>[{_escape(t.bracket)}]</sup>"
    return text


def _html_tokens(toks: list[Token]) -> str:
    out: list[str] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "number":
            out.append(_html_number(t.text))
        elif t.kind == "name":
            out.append(_html_name(t))
        elif t.kind == "partial":
            a, b = t.parts
            out.append(f"∂{_html_name(a)}/∂{_html_name(b)}")
        elif t.kind == "sup":
            out.append("²" if t.text == "2" else "⁺")
        elif t.kind == "pow":
            group, k = _group(toks, k + 1)
            out.append("<sup>" + _html_tokens(group) + "</sup>")
            continue
        else:
            out.append(_escape(t.text))
        k += 1
    return "".join(out)


def html(text: str) -> str:
    """The formula text as HTML: subscripts and superscripts, everything else escaped."""
    return _html_tokens(tokens(text))


def terms(text: str) -> list[str]:
    """The terms of a formula's outermost sum: "a·b + (c + d) + e" -> ["a·b", "(c + d)", "e"]."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and text.startswith(" + ", k) and k > start:
            out.append(text[start:k])
            start = k + 3
    out.append(text[start:])
    return out
