"""Network files: every bad input is refused with a NetworkFileError naming the file, the
field and what is wrong; a seeded random start; exact save/load round trips; atomic saves."""
from __future__ import annotations

import errno
import json
import math
import os
import stat

import numpy as np
import pytest

import engine.files.atomic
import engine.files.netfile
from engine import NetworkFileError, Session, load, open_network, save
from engine.files.netfile import dumps
from tests.helpers import PRESETS, changed, delete_field, set_field, with_literal, write_network


# -- valid starting points, each mutated into one bad file per case ---------------------------

def sigmoid_net() -> dict:
    """2-2-2 sigmoid network (the worked example) with two samples and mini-batches."""
    return {
        "name": "test",
        "layers": [2, 2, 2],
        "activations": ["sigmoid", "sigmoid"],
        "loss": "half_sse",
        "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        "biases": [[0.35, 0.35], [0.60, 0.60]],
        "train_biases": True,
        "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0},
        "batch_size": 1,
        "update_order": "simultaneous",
        "samples": [
            {"input": [0.05, 0.10], "target": [0.01, 0.99]},
            {"input": [0.50, -0.2], "target": [0.30, 0.70]},
        ],
    }


def bce_net() -> dict:
    return {
        "layers": [2, 3, 1],
        "activations": ["tanh", "sigmoid"],
        "loss": "bce",
        "weights": [[[0.5, -0.4], [-0.3, 0.6], [0.8, 0.7]], [[0.4, -0.5, 0.3]]],
        "biases": [[0.1, -0.1, 0.2], [0.0]],
        "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.9},
        "samples": [{"input": [0.0, 1.0], "target": [1.0]}, {"input": [1.0, 1.0], "target": [0.0]}],
    }


def softmax_net() -> dict:
    return {
        "layers": [2, 2, 3],
        "activations": ["tanh", "softmax"],
        "loss": "cross_entropy",
        "weights": [[[0.3, -0.2], [-0.4, 0.5]], [[0.5, -0.3], [-0.2, 0.6], [0.1, 0.2]]],
        "biases": [[0.0, 0.1], [0.0, 0.0, 0.0]],
        "optimizer": {"name": "sgd", "learning_rate": 0.3},
        "samples": [{"input": [1.0, 0.2], "target": [1.0, 0.0, 0.0]},
                    {"input": [-0.8, 0.9], "target": [0.0, 0.25, 0.75]}],
    }


BASES = {"sigmoid": sigmoid_net, "bce": bce_net, "softmax": softmax_net}


def test_the_valid_starting_points_load(tmp_path):
    """The bad cases below are one change away from these, so each failure is that change's."""
    for name, make in BASES.items():
        net = load(write_network(tmp_path / f"{name}.json", make()))
        assert net.sizes == make()["layers"]
    assert load(tmp_path / "bce.json").optimizer.momentum == 0.9


