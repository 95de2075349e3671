"""The softplus activation (engine/concepts/activations/softplus.py), out = ln(1 + e^net) and
∂out/∂net = σ(net), wherever an activation goes: its numbers against PyTorch float64, a network
of it quantity by quantity against torch and by central differences, the network file, the
structure dialog and the header, the documents, practice and its mistakes, both script exports,
the trace CSV. (The parity and script tests on random networks draw it too:
tests/network_strategies.py.)"""
from __future__ import annotations

import csv
import math
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine import Key, Session
from engine.concepts.activations import ACTIVATIONS
from engine.files import design as designs
from engine.files import netfile
from engine.record import describe
from engine.session.gradcheck import gradcheck
from engine.teaching import document, explain
from engine.teaching.mistakes import Mistakes
from engine.network.numbers import read_typed
from engine.teaching.practice import Practice
from tests.helpers import run_cli, write_network
from tests.engine.session.test_torch_parity import train_and_compare

SOFTPLUS = ACTIVATIONS["softplus"]
# net inputs of every kind: tiny, around 0, where PyTorch's default threshold (20) and the
# script's (40) cut in, where e^net overflows (709.78), and where e^−net underflows
NETS = np.concatenate([np.linspace(-50.0, 50.0, 20001),
                       [-800.0, -745.0, -740.0, -709.0, -1e-300, -0.0, 0.0, 1e-300, 19.99, 20.0, 20.5, 33.0, 37.0,
                        40.0, 41.0, 700.0, 709.0, 709.5, 710.0, 800.0]])

NETWORK = {  # a softplus hidden layer and output layer, mse, momentum, mini-batches that wrap
    "name": "softplus", "layers": [2, 3, 2], "activations": ["softplus", "softplus"], "loss": "mse",
    "weights": [[[0.5, -0.25], [0.75, 0.1], [-0.6, 0.3]], [[0.2, -0.4, 0.9], [0.35, 0.15, -0.7]]],
    "biases": [[0.1, -0.2, 0.05], [0.0, 0.3]], "train_biases": True,
    "optimizer": {"name": "sgd", "learning_rate": 0.3, "momentum": 0.7}, "batch_size": 2,
    "update_order": "simultaneous",
    "samples": [{"input": [0.5, -1.0], "target": [0.25, 1.5]}, {"input": [1.5, 0.25], "target": [1.0, 0.0]},
                {"input": [-0.75, 0.5], "target": [0.5, 0.75]}],
}
BCE = dict(NETWORK, name="softplus-bce", layers=[2, 3, 1], activations=["softplus", "sigmoid"], loss="bce",
           weights=[NETWORK["weights"][0], [[0.2, -0.4, 0.9]]], biases=[NETWORK["biases"][0], [0.1]],
           samples=[{"input": s["input"], "target": [t]} for s, t in zip(NETWORK["samples"], (0.0, 1.0, 0.3))])


def torch_softplus(x: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's value and derivative (autograd) in float64."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = F.softplus(t, beta=1.0, threshold=threshold)
    (g,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), g.numpy()


def relative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.abs(b), 1e-300)  # absolute among subnormals


# -- the numbers ------------------------------------------------------------------------------------
def test_it_equals_torchs_softplus_where_the_threshold_never_applies():
    """threshold=inf: torch computes ln(1 + e^net) as written (log1p(exp(net))) and its
    derivative e^net/(e^net + 1). The engine's stable form agrees to an ulp or two wherever
    that form is finite, and goes on where it overflows (net > 709.78): there softplus is net
    and its derivative 1."""
    value, derivative = torch_softplus(NETS, math.inf)
    with np.errstate(all="ignore"):
        out = SOFTPLUS.fn(NETS)
        grad = SOFTPLUS.grad(NETS, out)
        written = np.log1p(np.exp(NETS))
        sigma = ACTIVATIONS["sigmoid"].fn(NETS)
    finite = np.isfinite(value)
    assert np.array_equal(finite, NETS < 709.79)
    assert relative(out[finite], value[finite]).max() < 1e-15
    assert relative(out[finite], written[finite]).max() < 1e-15
    np.testing.assert_array_equal(out[~finite], NETS[~finite])
    assert relative(grad[finite], derivative[finite]).max() < 1e-15
    assert np.all(np.isnan(derivative[~finite])) and np.all(grad[~finite] == 1.0)  # torch's e^net/(e^net + 1): ∞/∞
    np.testing.assert_array_equal(grad, sigma)  # ∂out/∂net = σ(net), the engine's sigmoid exactly
    assert np.all(out >= 0.0) and np.all(np.isfinite(out))


