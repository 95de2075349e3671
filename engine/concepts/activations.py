"""Activation functions: each knows its value, its local derivative and how to write both.

`fn(net)` gives out, `grad(net, out)` gives ∂out/∂net element by element (softmax has no
element-wise derivative: its Jacobian is folded into the output delta, see `maths`).
`text(net, nets)` (nets: the whole layer's, which softmax needs) and `grad_text(net, out)` build the formula from symbols or from numbers, so the
side panel and the trace CSV write the same expression the maths used. `bounds` is the range
of out (None on an unbounded side): the output map colours a bounded output on that range.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def _sigmoid(net: np.ndarray) -> np.ndarray:
    # 1/(1 + e^-net) exactly as PyTorch computes it: the most accurate form near 0 and 1,
    # which the bce loss magnifies (ln(1 − out), 1/(out(1 − out))). e^-net overflows to
    # infinity only for net < −709, where the result (< 1e-308) correctly becomes 0; the
    # engine computes under np.errstate(all="ignore"), so no warning reaches the user.
    return 1.0 / (1.0 + np.exp(-net))


def _softmax(net: np.ndarray) -> np.ndarray:
    shifted = np.exp(net - net.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Activation:
    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    text: Callable[[str, list[str]], str]
    grad_text: Callable[[str, str], str]
    bounds: tuple[float | None, float | None] = (None, None)

    @property
    def elementwise(self) -> bool:
        return self.grad is not None


def _leaky_text(net: str, nets: list[str]) -> str:
    return f"max({net}, {LEAKY_SLOPE}·{net})"


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "sigmoid",
            _sigmoid,
            lambda net, out: out * (1.0 - out),
            lambda net, nets: f"1/(1 + e^(−{net}))",
            lambda net, out: f"{out}·(1 − {out})",
            (0.0, 1.0),
        ),
        Activation(
            "tanh",
            np.tanh,
            lambda net, out: 1.0 - out * out,
            lambda net, nets: f"tanh({net})",
            lambda net, out: f"1 − {out}²",
            (-1.0, 1.0),
        ),
        Activation(
            "relu",
            lambda net: np.maximum(net, 0.0),
            lambda net, out: (net > 0.0).astype(np.float64),
            lambda net, nets: f"max(0, {net})",
            lambda net, out: f"1 if {net} > 0 else 0",
            (0.0, None),
        ),
        Activation(
            "leaky_relu",
            lambda net: np.where(net > 0.0, net, LEAKY_SLOPE * net),
            lambda net, out: np.where(net > 0.0, 1.0, LEAKY_SLOPE),
            _leaky_text,
            lambda net, out: f"1 if {net} > 0 else {LEAKY_SLOPE}",
        ),
        Activation(
            "linear",
            lambda net: net.copy(),
            lambda net, out: np.ones_like(net),
            lambda net, nets: net,
            lambda net, out: "1",
        ),
        Activation(
            "softmax",
            _softmax,
            None,
            lambda net, nets: f"e^{net} / (" + " + ".join(f"e^{n}" for n in nets) + ")",
            lambda net, out: "softmax Jacobian (folded into δ)",
            (0.0, 1.0),
        ),
    )
}