# (case id, base, mutation, the field the message must name, words the problem must contain)
CASES = [
    # top-level structure
    ("unknown-key", "sigmoid", set_field("learning_rate", 0.5), "learning_rate", "unknown key"),
    ("unknown-optimizer-key", "sigmoid", set_field("optimizer.weight_decay", 0.1), "optimizer.weight_decay", "unknown key"),
    ("unknown-optimizer", "sigmoid", set_field("optimizer.name", "adagrad"), "optimizer.name", "sgd"),
    ("optimizer-not-object", "sigmoid", set_field("optimizer", 0.5), "optimizer", "expected an object"),
    ("missing-layers", "sigmoid", delete_field("layers"), "layers", "missing"),
    ("missing-activations", "sigmoid", delete_field("activations"), "activations", "missing"),
    ("missing-loss", "sigmoid", delete_field("loss"), "loss", "missing"),
    ("missing-optimizer", "sigmoid", delete_field("optimizer"), "optimizer", "missing"),
    ("missing-samples", "sigmoid", delete_field("samples"), "samples", "missing"),
    ("missing-learning-rate", "sigmoid", delete_field("optimizer.learning_rate"), "optimizer.learning_rate", "missing"),
    # shapes
    ("layers-not-list", "sigmoid", set_field("layers", 3), "layers", "list"),
    ("layers-one-layer", "sigmoid", set_field("layers", [2]), "layers", "at least 2"),
    ("layers-zero-units", "sigmoid", set_field("layers", [2, 0, 2]), "layers[1]", "whole number"),
    ("layers-fraction", "sigmoid", set_field("layers", [2, 2.5, 2]), "layers[1]", "whole number"),
    ("layers-too-many-units", "sigmoid", set_field("layers", [2, 100000, 2]), "layers[1]", "at most"),
    ("activations-wrong-count", "sigmoid", set_field("activations", ["sigmoid"]), "activations", "2 activation"),
    ("weights-layer-count", "sigmoid", set_field("weights", [[[0.15, 0.2], [0.25, 0.3]]]), "weights", "2 layers"),
    ("weights-not-list", "sigmoid", set_field("weights", {"w1": 0.15}), "weights", "2 layers"),
    ("weights-rows", "sigmoid", set_field("weights[0]", [[0.15, 0.2]]), "weights[0]", "2 rows"),
    ("weights-columns", "sigmoid", set_field("weights[1][0]", [0.4, 0.45, 0.5]), "weights[1][0]", "expected 2 numbers, found 3"),
    ("weights-row-not-list", "sigmoid", set_field("weights[1][1]", 0.5), "weights[1][1]", "list of 2 numbers"),
    ("biases-layer-count", "sigmoid", set_field("biases", [[0.35, 0.35]]), "biases", "2 layers"),
    ("biases-length", "sigmoid", set_field("biases[1]", [0.6]), "biases[1]", "expected 2 numbers, found 1"),
    # activations and losses
    ("unknown-activation", "sigmoid", set_field("activations[0]", "sigmod"), "activations[0]", "unknown activation"),
    ("unknown-loss", "sigmoid", set_field("loss", "l2"), "loss", "unknown loss"),
    ("softmax-hidden", "softmax", set_field("activations[0]", "softmax"), "activations[0]", "output layer only"),
    ("softmax-without-cross-entropy", "softmax", set_field("loss", "mse"), "loss", "cross_entropy"),
    ("cross-entropy-without-softmax", "softmax", set_field("activations[1]", "sigmoid"), "activations[-1]", "softmax"),
    ("bce-with-tanh-output", "bce", set_field("activations[1]", "tanh"), "activations[-1]", "sigmoid"),
    ("bce-with-linear-output", "bce", set_field("activations[1]", "linear"), "activations[-1]", "sigmoid"),
    # optimizer values
    ("learning-rate-zero", "sigmoid", set_field("optimizer.learning_rate", 0), "optimizer.learning_rate", "positive"),
    ("learning-rate-negative", "sigmoid", set_field("optimizer.learning_rate", -0.5), "optimizer.learning_rate", "positive"),
    ("momentum-negative", "sigmoid", set_field("optimizer.momentum", -0.1), "optimizer.momentum", "[0, 1)"),
    ("momentum-one", "sigmoid", set_field("optimizer.momentum", 1.0), "optimizer.momentum", "[0, 1)"),
    ("momentum-above-one", "sigmoid", set_field("optimizer.momentum", 1.5), "optimizer.momentum", "[0, 1)"),
    # targets the loss cannot take
    ("bce-target-above-one", "bce", set_field("samples[1].target[0]", 1.5), "samples[1].target[0]", "[0, 1]"),
    ("bce-target-negative", "bce", set_field("samples[0].target[0]", -0.1), "samples[0].target[0]", "[0, 1]"),
    ("cross-entropy-sum-not-one", "softmax", set_field("samples[1].target", [0.5, 0.6, 0.0]), "samples[1].target", "summing to 1"),
    ("cross-entropy-negative-target", "softmax", set_field("samples[0].target", [1.2, -0.2, 0.0]), "samples[0].target[0]", "[0, 1]"),
    # samples
    ("no-samples", "sigmoid", set_field("samples", []), "samples", "non-empty"),
    ("samples-not-list", "sigmoid", set_field("samples", {"input": [0.05, 0.1], "target": [0.01, 0.99]}), "samples", "non-empty list"),
    ("sample-input-too-short", "sigmoid", set_field("samples[1].input", [0.5]), "samples[1].input", "expected 2 numbers, found 1"),
    ("sample-input-too-long", "sigmoid", set_field("samples[0].input", [0.5, 0.1, 0.2]), "samples[0].input", "expected 2 numbers, found 3"),
    ("sample-target-wrong-length", "softmax", set_field("samples[1].target", [0.0, 1.0]), "samples[1].target", "expected 3 numbers, found 2"),
    ("sample-missing-target", "sigmoid", delete_field("samples[0].target"), "samples[0]", '"input" and "target"'),
    ("sample-extra-key", "sigmoid", set_field("samples[1].weight", 2.0), "samples[1]", '"input" and "target"'),
    # booleans, strings and nulls where numbers are expected
    ("boolean-weight", "sigmoid", set_field("weights[0][1][0]", True), "weights[0][1][0]", "expected a number, found true"),
    ("string-weight", "sigmoid", set_field("weights[1][0][1]", "0.45"), "weights[1][0][1]", 'expected a number, found "0.45"'),
    ("null-bias", "sigmoid", set_field("biases[0][1]", None), "biases[0][1]", "expected a number, found null"),
    ("string-input", "sigmoid", set_field("samples[0].input[1]", "0.1"), "samples[0].input[1]", "expected a number"),
    ("boolean-target", "bce", set_field("samples[0].target[0]", True), "samples[0].target[0]", "expected a number"),
    ("string-learning-rate", "sigmoid", set_field("optimizer.learning_rate", "0.5"), "optimizer.learning_rate", "expected a number"),
    ("boolean-learning-rate", "sigmoid", set_field("optimizer.learning_rate", True), "optimizer.learning_rate", "expected a number"),
    ("boolean-momentum", "sigmoid", set_field("optimizer.momentum", False), "optimizer.momentum", "expected a number"),
    ("boolean-layer-size", "sigmoid", set_field("layers[1]", True), "layers[1]", "whole number"),
    ("string-layer-size", "sigmoid", set_field("layers[0]", "2"), "layers[0]", "whole number"),
    ("boolean-batch-size", "sigmoid", set_field("batch_size", True), "batch_size", "whole number"),
    ("string-batch-size", "sigmoid", set_field("batch_size", "2"), "batch_size", "whole number"),
    ("string-train-biases", "sigmoid", set_field("train_biases", "yes"), "train_biases", "true or false"),
    ("numeric-name", "sigmoid", set_field("name", 3), "name", "text"),
    ("unknown-update-order", "sigmoid", set_field("update_order", "random"), "update_order", "simultaneous"),
    # batch size
    ("batch-size-zero", "sigmoid", set_field("batch_size", 0), "batch_size", "≥ 1"),
    ("batch-size-negative", "sigmoid", set_field("batch_size", -2), "batch_size", "≥ 1"),
    ("batch-size-fraction", "sigmoid", set_field("batch_size", 1.5), "batch_size", "whole number"),
    # a random start needs a seed
    ("missing-weights-no-seed", "sigmoid", delete_field("weights"), "weights", "seed"),
    ("missing-biases-no-seed", "sigmoid", delete_field("biases"), "biases", "seed"),
    ("negative-seed", "sigmoid", lambda d: (d.pop("weights"), d.update(seed=-1)), "seed", "whole number"),
    ("boolean-seed", "sigmoid", lambda d: (d.pop("weights"), d.update(seed=True)), "seed", "whole number"),
]


