"""The rectified linear unit: out = max(0, net), ∂out/∂net = 1 where net > 0, else 0 (PyTorch's
derivative at 0)."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.tokens import call, greater, if_else

ACTIVATION = Activation(
    name="relu",
    title="ReLU",
    fn=lambda net: np.maximum(net, 0.0),
    grad=lambda net, out: (net > 0.0).astype(np.float64),
    text=lambda net, nets: call("max", 0, net),
    grad_text=lambda net, out: if_else(1, greater(net, 0), 0),
    torch_module="nn.ReLU()",
    numpy_fn="return np.maximum(net, 0.0)",
    numpy_grad="return np.where(net > 0.0, 1.0, 0.0)",
    bounds=(0.0, None),
    grad_of="net",
)
