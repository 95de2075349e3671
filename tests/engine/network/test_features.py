"""Input features (issue 20, item 2): the network file's "features", each input unit a feature of
the samples' raw inputs x1 … xn (xi, xi^2, xi*xj, sin(xi), cos(xi)).

Training is compared with PyTorch float64 on the derived inputs: torch computes the features of
the raw inputs itself (torch.sin, x ** 2, ...), then trains the network of those inputs
(tests/torch_reference.TorchNet) and every recorded quantity of every iteration must agree, with
mini-batches and momentum. Then: the file read and written back, the refusals in one line, the
trace CSV's rows (the raw inputs, then each input with its formula i3 = x1² = 0.3²), the command
`new --features`, the scripts (which compute the features in their code), the maps over the raw
plane, the design's weights kept where an input stays.
"""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch

from engine import Session, open_network
from engine.concepts import features as F
from engine.files import design as designs
from engine.files import netfile
from engine.network import outputmap
from engine.network.maths import Params, Plan, forward
from engine.record.quantities import Key
from tests.helpers import preset_data, run_cli, write_network
from tests.engine.scripts import test_script_export as scripts
from tests.engine.scripts.test_script_export import assert_losses, engine_losses, exported, printed_losses
from tests.engine.session.test_torch_parity import assert_matches, train_and_compare
from tests.torch_reference import TorchNet, tensor

run_in_runner = scripts.run_in_runner  # the scripts run in one interpreter, as test_script_export's

# -- the feature sets, as torch computes them (written here, not taken from the engine) ------------
TORCH = {
    "x1": lambda x: x[:, 0], "x2": lambda x: x[:, 1], "x3": lambda x: x[:, 2],
    "x1^2": lambda x: x[:, 0] ** 2, "x2^2": lambda x: x[:, 1] ** 2,
    "x1*x2": lambda x: x[:, 0] * x[:, 1], "x3*x1": lambda x: x[:, 2] * x[:, 0],
    "sin(x1)": lambda x: torch.sin(x[:, 0]), "sin(x2)": lambda x: torch.sin(x[:, 1]),
    "cos(x1)": lambda x: torch.cos(x[:, 0]), "cos(x2)": lambda x: torch.cos(x[:, 1]),
    "cos(x3)": lambda x: torch.cos(x[:, 2]),
}
SETS = {  # name: (raw inputs, features)
    "playground": (2, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]),
    "trigonometry": (2, ["sin(x1)", "cos(x2)"]),
    "three raw inputs": (3, ["x2", "x3*x1", "cos(x3)", "x1^2"]),
    "one raw input": (1, ["x1", "x1^2", "sin(x1)", "cos(x1)"]),
}
CONFIGS = {  # name: (hidden sizes, activations, loss, outputs, batch size, momentum)
    "tanh-sigmoid, bce, batches of 3, momentum": ([4], ["tanh", "sigmoid"], "bce", 1, 3, 0.9),
    "sigmoid, half_sse, every sample": ([3, 2], ["sigmoid", "leaky_relu", "sigmoid"], "half_sse", 2, None, 0.0),
    "tanh-softmax, cross_entropy, batches of 4": ([5], ["tanh", "softmax"], "cross_entropy", 3, 4, 0.5),
}


def spec_of(features: list[str], raw: int, config: str, seed: int = 0, samples: int = 7) -> dict:
    """A network file with these features over `raw` raw inputs: random weights and samples."""
    hidden, acts, loss, outputs, batch, momentum = CONFIGS[config]
    rng = np.random.default_rng(seed)
    sizes = [len(features), *hidden, outputs]
    x = rng.uniform(-2, 2, (samples, raw))
    if loss == "cross_entropy":
        t = np.eye(outputs)[rng.integers(0, outputs, samples)]
    else:
        t = rng.uniform(0, 1, (samples, outputs)) if loss == "bce" else rng.uniform(-1, 1, (samples, outputs))
    return {
        "layers": sizes, "features": features, "activations": acts, "loss": loss,
        "weights": [rng.uniform(-1, 1, (sizes[l], sizes[l - 1])).tolist() for l in range(1, len(sizes))],
        "biases": [rng.uniform(-1, 1, sizes[l]).tolist() for l in range(1, len(sizes))],
        "optimizer": {"name": "sgd", "learning_rate": 0.3, "momentum": momentum}, "batch_size": batch,
        "samples": [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(x, t)],
    }