def _write_case(tmp_path, base: str, mutate) -> "os.PathLike":
    return write_network(tmp_path / "bad network.json", changed(BASES[base](), mutate))


def _refused(path, field: str, *words: str) -> NetworkFileError:
    with pytest.raises(NetworkFileError) as info:
        load(path)
    e = info.value
    message = str(e)
    assert str(path) in message, message
    assert e.source == str(path)
    assert e.field == field, message
    assert f": {field}: " in message, message
    for word in words:
        assert word in message, message
    assert "\n" not in message
    return e


@pytest.fixture
def no_network_built(monkeypatch):
    """A refused file is refused before a Network is made from it."""
    def built(*args, **kwargs):
        raise AssertionError("a Network was built from a file that should be refused")
    monkeypatch.setattr(engine.files.netfile, "Network", built)


@pytest.mark.parametrize("case, base, mutate, field, words", CASES, ids=[c[0] for c in CASES])
def test_bad_field_is_refused_naming_file_and_field(tmp_path, no_network_built, case, base, mutate, field, words):
    path = _write_case(tmp_path, base, mutate)
    _refused(path, field, words)


# -- JSON-level problems -------------------------------------------------------------------------

@pytest.mark.parametrize("text, field, words", [
    ('{"layers": [2, 2, 2], "activations": ["sigmoid", "sigmoid"],', "(file)", ("not valid JSON", "line 1")),
    ('{"layers": [2, 2, 2]\n "loss": "mse"}', "(file)", ("not valid JSON", "line 2", "column 2")),
    ("", "(file)", ("not valid JSON",)),
    ("[1, 2, 3]", "(top level)", ("JSON object",)),
    ('"a network"', "(top level)", ("JSON object",)),
    ("42", "(top level)", ("JSON object",)),
    ("null", "(top level)", ("JSON object",)),
], ids=["truncated", "missing-comma", "empty", "list", "string", "number", "null"])
def test_bad_json_is_refused(tmp_path, no_network_built, text, field, words):
    path = tmp_path / "net.json"
    path.write_text(text, encoding="utf-8")
    _refused(path, field, *words)


