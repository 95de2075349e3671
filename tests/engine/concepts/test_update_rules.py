"""Issue 19's held-out check: `python -m engine train NET --iterations N --history H.csv --out T.json`
on networks in the issue's file forms (Adam, RMSprop, SGD with Nesterov; L1/L2 penalties; step and
exponential schedules) matches PyTorch float64 (torch.optim, its schedulers, the penalty added to
the loss) at every iteration, the loss and the penalty, and in the final parameters, to 1e-9
relative; and training on from T.json gives the numbers of never having stopped, bit for bit."""
import csv
import json

import numpy as np
import pytest

from tests.helpers import preset_data, run_cli, write_network
from tests.torch_reference import TorchNet

N, MORE = 6, 5  # iterations in the first run, and trained on from its file
RTOL = 1e-9

XOR_SAMPLES = [{"input": [x, y], "target": [float((x > 0) != (y > 0))]}
               for x, y in ((0.9, 0.8), (-0.7, 0.6), (0.5, -0.9), (-0.8, -0.4), (0.3, 0.2), (-0.2, 0.7))]


def mazur(**rule) -> dict:
    """The worked example's network with the update rule `rule` (file keys as the issue writes them)."""
    spec = preset_data("mazur")
    spec.update(rule)
    return spec


def xor(**rule) -> dict:
    """A 2-3-1 tanh/sigmoid bce network on six samples in mini-batches of 4 (the cycle wraps)."""
    spec = {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
            "weights": [[[0.4, -0.6], [0.7, 0.2], [-0.5, 0.9]], [[0.8, -0.3, 0.6]]],
            "biases": [[0.1, -0.2, 0.05], [-0.1]], "batch_size": 4, "samples": XOR_SAMPLES}
    spec.update(rule)
    return spec


CASES = {
    "adam": mazur(optimizer={"name": "adam", "learning_rate": 0.01, "betas": [0.9, 0.999], "eps": 1e-8}),
    "adam_l2_step": mazur(optimizer={"name": "adam", "learning_rate": 0.05, "betas": [0.8, 0.99], "eps": 1e-8},
                          regularization={"kind": "l2", "strength": 0.001},
                          schedule={"name": "step", "step_size": 2, "gamma": 0.5}),
    "rmsprop_l1_exponential": xor(optimizer={"name": "rmsprop", "learning_rate": 0.01, "alpha": 0.99, "eps": 1e-8,
                                             "momentum": 0.0},
                                  regularization={"kind": "l1", "strength": 0.01},
                                  schedule={"name": "exponential", "gamma": 0.9}),
    "rmsprop_momentum_frozen": xor(optimizer={"name": "rmsprop", "learning_rate": 0.02, "alpha": 0.9, "eps": 1e-6,
                                              "momentum": 0.5},
                                   train_biases=False, regularization={"kind": "l2", "strength": 0.01}),
    "nesterov_l2_exponential": mazur(optimizer={"name": "sgd", "learning_rate": 0.3, "momentum": 0.9,
                                                "nesterov": True},
                                     regularization={"kind": "l2", "strength": 0.001},
                                     schedule={"name": "exponential", "gamma": 0.999}),
    "nesterov_sequential": mazur(optimizer={"name": "sgd", "learning_rate": 0.5, "momentum": 0.9, "nesterov": True},
                                 update_order="sequential", regularization={"kind": "l1", "strength": 0.001}),
    "adam_sequential_batches": xor(optimizer={"name": "adam", "learning_rate": 0.02},
                                   update_order="sequential", schedule={"name": "step", "step_size": 3}),
}


def history(path) -> tuple[list[str], list[list[float | None]]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(v) if v else None for v in row] for row in rows[1:]]


def train(tmp_path, net, iterations: int, tag: str):
    h, out = tmp_path / f"{tag}-history.csv", tmp_path / f"{tag}.json"
    r = run_cli("train", net, "--iterations", iterations, "--history", h, "--out", out)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return history(h), json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", list(CASES))