def test_torchs_default_threshold_is_off_by_more_than_the_parity_tolerance_and_the_scripts_is_not():
    """Above threshold 20, F.softplus returns net and 1: 2e-9 off in the derivative (the parity
    tolerance is 1e-9). The script export's threshold (40) changes no float64 number."""
    value, derivative = torch_softplus(np.array([20.5]), 20.0)
    assert value[0] == 20.5 and derivative[0] == 1.0
    assert relative(SOFTPLUS.grad(np.array([20.5]), None), derivative)[0] > 1e-9
    assert "threshold=40.0" in SOFTPLUS.torch_module
    value, derivative = torch_softplus(NETS, 40.0)
    with np.errstate(all="ignore"):
        assert relative(SOFTPLUS.fn(NETS), value).max() < 1e-15
        assert relative(SOFTPLUS.grad(NETS, None), derivative).max() < 1e-15


def test_a_softplus_network_equals_torch_quantity_by_quantity():
    train_and_compare(NETWORK, 4)
    train_and_compare(BCE, 4)
    train_and_compare(dict(NETWORK, update_order="sequential", batch_size=None), 3, sequential=True)


def test_its_gradient_passes_the_gradient_check():
    check = gradcheck(netfile.parse(NETWORK))
    assert check.passed, check.worst


# -- the network file, the dialog's rules, the window -----------------------------------------------
def test_a_network_file_takes_it_and_the_rules_treat_it_as_any_element_wise_activation(tmp_path):
    net = netfile.load(write_network(tmp_path / "softplus.json", NETWORK))
    assert net.activations == ["softplus", "softplus"]
    assert netfile.dumps(netfile.loads(netfile.dumps(net))) == netfile.dumps(net)
    with pytest.raises(netfile.NetworkFileError) as e:
        netfile.parse(dict(NETWORK, activations=["softplux", "softplus"]))
    assert "softplus" in e.value.problem  # among the known ones
    d = designs.design_of(net)
    assert designs.unavailable(d, "activations[0]", "softplus") is None
    assert designs.unavailable(designs.design_of(netfile.parse(BCE)), "activations[1]", "softplus") == \
        "the bce loss needs outputs in (0, 1): a sigmoid output layer, found softplus"


def test_the_structure_dialog_offers_it_and_the_header_names_it(qtbot, make_window, tmp_path):
    from guiapp.dialogs.structure import StructureDialog

    w = make_window(str(write_network(tmp_path / "softplus.json", NETWORK)))
    assert "hidden softplus, output softplus" in w.header.plain_text()
    w.actions["edit_structure"].trigger()
    d = [d for d in w.findChildren(StructureDialog) if d.isVisible()][0]
    for box in d.activation_boxes:
        index = box.findData("softplus")
        assert box.itemText(index) == "softplus" and box.model().item(index).isEnabled()
    d.reject()


# -- the documents -----------------------------------------------------------------------------------
def test_the_documents_write_its_formulas():
    session = Session(netfile.parse(NETWORK))
    doc = document.build(session.net, session.record, 9)
    md, html = explain.text_of(doc, "md"), explain.text_of(doc, "html")
    assert r"\ln(1 + e^{\mathit{net}_{h1}})" in md  # out_h1 in symbols
    assert r"\frac{\partial \mathit{out}_{h1}}{\partial \mathit{net}_{h1}} &= 1/(1 + e^{-\mathit{net}_{h1}})" in md
    assert r"&= \ln(1 + e^{0.6})" in md  # with its number
    assert "ln(1 + e<sup>net<sub>h1</sub></sup>)" in html
    net_h1 = session.record.value(Key("net", 1, 0, sample=0))
    assert net_h1 > 0
    entry = session.describe(Key("dout_dnet", 1, 0, sample=0))
    assert entry.text().split(" = ")[1:3] == ["1/(1 + e^(−net_h1))", f"1/(1 + e^(−{net_h1:.9g}))"]
    assert math.isclose(entry.value, 1.0 / (1.0 + math.exp(-net_h1)), rel_tol=1e-15)