def test_file_problems_are_refused(tmp_path):
    _refused(tmp_path / "absent.json", "(file)", "no such file")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    _refused(folder, "(file)", "folder")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{\x00\x80\x81")
    _refused(binary, "(file)", "UTF-8")


# NaN and the infinities: Python's json module accepts these literals; the file check must not.
NON_FINITE_PLACES = [
    ("sigmoid", "weights[0][0][1]"),
    ("sigmoid", "weights[1][1][0]"),
    ("sigmoid", "biases[1][0]"),
    ("sigmoid", "samples[1].input[0]"),
    ("sigmoid", "samples[0].target[1]"),
    ("sigmoid", "optimizer.learning_rate"),
    ("bce", "optimizer.momentum"),
    ("bce", "samples[1].target[0]"),
    ("softmax", "samples[0].target[2]"),
]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("base, field", NON_FINITE_PLACES, ids=[p[1] for p in NON_FINITE_PLACES])
def test_nan_and_infinity_literals_are_refused(tmp_path, no_network_built, literal, base, field):
    path = tmp_path / "net.json"
    path.write_text(with_literal(BASES[base](), field, literal), encoding="utf-8")
    _refused(path, field, "finite")


def test_number_too_large_for_a_float_is_refused(tmp_path):
    """1e400 decodes to inf in Python's json: refused as too large (it said "found inf")."""
    path = tmp_path / "net.json"
    path.write_text(with_literal(sigmoid_net(), "weights[0][0][0]", "1e400"), encoding="utf-8")
    _refused(path, "weights[0][0][0]", "“1e400” is too large: a float64 holds at most ±1.7976931348623157e+308")


TOO_SMALL_PLACES = [
    ("sigmoid", "weights[0][0][0]"), ("sigmoid", "biases[1][0]"), ("sigmoid", "samples[1].input[0]"),
    ("sigmoid", "samples[0].target[1]"), ("sigmoid", "optimizer.learning_rate"), ("bce", "optimizer.momentum"),
    ("softmax", "samples[1].target[1]"),
]
TOO_SMALL = ["1e-400", "-1e-400", "1E-0400", "2e-324", "0.00001e-320", "0." + "0" * 400 + "1",
             "-0." + "0" * 330 + "7e5"]


@pytest.mark.parametrize("field, rule", [
    ("optimizer.betas[0]", {"optimizer": {"name": "adam", "learning_rate": 0.01, "betas": [0.9, 0.999]}}),
    ("optimizer.eps", {"optimizer": {"name": "rmsprop", "learning_rate": 0.01, "eps": 1e-8}}),
    ("regularization.strength", {"regularization": {"kind": "l2", "strength": 0.1}}),
])
def test_an_update_rules_setting_a_float64_rounds_to_zero_is_refused(tmp_path, no_network_built, field, rule):
    """Issue 19's settings are read by their own rules, which saw "not a number" in 1e-400."""
    path = tmp_path / "net.json"
    path.write_text(with_literal(dict(bce_net(), **rule), field, "1e-400"), encoding="utf-8")
    _refused(path, field, "is too small: not zero, but a float64 rounds it to zero")


@pytest.mark.parametrize("literal", TOO_SMALL, ids=[t[:12] for t in TOO_SMALL])
@pytest.mark.parametrize("base, field", TOO_SMALL_PLACES, ids=[p[1] for p in TOO_SMALL_PLACES])
def test_a_number_a_float64_rounds_to_zero_is_refused(tmp_path, no_network_built, literal, base, field):
    """Not zero, but read as 0 before (json's float() rounds it): refused naming the field."""
    path = tmp_path / "net.json"
    path.write_text(with_literal(BASES[base](), field, literal), encoding="utf-8")
    _refused(path, field, "is too small: not zero, but a float64 rounds it to zero")


@pytest.mark.parametrize("field, literal", [
    ("training_state.loss_history[1]", "3e-500"), ("kept_runs[0].loss[0]", "1e-999"),
    ("seed", "1e-400"), ("name", "1e-400"),
])
def test_a_number_too_small_is_refused_in_the_training_state_the_runs_and_the_settings(tmp_path, field, literal):
    data = sigmoid_net()
    data["training_state"] = {"iteration": 3, "momentum_buffer": None, "loss_history": [0.5, 0.25]}
    data["kept_runs"] = [{"name": "SGD", "loss": [0.5, 0.25]}]
    path = tmp_path / "net.json"
    path.write_text(with_literal(data, field, literal), encoding="utf-8")
    _refused(path, field, literal)


@pytest.mark.parametrize("literal, value", [
    ("0e-400", 0.0), ("-0.0e-999", -0.0), ("0." + "0" * 400, 0.0), ("1e-320", 1e-320), ("4.9e-324", 5e-324),
    ("2.5e-324", 5e-324), ("0.000001e-300", 1e-306), ("1" + "0" * 300 + ".5e-300", 1e0),
])
def test_zero_and_the_smallest_float64_values_are_read(tmp_path, literal, value):
    path = tmp_path / "net.json"
    path.write_text(with_literal(sigmoid_net(), "samples[1].input[0]", literal), encoding="utf-8")
    read = float(load(path).inputs[1, 0])
    assert read == value and math.copysign(1, read) == math.copysign(1, value)


def test_a_name_that_writes_a_tiny_number_is_text(tmp_path):
    data = sigmoid_net()
    data["name"], data["description"] = "1e-400", "0." + "0" * 400 + "1 and 1e99999"
    assert load(write_network(tmp_path / "net.json", data)).name == "1e-400"


# -- inputs that are not even the right JSON type: must still be a NetworkFileError ----------------
# (These once crashed engine.files.netfile with a TypeError or an OverflowError.)

@pytest.mark.parametrize("base, field, value", [
    ("sigmoid", "loss", ["half_sse"]),
    ("sigmoid", "loss", {"name": "half_sse"}),
    ("sigmoid", "activations[0]", ["sigmoid"]),
    ("softmax", "activations[1]", {"name": "softmax"}),
], ids=["loss-list", "loss-object", "activation-list", "activation-object"])
def test_unhashable_names_are_refused(tmp_path, base, field, value):
    path = _write_case(tmp_path, base, set_field(field, value))
    _refused(path, field)


@pytest.mark.parametrize("field", ["weights[0][0][0]", "optimizer.learning_rate", "samples[0].input[0]"])
def test_integer_too_large_for_a_float_is_refused(tmp_path, field):
    path = tmp_path / "net.json"
    path.write_text(with_literal(sigmoid_net(), field, "1" + "0" * 400), encoding="utf-8")
    _refused(path, field)


def test_integer_with_too_many_digits_is_refused(tmp_path):
    """Python's json refuses integers of more than 4300 digits with a plain ValueError."""
    path = tmp_path / "net.json"
    path.write_text(with_literal(sigmoid_net(), "weights[0][0][0]", "1" * 5000), encoding="utf-8")
    with pytest.raises(NetworkFileError) as info:
        load(path)
    assert str(path) in str(info.value)


# -- a seeded random start ---------------------------------------------------------------------

def _seeded(seed: int, sizes=(4, 64, 3)) -> dict:
    rng = np.random.default_rng(1234)
    return {
        "layers": list(sizes),
        "activations": ["tanh", "sigmoid"],
        "loss": "mse",
        "seed": seed,
        "optimizer": {"learning_rate": 0.1},
        "samples": [{"input": rng.uniform(-1, 1, sizes[0]).tolist(), "target": rng.uniform(0, 1, sizes[-1]).tolist()}],
    }


def test_seeded_random_start_is_reproducible_and_within_the_nn_linear_bound(tmp_path):
    first = load(write_network(tmp_path / "a.json", _seeded(7)))
    again = load(write_network(tmp_path / "b.json", _seeded(7)))
    sizes = [4, 64, 3]
    for l in (1, 2):
        w, bias = first.weights[l - 1], first.biases[l - 1]
        assert w.shape == (sizes[l], sizes[l - 1]) and bias.shape == (sizes[l],)
        assert w.dtype == np.float64 and bias.dtype == np.float64
        np.testing.assert_array_equal(w, again.weights[l - 1])
        np.testing.assert_array_equal(bias, again.biases[l - 1])
        bound = 1.0 / math.sqrt(sizes[l - 1])  # nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        assert np.all(np.abs(w) <= bound) and np.all(np.abs(bias) <= bound)
        # spread over the whole interval, not a narrower one (and not all zeros)
        assert w.max() > 0.8 * bound and w.min() < -0.8 * bound
        assert len(np.unique(w)) == w.size
    # the input layer has fan-in 4 (bound 0.5), the output layer fan-in 64 (bound 0.125)
    assert np.abs(first.weights[0]).max() > 0.45
    assert np.abs(first.weights[1]).max() <= 0.125

    other = load(write_network(tmp_path / "c.json", _seeded(8)))
    assert not np.array_equal(other.weights[0], first.weights[0])


def test_seed_fills_in_only_what_is_missing(tmp_path):
    data = _seeded(3, sizes=(2, 2, 2))
    data["weights"] = [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]]
    net = load(write_network(tmp_path / "net.json", data))
    assert net.weights[1].tolist() == [[0.4, 0.45], [0.5, 0.55]]
    assert np.all(np.abs(net.biases[0]) <= 1 / math.sqrt(2)) and np.any(net.biases[0] != 0)


