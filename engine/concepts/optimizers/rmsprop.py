"""RMSprop, exactly as torch.optim.RMSprop (not centered, no weight decay), one parameter at a time:

    s = α·s + (1 − α)·g²                    the moving average of the squared gradients
    without momentum:  p⁺ = p − η·g/(√s + ε)
    with momentum μ:   v = μ·v + g/(√s + ε),  p⁺ = p − η·v

s (torch's "square_avg") and, with momentum, v (torch's "momentum_buffer") start at 0 and are
kept per parameter from one iteration to the next, under the same keys in a saved network's
training_state. PyTorch's defaults: alpha 0.99, eps 1e-8, momentum 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from string import Template

import numpy as np

from engine.concepts.formula import computes, descent, exact, moving_average_of_squares
from engine.concepts.tokens import Token, sqrt
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Slip, Update
from engine.concepts.setting import Setting


def _squares_problem(values: np.ndarray) -> str | None:
    bad = np.flatnonzero(values < 0)
    return None if not len(bad) else f"[{int(bad[0])}]: a mean of squares is ≥ 0, found {values[bad[0]]!r}"


ALPHA = Setting("alpha", "α", "α", 0.99, lambda v: None if 0.0 <= v < 1.0 else f"must be in [0, 1), found {v}",
                "&Alpha α")
EPS = Setting("eps", "ε", "ε", 1e-8, lambda v: None if v > 0 else f"must be above 0, found {v}", "&Epsilon ε")
MOMENTUM = Setting("momentum", "momentum", "μ", 0.0, lambda v: None if 0.0 <= v < 1.0 else
                   f"must be in [0, 1), found {v}", "Mo&mentum")
SQUARE_AVG = Buffer("square_avg", "s", "mean of the squared gradients", "square_avg", "square_avg",
                    "the moving average of the squared gradients so far", "0: the first step starts from s = 0",
                    problem=_squares_problem)
BUFFER = Buffer("momentum_buffer", "v", "momentum buffer", "momentum_buffer", "momentum_buffer",
                "the scaled gradients of the previous iteration and before", "0: the first step starts from v = 0")
ALPHA_, EPSILON, MU = Ref("setting", ALPHA.key), Ref("setting", EPS.key), Ref("setting", MOMENTUM.key)
S, S_BEFORE = Ref("buffer", SQUARE_AVG.name), Ref("buffer", SQUARE_AVG.name, before=True)
V, V_BEFORE = Ref("buffer", BUFFER.name), Ref("buffer", BUFFER.name, before=True)


@computes(lambda p, lr, g, s, eps: p - lr * (g / (math.sqrt(s) + eps)))
def rms_step(p: Token, lr: Token, g: Token, s: Token, eps: Token) -> Token:
    """RMSprop's step without momentum: p − η·g/(√s + ε)."""
    return p - lr * g / (sqrt(s) + eps)


@computes(lambda mu, v, g, s, eps: mu * v + g / (math.sqrt(s) + eps))
def rms_momentum(mu: Token, v: Token, g: Token, s: Token, eps: Token) -> Token:
    """RMSprop's momentum buffer: μ·v + g/(√s + ε)."""
    return mu * v + g / (sqrt(s) + eps)


def _eps_inside(get, optimizer_has_momentum: bool) -> float:
    scaled = get(GRAD) / math.sqrt(get(S) + get(EPSILON))
    if optimizer_has_momentum:
        return get(MU) * get(V_BEFORE) + scaled
    return get(PARAM) - get(LR) * scaled


NUMPY_STATE = Template('''

# RMSprop's state, as torch.optim.RMSprop keeps it for each parameter: the moving average s of the
# squared gradients$and_buffer.
square_avg_W, square_avg_b = $square_avg_W, $square_avg_b
$buffers

def rmsprop(params, square_avg, $buffer_arg l, grad, lr):
    """params[l]⁺ = params[l] − η·$step."""
    square_avg[l] *= ALPHA
    square_avg[l] += (1 - ALPHA) * (grad * grad)
$body''')

NUMPY_UPDATE = Template('''    \"\"\"RMSprop on layer l.\"\"\"
    rmsprop(W, square_avg_W, $buffer_W l, grad_W, lr)
    if TRAIN_BIASES:
        rmsprop(b, square_avg_b, $buffer_b l, grad_b, lr)''')


