"""The catalogue of mistakes (engine/teaching/mistakes.py): on random networks of every activation and
loss, every mistaken value differs from the right one and is recognised as that mistake, and
the right value matches none; on the worked example (and the xor, softmax and seed-notebook
presets for the batch, softmax and mse cases), each mistake's value computed by hand is named.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import Key, Session, open_network
from engine.concepts.activations import ACTIVATIONS
from engine.concepts.tokens import call
from engine.files import netfile
from engine.teaching.mistakes import CATALOGUE, MIN_DIGITS, Mistakes, checked_digits
from engine.network.numbers import agrees, read_typed
from engine.teaching.practice import Practice
from tests.helpers import ROOT, preset_data
from tests.network_strategies import network_specs

CATALOGUE_EXAMPLES = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STEPS_PER_EXAMPLE = 30  # of the iteration's computations, evenly spread (each takes a few ms)


def nine(value: float) -> str:
    """A value typed to 9 significant digits, trailing zeros included."""
    return f"{value:.8e}"


# -- (a) any network -------------------------------------------------------------------------------
@CATALOGUE_EXAMPLES
@given(spec=network_specs(), offset=st.integers(0, 99), second=st.booleans())
@example(spec=preset_data("mazur"), offset=0, second=False)
def test_every_mistake_differs_from_the_right_value_and_is_recognised(spec, offset, second):
    session = Session(netfile.parse(spec))
    if second:  # the second iteration: a momentum buffer, the next mini-batch
        session.run(1)
    steps = session.steps
    stride = max(1, math.ceil(len(steps) / STEPS_PER_EXAMPLE))
    for key in steps[offset % stride::stride]:
        found = Mistakes(session.net, session.record, key)
        right = found.value
        if not math.isfinite(right):
            assert found.candidates == []
            continue
        right_typed = read_typed(nine(right))
        assert agrees(right_typed, right, 9)
        for c in found.candidates:
            assert c.mistake in CATALOGUE and c.mistake != "rounding"
            assert c.explanation
            assert math.isfinite(c.value)
            assert not math.isclose(c.value, right, rel_tol=1e-6, abs_tol=1e-12), (key, c)
            typed = read_typed(nine(c.value))
            assert not agrees(typed, right, 9), (key, c)  # a mistaken value is never "right" at 9 digits
            assert not agrees(right_typed, c.value, 9), (key, c)  # the right value matches no mistake
            assert found.diagnose(typed).mistake == c.mistake, (key, c)
        values = [c.value for c in found.candidates]
        assert all(not math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12) for i, a in enumerate(values)
                   for b in values[i + 1:]), "one number, one mistake"


def test_no_missing_path_where_a_unit_has_one_downstream_path():
    spec = preset_data("mazur")
    spec.update(layers=[2, 2, 1], weights=[[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45]]],
                biases=[[0.35, 0.35], [0.6]], samples=[{"input": [0.05, 0.1], "target": [0.01]}])
    session = Session(netfile.parse(spec))
    for key in session.steps:
        assert "missing_path" not in {c.mistake for c in Mistakes(session.net, session.record, key).candidates}


def test_no_activation_derivative_mistakes_for_a_linear_unit():
    """∂out/∂net = 1: leaving it out, or taking it at net, changes nothing and is not offered."""
    spec = preset_data("mazur")
    spec["activations"] = ["linear", "sigmoid"]
    session = Session(netfile.parse(spec))
    key = Key("delta", 1, 0, sample=0)
    named = [c for c in Mistakes(session.net, session.record, key).candidates if c.depth == 0]
    assert {c.mistake for c in named} == {"missing_factor"}  # ∂E/∂out_h1 left out: the derivative remains


# -- (b) each mistake, computed by hand, is named -------------------------------------------------
def session_of(name: str, update_order: str | None = None) -> Session:
    net = open_network(name)
    if update_order:
        net.update_order = update_order
    return Session(net)


def step(session: Session, label: str, sample: int | None = 0) -> Key:
    """The step of the current iteration with this label: of the sample at this position in
    the batch if there is one (None: the batch value), else the batch value."""
    keys = [key for key in session.steps if session.describe(key).label == label]
    for key in keys:
        if key.sample == sample:
            return key
    return next(key for key in keys if key.sample is None)


def diagnosis(session: Session, label: str, typed: float, sample: int | None = 0, digits: int = 7):
    found = Mistakes(session.net, session.record, step(session, label, sample))
    text = f"{typed:.{digits - 1}e}"
    assert not agrees(read_typed(text), found.value, checked_digits(read_typed(text), 9)), "that is right"
    return found.diagnose(read_typed(text))


# the worked example's figures (../shared/reference/worked-example.md)
I1, I2, T1, T2 = 0.05, 0.10, 0.01, 0.99
W = {1: 0.15, 2: 0.20, 3: 0.25, 4: 0.30, 5: 0.40, 6: 0.45, 7: 0.50, 8: 0.55}
NET_H1, OUT_H1, NET_H2, OUT_H2 = 0.3775, 0.593269992, 0.3925, 0.596884378
NET_O1, OUT_O1, NET_O2, OUT_O2 = 1.105905967, 0.75136507, 1.224921404, 0.772928465
DELTA_O1, DELTA_O2 = 0.138498562, -0.038098237
GRAD_W5, W5_NEW, W7_NEW = 0.082167041, 0.35891648, 0.511301270
ETA = 0.5

BY_HAND = [
    # (mistake, label, the value the mistake gives, computed from the published figures)
    ("sign_flipped", "∂E/∂out_o1", T1 - OUT_O1),  # (target − out)
    ("sign_flipped", "δ_o1", (T1 - OUT_O1) * OUT_O1 * (1 - OUT_O1)),
    ("missing_activation_derivative", "δ_o1", OUT_O1 - T1),  # ∂E/∂out_o1 alone
    ("missing_activation_derivative", "δ_h1", DELTA_O1 * W[5] + DELTA_O2 * W[7]),  # ∂E/∂out_h1 alone
    ("derivative_at_net", "∂out_o1/∂net_o1", NET_O1 * (1 - NET_O1)),
    ("derivative_at_net", "∂out_h1/∂net_h1", NET_H1 * (1 - NET_H1)),
    ("wrong_derivative", "∂out_o1/∂net_o1", 1 - OUT_O1 ** 2),  # tanh's
    ("wrong_derivative", "∂out_o1/∂net_o1", OUT_O1),  # the activation itself
    ("wrong_activation", "out_h1", math.tanh(NET_H1)),
    ("missing_path", "∂E/∂out_h1", DELTA_O1 * W[5]),  # the article's ∂E_o1/∂out_h1: the path through o2 left out
    ("missing_path", "∂E/∂out_h2", DELTA_O2 * W[8]),
    ("updated_weights", "∂E/∂out_h1", DELTA_O1 * W5_NEW + DELTA_O2 * W7_NEW),
    ("missing_learning_rate", "w5⁺", W[5] - GRAD_W5),
    ("update_sign", "w5⁺", W[5] + ETA * GRAD_W5),
    ("missing_half", "E_o1", (T1 - OUT_O1) ** 2),
    ("missing_half", "∂E/∂out_o1", 2 * (OUT_O1 - T1)),
    ("missing_half", "E_total", (T1 - OUT_O1) ** 2 + (T2 - OUT_O2) ** 2),
    ("net_for_out", "∂E/∂w5", DELTA_O1 * NET_H1),  # ∂net_o1/∂w5 taken as net_h1
    ("net_for_out", "out_o1", NET_O1),  # the activation not applied
    ("net_for_out", "net_o1", W[5] * NET_H1 + W[6] * NET_H2 + 0.6),
    ("wrong_unit", "∂E/∂w5", DELTA_O1 * OUT_H2),  # out_h2 where out_h1 belongs
    ("wrong_unit", "net_h1", W[3] * I1 + W[2] * I2 + 0.35),  # w3 (i1 → h2) where w1 (i1 → h1) belongs
    ("wrong_unit", "∂E/∂out_h1", DELTA_O1 * W[6] + DELTA_O2 * W[7]),  # w6 (h2 → o1) where w5 belongs
    ("missing_term", "net_h1", W[1] * I1 + W[2] * I2),  # the bias left out
    ("missing_term", "E_total", 0.274811083),
    ("missing_factor", "∂E/∂w5", DELTA_O1),  # ∂net_o1/∂w5 = out_h1 left out
    ("minus_lost", "∂E/∂out_h1", DELTA_O1 * W[5] - DELTA_O2 * W[7]),
]


@pytest.mark.parametrize("mistake, label, value", BY_HAND, ids=[f"{m}-{l}" for m, l, _ in BY_HAND])
def test_each_mistake_on_the_worked_example_is_named(mistake, label, value):
    found = diagnosis(session_of("mazur"), label, value)
    assert found.mistake == mistake, found.explanation
    assert found.explanation


def test_the_explanations_point_at_the_factor_or_term():
    session = session_of("mazur")
    assert "∂out_o1/∂net_o1" in diagnosis(session, "δ_o1", OUT_O1 - T1).explanation
    text = diagnosis(session, "∂E/∂out_h1", DELTA_O1 * W[5]).explanation
    assert "the path through o2 (δ_o2·w7) left out" in text
    text = diagnosis(session, "∂E/∂out_h1", DELTA_O1 * W5_NEW + DELTA_O2 * W7_NEW).explanation
    assert "w5⁺, w7⁺" in text and "sequential" in text
    assert "η = 0.5" in diagnosis(session, "w5⁺", W[5] - GRAD_W5).explanation
    assert "w3 (the weight i1 → h2; w1 is i1 → h1)" in diagnosis(session, "net_h1", W[3] * I1 + W[2] * I2 + 0.35).explanation
    assert "−(target_o1 − out_o1)" in diagnosis(session, "∂E/∂out_o1", T1 - OUT_O1).explanation


def test_the_sequential_order_names_the_weights_before_the_update():
    """In the sequential order the right ∂E/∂out_h1 uses w5⁺ and w7⁺; the forward pass's
    weights (the simultaneous value, 0.036350306) are the mistake there."""
    session = session_of("mazur", "sequential")
    found = diagnosis(session, "∂E/∂out_h1", 0.036350306)
    assert found.mistake == "weights_before_update"


def test_missing_mean_over_the_outputs_of_mse():
    """seed-notebook: nn.MSELoss, the mean over the 2 outputs; without it E_o1 = (t − o)²."""
    session = session_of("seed-notebook")
    assert diagnosis(session, "E_o1", (T1 - OUT_O1) ** 2).mistake == "missing_mean"
    assert diagnosis(session, "∂E/∂out_o1", 2 * (OUT_O1 - T1)).mistake == "missing_mean"


def test_missing_mean_over_a_batch():
    """xor: the batch of 4 samples; softmax: mini-batches of 2."""
    xor = session_of("xor")
    rec = xor.record
    losses = [rec.value(Key("loss", 2, sample=s)) for s in range(4)]
    assert diagnosis(xor, "E", sum(losses)).mistake == "missing_mean"
    softmax = session_of("softmax")
    rec = softmax.record
    per_sample = [rec.value(Key("grad_w_sample", 2, 0, 0, s)) for s in range(2)]
    assert diagnosis(softmax, "∂E/∂w9", sum(per_sample), sample=None).mistake == "missing_mean"


def test_log_base_in_bce_and_cross_entropy():
    xor = session_of("xor")
    out = xor.record.value(Key("out", 2, 0, sample=0))  # sample (0, 0), target 0
    assert diagnosis(xor, "E_o1", -math.log10(1 - out)).mistake == "log_base"
    softmax = session_of("softmax")
    p = softmax.record.value(Key("out", 2, 0, sample=0))  # target 1
    assert diagnosis(softmax, "E_o1", -math.log10(p)).mistake == "log_base"


def test_softmax_delta_mistakes():
    """δ = p − t in one piece: its sign reversed, or ∂E/∂p = −t/p taken for it."""
    session = session_of("softmax")
    p = session.record.value(Key("out", 2, 0, sample=0))
    assert diagnosis(session, "δ_o1", 1.0 - p).mistake == "sign_flipped"
    assert diagnosis(session, "δ_o1", -1.0 / p).mistake == "missing_activation_derivative"
    assert diagnosis(session, "E_o1", math.log(p)).mistake == "sign_flipped"  # the minus before ln left out


def test_missing_momentum_on_the_second_iteration_of_xor():
    """The first step's buffer is the gradient itself; from the second on, p − η·g is a mistake."""
    session = session_of("xor")
    session.run(1)
    rec = session.record
    w, g = rec.value(Key("w_before", 1, 0, 0)), rec.value(Key("grad_w", 1, 0, 0))
    assert diagnosis(session, "w1⁺", w - rec.lr * g).mistake == "missing_momentum"