def test_seeded_network_trains_the_same_every_time(tmp_path):
    path = write_network(tmp_path / "net.json", _seeded(11, sizes=(4, 5, 3)))
    runs = []
    for _ in range(2):
        s = Session(load(path))
        s.run(25)
        runs.append(s.history.values.copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0][-1] < runs[0][0]


# -- save and load -------------------------------------------------------------------------------

def _floats(net) -> list[str]:
    """Every float of a network as repr text, with where it is."""
    out = [f"lr={net.learning_rate!r}", f"momentum={net.optimizer.momentum!r}"]
    for k, w in enumerate(net.weights):
        out += [f"w{k}{idx}={float(v)!r}" for idx, v in np.ndenumerate(w)]
    for k, b in enumerate(net.biases):
        out += [f"b{k}{idx}={float(v)!r}" for idx, v in np.ndenumerate(b)]
    out += [f"x{idx}={float(v)!r}" for idx, v in np.ndenumerate(net.inputs)]
    out += [f"t{idx}={float(v)!r}" for idx, v in np.ndenumerate(net.targets)]
    return out


def _settings(net):
    return (net.sizes, net.activations, net.loss, net.train_biases, net.batch_size, net.update_order,
            net.name, net.description, net.n_samples)


def _assert_same_network(a, b):
    assert _settings(a) == _settings(b)
    assert _floats(a) == _floats(b)
    # signs of zeros too (repr shows them, but be explicit)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(np.signbit(x), np.signbit(y))


