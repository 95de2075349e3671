"""Stochastic gradient descent with momentum, exactly as torch.optim.SGD (dampening 0, no Nesterov,
no weight decay):

    v = g on the first step, then v = μ·v + g;   p⁺ = p − η·v      (without momentum: p⁺ = p − η·g)

The momentum buffer v is kept per parameter from one iteration to the next (the record's
`velocity`; `momentum_buffer` in a saved network's training_state and in torch's state)."""
from __future__ import annotations

from dataclasses import dataclass
from string import Template

import numpy as np

from engine.concepts.formula import descent, exact, same, weighted_sum
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Setting, Slip, Update

MOMENTUM = Setting("momentum", "momentum", "μ", 0.0,
                   lambda v: None if 0.0 <= v < 1.0 else f"must be in [0, 1), found {float(v)}", "Mo&mentum")
VELOCITY = Buffer("velocity", "v", "momentum buffer", "momentum_buffer", "momentum_buffer",
                  "the gradients of the previous iteration and before",
                  "none yet: the first step takes the gradient itself")
V, V_BEFORE, MU = Ref("buffer", VELOCITY.name), Ref("buffer", VELOCITY.name, before=True), Ref("setting", MOMENTUM.key)

# The NumPy script: its update(l, grad_W, grad_b) without momentum, and with it (and its buffers)
NUMPY_PLAIN_UPDATE = '''    \"\"\"SGD on layer l: w⁺ = w − η·∂E/∂w.\"\"\"
    W[l] -= LEARNING_RATE * grad_W
    if TRAIN_BIASES:
        b[l] -= LEARNING_RATE * grad_b'''

NUMPY_MOMENTUM_UPDATE = '''    \"\"\"SGD with momentum on layer l.\"\"\"
    sgd(W, velocity_W, l, grad_W)
    if TRAIN_BIASES:
        sgd(b, velocity_b, l, grad_b)'''

NUMPY_MOMENTUM = Template('''

# The momentum buffers v, as torch.optim.SGD keeps them: v = g at the first step, then v = MOMENTUM·v + g.
velocity_W = $velocity_W
velocity_b = $velocity_b


def sgd(params, velocity, l, grad):
    \"\"\"params[l]⁺ = params[l] − η·v.\"\"\"
    velocity[l] = grad.copy() if velocity[l] is None else MOMENTUM * velocity[l] + grad
    params[l] -= LEARNING_RATE * velocity[l]
''')


@dataclass(frozen=True)
class SGD(Optimizer):
    momentum: float = MOMENTUM.default

    name = "sgd"
    title = "SGD"
    settings = (MOMENTUM,)
    declared = (VELOCITY,)
    state_words = "momentum buffer"
    torch_class = "torch.optim.SGD"
    slips = (
        Slip("missing_momentum", "the gradient used where the momentum buffer v belongs (p − η·g)", "",
             lambda get: get(PARAM) - get(LR) * get(GRAD),
             lambda label: f"the gradient {label(GRAD)} used where the momentum buffer {label(V)} belongs"),
    )

    @property
    def buffers(self):
        return (VELOCITY,) if self.momentum else ()

    def unkept(self, buffer):
        return "must be null without momentum"

    def step(self, theta, state, grad, lr, part):
        g = grad[part]
        if self.momentum:
            if state is None:
                state = np.zeros((1, theta.size))
                state[0, part] = g
            else:
                v = state[0, part]
                v *= self.momentum
                v += g
            g = state[0, part]
        theta[part] -= lr * g
        return state

    def formula(self, name, first):
        if name:  # the momentum buffer
            return Update(same, (GRAD,)) if first else Update(weighted_sum, (MU, V_BEFORE, GRAD))
        return Update(descent, (PARAM, LR, V if self.momentum else GRAD))

    def torch(self, params, lr):
        return f"{self.torch_class}({params}, lr={lr}, momentum={exact(self.momentum)})"

    def numpy(self, starts):
        if not self.momentum:
            return "", "", NUMPY_PLAIN_UPDATE
        if starts is None:
            velocity_w, velocity_b = "[None] * len(W)", "[None] * len(b)"
        else:
            (velocity_w, velocity_b), = starts
            velocity_w += "  # where the saved training stopped"
        return (f"MOMENTUM = {exact(self.momentum)}\n",
                NUMPY_MOMENTUM.substitute(velocity_W=velocity_w, velocity_b=velocity_b), NUMPY_MOMENTUM_UPDATE)


OPTIMIZER = SGD