def torch_spec(spec: dict) -> dict:
    """The same network taking torch's features of the raw inputs as its inputs (no features)."""
    raw = tensor([s["input"] for s in spec["samples"]])
    derived = torch.stack([TORCH[f](raw) for f in spec["features"]], dim=1)
    plain = {k: v for k, v in spec.items() if k != "features"}
    plain["samples"] = [{"input": x, "target": s["target"]} for x, s in zip(derived.tolist(), spec["samples"])]
    return plain


# -- against PyTorch ----------------------------------------------------------------------------------
@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("name", SETS)
def test_every_quantity_equals_torch_on_the_derived_inputs(name, config):
    raw, features = SETS[name]
    spec = spec_of(features, raw, config)
    train_and_compare(spec, 6, torch_spec=torch_spec(spec))  # each record's inputs first: the features


@pytest.mark.parametrize("name", SETS)
def test_training_in_one_call_equals_torch(name):
    """The unrecorded fast path (the features computed once per sample set, then sliced into
    the batches of the cycle) gives torch's loss history and weights."""
    raw, features = SETS[name]
    spec = spec_of(features, raw, "tanh-sigmoid, bce, batches of 3, momentum", seed=3, samples=10)
    session = Session(netfile.parse(spec), trace_capacity=2)
    session.run(40)
    ref = TorchNet(torch_spec(spec))
    losses = [ref.step()[("batch_loss", 2)] for _ in range(40)]
    assert_matches(session.history.values[:40], losses, "loss history")
    for l in range(1, 3):
        assert_matches(session.params.weights[l - 1], ref.W[l - 1].detach().numpy(), f"W of layer {l}")


def test_the_input_layer_is_the_features_of_the_raw_inputs():
    raw = np.array([[0.3, -0.5, 2.0], [-1.25, 0.0, 1e-3]])
    features = F.parse(["x1", "x2^2", "x1*x3", "sin(x2)", "cos(x3)", "x3*x2"], 3, 10)
    derived = F.derive(features, raw)
    x1, x2, x3 = raw.T
    np.testing.assert_array_equal(derived, np.stack([x1, x2 * x2, x1 * x3, np.sin(x2), np.cos(x3), x3 * x2], axis=1))
    assert [f.text for f in features] == ["x1", "x2²", "x1·x3", "sin(x2)", "cos(x3)", "x3·x2"]
    assert F.spellings(features) == ["x1", "x2^2", "x1*x3", "sin(x2)", "cos(x3)", "x3*x2"]


# -- the file ---------------------------------------------------------------------------------------------
def test_a_file_with_features_reads_back_exactly():
    spec = spec_of(SETS["playground"][1], 2, "tanh-softmax, cross_entropy, batches of 4")
    spec["features"] = [" x1", "x2 ", "x1 ^ 2", "x2^2", "x1 * x2", "sin( x1 )", "sin(x2)"]  # spaces are fine
    net = netfile.parse(spec)
    assert net.raw_width == 2 and net.inputs.shape == (7, 2)  # the samples stay raw
    assert net.input_layer().shape == (7, 7)
    text = netfile.dumps(net)
    saved = json.loads(text)
    assert saved["features"] == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    assert list(saved)[list(saved).index("layers") + 1] == "features"
    assert [s["input"] for s in saved["samples"]] == [s["input"] for s in spec["samples"]]
    again = netfile.loads(text)
    assert again.features == net.features
    np.testing.assert_array_equal(again.inputs, net.inputs)
    np.testing.assert_array_equal(again.input_layer(), net.input_layer())
    assert netfile.dumps(again) == text


def test_a_network_trained_with_features_goes_on_after_saving(tmp_path):
    spec = spec_of(SETS["three raw inputs"][1], 3, "tanh-sigmoid, bce, batches of 3, momentum")
    whole = Session(netfile.parse(spec))
    whole.run(12)
    half = Session(netfile.parse(spec))
    half.run(5)
    reopened = Session(netfile.loads(netfile.dumps(half.current_network())))
    reopened.run(7)
    np.testing.assert_array_equal(reopened.params.theta, whole.params.theta)
    np.testing.assert_array_equal(reopened.history.values, whole.history.values)


