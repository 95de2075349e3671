"""Input features: the input layer's units computed from a sample's raw inputs x1 … xn.

A network file's optional "features" lists one expression per input unit, each one of five
forms (`FORMS`, this module's registry):

    xi        the raw input itself            i1 = x1
    xi^2      its square                      i3 = x1² = 0.3² = 0.09
    xi*xj     the product of two (i ≠ j)      i5 = x1·x2
    sin(xi)   its sine (radians)              i6 = sin(x1)
    cos(xi)   its cosine

(i, j from 1 to n, the samples' input length). Each form owns its spelling in a file, its
text in a formula (from symbols or from numbers, as every formula of the engine: "x1²" and
"0.3²" from one function), its numpy function and its source for the script exports (numpy and
torch alike). Inputs are not trained, so no derivative is needed.

`parse(texts, n)` reads a list, strictly: spaces around the parts are allowed, nothing else;
an index of 0 or above n, xi*xi (write xi^2), a feature listed twice (x1*x2 and x2*x1 are one)
and more than `most` features are refused in one line naming features[k] (`FeatureError`).
`derive(features, raw)` gives the input layer's values of raw inputs, one row per sample.

May import: numpy, the standard library and engine.text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.concepts import render
from engine.concepts.formula import product
from engine.concepts.tokens import Sym, Token, call
from engine.text.plain import printable

SHOWN = 40  # characters of a refused text quoted in a message
MAX_TEXT = 100  # characters of one feature's text: longer ones are refused unread


@dataclass(frozen=True)
class Form:
    name: str  # what the trace and messages call it
    arity: int  # raw inputs it reads: 1, or 2 (a product)
    pattern: str  # its spelling in a file, the raw inputs' indices as (\d+)
    spell: Callable[..., str]  # its spelling from the raw inputs' names ("x1", "x2")
    fn: Callable[..., np.ndarray]  # its value from the raw inputs' columns
    text: Callable[..., Token]  # its formula (tokens) from symbols or numbers
    source: Callable[..., str]  # a Python expression from the module ("np", "torch") and columns' expressions


def _same(a: Token) -> Token:
    """A raw input taken as it is."""
    return a


_same.compute = lambda value: value  # as formula.same: practice's catalogue may compute it


def _square(a: Token) -> Token:
    return a ** 2


_square.compute = lambda value: value * value

FORMS: dict[str, Form] = {f.name: f for f in (
    Form("raw", 1, r"x(\d+)", lambda a: a, lambda x: x.copy(), _same, lambda m, a: a),
    Form("square", 1, r"x(\d+)\s*\^\s*2", lambda a: f"{a}^2", lambda x: x * x, _square, lambda m, a: f"{a} ** 2"),
    Form("product", 2, r"x(\d+)\s*\*\s*x(\d+)", lambda a, b: f"{a}*{b}", lambda x, y: x * y, product,
         lambda m, a, b: f"{a} * {b}"),
    Form("sin", 1, r"sin\s*\(\s*x(\d+)\s*\)", lambda a: f"sin({a})", np.sin, lambda a: call("sin", a),
         lambda m, a: f"{m}.sin({a})"),
    Form("cos", 1, r"cos\s*\(\s*x(\d+)\s*\)", lambda a: f"cos({a})", np.cos, lambda a: call("cos", a),
         lambda m, a: f"{m}.cos({a})"),
)}
_PATTERNS = [(form, re.compile(r"\s*" + form.pattern + r"\s*")) for form in FORMS.values()]
EXAMPLES = "x1, x1^2, x1*x2, sin(x1), cos(x1)"


def raw_sym(i: int) -> Sym:
    """Raw input i (0-based) as formulas write it: x1, x2, ..."""
    return Sym("x", str(i + 1))


def raw_name(i: int) -> str:
    """Raw input i (0-based) as plain text: x1, x2, ..."""
    return render.text(raw_sym(i))


@dataclass(frozen=True)
class Feature:
    """One input unit's feature: a form applied to raw inputs (0-based column indices)."""
    kind: str  # a key of FORMS
    indices: tuple[int, ...]

    @property
    def form(self) -> Form:
        return FORMS[self.kind]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(raw_name(i) for i in self.indices)

    @property
    def symbols(self) -> tuple[Sym, ...]:
        """The raw inputs it reads, as formulas write them (x1: engine.concepts.tokens)."""
        return tuple(raw_sym(i) for i in self.indices)

    @property
    def spelling(self) -> str:
        """As a network file and --features write it: x1^2."""
        return self.form.spell(*self.names)

    @property
    def text(self) -> str:
        """As the diagram, the panel and the documents write it: x1²."""
        return render.text(self.form.text(*self.symbols))

    @property
    def plain(self) -> bool:
        """Is it a raw input as it is?"""
        return self.kind == "raw"

    def values(self, raw: np.ndarray) -> np.ndarray:
        """Its value for each row of raw inputs."""
        return self.form.fn(*(raw[:, i] for i in self.indices))

    def source(self, module: str, columns: Callable[[int], str]) -> str:
        """A Python expression of it, numpy's or torch's (`module`), over the raw inputs'
        columns as `columns(i)` writes them."""
        return self.form.source(module, *(columns(i) for i in self.indices))

    def key(self) -> tuple:
        """What makes two features the same: x1*x2 is x2*x1."""
        return (self.kind, tuple(sorted(self.indices)) if self.kind == "product" else self.indices)


