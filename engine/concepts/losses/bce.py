"""Binary cross-entropy, the mean over the K outputs: E_s = Σ_k −[t_k·ln(o_k) + (1 − t_k)·ln(1 − o_k)]/K
(torch's nn.BCELoss, without its clamp of ln at −100). It needs outputs in (0, 1), a sigmoid
output layer, with which it owns δ in one piece, and targets in [0, 1]; one output unit takes
two classes as 0 and 1. It classifies: a sample is right when every output lies on its target's
side of 0.5 (o ≥ 0.5 exactly when t ≥ 0.5); the class of one output is 0 or 1 (o ≥ 0.5), of
several outputs the largest (as cross-entropy's)."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations import sigmoid
from engine.concepts.losses.base import Classes, Fused, Loss, largest
from engine.concepts.tokens import Group, ln


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x·ln(y), with 0·ln(0) = 0 (a target of 0 contributes nothing)."""
    return np.where(x != 0.0, x * np.log(np.where(x != 0.0, y, 1.0)), 0.0)


def _terms(net, out, target):
    # t·ln(o) + (1 − t)·ln(1 − o) as written; only where an output is exactly 0 or 1 does a
    # zero weight meet ln(0) (0·(−∞) = NaN), and there `_exact` is used. Negated as 0 − x:
    # a term of 0 is 0, not −0 (−x would write "−0" in every output).
    terms = 0.0 - (target * np.log(out) + (1.0 - target) * np.log(1.0 - out))
    k = out.shape[-1]
    if k != 1:
        terms /= k
    return terms


def _exact(net, out, target):
    return (0.0 - (_xlogy(target, out) + _xlogy(1.0 - target, 1.0 - out))) / out.shape[-1]


def _class(values: np.ndarray) -> np.ndarray:
    return (values[:, 0] >= 0.5).astype(np.int64) if values.shape[1] == 1 else largest(values)


XLOGY = '''def xlogy(x, y):
    """x·ln(y), with 0·ln(0) = 0: a target of 0 (or 1) contributes nothing."""
    return np.where(x != 0.0, x * np.log(np.where(x != 0.0, y, 1.0)), 0.0)'''

LOSS = Loss(
    name="bce",
    title="binary cross-entropy",
    terms=_terms,
    grad=lambda out, t: (out - t) / (out * (1.0 - out)) / out.shape[-1],
    text=lambda t, o, k: -(Group(t * ln(o) + (1 - t) * ln(1 - o), "[]") / k),
    grad_text=lambda t, o, k: (o - t) / (o * (1 - o)) / k,
    torch_loss=("# nn.BCELoss: the mean over every output of every sample. It clamps ln at −100 where the app's bce\n"
                "# is exact (an output that rounds to exactly 0 or 1 gives the app an infinite loss, and it stops).\n"
                "loss_fn = nn.BCELoss()"),
    numpy_terms="-(xlogy(target, out) + xlogy(1.0 - target, 1.0 - out)) / K",
    numpy_grad=None,
    numpy_helpers=(XLOGY,),
    exact_terms=_exact,
    fused=Fused(
        activation=sigmoid.ACTIVATION,
        delta=lambda out, t: (out - t) / out.shape[-1] if out.shape[-1] != 1 else out - t,
        text=lambda o, t, k, target_sum: (o - t) / k,
        numpy_delta="(out - target) / K",
        why="∂E_s/∂out·∂out/∂net simplified, exact where out rounds to 0 or 1",
        note="sigmoid + bce: δ = ∂E/∂out·∂out/∂net simplifies to (out − target)/K, "
             "exact even where out rounds to 0 or 1"),
    output=sigmoid.ACTIVATION,
    output_words="outputs in (0, 1): a sigmoid output layer",
    target_range=(0.0, 1.0),
    binary=True,
    mean_over_outputs=True,
    logarithm=True,
    classes=Classes(
        right=lambda out, t: ((out >= 0.5) == (t >= 0.5)).all(axis=1),
        of=_class,
        count=lambda k: 2 if k == 1 else k,
        rule="every output on its target's side of 0.5 (o ≥ 0.5 exactly when t ≥ 0.5)"),
)
