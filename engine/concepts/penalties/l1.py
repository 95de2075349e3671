"""The L1 penalty: E_penalty = λ·Σ|w| over the weights, so each weight's gradient gains
λ·sign(w) (0 at w = 0, as the derivative PyTorch gives |w| there); the biases pay nothing. In
PyTorch: the penalty added to the loss, λ·Σ|w| over the weight tensors."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.concepts.formula import computes
from engine.concepts.penalties.base import Penalty, on_bias
from engine.concepts.tokens import Abs, Sum, Token, call


def _sign(x: float) -> float:
    return float(np.sign(x))


@computes(lambda lam, *ws: lam * sum(abs(w) for w in ws))
def l1_text(lam: Token, *ws: Token) -> Token:
    """λ·(|w1| + |w2| + …)"""
    bars = tuple(Abs(w) for w in ws)
    return lam * (bars[0] if len(bars) == 1 else Sum(bars))


@computes(lambda g, lam, w: g + lam * _sign(w))
def l1_gradient_text(g: Token, lam: Token, w: Token) -> Token:
    """∂E_data/∂w + λ·sign(w)"""
    return g + lam * call("sign", w)


@computes(lambda lam, w: lam * _sign(w))
def l1_term_text(lam: Token, w: Token) -> Token:
    """λ·sign(w)"""
    return lam * call("sign", w)


@dataclass(frozen=True)
class L1(Penalty):
    name = "l1"
    title = "L1 penalty"
    text = staticmethod(l1_text)
    gradient_text = staticmethod(l1_gradient_text)
    term_text = staticmethod(l1_term_text)
    sum_text = "λ·Σ|w|"
    slips = (on_bias("λ·sign({})", lambda lam, b: lam * _sign(b)),)

    def value(self, weights):
        return self.strength * float(np.abs(weights).sum())

    def add_gradient(self, grad, weights):
        grad += self.strength * np.sign(weights)

    def term(self, w):
        return self.strength * _sign(w)

    def torch(self, weights):
        return f"STRENGTH * sum(w.abs().sum() for w in {weights})"

    def numpy_value(self, flat):
        return f"STRENGTH * float(np.abs({flat}).sum())"

    def numpy_gradient(self, weights):
        return f"STRENGTH * np.sign({weights})"


PENALTY = L1