def test_train_from_the_command_line_matches_pytorch_at_every_iteration(tmp_path, case):
    spec = CASES[case]
    net = write_network(tmp_path / "net.json", spec)
    (columns, rows), trained = train(tmp_path, net, N, "first")
    regularized = "regularization" in spec
    accuracy = ["accuracy"] if spec["loss"] in ("bce", "cross_entropy") else []  # issue 19's history: then the accuracy
    assert columns == ["iteration", "loss", *(["penalty"] if regularized else []), *accuracy]
    assert [int(row[0]) for row in rows] == list(range(1, N + 1))

    torch_net = TorchNet(spec)
    depth = torch_net.depth
    for k in range(1, N + 1):
        expected = torch_net.step_sequential() if spec.get("update_order") == "sequential" else torch_net.step()
        np.testing.assert_allclose(rows[k - 1][1], expected[("batch_loss", depth)], rtol=RTOL,
                                   err_msg=f"{case}: the loss of iteration {k}")
        if regularized:
            np.testing.assert_allclose(rows[k - 1][2], expected[("penalty", depth)], rtol=RTOL,
                                       err_msg=f"{case}: the penalty of iteration {k}")
            assert rows[k - 1][2] > 0
    for l in range(depth):
        np.testing.assert_allclose(trained["weights"][l], torch_net.W[l].detach().numpy(), rtol=RTOL, atol=1e-15,
                                   err_msg=f"{case}: the final weights of layer {l + 1}")
        np.testing.assert_allclose(trained["biases"][l], torch_net.b[l].detach().numpy(), rtol=RTOL, atol=1e-15,
                                   err_msg=f"{case}: the final biases of layer {l + 1}")
    for key in ("optimizer", "regularization", "schedule"):  # as given, with the defaults of keys left out
        given = spec.get(key) or {}
        assert {k: trained.get(key, {})[k] for k in given} == given and (key in trained) == (key in spec)

    # trained on from its file: the numbers of one run of N + MORE iterations, bit for bit
    (_, rows_on), trained_on = train(tmp_path, tmp_path / "first.json", MORE, "on")
    from engine import Session
    from engine.files import netfile

    whole = Session(netfile.parse(spec))
    whole.run(N + MORE)
    losses = whole.history.values[: N + MORE].tolist()
    assert [row[1] for row in rows_on] == losses
    if regularized:  # the penalties before the file's iteration are not kept: empty cells
        assert [row[2] for row in rows_on] == [None] * N + whole.penalty_history[N : N + MORE].tolist()
    trained_whole = netfile.to_dict(whole.current_network())
    for key in ("weights", "biases", "training_state"):
        assert trained_on[key] == json.loads(json.dumps(trained_whole[key])), key


