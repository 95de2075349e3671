"""The hyperbolic tangent: out = tanh(net), ∂out/∂net = 1 − out²."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.tokens import call

ACTIVATION = Activation(
    name="tanh",
    title="tanh",
    fn=np.tanh,
    grad=lambda net, out: 1.0 - out * out,
    text=lambda net, nets: call("tanh", net),
    grad_text=lambda net, out: 1 - out ** 2,
    torch_module="nn.Tanh()",
    numpy_fn="return np.tanh(net)",
    numpy_grad="return 1.0 - out * out",
    bounds=(-1.0, 1.0),
)
