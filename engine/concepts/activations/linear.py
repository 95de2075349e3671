"""The identity: out = net, ∂out/∂net = 1 (a regression output)."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.tokens import Const

ACTIVATION = Activation(
    name="linear",
    title="linear",
    fn=lambda net: net.copy(),
    grad=lambda net, out: np.ones_like(net),
    text=lambda net, nets: net,
    grad_text=lambda net, out: Const("1"),
    torch_module="nn.Identity()",
    numpy_fn="return net",
    numpy_grad="return np.ones_like(net)",
)
