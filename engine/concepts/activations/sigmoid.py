"""The logistic sigmoid: out = 1/(1 + e^(−net)), ∂out/∂net = out·(1 − out). The worked example's."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations.base import Activation
from engine.concepts.tokens import E


def sigmoid(net: np.ndarray) -> np.ndarray:
    # 1/(1 + e^-net) exactly as PyTorch computes it: the most accurate form near 0 and 1,
    # which the bce loss magnifies (ln(1 − out), 1/(out(1 − out))). e^-net overflows to
    # infinity only for net < −709, where the result (< 1e-308) correctly becomes 0; the
    # engine computes under np.errstate(all="ignore"), so no warning reaches the user.
    return 1.0 / (1.0 + np.exp(-net))


ACTIVATION = Activation(
    name="sigmoid",
    title="sigmoid",
    fn=sigmoid,
    grad=lambda net, out: out * (1.0 - out),
    text=lambda net, nets: 1 / (1 + E ** -net),
    grad_text=lambda net, out: out * (1 - out),
    torch_module="nn.Sigmoid()",
    numpy_fn="return 1.0 / (1.0 + np.exp(-net))",
    numpy_grad="return out * (1.0 - out)",
    bounds=(0.0, 1.0),
)
