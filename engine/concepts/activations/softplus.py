"""Softplus, a smooth ReLU: out = ln(1 + e^net), ∂out/∂net = σ(net) = 1/(1 + e^(−net)), the sigmoid of net.

Computed as np.logaddexp(0, net) = max(0, net) + ln(1 + e^(−|net|)), exact for every net where
ln(1 + e^net) as written overflows above net ≈ 709 (and agrees with it to 3e-16 below). Its
derivative is written in net, not out: the catalogue of mistakes offers σ(out) for σ(net).
PyTorch's softplus returns net itself above its `threshold`, 20 by default, which is 2e-9 off
there (and its derivative 1 instead of σ(net)); the script export sets the threshold to 40,
above which ln(1 + e^net) is net in float64 (e^(−40) is below half an ulp of 40), so that the
threshold changes no number.
"""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.activations.sigmoid import ACTIVATION as SIGMOID, sigmoid
from engine.concepts.tokens import E, ln

TORCH_THRESHOLD = 40.0

ACTIVATION = Activation(
    name="softplus",
    title="softplus",
    fn=lambda net: np.logaddexp(0.0, net),
    grad=lambda net, out: sigmoid(net),
    text=lambda net, nets: ln(1 + E ** net),
    grad_text=lambda net, out: SIGMOID.text(net, [net]),
    torch_module=f"nn.Softplus(beta=1.0, threshold={TORCH_THRESHOLD!r})",
    numpy_fn="return np.logaddexp(0.0, net)  # ln(1 + e^net), without overflow",
    numpy_grad="return 1.0 / (1.0 + np.exp(-net))  # σ(net)",
    bounds=(0.0, None),
    grad_of="net",
)
