"""A setting of a concept (an optimizer, a penalty, a schedule): one value of its object in a network
file, with its title, its symbol in formulas and its rule.

Most settings are numbers (momentum, ε, the penalty's strength λ); some are whole numbers (a
schedule's step_size), flags (SGD's nesterov) or pairs of numbers (Adam's betas). `kind` says which;
one `Setting` then reads and checks a value from a file (`problem_of`, `read`), writes it back
(`json`), shows it (`text`) and reads it as typed in a dialog or on the command line (`parse`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from engine.concepts.tokens import Sym

KINDS = ("number", "whole", "flag", "pair")
MOST_WHOLE = 10**12  # a whole-number setting larger than this is refused (no schedule counts so far)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite_problem(value) -> str | None:
    if not _is_number(value):
        return f"expected a number, found {_shown(value)}"
    try:
        x = float(value)
    except OverflowError:
        return "must be a finite number, found an integer too large for a float64"
    return None if math.isfinite(x) else f"must be a finite number, found {x}"


@dataclass(frozen=True)
class Setting:
    key: str  # in the concept's object in a file, a design's field, the command line (--key)
    title: str  # in words: "momentum"
    symbol: str  # in formulas: "μ" (a pair: its two symbols joined by ", ": "β1, β2")
    default: object  # None: the setting must be given
    problem: Callable[[object], str | None]  # why a value of the right kind (a float, an int, a bool, a
    # pair of floats) cannot be this setting, if it cannot
    label: str  # in the structure dialog, & before its key: "Mo&mentum"
    kind: str = "number"  # one of KINDS

    @property
    def option(self) -> str:
        """The `python -m engine new` option that sets it."""
        return "--" + self.key.replace("_", "-")

    @property
    def symbols(self) -> tuple[str, ...]:
        """Its symbol, or a pair's two."""
        return tuple(self.symbol.split(", "))

    def sym(self, index: int = 0) -> Sym:
        """Its symbol as a token (a pair's `index`th): a letter and the number after it, β1."""
        text = self.symbols[index]
        base = text.rstrip("0123456789")
        return Sym(base, text[len(base):])

    @property
    def required(self) -> bool:
        return self.default is None

    # -- from a file or a design -----------------------------------------------------------------
    def problem_of(self, value) -> str | None:
        """Why `value` (anything a file or a design holds) cannot be this setting, if it cannot."""
        if self.kind == "flag":
            return None if isinstance(value, bool) else f"expected true or false, found {_shown(value)}"
        if self.kind == "whole":
            if not isinstance(value, int) or isinstance(value, bool):
                return f"expected a whole number, found {_shown(value)}"
            if abs(value) > MOST_WHOLE:
                return f"at most {MOST_WHOLE:,}, found {value:,}"
            return self.problem(value)
        if self.kind == "pair":
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                return f"expected a list of 2 numbers, found {_shown(value)}"
            for k, v in enumerate(value):
                found = _finite_problem(v)
                if found is not None:
                    return f"[{k}]: {found}"
            return self.problem((float(value[0]), float(value[1])))
        return _finite_problem(value) or self.problem(float(value))

    def read(self, value):
        """A checked value (see `problem_of`) as the concept holds it: a float, an int, a bool, a
        pair of floats."""
        if self.kind == "flag":
            return bool(value)
        if self.kind == "whole":
            return int(value)
        if self.kind == "pair":
            return (float(value[0]), float(value[1]))
        return float(value)

    @staticmethod
    def json(value):
        """The value as a network file writes it (a pair as a list)."""
        return list(value) if isinstance(value, tuple) else value

    # -- shown and typed ----------------------------------------------------------------------
    def text(self, value, fmt: Callable[[float], str] = repr) -> str:
        """The value as a dialog's box or the header shows it: 0.9, true, 0.9, 0.999."""
        if self.kind == "flag":
            return "true" if value else "false"
        if self.kind == "whole":
            return str(value)
        if self.kind == "pair":
            return ", ".join(fmt(float(v)) for v in value)
        return fmt(float(value))

    def parse(self, text: str, number: Callable[[str], float], whole: Callable[[str], int]):
        """The value typed as `text` (ValueError if it is not one of its kind); `number` and
        `whole` read one number as a typed number is read (engine.network.numbers). The value may
        still break the setting's rule (`problem_of` says so)."""
        text = text.strip()
        if self.kind == "flag":
            words = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False,
                     "0": False}
            if text.lower() not in words:
                raise ValueError(f"expected true or false, found {_shown(text)}")
            return words[text.lower()]
        if self.kind == "whole":
            return whole(text)
        if self.kind == "pair":
            parts = [p for p in text.replace(";", ",").split(",")]
            if len(parts) != 2:
                raise ValueError(f"expected two numbers separated by a comma, found {_shown(text)}")
            return (number(parts[0].strip()), number(parts[1].strip()))
        return number(text)


def problems(concept) -> list[tuple[str, str]]:
    """Why a concept object (a frozen dataclass whose `settings` are its fields) cannot have the
    values it holds (any values: a design may hold them), as (key, reason) in the order of its
    settings, then what its own rule between settings says (`concept.conflicts()`, if it has one);
    empty if it can."""
    found = []
    for setting in concept.settings:
        problem = setting.problem_of(getattr(concept, setting.key))
        if problem is not None:
            found.append((setting.key, problem))
    if not found and hasattr(concept, "conflicts"):
        found += concept.conflicts()
    return found
