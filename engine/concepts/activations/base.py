"""What an activation function is: everything the engine, the documents, practice and the script
export need to know about one, held in one object that its own module makes.

`fn(net)` gives out, `grad(net, out)` gives ∂out/∂net element by element (softmax has no
element-wise derivative: its Jacobian is folded into the output delta, see the loss it pairs
with). `text(net, nets)` (nets: the whole layer's, which softmax needs) and `grad_text(net, out)`
build the formula as tokens (engine.concepts.tokens) from symbols or from numbers, so the side
panel, the documents and the trace CSV write the same expression the maths used. `bounds` is the range of out (None on an unbounded side): the
output map colours a bounded output on that range.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.concepts.tokens import Token


@dataclass(frozen=True)
class Activation:
    name: str  # in the network file, the trace CSV and every message
    title: str  # as the window shows it: "ReLU", "leaky ReLU"
    fn: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray] | None  # None: no element-wise derivative
    text: Callable[[Token, list[Token]], Token]
    grad_text: Callable[[Token, Token], Token]
    # the script export (engine.scripts.pyexport): the torch.nn module, and the NumPy bodies of
    # `def NAME(net)` and `def NAME_derivative(net, out)` (None without an element-wise derivative)
    torch_module: str
    numpy_fn: str
    numpy_grad: str | None
    bounds: tuple[float | None, float | None] = (None, None)
    # the rules of a network file
    output_only: bool = False  # allowed on the output layer only
    min_units: int = 1  # of the layer it is the activation of
    class_probabilities: bool = False  # its outputs are the probabilities of classes, one per unit
    # which of (net, out) its derivative is written in: the mistake catalogue evaluates it with
    # the other one where that gives another number (σ(net)·(1 − σ(net)) written net·(1 − net))
    grad_of: str = "out"

    @property
    def elementwise(self) -> bool:
        return self.grad is not None
