"""Adam, exactly as torch.optim.Adam (amsgrad off, no weight decay), one parameter at a time:

    t = t + 1
    m = β1·m + (1 − β1)·g                 the first moment (the mean of the gradients)
    v = β2·v + (1 − β2)·g²                the second moment (the mean of their squares)
    mˆ = m/(1 − β1^t),  vˆ = v/(1 − β2^t)   the bias corrections (m and v start at 0)
    p⁺ = p − η·mˆ/(√vˆ + ε)

t, m and v are kept per parameter from one iteration to the next (torch's state "step",
"exp_avg", "exp_avg_sq", the same keys in a saved network's training_state; t counts the steps
the parameter has had, as torch counts them per parameter); mˆ and vˆ are shown, not kept.
PyTorch's defaults: betas (0.9, 0.999), eps 1e-8.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from string import Template

import numpy as np

from engine.concepts.formula import computes, exact, moving_average, moving_average_of_squares
from engine.concepts.tokens import Token, sqrt
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Slip, Update
from engine.concepts.setting import Setting


def _betas_problem(pair) -> str | None:
    for k, beta in enumerate(pair):
        if not 0.0 <= beta < 1.0:
            return f"[{k}]: must be in [0, 1), found {beta}"
    return None


def _eps_problem(value: float) -> str | None:
    return None if value > 0 else f"must be above 0, found {value}"


def _counts_problem(values: np.ndarray) -> str | None:
    """Saved step counts: whole numbers from 0 (a parameter never stepped: a frozen bias)."""
    bad = np.flatnonzero((values < 0) | (values != np.floor(values)))
    return None if not len(bad) else f"[{int(bad[0])}]: a step count is a whole number ≥ 0, found {values[bad[0]]!r}"


def _squares_problem(values: np.ndarray) -> str | None:
    bad = np.flatnonzero(values < 0)
    return None if not len(bad) else f"[{int(bad[0])}]: a mean of squares is ≥ 0, found {values[bad[0]]!r}"


BETAS = Setting("betas", "betas", "β1, β2", (0.9, 0.999), _betas_problem, "&Betas β1, β2", kind="pair")
EPS = Setting("eps", "ε", "ε", 1e-8, _eps_problem, "&Epsilon ε")
STEP = Buffer("step", "t", "step count", "step", "step", "the steps each parameter has had",
              "none yet: the first step is t = 1", stepped=False, shared=True, problem=_counts_problem,
              counts=True)
MEAN = Buffer("exp_avg", "m", "first moment (mean of the gradients)", "exp_avg", "exp_avg",
              "the moving average of the gradients so far", "0: the first step starts from m = 0")
SQUARES = Buffer("exp_avg_sq", "v", "second moment (mean of the squared gradients)", "exp_avg_sq", "exp_avg_sq",
                 "the moving average of the squared gradients so far", "0: the first step starts from v = 0",
                 problem=_squares_problem)
MEAN_HAT = Buffer("m_hat", "m", "bias-corrected first moment", kept=False, accent="^")
SQUARES_HAT = Buffer("v_hat", "v", "bias-corrected second moment", kept=False, accent="^")

B1, B2, EPSILON = Ref("setting", BETAS.key, index=0), Ref("setting", BETAS.key, index=1), Ref("setting", EPS.key)
T = Ref("buffer", STEP.name)
M, M_BEFORE = Ref("buffer", MEAN.name), Ref("buffer", MEAN.name, before=True)
V, V_BEFORE = Ref("buffer", SQUARES.name), Ref("buffer", SQUARES.name, before=True)
M_HAT, V_HAT = Ref("buffer", MEAN_HAT.name), Ref("buffer", SQUARES_HAT.name)


@computes(lambda moment, beta, t: moment / (1 - beta ** t))
def corrected(moment: Token, beta: Token, t: Token) -> Token:
    """The bias correction: m/(1 − β1^t)."""
    return moment / (1 - beta ** t)


@computes(lambda p, lr, m_hat, v_hat, eps: p - lr * m_hat / (math.sqrt(v_hat) + eps))
def adam_step(p: Token, lr: Token, m_hat: Token, v_hat: Token, eps: Token) -> Token:
    """Adam's step: p − η·mˆ/(√vˆ + ε)."""
    return p - lr * m_hat / (sqrt(v_hat) + eps)


def _eps_inside(get) -> float:
    return get(PARAM) - get(LR) * get(M_HAT) / math.sqrt(get(V_HAT) + get(EPSILON))


def _uncorrected(get) -> float:
    return get(PARAM) - get(LR) * get(M) / (math.sqrt(get(V)) + get(EPSILON))