def test_the_worked_example_with_adam_l2_and_a_schedule_as_a_document():
    """The document of one Adam update (issue 19, "Stepped and explained"): the settings (η0 and
    the schedule's η, β1, β2, ε, λ), E_penalty and E = E_data + E_penalty in the loss, η of the
    iteration, and for each weight ∂E/∂w = ∂E_data/∂w + λ·w, then m, v, mˆ, vˆ and w⁺ with the
    engine's numbers, written in LaTeX (mˆ as \\hat{m}, √ as \\sqrt)."""
    from engine import Session
    from engine.files import netfile
    from engine.teaching import document, explain

    spec = mazur(optimizer={"name": "adam", "learning_rate": 0.01}, regularization={"kind": "l2", "strength": 0.001},
                 schedule={"name": "step", "step_size": 100, "gamma": 0.5})
    session = Session(netfile.parse(spec))
    rec = session.record
    md = explain.text_of(document.build(session.net, rec, 9), "md")
    settings = md[md.index("The settings and the functions"):md.index("## The Forward Pass")]
    for row in (r"| $\eta_{0}$ | learning rate of iteration 1 | $0.01$ |", r"| $\beta_{1}$ | betas (1 of 2) | $0.9$ |",
                r"| $\beta_{2}$ | betas (2 of 2) | $0.999$ |", r"| $\lambda$ | strength of the L2 penalty"):
        assert row in settings, row
    loss = md[md.index("## Calculating the Total Error"):md.index("## The Backwards Pass")]
    assert r"E &= E_{data} + E_{penalty} \\" in loss and "&= 0.298371109 + 0.000565 \\\\\n&= 0.298936109" in loss
    assert rec["penalty", 2] == pytest.approx(0.001 / 2 * (0.15**2 + 0.2**2 + 0.25**2 + 0.3**2 + 0.4**2 + 0.45**2
                                                           + 0.5**2 + 0.55**2), rel=1e-15)
    w5 = md[md.index("The gradient of $w_{5}$"):md.index("The gradient of $w_{6}$")]
    steps = [r"\frac{\partial E}{\partial w_{5}} &= \frac{\partial E_{total}}{\partial w_{5}} + "
             r"\frac{\partial E_{penalty}}{\partial w_{5}}", r"m_{w_{5}} &= \beta_{1} \cdot m_{w_{5}}",
             r"v_{w_{5}} &= \beta_{2} \cdot v_{w_{5}}", r"\hat{m}_{w_{5}} &= m_{w_{5}}/(1 - \beta_{1}^{t})",
             r"\hat{v}_{w_{5}} &= v_{w_{5}}/(1 - \beta_{2}^{t})",
             r"w_{5}^{+} &= w_{5} - \eta \cdot \hat{m}_{w_{5}}/(\sqrt{\hat{v}_{w_{5}}} + \epsilon)"]
    places = [w5.find(step) for step in steps]
    assert -1 not in places and places == sorted(places), dict(zip(steps, places))
    assert "&= 0.390000001" in w5  # Adam's first step moves every weight by η (to 9 digits)
    assert "⌊" not in md and "√" not in md  # LaTeX's own \lfloor and \sqrt


def test_the_window_steps_through_an_adam_update_with_a_penalty_and_a_schedule(qtbot, make_window):
    """The window on Adam + L2 + step decay (issue 19: it must not break): the header names the
    optimizer, its settings (betas as a pair), the penalty and the schedule; the side panel shows
    the penalty in the loss phase, η of the iteration, and Adam's mˆ, vˆ and w5⁺ with the record's
    numbers; the structure dialog's design keeps all three."""
    from engine.files import netfile
    from engine.files.design import design_of
    from tests.driver import go_to, now
    from tests.guiapp.dialogs.test_structure_dialog import dialog_of, ok, type_number

    spec = mazur(optimizer={"name": "adam", "learning_rate": 0.01}, regularization={"kind": "l2", "strength": 0.001},
                 schedule={"name": "step", "step_size": 100, "gamma": 0.5})
    w = make_window(net=netfile.parse(spec))
    header = w.header.plain_text()
    for words in ("Adam", "betas 0.9, 0.999", "L2 penalty λ = 0.001", "step decay (step_size 100, gamma 0.5)"):
        assert words in header, header
    go_to(w, lambda k: k.quantity == "objective")
    assert "E = E_data + E_penalty = 0.298371109 + 0.000565 = 0.298936109" in now(w), now(w)
    go_to(w, lambda k: k.quantity == "lr")
    assert "η = η0·γ^(⌊(k − 1)/s⌋) = 0.01·0.5^(⌊(1 − 1)/100⌋)" in now(w).replace("\n", " "), now(w)
    go_to(w, lambda k: k.quantity == "m_hat_w" and (k.layer, k.unit, k.source) == (2, 0, 0))
    assert "\nmˆ_w5 = m_w5/(1 − β1^t)" in now(w), now(w)
    go_to(w, lambda k: k.quantity == "w" and (k.layer, k.unit, k.source) == (2, 0, 0))
    text = " ".join(now(w).split())
    assert "w5⁺ = w5 − η·mˆ_w5/(√vˆ_w5 + ε) = 0.4 − 0.01·0.0825670406/(√0.00681731619 + 1e−08)" in text, text
    design = design_of(w.model.session.net)
    assert (design.optimizer.name, design.penalty.strength, design.schedule.step_size) == ("adam", 0.001, 100)
    # Edit structure: Adam's betas shown as a pair and typed as one; the penalty and schedule kept
    w.actions["edit_structure"].trigger()
    dialog = dialog_of(w)
    boxes = dialog.optimizer.boxes  # the optimizer's settings (guiapp/dialogs/concepts.py)
    assert boxes["betas"].text() == "0.9, 0.999" and boxes["eps"].text() == "1e-08"
    type_number(qtbot, boxes["betas"], "0.8, 0.99")
    ok(qtbot, dialog)
    net = w.model.session.net
    assert (net.optimizer.name, net.optimizer.betas, net.optimizer.eps) == ("adam", (0.8, 0.99), 1e-8)
    assert (net.penalty, net.schedule) == (netfile.parse(spec).penalty, netfile.parse(spec).schedule)


