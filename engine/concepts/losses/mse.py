"""The mean squared error over the K outputs: E_s = Σ_k (t_k − o_k)²/K, ∂E_s/∂o_k = −2·(t_k − o_k)/K
(torch's nn.MSELoss). It takes any output layer of element-wise units and any finite targets."""
from __future__ import annotations

from engine.concepts.losses.base import Loss

LOSS = Loss(
    name="mse",
    title="mean squared error",
    terms=lambda net, out, t: (t - out) ** 2 / out.shape[-1],
    grad=lambda out, t: 2.0 * (out - t) / out.shape[-1],
    text=lambda t, o, k: (t - o) ** 2 / k,
    grad_text=lambda t, o, k: -(2 * (t - o) / k),
    torch_loss="loss_fn = nn.MSELoss()  # the mean over every output of every sample",
    numpy_terms="(target - out) ** 2 / K",
    numpy_grad="2.0 * (out - target) / K",
    mean_over_outputs=True,
)
