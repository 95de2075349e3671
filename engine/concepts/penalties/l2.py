"""The L2 penalty (weight decay as a loss term): E_penalty = (λ/2)·Σw² over the weights, so each
weight's gradient gains λ·w (the 2 of w² cancels the ½); the biases pay nothing. In PyTorch:
the penalty added to the loss, (λ/2)·Σ(w²) over the weight tensors."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.concepts.formula import computes
from engine.concepts.tokens import Sum, Token, squared
from engine.concepts.penalties.base import Penalty, PenaltySlip, on_bias


@computes(lambda lam, *ws: lam / 2 * sum(w * w for w in ws))
def l2_text(lam: Token, *ws: Token) -> Token:
    """λ/2·(w1² + w2² + …)"""
    squares = tuple(squared(w) for w in ws)
    return lam / 2 * (squares[0] if len(squares) == 1 else Sum(squares))


@computes(lambda g, lam, w: g + lam * w)
def l2_gradient_text(g: Token, lam: Token, w: Token) -> Token:
    """∂E_data/∂w + λ·w"""
    return g + lam * w


@computes(lambda lam, w: lam * w)
def l2_term_text(lam: Token, w: Token) -> Token:
    """λ·w"""
    return lam * w


@dataclass(frozen=True)
class L2(Penalty):
    name = "l2"
    title = "L2 penalty"
    text = staticmethod(l2_text)
    gradient_text = staticmethod(l2_gradient_text)
    term_text = staticmethod(l2_term_text)
    sum_text = "(λ/2)·Σw²"
    slips = (
        PenaltySlip("penalty_half", "the ½ of the L2 penalty (λ/2)·Σw² mishandled: λ·Σw² for the penalty, or (λ/2)·w "
                                    "or 2λ·w for its gradient, which is λ·w (the 2 of w² cancels the ½)", "weight",
                    lambda lam, numbers: numbers[0] + lam * numbers[1] / 2,
                    lambda param, grad: f"the ½ of (λ/2)·{param}² kept in its gradient, (λ/2)·{param}, where λ·{param} "
                                        f"belongs (the 2 of {param}² cancels it) in {grad}"),
        PenaltySlip("penalty_half", "", "weight", lambda lam, numbers: numbers[0] + 2 * lam * numbers[1],
                    lambda param, grad: f"2λ·{param} added to {grad} where λ·{param} belongs: the penalty is "
                                        f"(λ/2)·Σw², whose ½ cancels the 2 of {param}²"),
        PenaltySlip("penalty_half", "", "penalty", lambda lam, weights: lam * sum(w * w for w in weights),
                    lambda param, grad: "the ½ of the L2 penalty (λ/2)·Σw² left out: λ·Σw²"),
        on_bias("λ·{}", lambda lam, b: lam * b),
    )

    def value(self, weights):
        return self.strength / 2 * float(np.dot(weights, weights))

    def add_gradient(self, grad, weights):
        grad += self.strength * weights

    def term(self, w):
        return self.strength * w

    def torch(self, weights):
        return f"STRENGTH / 2 * sum((w ** 2).sum() for w in {weights})"

    def numpy_value(self, flat):
        return f"STRENGTH / 2 * float(np.dot({flat}, {flat}))"

    def numpy_gradient(self, weights):
        return f"STRENGTH * {weights}"


PENALTY = L2