REFUSED = [
    (["x1", "x2", "x3"], "features[2]: no raw input x3: the samples have 2 (x1 to x2)"),
    (["x1", "x2", "sin(x0)"], "features[2]: sin(x0): no raw input x0: the samples have 2 (x1 to x2)"),
    (["x1", "x1*x1", "x2"], "features[1]: x1*x1: a product of two different raw inputs (for x1·x1 write x1^2)"),
    (["x1*x2", "x2", "x2*x1"], "features[2]: x2*x1 is the same as x1*x2, listed before: list each feature once"),
    (["x1", "x2", "x1"], "features[2]: x1 is listed before: list each feature once"),
    (["x1", "x2", "tan(x1)"], "features[2]: unknown feature 'tan(x1)' (a feature is one of xi, xi^2, xi*xj, "
                              "sin(xi), cos(xi))"),
    (["x1", "X2", "x1^2"], "features[1]: unknown feature 'X2'"),
    (["x1", "x2", "x1^3"], "features[2]: unknown feature 'x1^3'"),
    (["x1", "x2", "x01"], "features[2]: no raw input x01"),
    (["x1", "x2", "x99999999999999999999"], "features[2]: no raw input x99999999999999999999"),
    (["x1", "x2", " "], "features[2]: empty: expected a feature such as"),
    (["x1", "x2", 3], "features[2]: expected a text such as x1, x1^2, x1*x2, sin(x1), cos(x1), found 3"),
    (["x1", "x2", "x" * 200], "features[2]: a feature is at most 100 characters, found 200"),
    ("x1,x2,x1^2", "features: expected a list of 1 to 256 features"),
    ([], "features: expected a list of 1 to 256 features"),
    (["x1", "x2"], "layers[0]: the input layer has one unit per feature: 2, found 3"),
    (["x1"] * 300, "features: at most 256 features (one per input unit), found 300"),
]


@pytest.mark.parametrize("features, message", REFUSED, ids=[m.split(":")[0] + " " + m.split(":")[1][:30]
                                                            for _, m in REFUSED])
def test_features_a_file_cannot_have_are_refused_in_one_line(features, message):
    data = preset_data("mazur")
    data["layers"][0] = 3
    data["weights"][0] = [[0.15, 0.2, 0.1], [0.25, 0.3, -0.1]]
    data["features"] = features
    with pytest.raises(netfile.NetworkFileError) as e:
        netfile.parse(data, "net.json")
    assert str(e.value).startswith(f"net.json: {message}")
    assert "\n" not in str(e.value)


def test_samples_of_other_raw_widths_and_too_many_raw_inputs_are_refused():
    data = preset_data("mazur")
    data["layers"][0] = 3
    data["weights"][0] = [[0.15, 0.2, 0.1], [0.25, 0.3, -0.1]]
    data["features"] = ["x1", "x2", "x1*x2"]
    data["samples"].append({"input": [1.0, 2.0, 3.0], "target": [0.5, 0.5]})
    with pytest.raises(netfile.NetworkFileError, match=r"^<network>: samples\[1\]\.input: expected 2 numbers, found 3$"):
        netfile.parse(data)
    data["samples"] = [{"input": [0.0] * 300, "target": [0.5, 0.5]}]
    with pytest.raises(netfile.NetworkFileError, match=r"samples\[0\]\.input: at most 256 raw inputs, found 300$"):
        netfile.parse(data)


