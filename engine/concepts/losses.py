"""Loss functions: per-sample loss E_s = Σ_k term_k, and ∂E_s/∂out_k.

The batch loss is the mean of E_s over the samples of the batch, as PyTorch's reductions
("mean") compute it. Each loss writes its own formulas (from symbols or from numbers).

Two pairings of an output activation with a loss have a δ = ∂E_s/∂net of the output layer
that is simpler and more exact than the product ∂E_s/∂out · ∂out/∂net (`Fused`):
softmax + cross-entropy (δ = p·Σt − t: softmax has no element-wise derivative) and sigmoid
+ bce (δ = (o − t)/K, finite even where an output rounds to exactly 0 or 1 and the product
would be ∞·0). The engine computes δ with them, and the formulas are written from them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x·ln(y), with 0·ln(0) = 0 (a target of 0 contributes nothing)."""
    return np.where(x != 0.0, x * np.log(np.where(x != 0.0, y, 1.0)), 0.0)


def _log_softmax(net: np.ndarray) -> np.ndarray:
    shifted = net - net.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class Loss:
    name: str
    # terms(net, out, target) -> (B, K) array whose row sums are E_s
    terms: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    # grad(out, target) -> ∂E_s/∂out, (B, K)
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    # text(target, out, K) and grad_text(target, out, K), from symbols or numbers
    text: Callable[[str, str, int], str]
    grad_text: Callable[[str, str, int], str]
    # where `terms` gives NaN for a loss that is a number (0·ln 0), the exact terms; see `terms_of`
    exact_terms: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None

    def terms_of(self, net: np.ndarray, out: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float]:
        """The loss terms and their sum."""
        terms = self.terms(net, out, target)
        total = float(np.add.reduce(terms, axis=None))
        if total != total and self.exact_terms is not None:  # NaN
            terms = self.exact_terms(net, out, target)
            total = float(np.add.reduce(terms, axis=None))
        return terms, total


def _bce_terms(net, out, target):
    # t·ln(o) + (1 − t)·ln(1 − o) as written; only where an output is exactly 0 or 1 does a
    # zero weight meet ln(0) (0·(−∞) = NaN), and there `_bce_exact` is used. Negated as 0 − x:
    # a term of 0 is 0, not −0 (−x would write "−0" in every output).
    terms = 0.0 - (target * np.log(out) + (1.0 - target) * np.log(1.0 - out))
    k = out.shape[-1]
    if k != 1:
        terms /= k
    return terms


def _bce_exact(net, out, target):
    return (0.0 - (_xlogy(target, out) + _xlogy(1.0 - target, 1.0 - out))) / out.shape[-1]


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        Loss(
            "half_sse",
            lambda net, out, t: 0.5 * (t - out) ** 2,
            lambda out, t: out - t,
            lambda t, o, k: f"½·({t} − {o})²",
            lambda t, o, k: f"−({t} − {o})",
        ),
        Loss(
            "mse",
            lambda net, out, t: (t - out) ** 2 / out.shape[-1],
            lambda out, t: 2.0 * (out - t) / out.shape[-1],
            lambda t, o, k: f"({t} − {o})²/{k}",
            lambda t, o, k: f"−2·({t} − {o})/{k}",
        ),
        Loss(
            "bce",
            _bce_terms,
            lambda out, t: (out - t) / (out * (1.0 - out)) / out.shape[-1],
            lambda t, o, k: f"−[{t}·ln({o}) + (1 − {t})·ln(1 − {o})]/{k}",
            lambda t, o, k: f"({o} − {t})/({o}·(1 − {o}))/{k}",
            _bce_exact,
        ),
        Loss(
            "cross_entropy",
            lambda net, out, t: np.where(t != 0.0, 0.0 - t * _log_softmax(net), 0.0),  # a target of 0: 0, not −0
            lambda out, t: np.where(t != 0.0, -t / out, 0.0),
            lambda t, o, k: f"−{t}·ln({o})",
            lambda t, o, k: f"−{t}/{o}",
        ),
    )
}


@dataclass(frozen=True)
class Fused:
    """The output layer's δ = ∂E_s/∂net in one piece, for one activation + loss pairing."""
    activation: str
    loss: str
    # delta(out, target) -> (B, K)
    delta: Callable[[np.ndarray, np.ndarray], np.ndarray]
    # text(out, target, K, target_sum) from symbols or numbers; target_sum is the sample's Σt
    # (None where it does not enter the formula)
    text: Callable[[str, str, int, str | None], str]
    needs_target_sum: bool = False
    note: str = ""  # why the fused form is used, for the side panel and documents


def _softmax_ce_text(o, t, k, target_sum):
    return f"{o} − {t}" if target_sum is None else f"{o}·{target_sum} − {t}"


FUSED: dict[tuple[str, str], Fused] = {
    (f.activation, f.loss): f
    for f in (
        Fused("softmax", "cross_entropy",
              lambda out, t: out * t.sum(axis=1, keepdims=True) - t,
              _softmax_ce_text, needs_target_sum=True,
              note="softmax + cross-entropy: δ = ∂E/∂net = out·Σtarget − target (the softmax Jacobian folded in)"),
        Fused("sigmoid", "bce",
              lambda out, t: (out - t) / out.shape[-1] if out.shape[-1] != 1 else out - t,
              lambda o, t, k, target_sum: f"({o} − {t})/{k}",
              note="sigmoid + bce: δ = ∂E/∂out·∂out/∂net simplifies to (out − target)/K, "
                   "exact even where out rounds to 0 or 1"),
    )
}
