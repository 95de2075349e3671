"""The leaky ReLU: out = net where net > 0, else SLOPE·net; ∂out/∂net = 1 or SLOPE (at 0: SLOPE,
as PyTorch's)."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation

SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope


ACTIVATION = Activation(
    name="leaky_relu",
    title="leaky ReLU",
    fn=lambda net: np.where(net > 0.0, net, SLOPE * net),
    grad=lambda net, out: np.where(net > 0.0, 1.0, SLOPE),
    text=lambda net, nets: f"max({net}, {SLOPE}·{net})",
    grad_text=lambda net, out: f"1 if {net} > 0 else {SLOPE}",
    torch_module=f"nn.LeakyReLU({SLOPE!r})",
    numpy_fn=f"return np.where(net > 0.0, net, {SLOPE!r} * net)",
    numpy_grad=f"return np.where(net > 0.0, 1.0, {SLOPE!r})",
    grad_of="net",
)