# -- what the engine writes: the trace, the panel's text, the documents -----------------------------------
def test_the_trace_has_the_raw_inputs_then_each_input_with_its_formula(tmp_path):
    spec = spec_of(["x2", "x1^2", "sin(x1)", "x1*x2"], 2, "tanh-sigmoid, bce, batches of 3, momentum")
    spec["samples"][3]["input"] = [-0.3, 0.7]
    path = write_network(tmp_path / "f.json", spec)
    r = run_cli("train", path, "--iterations", 2, "--trace", tmp_path / "t.csv")
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # iteration 2 takes samples 4, 5 and 6: sample 4 is (−0.3, 0.7)
    first = [row for row in rows if row["iteration"] == "2" and row["sample"] == "4"][:6]
    assert [(r["phase"], r["quantity"], r["layer"], r["unit"], r["label"], r["formula"], r["value"]) for r in first] == [
        ("forward", "raw_input", "0", "1", "x1", "−0.3", "-0.3"),
        ("forward", "raw_input", "0", "2", "x2", "0.7", "0.7"),
        ("forward", "input", "0", "1", "i1", "x2 = 0.7", "0.7"),
        ("forward", "input", "0", "2", "i2", "x1² = (−0.3)²", "0.09"),
        ("forward", "input", "0", "3", "i3", "sin(x1) = sin(−0.3)", repr(float(np.sin(-0.3)))),
        ("forward", "input", "0", "4", "i4", "x1·x2 = (−0.3)·0.7", repr(-0.3 * 0.7)),
    ]
    assert first[3]["value"] == repr((-0.3) ** 2)
    per_sample = [row for row in rows if row["iteration"] == "1" and row["sample"] == "1"]
    assert [r["quantity"] for r in per_sample[:7]] == ["raw_input"] * 2 + ["input"] * 4 + ["net"]


def test_the_panel_writes_an_input_as_the_feature_of_the_samples_raw_inputs():
    data = preset_data("mazur")
    data["layers"][0] = 4
    data["features"] = ["x1", "x2", "x1^2", "sin(x2)"]
    data["weights"][0] = [[0.15, 0.2, 0.1, 0.3], [0.25, 0.3, -0.1, 0.2]]
    session = Session(netfile.parse(data))
    texts = [session.describe(Key("input", 0, j, sample=0)).text() for j in range(4)]
    assert texts == ["i1 = x1 = 0.05", "i2 = x2 = 0.1", "i3 = x1² = 0.05² = 0.0025",
                     "i4 = sin(x2) = sin(0.1) = 0.0998334166"]
    assert session.net.input_name(2) == "i3 = x1²"
    # an input is given, never a step of its own (practice does not ask it)
    assert not any(step.layer == 0 for step in session.steps)


def test_the_worked_example_document_shows_the_input_features(tmp_path):
    data = preset_data("mazur")
    data["layers"][0] = 3
    data["features"] = ["x1", "x2", "cos(x1)"]
    data["weights"][0] = [[0.15, 0.2, 0.1], [0.25, 0.3, -0.1]]
    path = write_network(tmp_path / "f.json", data)
    r = run_cli("explain", path, "-o", tmp_path / "f.md")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "f.md").read_text(encoding="utf-8")
    assert "### Input features" in text
    assert "Each input unit is a feature of the sample's raw inputs (x1, x2):" in text
    assert r"i_{3} &= \cos(x_{1}) \\" in text and r"&= \cos(0.05) \\" in text


def test_a_network_without_features_records_no_raw_inputs():
    session = Session(open_network("mazur"))
    assert session.layout.raw == 0 and not session.layout.has("raw_input", 0)
    assert session.describe(Key("input", 0, 0, sample=0)).text() == "i1 = 0.05"


# -- the command ------------------------------------------------------------------------------------------
def test_new_with_features_and_a_data_set(tmp_path):
    out = tmp_path / "spiral.json"
    r = run_cli("new", "--layers", "5,6,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "spiral",
                "--samples", 50, "--features", "x1,x2,x1^2,x1*x2,sin(x1)", "--out", out)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["features"] == ["x1", "x2", "x1^2", "x1*x2", "sin(x1)"] and data["layers"][0] == 5
    assert all(len(s["input"]) == 2 for s in data["samples"])  # raw
    assert len(data["weights"][0][0]) == 5


def test_new_with_features_and_no_data_has_a_sample_of_the_raw_inputs_they_read(tmp_path):
    out = tmp_path / "n.json"
    r = run_cli("new", "--layers", "3,1", "--activations", "sigmoid", "--loss", "half_sse", "--features",
                "x3, sin(x1), x1*x3", "--out", out)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["samples"] == [{"input": [0.0, 0.0, 0.0], "target": [0.0]}]
    assert data["features"] == ["x3", "sin(x1)", "x1*x3"]


