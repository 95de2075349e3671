"""Random network files (dicts of the format) for the parity tests, drawn by hypothesis so that
the examples do not depend on which modules were imported before.

Recent Hypothesis (6.170 here) also draws "local constants": numbers and strings it finds in the
source of every module already imported from outside site-packages, the stdlib and test folders
(hypothesis/internal/conjecture/providers.py, `_get_local_constants`, re-read whenever
sys.modules grows). A test that imports guiapp.window first adds the window's 0.25, 1.5, 860, ...
to what st.floats and st.integers may return, and from there on every example differs: the
examples a test saw depended on the tests that ran before it. Two kinds of draw never take a
local constant: booleans, and integers strictly between −100 and 100 (constants_ast.py leaves
those out: "we already upweight small integers"). So everything here is drawn from those
alone: integers in (−100, 100), sampled_from indices over fewer than 100 choices, booleans,
and floats built from base-100 digits. test_torch_parity.py's
test_examples_do_not_depend_on_what_was_imported_before checks it.
"""
from __future__ import annotations

from hypothesis import strategies as st

LOSS_NAMES = ("half_sse", "mse", "bce", "cross_entropy")
ELEMENTWISE = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softplus")

SIMPLE = (0.0, 0.5, -0.5, 1.0, -1.0)
# Values that st.floats liked to try: the smallest normal and subnormal, tiny values, −0.0.
AWKWARD = (-0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300, 1e-100, -1e-100, 1.1754943508222875e-38,
           1e-08, -1e-08)

DIGITS = 4  # a fraction in [0, 1] in 100⁴ − 1 steps


def _small(lo: int, hi: int):
    assert -100 < lo <= hi < 100, "outside (−100, 100) hypothesis may draw another module's constants"
    return st.integers(lo, hi)


def fractions():
    """k / (100⁴ − 1) for k drawn as four base-100 digits: [0, 1] in steps of 1e-8. The values
    are not on a binary grid (their float64 mantissas are full), and shrink towards 0."""
    return st.tuples(*[_small(0, 99)] * DIGITS).map(
        lambda digits: sum(d * 100 ** i for i, d in enumerate(reversed(digits))) / (100 ** DIGITS - 1))


def values(lo: float = -2.0, hi: float = 2.0):
    """Floats in [lo, hi], with simple values often enough for exact cases (a net input that
    is exactly 0 at a relu kink, weights that cancel, a target equal to an output), and now
    and then a tiny, subnormal or negative-zero one."""
    simple = [v for v in SIMPLE if lo <= v <= hi] or [lo, hi]
    awkward = [v for v in AWKWARD if lo <= v <= hi]
    grid = fractions().map(lambda f: min(hi, lo + (hi - lo) * f))
    if not awkward:
        return st.one_of(st.sampled_from(simple), grid)
    return st.one_of(st.sampled_from(simple), grid, grid, st.sampled_from(awkward))


OPTIMIZER_NAMES = ("sgd", "adam", "rmsprop")
EPSILONS = (1e-8, 1e-6, 1e-3)  # Adam's and RMSprop's ε: PyTorch's default and larger ones


@st.composite
def optimizers(draw):
    """An "optimizer" object: SGD (with momentum, Nesterov), Adam or RMSprop, each setting drawn or
    left out (PyTorch's default)."""
    name = draw(st.sampled_from(OPTIMIZER_NAMES))
    opt = {"name": name, "learning_rate": draw(values(0.01, 1.0) if name == "sgd" else values(0.001, 0.2))}
    if name == "sgd":
        opt["momentum"] = draw(st.one_of(st.just(0.0), values(0.01, 0.95)))
        if opt["momentum"] and draw(st.booleans()):
            opt["nesterov"] = True
    elif name == "adam":
        if draw(st.booleans()):
            opt["betas"] = [draw(values(0.0, 0.99)), draw(values(0.5, 0.9999))]
        if draw(st.booleans()):
            opt["eps"] = draw(st.sampled_from(EPSILONS))
    else:
        if draw(st.booleans()):
            opt["alpha"] = draw(values(0.5, 0.999))
        if draw(st.booleans()):
            opt["eps"] = draw(st.sampled_from(EPSILONS))
        opt["momentum"] = draw(st.one_of(st.just(0.0), values(0.01, 0.9)))
    return opt


@st.composite
def penalties(draw):
    """A "regularization" object (L2 or L1 with a strength in [0, 0.1]), or None."""
    kind = draw(st.sampled_from((None, "l2", "l1")))
    return None if kind is None else {"kind": kind, "strength": draw(values(0.0, 0.1))}


@st.composite
def schedules(draw):
    """A "schedule" object (step decay every 1 to 3 iterations, exponential decay), or None."""
    name = draw(st.sampled_from((None, "step", "exponential")))
    if name is None:
        return None
    if name == "step":
        return {"name": name, "step_size": draw(_small(1, 3)), "gamma": draw(values(0.1, 1.0))}
    return {"name": name, "gamma": draw(values(0.5, 1.0))}


@st.composite
def network_specs(draw, update_order="simultaneous", loss=None, batch_sizes=True, update_rules=True):
    """A network file (dict) of the format: every activation/loss pairing the format allows;
    with `update_rules`, every optimizer, penalty and schedule (else plain SGD with momentum)."""
    depth = draw(_small(1, 3))
    loss = loss or draw(st.sampled_from(LOSS_NAMES))
    sizes = [draw(_small(1, 5)) for _ in range(depth)]
    sizes.append(draw(_small(2 if loss == "cross_entropy" else 1, 5)))
    acts = [draw(st.sampled_from(ELEMENTWISE)) for _ in range(depth - 1)]
    acts.append({"cross_entropy": "softmax", "bce": "sigmoid"}.get(loss) or draw(st.sampled_from(ELEMENTWISE)))
    weights = [[[draw(values()) for _ in range(sizes[l])] for _ in range(sizes[l + 1])] for l in range(depth)]
    biases = [[draw(values()) for _ in range(sizes[l + 1])] for l in range(depth)]
    n = draw(_small(1, 5))
    k = sizes[-1]
    samples = []
    for _ in range(n):
        x = [draw(values()) for _ in range(sizes[0])]
        if loss == "bce":
            t = [draw(values(0.0, 1.0)) for _ in range(k)]
        elif loss == "cross_entropy":
            raw = [draw(values(0.0, 1.0)) for _ in range(k)]
            if draw(st.booleans()) or sum(raw) == 0.0:  # one-hot class labels or soft targets
                raw = [0.0] * k
                raw[draw(_small(0, k - 1))] = 1.0
            t = [r / sum(raw) for r in raw]
        else:
            t = [draw(values(-1.5, 1.5)) for _ in range(k)]
        samples.append({"input": x, "target": t})
    batch_size = draw(st.one_of(st.none(), _small(1, n + 1))) if batch_sizes else None
    if update_rules:
        optimizer = draw(optimizers())
    else:
        momentum = draw(st.one_of(st.just(0.0), values(0.01, 0.95)))
        optimizer = {"name": "sgd", "learning_rate": draw(values(0.01, 1.0)), "momentum": momentum}
    spec = {
        "layers": sizes,
        "activations": acts,
        "loss": loss,
        "weights": weights,
        "biases": biases,
        "train_biases": draw(st.booleans()),
        "optimizer": optimizer,
        "batch_size": batch_size,
        "update_order": update_order,
        "samples": samples,
    }
    if update_rules:
        penalty, schedule = draw(penalties()), draw(schedules())
        if penalty is not None:
            spec["regularization"] = penalty
        if schedule is not None:
            spec["schedule"] = schedule
    return spec
