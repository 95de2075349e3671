"""Cross-entropy with softmax outputs p: E_s = Σ_k −t_k·ln(p_k) (torch's nn.CrossEntropyLoss with
probability targets, computed from the net inputs). It needs a softmax output layer, with which
it owns δ = p·Σt − t in one piece (the softmax Jacobian folded in), and targets that are
probability vectors: in [0, 1], summing to 1. It classifies: a sample is right when its largest
output is its target's largest (the first of equal ones), the class of a unit."""
from __future__ import annotations

import numpy as np

from engine.concepts.activations import softmax
from engine.concepts.losses.base import Classes, Fused, Loss, largest
from engine.concepts.tokens import ln


def _log_softmax(net: np.ndarray) -> np.ndarray:
    shifted = net - net.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _delta_text(o, t, k, target_sum):
    return o - t if target_sum is None else o * target_sum - t


LOG_SOFTMAX = '''def log_softmax(net):
    """ln(softmax(net)), from the net inputs: exact where an output would round to 0."""
    shifted = net - net.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))'''

LOSS = Loss(
    name="cross_entropy",
    title="cross-entropy",
    terms=lambda net, out, t: np.where(t != 0.0, 0.0 - t * _log_softmax(net), 0.0),  # a target of 0: 0, not −0
    grad=lambda out, t: np.where(t != 0.0, -t / out, 0.0),
    text=lambda t, o, k: -(t * ln(o)),
    grad_text=lambda t, o, k: -(t / o),
    torch_loss=("# nn.CrossEntropyLoss, with probability targets, takes the net inputs of the output\n"
                "# layer and applies the softmax itself (exact where an output would round to 0).\n"
                "loss_fn = nn.CrossEntropyLoss()"),
    numpy_terms="-np.where(target != 0.0, target * log_softmax(net), 0.0)",
    numpy_grad=None,
    numpy_helpers=(LOG_SOFTMAX,),
    torch_on_net="nn.CrossEntropyLoss applies the softmax",
    fused=Fused(
        activation=softmax.ACTIVATION,
        delta=lambda out, t: out * t.sum(axis=1, keepdims=True) - t,
        text=_delta_text,
        numpy_delta="out * target.sum(axis=1, keepdims=True) - target",
        why="the softmax Jacobian folded in; out − target when the targets sum to 1",
        needs_target_sum=True,
        note="softmax + cross-entropy: δ = ∂E/∂net = out·Σtarget − target (the softmax Jacobian folded in)"),
    output=softmax.ACTIVATION,
    target_range=(0.0, 1.0),
    target_sum=1.0,
    logarithm=True,
    classes=Classes(
        right=lambda out, t: largest(out) == largest(t),
        of=largest,
        count=lambda k: k,
        rule="the largest output is the target's largest (the first of equal ones)"),
)
