"""Exponential decay: η of iteration k is η0·γ^(k − 1), the learning rate multiplied by γ after every
update, as torch.optim.lr_scheduler.ExponentialLR stepped after every update."""
from __future__ import annotations

from dataclasses import dataclass

from engine.concepts.formula import computes, exact
from engine.concepts.tokens import Token
from engine.concepts.schedules.base import Schedule, gamma_problem
from engine.concepts.setting import Setting

GAMMA = Setting("gamma", "gamma", "γ", None, gamma_problem, "&Gamma γ")


@computes(lambda lr, k, gamma: lr * gamma ** (int(k) - 1))
def exponential_text(lr: Token, k: Token, gamma: Token) -> Token:
    """η0·γ^(k − 1)"""
    return lr * gamma ** (k - 1)


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    gamma: float

    name = "exponential"
    title = "exponential decay"
    settings = (GAMMA,)
    text = staticmethod(exponential_text)
    torch_class = "torch.optim.lr_scheduler.ExponentialLR"

    def rate(self, lr, iteration):
        return lr * self.gamma ** (iteration - 1)

    def torch(self, optimizer):
        return f"{self.torch_class}({optimizer}, gamma={exact(self.gamma)})"

    def numpy(self, lr, iteration):
        return f"{lr} * {exact(self.gamma)} ** ({iteration} - 1)"


SCHEDULE = ExponentialDecay