NUMPY_STATE = Template('''

# Adam's state, as torch.optim.Adam keeps it for each parameter: its step count t and the moving
# averages m (of the gradients) and v (of their squares).
step_W, step_b = $step_W, $step_b
m_W, m_b = $m_W, $m_b
v_W, v_b = $v_W, $v_b


def adam(params, step, m, v, l, grad, lr):
    """params[l]⁺ = params[l] − η·mˆ/(√vˆ + ε), with the bias-corrected moments mˆ and vˆ."""
    step[l] += 1
    m[l] *= BETA1
    m[l] += (1 - BETA1) * grad
    v[l] *= BETA2
    v[l] += (1 - BETA2) * (grad * grad)
    m_hat = m[l] / (1 - BETA1 ** step[l])
    v_hat = v[l] / (1 - BETA2 ** step[l])
    params[l] -= lr * m_hat / (np.sqrt(v_hat) + EPS)
''')

NUMPY_UPDATE = '''    \"\"\"Adam on layer l.\"\"\"
    adam(W, step_W, m_W, v_W, l, grad_W, lr)
    if TRAIN_BIASES:
        adam(b, step_b, m_b, v_b, l, grad_b, lr)'''


@dataclass(frozen=True)
class Adam(Optimizer):
    betas: tuple[float, float] = BETAS.default
    eps: float = EPS.default

    name = "adam"
    title = "Adam"
    settings = (BETAS, EPS)
    declared = (STEP, MEAN, SQUARES)
    shows = (MEAN_HAT, SQUARES_HAT)
    state_words = "step counts and moment estimates"
    torch_class = "torch.optim.Adam"
    slips = (
        Slip("bias_correction_left_out", "Adam's bias correction left out: m and v used where mˆ = m/(1 − β1^t) "
                                         "and vˆ = v/(1 − β2^t) belong", "",
             _uncorrected,
             lambda label: f"{label(M)} and {label(V)} used where the bias-corrected {label(M_HAT)} and "
                           f"{label(V_HAT)} belong"),
        Slip("bias_correction_left_out", "", MEAN_HAT.name, lambda get: get(M),
             lambda label: f"the bias correction left out: {label(M)} itself taken for {label(M_HAT)}"),
        Slip("bias_correction_left_out", "", SQUARES_HAT.name, lambda get: get(V),
             lambda label: f"the bias correction left out: {label(V)} itself taken for {label(V_HAT)}"),
        Slip("eps_inside_root", "ε added inside the square root of the step's divisor: √(x + ε) where √x + ε "
                                "belongs (Adam's vˆ, RMSprop's s)", "",
             _eps_inside, lambda label: f"ε added inside the square root, √({label(V_HAT)} + ε), where "
                                        f"√{label(V_HAT)} + ε belongs"),
    )

    def step(self, theta, state, grad, lr, part, shown=None):
        if state is None:  # torch's first step: t, m and v start at 0
            state = np.zeros((3, theta.size))
        beta1, beta2 = self.betas
        g = grad[part]
        t, m, v = state[0, part], state[1, part], state[2, part]  # views: updated in place
        t += 1
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * (g * g)
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta[part] -= lr * m_hat / (np.sqrt(v_hat) + self.eps)
        if shown is not None:
            shown[0, part] = m_hat
            shown[1, part] = v_hat
        return state

    def formula(self, name, first):
        if name == MEAN.name:
            return Update(moving_average, (B1, M_BEFORE, GRAD))
        if name == SQUARES.name:
            return Update(moving_average_of_squares, (B2, V_BEFORE, GRAD))
        if name == MEAN_HAT.name:
            return Update(corrected, (M, B1, T))
        if name == SQUARES_HAT.name:
            return Update(corrected, (V, B2, T))
        return Update(adam_step, (PARAM, LR, M_HAT, V_HAT, EPSILON))

    def torch(self, params, lr):
        betas = f"({exact(self.betas[0])}, {exact(self.betas[1])})"
        return f"{self.torch_class}({params}, lr={lr}, betas={betas}, eps={exact(self.eps)})"

    def numpy(self, starts):
        if starts is None:
            lists = {"step_W": "[np.zeros_like(w) for w in W]", "step_b": "[np.zeros_like(c) for c in b]",
                     "m_W": "[np.zeros_like(w) for w in W]", "m_b": "[np.zeros_like(c) for c in b]",
                     "v_W": "[np.zeros_like(w) for w in W]", "v_b": "[np.zeros_like(c) for c in b]"}
        else:
            (step_w, step_b), (m_w, m_b), (v_w, v_b) = starts
            lists = {"step_W": step_w, "step_b": step_b, "m_W": m_w, "m_b": m_b, "v_W": v_w, "v_b": v_b}
        constants = f"BETA1, BETA2 = {exact(self.betas[0])}, {exact(self.betas[1])}\nEPS = {exact(self.eps)}\n"
        return constants, NUMPY_STATE.substitute(lists), NUMPY_UPDATE


OPTIMIZER = Adam