@pytest.mark.parametrize("options, message", [
    (["--layers", "4,6,1", "--dataset", "spiral", "--features", "x1,x2,x1^2,x1*x2,sin(x1)"],
     "new: --layers (entry 1): the input layer has one unit per feature: 5, found 4"),
    (["--layers", "3,6,1", "--dataset", "spiral", "--features", "x1,x2,sin(x3)"],
     "new: --features (entry 3): sin(x3): no raw input x3: the samples have 2 (x1 to x2)"),
    (["--layers", "3,6,1", "--features", "x1,x2,x2*x1,x1*x2"],
     "new: --features (entry 4): x1*x2 is the same as x2*x1, listed before: list each feature once"),
    (["--layers", "3,6,1", "--features", "x1,,x2"], "new: --features (entry 2): empty: expected a feature such as"),
    (["--layers", "3,6,1", "--features", ",".join(["x1"] * 300)],
     "new: --features: at most 256 features (one per input unit), found 300"),
])
def test_new_refuses_features_in_one_line(tmp_path, options, message):
    r = run_cli("new", "--activations", "tanh,sigmoid", "--loss", "bce", *options, "--out", tmp_path / "x.json")
    assert r.returncode != 0 and r.stdout == ""
    assert r.stderr.startswith(f"error: {message}") and r.stderr.count("\n") == 1, r.stderr
    assert not (tmp_path / "x.json").exists()


# -- the scripts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["numpy", "pytorch"])
@pytest.mark.parametrize("name", ["playground", "three raw inputs"])
def test_the_scripts_compute_the_features_in_their_code(tmp_path, run_in_runner, name, fmt):
    raw, features = SETS[name]
    net = netfile.parse(spec_of(features, raw, "tanh-sigmoid, bce, batches of 3, momentum"))
    path = exported(tmp_path, net, fmt, 15)
    text = path.read_text(encoding="utf-8")
    assert "def features(x):" in text and "raw_inputs = " in text and "inputs = features(raw_inputs)" in text
    module = "np" if fmt == "numpy" else "torch"
    for j, f in enumerate(net.features):  # one line per feature, named as the app names it
        assert f"        {f.source(module, lambda i: f'x[:, {i}]')},  # {net.input_name(j)}\n" in text
    ran = run_in_runner(path)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    _, losses = printed_losses(ran)
    expected = engine_losses(net, 15)
    assert_losses(losses, expected, f"{name} as a {fmt} script")
    if fmt == "numpy":
        assert losses == expected


# -- the maps: over the raw plane ---------------------------------------------------------------------
def test_the_output_map_is_over_the_raw_inputs_and_equals_the_forward_pass():
    spec = spec_of(SETS["playground"][1], 2, "tanh-softmax, cross_entropy, batches of 4")
    net = netfile.parse(spec)
    assert outputmap.why_empty(net) is None and net.raw_names() == ["x1", "x2"]
    plan, params = Plan(net), Params.of(net)
    bounds = outputmap.extent(net.inputs)
    assert len(bounds) == 2
    units = [(1, j) for j in range(5)] + [(2, k) for k in range(3)]
    grids = outputmap.unit_grids(plan, params, units, bounds, 9)
    points = outputmap.points(bounds, 9)
    _, outs = forward(plan, params, F.derive(net.features, points))
    for k, (l, j) in enumerate(units):
        np.testing.assert_array_equal(grids[k].ravel(), outs[l][:, j])
    # at the samples themselves: the session's own outputs
    session = Session(net)
    at_samples = outputmap.unit_outputs(plan, params, [(2, 0)], net.inputs[session.record.samples])
    np.testing.assert_array_equal(at_samples[0], session.record["out", 2][:, 0])


def test_maps_command_writes_the_raw_plane(tmp_path):
    spec = spec_of(["x1", "sin(x2)", "x1*x2"], 2, "tanh-sigmoid, bce, batches of 3, momentum")
    path = write_network(tmp_path / "f.json", spec)
    r = run_cli("maps", path, "--resolution", 4, "-o", tmp_path / "m.csv")
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "m.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["x1", "x2", "out_h1", "out_h2", "out_h3", "out_h4", "out_o1", "region_o1"]
    assert len(rows) == 1 + 16
    net = netfile.parse(spec)
    x = np.array([[float(v) for v in row[:2]] for row in rows[1:]])
    _, outs = forward(Plan(net), Params.of(net), F.derive(net.features, x))
    np.testing.assert_array_equal(np.array([[float(v) for v in row[2:7]] for row in rows[1:]]),
                                  np.concatenate([outs[1], outs[2]], axis=1))


