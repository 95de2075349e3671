"""Step decay: η of iteration k is η0·γ^⌊(k − 1)/step_size⌋, the learning rate multiplied by γ every
step_size iterations, as torch.optim.lr_scheduler.StepLR stepped after every update (its gamma
defaults to 0.1)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.concepts.formula import computes, exact
from engine.concepts.tokens import Floor, Group, Token
from engine.concepts.schedules.base import MOST_ITERATIONS, Schedule, gamma_problem
from engine.concepts.setting import Setting

STEP_SIZE = Setting("step_size", "step size", "s", None,
                    lambda v: None if 1 <= v <= MOST_ITERATIONS else f"must be from 1 to {MOST_ITERATIONS:,}, found {v}",
                    "Step si&ze", kind="whole")
GAMMA = Setting("gamma", "gamma", "γ", 0.1, gamma_problem, "&Gamma γ")


@computes(lambda lr, k, s, gamma: lr * gamma ** ((int(k) - 1) // int(s)))
def step_text(lr: Token, k: Token, s: Token, gamma: Token) -> Token:
    """η0·γ^(⌊(k − 1)/s⌋)"""
    return lr * gamma ** Group(Floor((k - 1) / s))


@dataclass(frozen=True)
class StepDecay(Schedule):
    step_size: int
    gamma: float = GAMMA.default

    name = "step"
    title = "step decay"
    settings = (STEP_SIZE, GAMMA)
    text = staticmethod(step_text)
    torch_class = "torch.optim.lr_scheduler.StepLR"

    def rate(self, lr, iteration):
        return lr * self.gamma ** ((iteration - 1) // self.step_size)

    def torch(self, optimizer):
        return f"{self.torch_class}({optimizer}, step_size={self.step_size}, gamma={exact(self.gamma)})"

    def numpy(self, lr, iteration):
        return f"{lr} * {exact(self.gamma)} ** (({iteration} - 1) // {self.step_size})"


SCHEDULE = StepDecay