def test_a_derivative_written_in_net_taken_at_out(monkeypatch):
    """An activation whose derivative is written in net (`Activation.grad_of`), such as tanh's
    written 1 − tanh(net)²: the derivative taken at out instead is named, on the unit's own
    ∂out/∂net and, as a misconception, in δ."""
    of_net = dataclasses.replace(ACTIVATIONS["tanh"], name="tanh_of_net", grad=lambda net, out: 1.0 - np.tanh(net) ** 2,
                                 grad_text=lambda net, out: 1 - call("tanh", net) ** 2, grad_of="net")
    monkeypatch.setitem(ACTIVATIONS, of_net.name, of_net)
    spec = preset_data("mazur")
    spec["activations"] = [of_net.name, "sigmoid"]
    session = Session(netfile.parse(spec))
    rec = session.record
    out_h1 = rec.value(Key("out", 1, 0, sample=0))
    found = diagnosis(session, "∂out_h1/∂net_h1", 1 - math.tanh(out_h1) ** 2)
    assert found.mistake == "derivative_at_out"
    assert "evaluated with out_h1 where net_h1 belongs: 1 − tanh(out_h1)² instead of 1 − tanh(net_h1)²" in \
        found.explanation
    dE_dout = rec.value(Key("dE_dout", 1, 0, sample=0))
    assert diagnosis(session, "δ_h1", dE_dout * (1 - math.tanh(out_h1) ** 2)).mistake == "derivative_at_out"