def _answered(spec: dict, params: tuple, quantity: str, wrong, trained: int = 0) -> tuple[str, str]:
    """Practice mode on `spec` (the chain of `params`) after `trained` iterations: at the first
    question of `quantity`, the answer `wrong(record, key)` typed; (the mistake named, its
    explanation)."""
    from engine import Session
    from engine.files import netfile
    from engine.teaching.practice import Practice

    session = Session(netfile.parse(spec))
    session.run(trained)
    practice = Practice(session, params=params)
    while practice.current is not None:
        key = practice.current.key
        if key.quantity == quantity:
            verdict = practice.check(f"{wrong(session.record, key):.12g}")
            assert verdict.verdict == "wrong", verdict
            return verdict.mistake, verdict.explanation
        practice.reveal()
    raise AssertionError(f"no {quantity} asked")


def _at(rec, quantity: str, key):
    return float(rec[quantity, key.layer][key.unit, key.source] if key.source is not None
                 else rec[quantity, key.layer][key.unit])


BIASES_LEARN = dict(train_biases=True)
MISTAKES = {  # the mistake, the network, the parameter asked about, where, and the wrong value, by hand
    "bias_correction_left_out": (mazur(optimizer={"name": "adam", "learning_rate": 0.01}), "w5", "m_hat_w",
                                 lambda rec, k: _at(rec, "exp_avg_w", k)),
    "eps_inside_root": (mazur(optimizer={"name": "adam", "learning_rate": 0.01, "eps": 0.01}), "w5", "w",
                        lambda rec, k: _at(rec, "w_before", k) - 0.01 * _at(rec, "m_hat_w", k)
                        / np.sqrt(_at(rec, "v_hat_w", k) + 0.01)),
    # (iteration 2: in the first, v⁺ = g, and v⁺ in the step is the momentum left out as well)
    "nesterov_left_out": (mazur(optimizer={"name": "sgd", "learning_rate": 0.5, "momentum": 0.9, "nesterov": True}),
                          "w5", "w", lambda rec, k: _at(rec, "w_before", k) - 0.5 * _at(rec, "velocity_w", k), 1),
    "penalty_half": (mazur(optimizer={"name": "sgd", "learning_rate": 0.5}, regularization={"kind": "l2",
                                                                                          "strength": 0.1}),
                     "w5", "grad_w", lambda rec, k: _at(rec, "grad_data_w", k) + 0.1 * _at(rec, "w_before", k) / 2),
    "penalty_on_bias": (mazur(optimizer={"name": "sgd", "learning_rate": 0.5}, train_biases=True,
                              regularization={"kind": "l2", "strength": 0.1}),
                        "b_o1", "grad_b_sample", lambda rec, k: float(rec["grad_b", 2][0]) + 0.1 * 0.6),
    "wrong_iteration_rate": (mazur(optimizer={"name": "sgd", "learning_rate": 0.5},
                                   schedule={"name": "exponential", "gamma": 0.9}), "w5", "lr",
                             lambda rec, k: 0.5 * 0.9),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_practice_names_each_update_rules_mistake(mistake):
    """Issue 19's mistakes of their own, each made by hand from the record's numbers and typed
    where it is made: practice mode names it and says where."""
    spec, param, quantity, wrong, *trained = MISTAKES[mistake]
    named, explanation = _answered(spec, (param,), quantity, wrong, *trained)
    assert named == mistake, explanation
    assert explanation.isprintable() and len(explanation) < 400