# -- the design: an input stays where its feature does ----------------------------------------------------
def test_a_feature_turned_on_keeps_the_weights_of_every_other_input():
    spec = spec_of(["x1", "x2", "sin(x1)"], 2, "tanh-sigmoid, bce, batches of 3, momentum")
    net = netfile.parse(spec)
    design = designs.design_of(net, seed=5)
    design.features = F.parse(["x1", "x1*x2", "x2", "sin(x1)"], 2, 256)
    design.sizes[0] = 4
    new = designs.build(design, net.inputs, net.targets, keep=net)
    w_old, w_new = net.weights[0], new.weights[0]
    for new_j, old_j in ((0, 0), (2, 1), (3, 2)):
        np.testing.assert_array_equal(w_new[:, new_j], w_old[:, old_j])
    fresh = designs.build(design, net.inputs, net.targets)  # the seed's, for the new input x1·x2
    np.testing.assert_array_equal(w_new[:, 1], fresh.weights[0][:, 1])
    assert not np.array_equal(w_new[:, 1], w_old[:, 1])
    for l in range(1, 2):
        np.testing.assert_array_equal(new.weights[l], net.weights[l])
    np.testing.assert_array_equal(new.biases[0], net.biases[0])
    # turning features off again (plain inputs x1, x2) keeps x1's and x2's weights
    plain = designs.design_of(new)
    plain.features, plain.sizes[0] = (), 2
    back = designs.build(plain, new.inputs, new.targets, keep=new)
    np.testing.assert_array_equal(back.weights[0], np.stack([w_new[:, 0], w_new[:, 2]], axis=1))


def test_the_design_refuses_features_as_the_file_does():
    design = designs.Design(sizes=[2, 1], activations=["sigmoid"], loss="half_sse",
                            features=(F.Feature("raw", (0,)), F.Feature("product", (1, 0))))
    assert designs.problems(design) == []
    wrong = designs.with_choice(design, "sizes[0]", 3)
    assert designs.problems(wrong) == [("sizes[0]", "the input layer has one unit per feature: 2, found 3")]
    twice = designs.with_choice(design, "features", design.features + (F.Feature("product", (0, 1)),))
    twice.sizes[0] = 3
    assert designs.problems(twice) == [("features[2]", "x1*x2 is the same as x2*x1, listed before: list each "
                                                       "feature once")]
    with pytest.raises(netfile.NetworkFileError, match="features.1.: x2.x1: no raw input x2: the samples have 1"):
        designs.build(design, np.zeros((3, 1)), np.zeros((3, 1)))


def test_a_toggled_feature_goes_where_the_palette_lists_it_and_the_last_one_stays():
    x1, x2 = F.plain(2)
    square, product, sine = F.Feature("square", (0,)), F.Feature("product", (1, 0)), F.Feature("sin", (1,))
    assert F.toggled((), product, 2) == (x1, x2, F.Feature("product", (1, 0)))  # none: x1, x2
    assert F.toggled((x1, x2, sine), square, 2) == (x1, x2, square, sine)  # x1² before sin(x2)
    assert F.toggled((sine, x1), square, 2) == (sine, x1, square)  # after the last listed before it
    assert F.toggled((x1, F.Feature("product", (0, 1)), x2), product, 2) == (x1, x2)  # x2*x1 is x1*x2: off
    with pytest.raises(F.FeatureError, match=r"^features: sin\(x2\) is the only input: an input layer needs at"):
        F.toggled((sine,), sine, 2)
    design = designs.Design(sizes=[3, 1], activations=["sigmoid"], loss="half_sse")
    assert designs.with_features(design, (x1, x2), 2).features == () and \
        designs.with_features(design, (x1, x2), 2).sizes == [2, 1]  # the raw inputs as they are: no features
    assert designs.with_features(design, (x2, x1), 2).features == (x2, x1)  # another order is a choice
    assert designs.with_features(design, (sine,), 2).sizes == [1, 1] and design.sizes == [3, 1]