def test_the_activations_own_value_for_its_derivative_is_said_so():
    """A sigmoid unit's out is also softplus's derivative σ(net) at its net: typing out for
    ∂out/∂net is explained as the activation's value taken for its derivative, the common slip,
    not as softplus's derivative."""
    found = diagnosis(session_of("mazur"), "∂out_o1/∂net_o1", OUT_O1)
    assert found.mistake == "wrong_derivative"
    assert found.explanation.startswith("the activation's value out_o1 taken for its derivative"), found.explanation


def test_rounding():
    session = session_of("mazur")
    found = Mistakes(session.net, session.record, step(session, "out_h1"))
    slip = found.diagnose(read_typed("0.593312"))  # right to 4 digits only
    assert slip.mistake == "rounding"
    assert "4 significant digits" in slip.explanation and "6" in slip.explanation
    few = found.diagnose(read_typed("0.6"))  # right to the 1 digit typed: too few
    assert few.mistake == "rounding" and f"at least {MIN_DIGITS}" in few.explanation


@pytest.mark.parametrize("label", ["net_h1", "out_o2", "E_total", "∂E/∂out_o1", "δ_o2", "∂E/∂out_h1", "∂E/∂w3", "w8⁺"])
def test_an_unrelated_value_gets_no_false_diagnosis(label):
    found = diagnosis(session_of("mazur"), label, 0.123456)
    assert found.mistake is None
    assert found.explanation.startswith("No mistake in the catalogue gives")
    assert "Recompute" in found.explanation


def test_what_to_recompute_first_is_the_part_that_explains_the_value():
    """δ_o1 = ∂E/∂out_o1·∂out_o1/∂net_o1 typed with a wrong ∂out_o1/∂net_o1 (0.2 instead of
    0.1868): the advice is to recompute that factor, and says what it would have to be."""
    session = session_of("mazur")
    found = diagnosis(session, "δ_o1", (OUT_O1 - T1) * 0.2)
    assert found.mistake is None
    assert "Recompute ∂out_o1/∂net_o1 first" in found.explanation and "0.2" in found.explanation


def test_a_wrong_answer_changes_nothing():
    session = session_of("mazur")
    row, theta = session.record.row.copy(), session.params.theta.copy()
    practice = Practice(session)
    for text in ("0.5", "-0.3775", "0.37", "1e3", "7/3"):
        assert practice.check(text).verdict == "wrong"
    assert (session.record.row == row).all() and (session.params.theta == theta).all()
    assert session.cursor == -1 and practice.current.label == "net_h1"


def test_the_user_guide_lists_every_mistake_with_its_title():
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for mistake in CATALOGUE.values():
        assert f"| `{mistake.id}` | {mistake.title} |" in guide, mistake.id
