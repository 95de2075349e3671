"""The network: shape, parameters, loss, optimizer settings and training samples."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from . import naming
from .activations import ACTIVATIONS, Activation
from .losses import LOSSES, Loss

UPDATE_ORDERS = ("simultaneous", "sequential")


@dataclass
class Network:
    sizes: list[int]
    activations: list[str]
    loss: str
    weights: list[np.ndarray]  # weights[l-1][j, i]: unit i of layer l-1 -> unit j of layer l
    biases: list[np.ndarray]  # biases[l-1][j]
    inputs: np.ndarray  # (samples, sizes[0])
    targets: np.ndarray  # (samples, sizes[-1])
    train_biases: bool = True
    learning_rate: float = 0.5
    momentum: float = 0.0
    batch_size: int | None = None
    update_order: str = "simultaneous"
    name: str = ""
    description: str = ""
    extra: dict = field(default_factory=dict)  # keys of the file this engine does not use, kept on save

    @property
    def depth(self) -> int:
        """Number of weight layers (L): layers are 0..L."""
        return len(self.sizes) - 1

    @property
    def n_samples(self) -> int:
        return len(self.inputs)

    @property
    def batch(self) -> int:
        """Samples per iteration."""
        return self.n_samples if self.batch_size is None else self.batch_size

    def activation(self, layer: int) -> Activation:
        return ACTIVATIONS[self.activations[layer - 1]]

    @property
    def loss_fn(self) -> Loss:
        return LOSSES[self.loss]

    def batch_indices(self, iteration: int) -> np.ndarray:
        """0-based sample indices used by 1-based `iteration`: the next `batch` samples in
        file order, wrapping around cyclically."""
        if self.batch_size is None:
            return np.arange(self.n_samples)
        start = (iteration - 1) * self.batch_size
        return (start + np.arange(self.batch_size)) % self.n_samples

    def parameters(self) -> list[naming.Param]:
        return naming.parameters(self.sizes)

    def copy(self) -> "Network":
        return copy.deepcopy(self)

    def unit_name(self, layer: int, j: int) -> str:
        return naming.unit_name(self.sizes, layer, j)