class FeatureError(ValueError):
    """A feature that cannot be read: `field` names it (features[k]), `problem` says why."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def parse_one(text, n: int, field: str = "feature") -> Feature:
    """The feature `text` spells, over n raw inputs; FeatureError naming `field` if none."""
    if not isinstance(text, str):
        raise FeatureError(field, f"expected a text such as {EXAMPLES}, found {printable(repr(text), SHOWN)}")
    if len(text) > MAX_TEXT:
        raise FeatureError(field, f"a feature is at most {MAX_TEXT} characters, found {len(text):,}")
    for form, pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        indices = []
        for digits in m.groups():
            if len(digits) > 6 or digits.startswith("0") or not 1 <= int(digits) <= n:
                name = f"x{digits}"
                where = "" if text.strip() == name else f"{printable(text.strip(), SHOWN)}: "
                has = "x1" if n == 1 else f"x1 to x{n}"
                raise FeatureError(field, f"{where}no raw input {printable(name, SHOWN)}: the samples have {n} ({has})")
            indices.append(int(digits) - 1)
        if form.arity == 2 and indices[0] == indices[1]:
            raise FeatureError(field, f"{printable(text.strip(), SHOWN)}: a product of two different raw inputs "
                                      f"(for x{indices[0] + 1}·x{indices[0] + 1} write x{indices[0] + 1}^2)")
        return Feature(form.name, tuple(indices))
    if not text.strip():
        raise FeatureError(field, f"empty: expected a feature such as {EXAMPLES}")
    raise FeatureError(field, f"unknown feature {printable(repr(text), SHOWN)} (a feature is one of xi, xi^2, xi*xj, "
                              "sin(xi), cos(xi))")


def parse(texts, n: int, most: int, field: str = "features") -> tuple[Feature, ...]:
    """The features of a list of texts over n raw inputs, at most `most` of them; FeatureError
    naming the first that cannot be read ("features[2]") or repeats one before it."""
    if not isinstance(texts, list) or not texts:
        raise FeatureError(field, f"expected a list of 1 to {most} features such as {EXAMPLES}")
    if len(texts) > most:
        raise FeatureError(field, f"at most {most} features (one per input unit), found {len(texts):,}")
    found: dict[tuple, Feature] = {}
    out = []
    for k, text in enumerate(texts):
        feature = parse_one(text, n, f"{field}[{k}]")
        before = found.get(feature.key())
        if before is not None:
            again = "listed before" if before == feature else f"the same as {before.spelling}, listed before"
            raise FeatureError(f"{field}[{k}]", f"{feature.spelling} is {again}: list each feature once")
        found[feature.key()] = feature
        out.append(feature)
    return tuple(out)


def parse_text(text: str, n: int, most: int, field: str = "--features") -> tuple[Feature, ...]:
    """Features written as one text, separated by commas: "x1, x2, x1^2" (the command line's
    and the structure dialog's)."""
    if not isinstance(text, str) or len(text) > most * (MAX_TEXT + 1):
        raise FeatureError(field, f"expected at most {most} features separated by commas")
    items = text.split(",")
    if len(items) > most:
        raise FeatureError(field, f"at most {most} features (one per input unit), found {len(items):,}")
    return parse(items, n, most, field)


def needs(features) -> int:
    """The fewest raw inputs these features read (the highest index)."""
    return max((i + 1 for f in features for i in f.indices), default=0)


def derive(features, raw: np.ndarray) -> np.ndarray:
    """The input layer's values: one row per row of `raw` (samples × raw inputs), one column
    per feature."""
    raw = np.asarray(raw, dtype=np.float64)
    out = np.empty((len(raw), len(features)))
    for k, f in enumerate(features):
        out[:, k] = f.values(raw)
    return out


def plain(n: int) -> tuple[Feature, ...]:
    """x1 … xn: the raw inputs as they are (what a network without features takes)."""
    return tuple(Feature("raw", (i,)) for i in range(n))


def palette(n: int) -> tuple[Feature, ...]:
    """Every feature of n raw inputs the window offers, in the order it lists them: the raw
    inputs, their squares, their products (x1·x2, x1·x3, ..., x2·x3, ...), sines, cosines."""
    return (plain(n) + tuple(Feature("square", (i,)) for i in range(n))
            + tuple(Feature("product", (i, j)) for i in range(n) for j in range(i + 1, n))
            + tuple(Feature("sin", (i,)) for i in range(n)) + tuple(Feature("cos", (i,)) for i in range(n)))


def toggled(features, feature: Feature, n: int) -> tuple[Feature, ...]:
    """The input layer with `feature` turned on or off (the window's chips): an input layer
    without features is x1 … xn. Turned on, it goes where `palette` lists it among the others
    (after the last one listed before it); turned off, the others stay in their order.
    FeatureError if it is the last one (an input layer has at least one unit)."""
    current = tuple(features) or plain(n)
    keys = [f.key() for f in current]
    if feature.key() in keys:
        if len(current) == 1:
            raise FeatureError("features", f"{feature.text} is the only input: an input layer needs at least one")
        return tuple(f for f in current if f.key() != feature.key())
    rank = {f.key(): k for k, f in enumerate(palette(n))}
    mine = rank.get(feature.key(), len(rank))
    at = max((k + 1 for k, f in enumerate(current) if rank.get(f.key(), len(rank)) < mine), default=0)
    return current[:at] + (feature,) + current[at:]


def spellings(features) -> list[str]:
    return [f.spelling for f in features]
