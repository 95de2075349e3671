"""The softmax of an output layer: out_k = e^net_k / Σ_m e^net_m, the probabilities of the classes.

It has no element-wise derivative: ∂out_k/∂net_m is a Jacobian, which the loss it goes with
(cross-entropy) folds into the output layer's δ in one piece. Allowed on the output layer only,
of at least 2 units."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.tokens import E, Group, Quotient, Sum, Sym, Text, row


def softmax(net: np.ndarray) -> np.ndarray:
    shifted = np.exp(net - net.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


ACTIVATION = Activation(
    name="softmax",
    title="softmax",
    fn=softmax,
    grad=None,
    text=lambda net, nets: Quotient(E ** net, Sum(tuple(E ** n for n in nets)), spaced=True),
    grad_text=lambda net, out: row(Text("softmax Jacobian"), Group(row(Text("folded into"), Sym("δ")))),
    torch_module="nn.Softmax(dim=1)",
    numpy_fn=("e = np.exp(net - net.max(axis=1, keepdims=True))  # shifted: no overflow\n"
              "return e / e.sum(axis=1, keepdims=True)"),
    numpy_grad=None,
    bounds=(0.0, 1.0),
    output_only=True,
    min_units=2,
    class_probabilities=True,
)
