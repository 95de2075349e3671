"""PyTorch's nn.Linear default: weights and biases uniform in [−1/√fan_in, 1/√fan_in]
(kaiming_uniform_ with a = √5 for the weights). A network file's `seed` draws these."""
from __future__ import annotations

import math

from engine.concepts.inits.base import Init


def _uniform(rng, fan_out: int, fan_in: int, shape):
    bound = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape)


INIT = Init(
    name="pytorch",
    title="PyTorch's nn.Linear default: weights and biases U(−1/√fan_in, 1/√fan_in)",
    weights=lambda rng, fan_out, fan_in: _uniform(rng, fan_out, fan_in, (fan_out, fan_in)),
    biases=lambda rng, fan_out, fan_in: _uniform(rng, fan_out, fan_in, (fan_out,)),
)
