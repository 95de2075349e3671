"""Every weight and bias 0: the units of a layer start alike, get the same gradient and so stay
alike however long the network trains (symmetric units never part), which a student can watch."""
from __future__ import annotations

import numpy as np

from engine.concepts.inits.base import Init, zero_biases

INIT = Init(
    name="zeros",
    title="all zeros: the units of a layer stay alike",
    weights=lambda rng, fan_out, fan_in: np.zeros((fan_out, fan_in)),
    biases=zero_biases,
)
