"""When training cannot go on: a loss or an update that is not a finite number, and why."""
from __future__ import annotations

import math

import numpy as np

from engine.record.layout import Record
from engine.network.network import Setup
from engine.record.quantities import Names


class TrainingDiverged(ArithmeticError):
    """The loss of `iteration` (or the update it computed) is NaN or infinite; `what` says
    which number went wrong and why, in words a user can act on."""

    def __init__(self, iteration: int, loss: float, what: str = ""):
        self.iteration = iteration
        self.loss = loss
        self.stopped_at = iteration
        self.what = what
        if math.isfinite(loss):
            text = f"the update of iteration {iteration:,} is not finite"
        else:
            text = f"the loss became {loss} at iteration {iteration:,}"
        super().__init__(f"{text}: {what}" if what else text)


def _first(bad: np.ndarray) -> tuple[int, ...]:
    return tuple(int(k) for k in np.argwhere(bad)[0])


def diagnose(net: Setup, rec: Record) -> str:
    """The first number of the recorded iteration that is not finite, and what made it so."""
    n = Names(net.sizes)
    samples = rec.samples

    def of_sample(s: int) -> str:
        return f" of sample {int(samples[s]) + 1}" if net.n_samples > 1 else ""

    largest = float(np.abs(rec["theta_before", 0]).max())
    for l in range(1, net.depth + 1):
        nets = rec["net", l]
        if not np.isfinite(nets).all():
            s, j = _first(~np.isfinite(nets))
            return (f"{n.net(l, j)}{of_sample(s)} is {nets[s, j]}: the weights (the largest is "
                    f"{largest:.3g}) overflow float64; lower the learning rate")
    out, target = rec["out", net.depth], rec["target", net.depth]
    terms = rec["loss_term", net.depth]
    if not np.isfinite(terms).all():
        s, k = _first(~np.isfinite(terms))
        o, t = float(out[s, k]), float(target[s, k])
        if net.loss_fn.logarithm and o in (0.0, 1.0):
            zero = "ln(out)" if o == 0.0 else "ln(1 − out)"
            return (f"{n.out(net.depth, k)}{of_sample(s)} rounds to exactly {o:g} while its target is {t:g}, "
                    f"so {zero} = ln(0) = −∞ in the {net.loss} loss; the outputs saturated (the largest "
                    f"weight is {largest:.3g}): lower the learning rate")
        return f"E_{n.unit(net.depth, k)}{of_sample(s)} is {terms[s, k]} (output {o!r}, target {t!r})"
    theta = rec["theta", 0]
    if not np.isfinite(theta).all():
        p = net.parameters()[_first(~np.isfinite(theta))[0]]
        grad = float(rec["grad", 0][_first(~np.isfinite(theta))[0]])
        return (f"the update makes {p.name} {float(theta[_first(~np.isfinite(theta))[0]])} "
                f"(its gradient is {grad}); lower the learning rate")
    return f"the loss is {rec.batch_loss}"
