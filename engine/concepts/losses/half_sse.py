"""Half the sum of squared errors, the worked example's: E_s = Σ_k ½·(t_k − o_k)², ∂E_s/∂o_k = −(t_k − o_k).
It takes any output layer of element-wise units and any finite targets."""
from __future__ import annotations

from engine.concepts.losses.base import Loss
from engine.concepts.tokens import HALF

LOSS = Loss(
    name="half_sse",
    title="½ squared error",
    terms=lambda net, out, t: 0.5 * (t - out) ** 2,
    grad=lambda out, t: out - t,
    text=lambda t, o, k: HALF * (t - o) ** 2,
    grad_text=lambda t, o, k: -(t - o),
    torch_loss='''def loss_fn(out, target):
    """half_sse has no torch module: ½·Σ_k (t_k − o_k)² per sample, their mean over the batch."""
    return (0.5 * (target - out) ** 2).sum() / len(target)''',
    numpy_terms="0.5 * (target - out) ** 2",
    numpy_grad="out - target",
    half=True,
)
