"""He (Kaiming) normal: weights normal with mean 0 and standard deviation √(2/fan_in) (torch.nn.init's
kaiming_normal_ with its defaults: fan_in mode, the gain of ReLU); biases 0."""
from __future__ import annotations

import math

from engine.concepts.inits.base import Init, zero_biases

INIT = Init(
    name="he",
    title="He normal: weights N(0, 2/fan_in); biases 0",
    weights=lambda rng, fan_out, fan_in: rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_out, fan_in)),
    biases=zero_biases,
)