@pytest.mark.parametrize("preset", PRESETS)
def test_save_load_round_trips_every_preset(tmp_path, preset):
    net = open_network(preset)
    path = tmp_path / f"{preset}.json"
    save(net, path)
    again = load(path)
    _assert_same_network(net, again)
    # and saving the reloaded network writes the very same text
    assert dumps(again) == path.read_text(encoding="utf-8")


def test_save_load_round_trips_awkward_floats(tmp_path):
    net = open_network("seed-notebook")
    awkward = [0.1 + 0.2, 1 / 3, -2 / 3, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               -0.0, 123456789.12345679, 1e-300]
    net.weights[0] = np.array([[awkward[0], awkward[1]], [awkward[2], awkward[3]]])
    net.weights[1] = np.array([[awkward[4], awkward[5]], [awkward[6], awkward[7]]])
    net.biases[0] = np.array([awkward[8], -1e-17])
    net.inputs = np.array([[math.pi, -math.e]])
    net.targets = np.array([[math.sqrt(0.5), 1 - 2 ** -53]])
    net.learning_rate = 0.1 + 0.7
    net.name, net.description = "Ünïcode ∂E/∂w", "quotes \" and\nnew lines"
    path = tmp_path / "awkward.json"
    save(net, path)
    again = load(path)
    _assert_same_network(net, again)
    assert repr(float(again.weights[1][1, 0])) == "-0.0"
    assert float(again.weights[1][0, 1]) == 1.7976931348623157e308
    assert float(again.weights[0][1, 1]) == 5e-324


