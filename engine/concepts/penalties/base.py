"""What a penalty is: a term added to the loss that the weights (never the biases) pay, its gradient
added to each weight's, with everything the engine, the file, the record, the documents, practice
and the script export need to know about it, held in the class its own module defines.

A penalty is a frozen dataclass of its settings (the strength λ, a `Setting` as an optimizer's):
its name is the "kind" of a network file's "regularization" object. The loss the gradient
descends is E = E_data + E_penalty, where E_data is the batch loss and E_penalty the penalty of
the weights the iteration starts from; so ∂E/∂w = ∂E_data/∂w + (the penalty's term of w), and
∂E/∂b = ∂E_data/∂b. Its formulas are formula functions (tokens in, a token out) marked with their arithmetic
(`formula.computes`): the penalty over the weights, a weight's gradient with the term added, and
the term alone. Its mistakes (`PenaltySlip`) are values made from the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np

from engine.concepts.setting import Setting
from engine.concepts.tokens import Token


def _strength_problem(value: float) -> str | None:
    return None if value >= 0 else f"must be ≥ 0, found {value}"


STRENGTH = Setting("strength", "strength", "λ", None, _strength_problem, "&Strength λ")


@dataclass(frozen=True)
class PenaltySlip:
    """A mistake with the penalty, for the catalogue of mistakes (engine.teaching.mistakes): made
    where `at` says ("penalty": the penalty's value, from λ and the weights; "weight": a weight's
    gradient, from ∂E_data/∂w, λ and w; "bias": a bias's gradient, from ∂E_data/∂b, λ and b),
    where it gives `value(λ, numbers)` (numbers: the weights, or (the data gradient, the
    parameter)), said in words by `explain(parameter, gradient)` (their labels, "" for the
    penalty)."""
    id: str
    title: str
    at: str
    value: Callable[[float, tuple], float]
    explain: Callable[[str, str], str]


@dataclass(frozen=True)
class Penalty:
    strength: float

    name: ClassVar[str]  # the "kind" in the file's "regularization" object
    title: ClassVar[str]  # in words: "L2 penalty"
    settings: ClassVar[tuple[Setting, ...]] = (STRENGTH,)
    # the formula of E_penalty over the weights: text(λ, w1, w2, ...), and of a weight's gradient:
    # gradient_text(∂E_data/∂w, λ, w); the term alone: term_text(λ, w)
    text: ClassVar[Callable[..., Token]]
    gradient_text: ClassVar[Callable[..., Token]]
    term_text: ClassVar[Callable[..., Token]]
    sum_text: ClassVar[str] = ""  # in words, for a summary: "(λ/2)·Σw²"
    slips: ClassVar[tuple[PenaltySlip, ...]] = ()

    def values(self) -> dict:
        return {s.key: getattr(self, s.key) for s in self.settings}

    def summary(self) -> str:
        """In words: "L2 penalty λ = 0.001"."""
        return f"{self.title} λ = {self.strength!r}"

    # -- the maths ------------------------------------------------------------------------
    def value(self, weights: np.ndarray) -> float:
        """E_penalty of the weights (a flat vector)."""
        raise NotImplementedError

    def add_gradient(self, grad: np.ndarray, weights: np.ndarray) -> None:
        """grad += the penalty's gradient of `weights` (same shape), in place."""
        raise NotImplementedError

    def term(self, w: float) -> float:
        """The penalty's gradient of one weight, ∂E_penalty/∂w."""
        raise NotImplementedError

    # -- the script export (engine.scripts.pyexport) ------------------------------------------
    def torch(self, weights: str) -> str:
        """E_penalty in torch ops, of `weights` (an iterable of weight tensors), against
        STRENGTH: autograd gives the term of each weight."""
        raise NotImplementedError

    def numpy_value(self, flat: str) -> str:
        """E_penalty in numpy, of the flat vector `flat` of every weight (as the engine)."""
        raise NotImplementedError

    def numpy_gradient(self, weights: str) -> str:
        """The term to add to the gradient of the weight matrix `weights`."""
        raise NotImplementedError


def on_bias(term_words: str, term: Callable[[float, float], float]) -> PenaltySlip:
    """The penalty's term added to a bias's gradient: the biases pay no penalty."""
    return PenaltySlip(
        "penalty_on_bias", "the penalty's term added to a bias's gradient (only the weights are penalised)", "bias",
        lambda lam, numbers: numbers[0] + term(lam, numbers[1]),
        lambda param, grad: f"the penalty's term {term_words.format(param)} added to {grad}: the penalty is on "
                            "the weights only, never the biases")
