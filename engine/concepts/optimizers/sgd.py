"""Stochastic gradient descent with momentum and Nesterov momentum, exactly as torch.optim.SGD
(dampening 0, no weight decay):

    v = g on the first step, then v = μ·v + g;   p⁺ = p − η·v      (without momentum: p⁺ = p − η·g)
    with nesterov: the look-ahead ĝ = g + μ·v (with the new v), and p⁺ = p − η·ĝ

The momentum buffer v is kept per parameter from one iteration to the next (the record's
`velocity`; `momentum_buffer` in a saved network's training_state and in torch's state); the
look-ahead is shown, not kept. Nesterov needs momentum (as torch.optim.SGD says)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.concepts.numbers import exact
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Slip, Update
from engine.concepts.setting import Setting

MOMENTUM = Setting("momentum", "momentum", "μ", 0.0,
                   lambda v: None if 0.0 <= v < 1.0 else f"must be in [0, 1), found {float(v)}", "Mo&mentum")
NESTEROV = Setting("nesterov", "Nesterov", "nesterov", False, lambda v: None, "&Nesterov", kind="flag")
VELOCITY = Buffer("velocity", "v", "momentum buffer", "momentum_buffer", "momentum_buffer",
                  "the gradients of the previous iteration and before",
                  "none yet: the first step takes the gradient itself")
LOOKAHEAD = Buffer("lookahead", "ĝ", "Nesterov look-ahead gradient", kept=False)
V, V_BEFORE, MU = Ref("buffer", VELOCITY.name), Ref("buffer", VELOCITY.name, before=True), Ref("setting", MOMENTUM.key)
AHEAD = Ref("buffer", LOOKAHEAD.name)

# The NumPy script: its update(l, grad_W, grad_b, lr) without momentum, and with it (and its buffers)
NUMPY_PLAIN_UPDATE = '''    \"\"\"SGD on layer l: w⁺ = w − η·∂E/∂w.\"\"\"
    W[l] -= lr * grad_W
    if TRAIN_BIASES:
        b[l] -= lr * grad_b'''

NUMPY_MOMENTUM_UPDATE = '''    \"\"\"SGD with momentum on layer l.\"\"\"
    sgd(W, velocity_W, l, grad_W, lr)
    if TRAIN_BIASES:
        sgd(b, velocity_b, l, grad_b, lr)'''

NUMPY_MOMENTUM = '''

# The momentum buffers v, as torch.optim.SGD keeps them: v = g at the first step, then v = MOMENTUM·v + g.
velocity_W = $velocity_W
velocity_b = $velocity_b


def sgd(params, velocity, l, grad, lr):
    \"\"\"params[l]⁺ = params[l] − η·$step.\"\"\"
    if velocity[l] is None:
        velocity[l] = grad.copy()
    else:
        velocity[l] *= MOMENTUM
        velocity[l] += grad
$nesterov    params[l] -= lr * $direction
'''  # a string.Template


@dataclass(frozen=True)
class SGD(Optimizer):
    momentum: float = MOMENTUM.default
    nesterov: bool = NESTEROV.default

    name = "sgd"
    title = "SGD"
    settings = (MOMENTUM, NESTEROV)
    declared = (VELOCITY,)
    shows = (LOOKAHEAD,)
    state_words = "momentum buffer"
    torch_class = "torch.optim.SGD"
    slips = (
        Slip("missing_momentum", "the gradient used where the momentum buffer v belongs (p − η·g)", "",
             lambda get: get(PARAM) - get(LR) * get(GRAD),
             lambda label: f"the gradient {label(GRAD)} used where the momentum buffer {label(V)} belongs",
             lambda optimizer: bool(optimizer.buffers)),
        Slip("nesterov_left_out", "Nesterov's look-ahead left out: the momentum buffer v used where g + μ·v "
                                  "belongs (p − η·v)", "",
             lambda get: get(PARAM) - get(LR) * get(V),
             lambda label: f"the momentum buffer {label(V)} used where the look-ahead {label(AHEAD)} belongs",
             lambda optimizer: bool(optimizer.shown)),
    )

    @property
    def buffers(self):
        return (VELOCITY,) if self.momentum else ()

    @property
    def shown(self):
        return (LOOKAHEAD,) if self.nesterov and self.momentum else ()

    def unkept(self, buffer):
        return "must be null without momentum"

    def conflicts(self):
        if self.nesterov and not self.momentum:
            return [("nesterov", "needs a momentum above 0 (as torch.optim.SGD)")]
        return []

    def step(self, theta, state, grad, lr, part, shown=None):
        g = grad[part]
        if self.momentum:
            if state is None:
                state = np.zeros((1, theta.size))
                state[0, part] = g
            else:
                v = state[0, part]
                v *= self.momentum
                v += g
            v = state[0, part]
            if self.nesterov:
                g = g + self.momentum * v
                if shown is not None:
                    shown[0, part] = g
            else:
                g = v
        theta[part] -= lr * g
        return state

    def formula(self, name, first):
        # imported where a formula is written (`presets` reads files without engine.concepts.formula)
        from engine.concepts.formula import descent, same, weighted_sum

        if name == VELOCITY.name:
            return Update(same, (GRAD,)) if first else Update(weighted_sum, (MU, V_BEFORE, GRAD))
        if name == LOOKAHEAD.name:  # g + μ·v, written μ·v + g
            return Update(weighted_sum, (MU, V, GRAD))
        return Update(descent, (PARAM, LR, AHEAD if self.shown else V if self.momentum else GRAD))

    def torch(self, params, lr):
        nesterov = ", nesterov=True" if self.nesterov else ""
        return f"{self.torch_class}({params}, lr={lr}, momentum={exact(self.momentum)}{nesterov})"

    def numpy(self, starts):
        from string import Template  # the script export's (string: 0.5 ms of every start)

        if not self.momentum:
            return "", "", NUMPY_PLAIN_UPDATE
        if starts is None:
            velocity_w, velocity_b = "[None] * len(W)", "[None] * len(b)"
        else:
            (velocity_w, velocity_b), = starts
            velocity_w += "  # where the saved training stopped"
        if self.nesterov:
            nesterov = ("    # Nesterov: the look-ahead gradient g + MOMENTUM·v (with the new v)\n"
                        "    ahead = grad + MOMENTUM * velocity[l]\n")
            direction, step = "ahead", "(g + μ·v)"
        else:
            nesterov, direction, step = "", "velocity[l]", "v"
        return (f"MOMENTUM = {exact(self.momentum)}\n",
                Template(NUMPY_MOMENTUM).substitute(velocity_W=velocity_w, velocity_b=velocity_b, nesterov=nesterov,
                                                    direction=direction, step=step),
                NUMPY_MOMENTUM_UPDATE)


OPTIMIZER = SGD