@pytest.mark.parametrize("preset, iterations", [("mazur", 137), ("xor", 250), ("softmax", 41)])
def test_trained_network_round_trips(tmp_path, preset, iterations):
    session = Session(open_network(preset))
    session.run(iterations)
    trained = session.current_network()
    assert not np.array_equal(trained.weights[0], open_network(preset).weights[0])
    path = tmp_path / "trained.json"
    save(trained, path)
    again = load(path)
    _assert_same_network(trained, again)
    if preset == "mazur":
        # full batch, no momentum buffer: the reloaded network continues exactly as the
        # session does (the file holds no momentum buffer or batch position, so only here)
        continued = Session(again)
        continued.run(5)
        session.run(5)
        assert continued.loss == session.loss
        for a, b in zip(continued.params.weights, session.params.weights):
            np.testing.assert_array_equal(a, b)


def test_saved_file_is_readable_json_with_one_sample_per_line(tmp_path):
    path = tmp_path / "softmax.json"
    save(open_network("softmax"), path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["layers"] == [2, 4, 3]
    sample_lines = [line for line in text.splitlines() if line.strip().startswith('{"input"')]
    assert len(sample_lines) == 6


# -- atomic saves --------------------------------------------------------------------------------

OLD = b'{"previous": "file", "bytes": [1, 2, 3]}\n'


def _folder(tmp_path) -> list[str]:
    return sorted(os.listdir(tmp_path))


def test_save_replaces_an_existing_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "net.json"
    path.write_bytes(OLD)
    os.chmod(path, 0o640)
    save(open_network("mazur"), path)
    assert _folder(tmp_path) == ["net.json"]
    assert load(path).sizes == [2, 2, 2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_save_new_file_leaves_nothing_else(tmp_path):
    save(open_network("xor"), tmp_path / "xor.json")
    assert _folder(tmp_path) == ["xor.json"]


class _FailingFile:
    """A text file that writes part of what it is given and then fails (a full disk)."""

    def __init__(self, real):
        self.real = real
        self.written = 0

    def write(self, text):
        half = text[: len(text) // 2]
        self.real.write(half)
        self.real.flush()
        self.written += len(half)
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.real.__exit__(*exc)


def test_failure_mid_write_leaves_existing_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    path.write_bytes(OLD)
    opened = []
    real_fdopen = os.fdopen

    def failing_fdopen(*args, **kwargs):
        f = _FailingFile(real_fdopen(*args, **kwargs))
        opened.append(f)
        return f

    monkeypatch.setattr(engine.files.atomic.os, "fdopen", failing_fdopen)
    with pytest.raises(OSError) as info:
        save(open_network("softmax"), path)
    assert info.value.errno == errno.ENOSPC
    assert opened and opened[0].written > 0  # part of the file really was written somewhere
    assert path.read_bytes() == OLD
    assert _folder(tmp_path) == ["net.json"]


def test_failure_mid_write_of_a_new_file_leaves_nothing(tmp_path, monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(engine.files.atomic.os, "fdopen", lambda *a, **k: _FailingFile(real_fdopen(*a, **k)))
    with pytest.raises(OSError):
        save(open_network("softmax"), tmp_path / "new.json")
    assert _folder(tmp_path) == []


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_failure_before_the_rename_leaves_existing_file_untouched(tmp_path, monkeypatch, step):
    path = tmp_path / "net.json"
    path.write_bytes(OLD)
    calls = []

    def fail(*args, **kwargs):
        calls.append(args)
        raise OSError(errno.EIO, f"simulated {step} failure")

    monkeypatch.setattr(engine.files.atomic.os, step, fail)
    with pytest.raises(OSError):
        save(open_network("mazur"), path)
    assert calls, f"os.{step} was never called: the simulated failure did not happen"
    monkeypatch.undo()
    assert path.read_bytes() == OLD
    assert _folder(tmp_path) == ["net.json"]


def test_interrupted_save_leaves_existing_file_untouched(tmp_path, monkeypatch):
    """Ctrl+C in the middle of a write (a BaseException, not an OSError)."""
    path = tmp_path / "net.json"
    path.write_bytes(OLD)

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.files.atomic.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(open_network("mazur"), path)
    monkeypatch.undo()
    assert path.read_bytes() == OLD
    assert _folder(tmp_path) == ["net.json"]