@dataclass(frozen=True)
class RMSprop(Optimizer):
    alpha: float = ALPHA.default
    eps: float = EPS.default
    momentum: float = MOMENTUM.default

    name = "rmsprop"
    title = "RMSprop"
    settings = (ALPHA, EPS, MOMENTUM)
    declared = (SQUARE_AVG, BUFFER)
    state_words = "mean squared gradients"
    torch_class = "torch.optim.RMSprop"
    torch_extra_state = (("step", "torch.tensor(0.0)", "torch counts its steps; RMSprop's update does not read them"),)
    slips = (
        Slip("eps_inside_root", "", "",
             lambda get: _eps_inside(get, False),
             lambda label: f"ε added inside the square root, √({label(S)} + ε), where √{label(S)} + ε belongs",
             lambda optimizer: not optimizer.momentum),
        Slip("eps_inside_root", "", BUFFER.name, lambda get: _eps_inside(get, True),
             lambda label: f"ε added inside the square root, √({label(S)} + ε), where √{label(S)} + ε belongs",
             lambda optimizer: bool(optimizer.momentum)),
    )

    @property
    def buffers(self):
        return (SQUARE_AVG, BUFFER) if self.momentum else (SQUARE_AVG,)

    def unkept(self, buffer):
        return "must be null without momentum"

    def step(self, theta, state, grad, lr, part, shown=None):
        if state is None:  # torch's first step: s (and v) start at 0
            state = np.zeros((len(self.buffers), theta.size))
        g = grad[part]
        s = state[0, part]  # a view: updated in place
        s *= self.alpha
        s += (1 - self.alpha) * (g * g)
        avg = np.sqrt(s) + self.eps
        if self.momentum:
            v = state[1, part]
            v *= self.momentum
            v += g / avg
            theta[part] -= lr * v
        else:
            theta[part] -= lr * (g / avg)
        return state

    def formula(self, name, first):
        if name == SQUARE_AVG.name:
            return Update(moving_average_of_squares, (ALPHA_, S_BEFORE, GRAD))
        if name == BUFFER.name:
            return Update(rms_momentum, (MU, V_BEFORE, GRAD, S, EPSILON))
        if self.momentum:
            return Update(descent, (PARAM, LR, V))
        return Update(rms_step, (PARAM, LR, GRAD, S, EPSILON))

    def torch(self, params, lr):
        return (f"{self.torch_class}({params}, lr={lr}, alpha={exact(self.alpha)}, eps={exact(self.eps)}, "
                f"momentum={exact(self.momentum)})")

    def numpy(self, starts):
        if starts is None:
            square_w, square_b = "[np.zeros_like(w) for w in W]", "[np.zeros_like(c) for c in b]"
            buffer_w, buffer_b = square_w, square_b
        else:
            (square_w, square_b), *rest = starts
            buffer_w, buffer_b = rest[0] if rest else ("", "")
        constants = f"ALPHA = {exact(self.alpha)}\nEPS = {exact(self.eps)}\n"
        if self.momentum:
            constants += f"MOMENTUM = {exact(self.momentum)}\n"
            state = NUMPY_STATE.substitute(
                and_buffer=" and the momentum buffer v", square_avg_W=square_w, square_avg_b=square_b,
                buffers=f"velocity_W, velocity_b = {buffer_w}, {buffer_b}\n", buffer_arg="velocity,",
                step="v with v = μ·v + g/(√s + ε)",
                body="    velocity[l] *= MOMENTUM\n"
                     "    velocity[l] += grad / (np.sqrt(square_avg[l]) + EPS)\n"
                     "    params[l] -= lr * velocity[l]\n")
            update = NUMPY_UPDATE.substitute(buffer_W="velocity_W,", buffer_b="velocity_b,")
        else:
            state = NUMPY_STATE.substitute(
                and_buffer="", square_avg_W=square_w, square_avg_b=square_b, buffers="", buffer_arg="",
                step="g/(√s + ε)",
                body="    params[l] -= lr * (grad / (np.sqrt(square_avg[l]) + EPS))\n")
            update = NUMPY_UPDATE.substitute(buffer_W="", buffer_b="")
        return constants, state, update


OPTIMIZER = RMSprop