# -- practice --------------------------------------------------------------------------------------
def _asked(practice: Practice, label: str, sample: int = 1):
    while practice.current.label != label or practice.current.sample != sample:
        practice.skip()
    return practice.current


def test_practice_asks_its_values_checks_them_and_names_its_mistakes():
    session = Session(netfile.parse(NETWORK))
    rec = session.record
    net_h1, out_h1 = rec.value(Key("net", 1, 0, sample=0)), rec.value(Key("out", 1, 0, sample=0))
    practice = Practice(session)
    _asked(practice, "out_h1")
    assert practice.check(f"{math.tanh(net_h1):.9g}").mistake == "wrong_activation"
    assert practice.check(f"{math.log1p(math.exp(net_h1)):.9g}").verdict == "right"
    practice = Practice(session, phase="backward")
    _asked(practice, "∂out_h1/∂net_h1")
    assert practice.check(f"{1 / (1 + math.exp(-out_h1)):.9g}").mistake == "derivative_at_out"  # σ(out)
    assert practice.check(f"{out_h1 * (1 - out_h1):.9g}").mistake == "wrong_derivative"  # sigmoid's, of out
    assert practice.check(f"{1 / (1 + math.exp(-net_h1)):.9g}").verdict == "right"


def test_another_activation_taken_for_softplus_and_softplus_for_another_are_named():
    session = Session(netfile.parse(dict(NETWORK, activations=["tanh", "softplus"])))
    rec = session.record
    key = Key("out", 1, 0, sample=0)
    typed = read_typed(f"{math.log1p(math.exp(rec.value(Key('net', 1, 0, sample=0)))):.9g}")
    found = Mistakes(session.net, rec, key).diagnose(typed)
    assert found.mistake == "wrong_activation" and "softplus applied (ln(1 + e^net_h1))" in found.explanation


# -- the script export, the trace CSV ------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["numpy", "pytorch"])
def test_both_scripts_print_the_engines_losses(tmp_path, fmt):
    from tests.engine.scripts.test_script_export import engine_losses, printed_losses

    source = write_network(tmp_path / "softplus.json", NETWORK)
    script = tmp_path / f"softplus_{fmt}.py"
    r = run_cli("export", source, "--format", fmt, "--iterations", 12, "-o", script)
    assert r.returncode == 0, r.stderr
    text = script.read_text(encoding="utf-8")
    assert ("nn.Softplus(beta=1.0, threshold=40.0)" in text) == (fmt == "pytorch")
    ran = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True,
                         encoding="utf-8", timeout=300)
    assert ran.returncode == 0, ran.stderr
    iterations, losses = printed_losses(ran)
    expected = engine_losses(netfile.parse(NETWORK), 12)
    assert iterations == list(range(1, 13))
    if fmt == "numpy":  # the engine's operations, in the engine's order
        assert losses == expected
    else:
        np.testing.assert_allclose(losses, expected, rtol=1e-10, atol=1e-14)


def test_the_trace_csv_writes_its_formulas(tmp_path):
    source = write_network(tmp_path / "softplus.json", NETWORK)
    r = run_cli("train", source, "--iterations", 2, "--trace", tmp_path / "trace.csv")
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "trace.csv", encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["iteration"] == "1" and row["sample"] == "1"
                and row["layer"] == "1" and row["unit"] == "1"]
    by_quantity = {row["quantity"]: row for row in rows}
    session = Session(netfile.parse(NETWORK))
    for quantity, written in (("out", "ln(1 + e^net_h1) = ln(1 + e^"), ("dout_dnet", "1/(1 + e^(−net_h1)) = 1/(1 + e^")):
        row = by_quantity[quantity]
        assert row["formula"].startswith(written), row["formula"]
        key = Key(quantity, 1, 0, sample=0)
        assert float(row["value"]) == session.record.value(key)
        assert row["label"] == describe.entry(session.net, session.record, key).label
