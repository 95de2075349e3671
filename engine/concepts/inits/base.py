"""What a start-value scheme is: how the weights and biases of one layer are drawn, given its
fan-in (units of the layer below) and fan-out (its own units), from a seeded generator.

`draw(sizes, seed)` draws every layer's weights, layer by layer, then every layer's biases, from
numpy's default_rng(seed): the order a network file with a `seed` and neither `weights` nor
`biases` draws them in (engine.files.netfile), so that a scheme's network is the same whichever
of the two makes it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# (rng, fan_out, fan_in) -> the (fan_out, fan_in) weights, or the (fan_out,) biases, of a layer
# "np.random.Generator" a string: naming it here imported numpy.random (12 ms of CPU) for every command
Draw = Callable[["np.random.Generator", int, int], np.ndarray]


@dataclass(frozen=True)
class Init:
    name: str  # on the command line and in a design
    title: str  # in words, with its distribution
    weights: Draw
    biases: Draw

    def draw(self, sizes, seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        rng = np.random.default_rng(seed)
        layers = range(1, len(sizes))
        weights = [self.weights(rng, sizes[l], sizes[l - 1]) for l in layers]
        return weights, [self.biases(rng, sizes[l], sizes[l - 1]) for l in layers]


def zero_biases(rng: np.random.Generator, fan_out: int, fan_in: int) -> np.ndarray:
    return np.zeros(fan_out)
