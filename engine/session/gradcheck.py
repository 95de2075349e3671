"""Gradient check: backprop's gradient of every parameter against central differences."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network.maths import Params, Plan, iterate, objective
from engine.network.network import Network

STEP = 1e-6
TOLERANCE = 1e-5  # largest relative error that passes


@dataclass(frozen=True)
class Check:
    name: str
    backprop: float
    numeric: float
    loss: float = 1.0

    @property
    def relative_error(self) -> float:
        """|backprop − numeric| relative to the larger of the two, but never to less than
        1e-3·max(1, |E|): a central difference of E with step 1e-6 carries rounding noise of
        about 1e-10·|E|, which would otherwise swamp gradients near zero."""
        scale = max(abs(self.backprop), abs(self.numeric), 1e-3 * max(1.0, abs(self.loss)))
        return abs(self.backprop - self.numeric) / scale


@dataclass(frozen=True)
class GradCheck:
    checks: list[Check]

    @property
    def worst(self) -> Check:
        return max(self.checks, key=lambda c: c.relative_error)

    @property
    def max_relative_error(self) -> float:
        return self.worst.relative_error

    @property
    def passed(self) -> bool:
        return self.max_relative_error <= TOLERANCE


class Running:
    """A gradient check as long work: `steps()` yields Progress every `every` parameters (the
    window pumps it as a job, Stop closes it); `result` is the GradCheck once it has ended."""

    def __init__(self, net: Network, iteration: int = 1, step: float = STEP, every: int = 256):
        self.net, self.iteration, self.step, self.every = net, iteration, step, every
        self.result: GradCheck | None = None

    def steps(self):
        from engine.session.progress import Progress

        total = len(self.net.parameters())
        for k in _checks(self.net, self.iteration, self.step, self.every):
            if isinstance(k, GradCheck):
                self.result = k
                break
            yield Progress(k, total)
        yield Progress(total, total)


def gradcheck(net: Network, iteration: int = 1, step: float = STEP, progress=None) -> GradCheck:
    """Compare ∂E/∂p of the batch of `iteration` at the network's parameters with
    (E(p + h) − E(p − h)) / 2h for every weight and bias p (E the batch loss, with a penalty
    E_data + E_penalty, what the gradient descends): two forward passes per parameter
    (the largest network accepted, 54,900 parameters, takes about 9 s). `progress(done, total)`
    is called every 256 parameters; Ctrl+C stops it (KeyboardInterrupt)."""
    total = len(net.parameters())
    for k in _checks(net, iteration, step, 256):
        if isinstance(k, GradCheck):
            return k
        if progress is not None:
            progress(k, total)
    raise AssertionError("unreachable")


def _checks(net: Network, iteration: int, step: float, every: int):
    """Yields the number of parameters checked every `every` of them, then the GradCheck."""
    plan = Plan(net)
    plan.sequential = False  # ∂E/∂p is the gradient at the forward pass's weights
    idx = net.batch_indices(iteration)
    x, t = net.input_layer(idx), net.targets[idx]
    params = Params.of(net)
    record: dict = {}
    with np.errstate(all="ignore"):
        iterate(plan, params.copy(), x, t, net.learning_rate, record)
    backprop = record[("grad", 0)].copy()
    loss = float(record[("objective" if net.penalty is not None else "batch_loss", net.depth)][0])
    checks = []
    names = net.parameters()
    for k, p in enumerate(names):
        if not k % every:
            yield k
        original = params.theta[k]
        losses = []
        for sign in (1.0, -1.0):
            params.theta[k] = original + sign * step
            with np.errstate(all="ignore"):
                losses.append(objective(plan, params, x, t))
        params.theta[k] = original
        numeric = (losses[0] - losses[1]) / (2.0 * step)
        checks.append(Check(p.name, float(backprop[k]), numeric, loss))
    yield GradCheck(checks)
