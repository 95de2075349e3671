"""What a loss function is: everything the engine, the file's rules, the documents, practice and
the script export need to know about one, held in one object that its own module makes.

Per sample, E_s = Σ_k term_k; the batch loss is the mean of E_s over the samples of the batch, as
PyTorch's reductions ("mean") compute it. `terms(net, out, target)` gives the (B, K) terms,
`grad(out, target)` ∂E_s/∂out; `text(target, out, K)` and `grad_text(target, out, K)` write them
as tokens (engine.concepts.tokens) from symbols or from numbers.

Where a loss pairs with an output activation whose δ = ∂E_s/∂net is simpler and more exact than
the product ∂E_s/∂out · ∂out/∂net, the loss owns that δ in one piece (`Fused`): softmax +
cross-entropy (δ = p·Σt − t: softmax has no element-wise derivative) and sigmoid + bce
(δ = (o − t)/K, finite even where an output rounds to exactly 0 or 1 and the product would be
∞·0). The engine computes δ with it, and the formulas are written from it.

A loss that classifies (`Classes`) says when a sample's outputs are right and which class a row of
outputs or targets stands for: accuracy and the confusion matrix (engine.session.evaluation) ask it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.concepts.activations import Activation
from engine.concepts.tokens import Sym, Token


@dataclass(frozen=True)
class Fused:
    """The output layer's δ = ∂E_s/∂net in one piece, for the loss that owns it and `activation`."""
    activation: Activation
    # delta(out, target) -> (B, K)
    delta: Callable[[np.ndarray, np.ndarray], np.ndarray]
    # text(out, target, K, target_sum) from symbols or numbers; target_sum is the sample's Σt
    # (None where it does not enter the formula)
    text: Callable[[Token, Token, int, Token | None], Token]
    numpy_delta: str  # the script export's expression of δ, from out, target and K
    why: str  # why it is one piece, in the NumPy script's words
    needs_target_sum: bool = False
    note: str = ""  # why the fused form is used, for the side panel and documents


@dataclass(frozen=True)
class Classes:
    """How a classification loss reads its outputs: `right(out, target)` is True for each sample
    (row) whose outputs are right; `of(values)` the class (0-based) each row of outputs or targets
    stands for, the first of equal largest values where it is the largest; `count(K)` how many
    classes K output units take. `rule` says when a sample is right, in words."""
    right: Callable[[np.ndarray, np.ndarray], np.ndarray]
    of: Callable[[np.ndarray], np.ndarray]
    count: Callable[[int], int]
    rule: str


def largest(values: np.ndarray) -> np.ndarray:
    """The position of each row's largest value, the first of equal ones (a class by its unit)."""
    return np.argmax(values, axis=1)


@dataclass(frozen=True)
class Loss:
    name: str  # in the network file and every message
    title: str  # in words: "binary cross-entropy"
    # terms(net, out, target) -> (B, K) array whose row sums are E_s
    terms: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    # grad(out, target) -> ∂E_s/∂out, (B, K)
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    # text(target, out, K) and grad_text(target, out, K), from symbols or numbers
    text: Callable[[Token, Token, int], Token]
    grad_text: Callable[[Token, Token, int], Token]
    # the script export (engine.scripts.pyexport): the loss in torch (its source, and where
    # torch's loss takes the output layer's net inputs rather than its outputs, why, in a few
    # words), and in NumPy the terms from net, out, target and K, ∂E_s/∂out (None where δ
    # always comes in one piece), and the helper functions those call
    torch_loss: str
    numpy_terms: str
    numpy_grad: str | None
    numpy_helpers: tuple[str, ...] = ()
    torch_on_net: str = ""
    # where `terms` gives NaN for a loss that is a number (0·ln 0), the exact terms; see `terms_of`
    exact_terms: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
    fused: Fused | None = None  # δ in one piece with its output activation
    # the rules of a network file: the output layer it needs (None: any element-wise one), in
    # words for the message; the targets it takes
    output: Activation | None = None
    output_words: str = ""  # "outputs in (0, 1): a sigmoid output layer"
    target_range: tuple[float, float] | None = None
    target_sum: float | None = None  # each sample's targets sum to this
    binary: bool = False  # one output unit takes two classes as 0 and 1
    # what the catalogue of mistakes needs: a ½ to forget, a mean over the K outputs to forget,
    # a logarithm (of base e, with a minus in front)
    half: bool = False
    mean_over_outputs: bool = False
    logarithm: bool = False
    classes: Classes | None = None  # a loss that classifies: accuracy and the confusion matrix

    @property
    def classification(self) -> bool:
        """Does it classify (accuracy and a confusion matrix mean something)?"""
        return self.classes is not None

    def term_text(self) -> str:
        """One output's term in general symbols, as the scripts' comments write it: ½·(t_k − o_k)²."""
        from engine.concepts import render  # written where a formula is (`presets` reads files without it)

        return render.text(self.text(Sym("t", "k"), Sym("o", "k"), Sym("K")))

    def terms_of(self, net: np.ndarray, out: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float]:
        """The loss terms and their sum."""
        terms = self.terms(net, out, target)
        total = float(np.add.reduce(terms, axis=None))
        if total != total and self.exact_terms is not None:  # NaN
            terms = self.exact_terms(net, out, target)
            total = float(np.add.reduce(terms, axis=None))
        return terms, total

    def fused_with(self, activation: Activation) -> Fused | None:
        """δ in one piece, if this loss has one with that output activation."""
        fused = self.fused
        return fused if fused is not None and fused.activation.name == activation.name else None

    @property
    def min_outputs(self) -> int:
        """The fewest output units it takes (those of the output layer it needs)."""
        return 1 if self.output is None else self.output.min_units

    # -- targets ------------------------------------------------------------------------------
    def target_problem(self, target) -> tuple[int | None, str] | None:
        """Why this loss cannot take this target vector, if it cannot: (the unit at fault, or
        None for the vector as a whole, and the reason)."""
        if self.target_range is not None:
            lo, hi = self.target_range
            for m, t in enumerate(target):
                if not lo <= t <= hi:
                    return m, f"the {self.name} loss needs targets in [{lo:g}, {hi:g}], found {t}"
        if self.target_sum is not None and abs(sum(target) - self.target_sum) > 1e-9:
            return None, (f"the {self.name} loss needs a probability vector summing to {self.target_sum:g}, "
                          f"found a sum of {sum(target)!r}")
        return None

    def first_target(self, outputs: int) -> np.ndarray:
        """A valid target of a brand-new network: 0 for each output, or where the targets must
        sum to something, that sum on the first (the first class)."""
        target = np.zeros(outputs)
        if self.target_sum is not None:
            target[0] = self.target_sum
        return target

    def fitted_targets(self, targets: np.ndarray) -> np.ndarray:
        """Targets made valid for this loss where they are not: clipped to its range, and a row
        that does not have its sum made one-hot on its largest value."""
        t = np.array(targets, dtype=np.float64)
        if self.target_range is not None:
            t = np.clip(t, *self.target_range)
        if self.target_sum is not None:
            for row in t:
                if abs(row.sum() - self.target_sum) > 1e-9:
                    k = int(np.argmax(row))
                    row[:] = 0.0
                    row[k] = self.target_sum
        return t
