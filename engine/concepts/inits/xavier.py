"""Xavier (Glorot) uniform: weights uniform in [−a, a], a = √(6/(fan_in + fan_out)) (torch.nn.init's
xavier_uniform_ with gain 1); biases 0."""
from __future__ import annotations

import math

from engine.concepts.inits.base import Init, zero_biases


def _weights(rng, fan_out: int, fan_in: int):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


INIT = Init(
    name="xavier",
    title="Xavier uniform: weights U(−a, a), a = √(6/(fan_in + fan_out)); biases 0",
    weights=_weights,
    biases=zero_biases,
)
