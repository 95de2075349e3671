"""The leaky ReLU: out = net where net > 0, else SLOPE·net; ∂out/∂net = 1 or SLOPE (at 0: SLOPE,
as PyTorch's)."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.tokens import call, greater, if_else

SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope


ACTIVATION = Activation(
    name="leaky_relu",
    title="leaky ReLU",
    fn=lambda net: np.where(net > 0.0, net, SLOPE * net),
    grad=lambda net, out: np.where(net > 0.0, 1.0, SLOPE),
    text=lambda net, nets: call("max", net, SLOPE * net),
    grad_text=lambda net, out: if_else(1, greater(net, 0), SLOPE),
    torch_module=f"nn.LeakyReLU({SLOPE!r})",
    numpy_fn=f"return np.where(net > 0.0, net, {SLOPE!r} * net)",
    numpy_grad=f"return np.where(net > 0.0, 1.0, {SLOPE!r})",
    grad_of="net",
)
