"""python -m engine new (issue 9): the files it writes, equal to PyTorch's numbers, and what it
refuses: one line each, within 2 s and 200 MB, nothing written."""
import json
import os

import numpy as np
import pytest

from engine import Session
from engine.files import csvdata, datasets, netfile
from engine.files.design import Design, build
from tests.helpers import preset_data, run_cli, run_limited
from tests.engine.cli.test_reliability import UNREAD_MB, refused
from tests.engine.session.test_torch_parity import train_and_compare

XOR = ["--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce"]


def new(tmp_path, *args, name="net.json"):
    out = tmp_path / name
    r = run_cli("new", *args, "--out", out)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return out, json.loads(out.read_text(encoding="utf-8"))


def test_the_worked_examples_structure_without_data(tmp_path):
    out, spec = new(tmp_path, "--layers", "2,2,2", "--activations", "sigmoid,sigmoid", "--loss", "half_sse",
                    "--frozen-biases", "--seed", "11", "--name", "mine")
    assert spec["samples"] == [{"input": [0.0, 0.0], "target": [0.0, 0.0]}]  # one sample of zeros
    assert (spec["name"], spec["train_biases"], spec["optimizer"]) == \
        ("mine", False, {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0})
    assert "seed" not in spec and "description" not in spec
    # the start values are the seed's, as a file with "seed": 11 draws them
    seeded = preset_data("mazur")
    for key in ("weights", "biases", "description"):
        seeded.pop(key, None)
    seeded.update(seed=11, name="mine", samples=spec["samples"])
    assert netfile.dumps(netfile.load(out)) == netfile.dumps(netfile.parse(seeded))
    train_and_compare(spec, 2)
    # the worked example's sample in it: iteration 1 is PyTorch's
    spec["samples"] = [{"input": [0.05, 0.1], "target": [0.01, 0.99]}]
    train_and_compare(spec, 1)


def test_a_tanh_sigmoid_bce_network_on_xor_equals_pytorch(tmp_path):
    out, spec = new(tmp_path, *XOR, "--dataset", "xor")
    assert "weights" in spec and "seed" not in spec  # explicit values, an ordinary network file
    data = datasets.generate("xor", 200, 0.0, seed=0)
    net = netfile.load(out)
    np.testing.assert_array_equal(net.inputs, data.inputs)
    np.testing.assert_array_equal(net.targets, data.targets(1, "bce"))
    assert spec["description"] == ("xor data set (XOR quadrants: class 1 where x and y have opposite signs), "
                                   "200 samples, noise 0.0, seed 0; classes in order 0, 1")
    assert net.batch_size is None and net.n_samples == 200
    expected = build(Design(sizes=[2, 4, 1], activations=["tanh", "sigmoid"], loss="bce"), data.inputs,
                     data.targets(1, "bce"), description=data.description)
    assert netfile.dumps(net) == netfile.dumps(expected)
    train_and_compare(spec, 1)  # every number of the first iteration, PyTorch's (relative 1e-9)
    trained = run_cli("train", out, "-n", "5")
    assert trained.returncode == 0 and "loss at iteration 5" in trained.stdout


def test_every_option_reaches_the_file(tmp_path):
    out, spec = new(tmp_path, *XOR, "--dataset", "circle", "--samples", "40", "--noise", "0.05", "--seed", "3",
                    "--learning-rate", "0.3", "--momentum", "0.9", "--batch-size", "8",
                    "--update-order", "sequential")
    assert spec["optimizer"] == {"name": "sgd", "learning_rate": 0.3, "momentum": 0.9}
    assert (spec["batch_size"], spec["update_order"], len(spec["samples"])) == (8, "sequential", 40)
    data = datasets.generate("circle", 40, 0.05, seed=3)
    np.testing.assert_array_equal(netfile.load(out).inputs, data.inputs)
    assert "40 samples, noise 0.05, seed 3" in spec["description"]


@pytest.mark.parametrize("args, rule", [
    (["--optimizer", "adam", "--learning-rate", "0.01", "--betas", "0.8,0.99", "--eps", "1e-6",
      "--regularization", "l2", "--strength", "0.001", "--schedule", "step", "--step-size", "2", "--gamma", "0.5"],
     {"optimizer": {"name": "adam", "learning_rate": 0.01, "betas": [0.8, 0.99], "eps": 1e-6},
      "regularization": {"kind": "l2", "strength": 0.001}, "schedule": {"name": "step", "step_size": 2, "gamma": 0.5}}),
    (["--learning-rate", "0.3", "--momentum", "0.9", "--nesterov", "--regularization", "l1", "--strength", "0.01",
      "--schedule", "exponential", "--gamma", "0.9"],
     {"optimizer": {"name": "sgd", "learning_rate": 0.3, "momentum": 0.9, "nesterov": True},
      "regularization": {"kind": "l1", "strength": 0.01}, "schedule": {"name": "exponential", "gamma": 0.9}}),
    (["--optimizer", "rmsprop", "--learning-rate", "0.01", "--alpha", "0.9", "--momentum", "0.5"],
     {"optimizer": {"name": "rmsprop", "learning_rate": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.5}}),
])
def test_the_update_rule_options_reach_the_file(tmp_path, args, rule):
    """--optimizer and its settings, --regularization --strength, --schedule and its settings
    (issue 19): the file's objects exactly as the issue writes them, trained as PyTorch trains."""
    out, spec = new(tmp_path, *XOR, "--dataset", "xor", "--samples", "12", "--batch-size", "4", *args)
    assert {key: spec.get(key) for key in rule} == rule
    assert "regularization" in spec or "regularization" not in rule
    train_and_compare(spec, 3)


def test_a_regression_data_set(tmp_path):
    out, spec = new(tmp_path, "--layers", "1,6,1", "--activations", "tanh,linear", "--loss", "mse",
                    "--dataset", "sine", "--samples", "30", "--noise", "0.5", "--seed", "2")
    data = datasets.generate("sine", 30, 0.5, seed=2)
    np.testing.assert_array_equal(netfile.load(out).targets, data.values)  # any values for mse
    train_and_compare(spec, 2)


def test_samples_from_a_csv_file(tmp_path):
    csv = tmp_path / "iris.csv"
    csv.write_text("a;b;species\n5,1;1,4;setosa\n7,0;4,7;versicolor\n6,3;6,0;virginica\n")
    out, spec = new(tmp_path, "--layers", "2,3,3", "--activations", "relu,softmax", "--loss", "cross_entropy",
                    "--csv", csv, "--inputs", "a,b", "--targets", "species", "--scale", "minmax")
    net = netfile.load(out)
    np.testing.assert_array_equal(net.inputs, [[0.0, 0.0], [1.0, (4.7 - 1.4) / (6.0 - 1.4)],
                                               [(6.3 - 5.1) / (7.0 - 5.1), 1.0]])
    np.testing.assert_array_equal(net.targets, np.eye(3))
    assert net.description == ("from iris.csv: inputs a, b; inputs scaled to [0, 1]: a (min 5.1, max 7), "
                               "b (min 1.4, max 6); target species, classes in order setosa, versicolor, virginica")
    train_and_compare(spec, 2)


def test_two_classes_for_one_sigmoid_output_from_csv(tmp_path):
    csv = tmp_path / "xor.csv"
    csv.write_text("x1,x2,label\n0,0,no\n0,1,yes\n1,0,yes\n1,1,no\n")
    out, spec = new(tmp_path, *XOR, "--csv", csv, "--inputs", "1-2", "--targets", "label")
    assert [s["target"] for s in spec["samples"]] == [[0.0], [1.0], [1.0], [0.0]]
    assert spec["description"] == "from xor.csv: inputs x1, x2; target label, classes in order no, yes"
    assert Session(netfile.load(out)).loss > 0


def test_the_file_opens_in_the_window(tmp_path, make_window):
    out, _ = new(tmp_path, *XOR, "--dataset", "spiral", "--samples", "50")
    w = make_window("mazur")
    assert w.files.open_path(str(out))
    net = w.model.session.net
    assert net.sizes == [2, 4, 1] and net.n_samples == 50 and w.model.session.iteration == 1


# -- refusals: one line, quick, small, nothing written ---------------------------------------
@pytest.mark.parametrize("args, words", [
    (["--layers", "2,2", "--activations", "softmax", "--loss", "mse"],
     ["new: --loss: a softmax output layer needs the cross_entropy loss, found mse"]),
    (["--layers", "2,2,2", "--activations", "softmax,sigmoid", "--loss", "mse"],
     ["new: --activations (entry 1): softmax is allowed on the output layer only"]),
    (["--layers", "2,2,1", "--activations", "tanh,softmax", "--loss", "cross_entropy"],
     ["new: --layers (entry 3): a softmax output layer needs at least 2 units"]),
    (["--layers", "2,2,1", "--activations", "tanh,tanh", "--loss", "bce"],
     ["new: --activations (entry 2): the bce loss needs outputs in (0, 1): a sigmoid output layer, found tanh"]),
    (["--layers", "2,2,1", "--activations", "tanh", "--loss", "mse"],
     ["new: --activations: expected a list of 2 activation names (one per layer after the inputs)"]),
    (["--layers", "2,2,1", "--activations", "tanh,sigmoid", "--loss", "hinge"], ["new: --loss: unknown loss \"hinge\""]),
    (["--layers", "3,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor"],
     ["new: --layers: the data has 2 input columns: the first layer needs 2 units, not 3"]),
    (["--layers", "2,4,3", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "spiral"],
     ["new: --layers: the last layer: 2 classes need an output layer of 2 units"]),
    (XOR + ["--dataset", "xor", "--samples", "1000000000"],
     ["new: --dataset: the number of samples must be from 1 to 10,000, found 1000000000"]),
    (XOR + ["--dataset", "xor", "--samples", "9000"],
     ["new: --batch-size: 423,052 computations per iteration (9,000 samples per iteration); at most 250,000"]),
    (XOR + ["--dataset", "sine"], ["new: --layers: the data has 1 input column: the first layer needs 1 unit, not 2"]),
    (["--layers", "1,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "sine", "--noise", "0.5"],
     ["new: --dataset: sine data set", "sample 2: the bce loss needs targets in [0, 1], found -0.133"]),
    (XOR + ["--dataset", "xor", "--noise", "-1"], ["new: --dataset: the noise must be from 0 to 10.0, found -1.0"]),
    (["--layers", "2,99999,1", "--activations", "tanh,sigmoid", "--loss", "bce"],
     ["new: --layers (entry 2): at most 256 units in a layer, found 99999"]),
    (["--layers", "2,-1,1", "--activations", "tanh,sigmoid", "--loss", "bce"],
     ["new: --layers (entry 2): expected a whole number ≥ 1, found -1"]),
    (["--layers", "2", "--activations", "", "--loss", "bce"], ["new: --layers: expected a list of at least 2"]),
    (["--layers", ",".join(["2"] * 17), "--activations", ",".join(["tanh"] * 16), "--loss", "mse"],
     ["new: --layers: at most 16 layers, found 17"]),
    (["--layers", "256,256,256", "--activations", "tanh,tanh", "--loss", "mse"],
     ["new: --layers: 131,584 weights and biases; at most 60,000"]),
    (XOR + ["--learning-rate", "0"], ["new: --learning-rate: must be positive, found 0.0"]),
    (XOR + ["--learning-rate", "nan"], ["argument --learning-rate: “nan” is not a number"]),
    (XOR + ["--momentum", "1"], ["new: --momentum: must be in [0, 1), found 1.0"]),
    (XOR + ["--batch-size", "0"], ["new: --batch-size: expected a whole number ≥ 1, found 0"]),
    (XOR + ["--optimizer", "adam", "--momentum", "0.9"],
     ["new: --momentum: goes with --optimizer sgd or --optimizer rmsprop"]),
    (XOR + ["--betas", "0.9,0.99"], ["new: --betas: goes with --optimizer adam"]),
    (XOR + ["--optimizer", "adam", "--betas", "0.9,1"], ["new: --betas: [1]: must be in [0, 1), found 1.0"]),
    (XOR + ["--optimizer", "adam", "--betas", "0.9"], ["new: --betas: expected a list of 2 numbers"]),
    (XOR + ["--optimizer", "adam", "--eps", "0"], ["new: --eps: must be above 0, found 0.0"]),
    (XOR + ["--optimizer", "rmsprop", "--alpha", "1"], ["new: --alpha: must be in [0, 1), found 1.0"]),
    (XOR + ["--nesterov"], ["new: --nesterov: needs a momentum above 0"]),
    (XOR + ["--regularization", "l2"], ["new: --strength: needed with --regularization l2"]),
    (XOR + ["--strength", "0.1"], ["new: --strength: goes with --regularization l2 or --regularization l1"]),
    (XOR + ["--regularization", "l2", "--strength", "-1"], ["new: --strength: must be ≥ 0, found -1.0"]),
    (XOR + ["--regularization", "l3", "--strength", "1"], ["invalid choice: 'l3'"]),
    (XOR + ["--schedule", "step"], ["new: --step-size: needed with --schedule step"]),
    (XOR + ["--schedule", "step", "--step-size", "0"], ["new: --step-size: must be from 1 to 50,000,000, found 0"]),
    (XOR + ["--schedule", "exponential", "--gamma", "0"], ["new: --gamma: must be in (0, 1], found 0.0"]),
    (XOR + ["--gamma", "0.5"], ["new: --gamma: goes with --schedule step or --schedule exponential"]),
    (XOR + ["--seed", "-1"], ["new: --seed: expected a whole number ≥ 0, found -1"]),
    (XOR + ["--inputs", "1"], ["new: --inputs: goes with --csv"]),
    (XOR + ["--samples", "10"], ["new: --samples: goes with --dataset"]),
    (XOR + ["--noise", "0.1"], ["new: --noise: goes with --dataset"]),
    (XOR + ["--scale", "minmax"], ["new: --scale: goes with --csv"]),
    (XOR + ["--dataset", "xor", "--csv", "x.csv"], ["not allowed with argument --dataset"]),
    (XOR + ["--dataset", "moons"], ["invalid choice: 'moons'"]),
    (["--layers", "2,x,1", "--activations", "tanh,sigmoid", "--loss", "bce"],
     ["--layers", "expected a comma-separated list of whole numbers: “x” is not a whole number"]),
    (["--activations", "tanh,sigmoid", "--loss", "bce"], ["the following arguments are required: --layers"]),
])
def test_refusals_are_one_line_quick_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "net.json"
    line = refused(run_limited(["new", *args, "--out", str(out)], seconds=60), *words)
    assert not out.exists(), line


@pytest.mark.parametrize("content, args, words", [
    ("x,y,t\n1,2,0\n3,4\n", [], ["--csv", "bad.csv: line 3: 2 fields where line 1 has 3"]),
    ("x,y,t\n1,2,0\n3,four,1\n", [], ["--csv", "bad.csv: line 3, column 2 (y): 'four' is not a number"]),
    ("", [], ["--csv", "bad.csv: (file): the file is empty"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00", [], ["--csv", "bad.csv: (file): not a text file (a CSV file is UTF-8 text)"]),
    (b"x,y,t\n1,2\x00,3\n", [], ["--csv", "bad.csv: line 2, column 4: a NUL character"]),
    ("x,y,t\n1,2,0\n", ["--inputs", "x,z"], ["--csv", "bad.csv: inputs: no column 'z' (columns: x, y, t)"]),
    ("x,y,t\n1,2,0\n", ["--inputs", "x,t"], ["--csv", "bad.csv: columns: column 3 (t) is both an input and a target"]),
    ("x,y,t\n1,2,0.5\n2,1,1.5\n", [], ["--csv", "line 3: the bce loss needs targets in [0, 1], found 1.5"]),
    ("x,y,t\n1,2,a\n2,1,b\n3,3,c\n", [], ["--layers: the last layer: 3 classes need an output layer of 3 units"]),
])
def test_bad_csv_files_are_refused_with_their_line_and_column(tmp_path, content, args, words):
    csv = tmp_path / "bad.csv"
    csv.write_bytes(content.encode() if isinstance(content, str) else content)
    options = {"--inputs": "1-2", "--targets": "3"}
    options.update(zip(args[::2], args[1::2]))
    out = tmp_path / "n.json"
    refused(run_limited(["new", *XOR, "--csv", csv, *[v for kv in options.items() for v in kv], "--out", out],
                        seconds=60), *words)
    assert not out.exists()


def test_csv_needs_its_columns(tmp_path):
    csv = tmp_path / "ok.csv"
    csv.write_text("x,y,t\n1,2,0\n")
    refused(run_limited(["new", *XOR, "--csv", csv, "--out", tmp_path / "n.json"], seconds=60),
            "new: --csv: needs --inputs COLUMNS and --targets COLUMNS")


def test_large_csv_files_are_refused_unread_or_read_once(tmp_path):
    """100 MB: refused unread (from its stat: the bytes read are the interpreter's). 16 MB, the
    most read, with a bad field on its last line: read whole once, the line named, within the
    memory of any refusal."""
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(100 * 1024 * 1024)
    refused(run_limited(["new", *XOR, "--csv", huge, "--inputs", "1-2", "--targets", "3", "--out",
                         tmp_path / "n.json"], seconds=60), "is 104,857,600 bytes; a CSV file may have at most 16,777,216")
    big = tmp_path / "big.csv"
    row = ",".join(["0.123456789"] * 14) + ",1\n"
    count = (csvdata.MAX_CSV_BYTES - 100) // len(row)
    with open(big, "w") as f:
        f.write(row * (count - 1) + row.replace("0.123456789", "x", 1))
    assert os.path.getsize(big) <= csvdata.MAX_CSV_BYTES and count <= csvdata.MAX_CSV_ROWS
    refused(run_limited(["new", "--layers", "14,2,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--csv", big,
                         "--inputs", "1-14", "--targets", "15", "--batch-size", "10", "--out", tmp_path / "n.json"],
                        seconds=60), f"line {count}, column 1: 'x' is not a number",
            read_mb=UNREAD_MB + csvdata.MAX_CSV_BYTES / 2**20)


def test_a_fifo_and_a_folder_are_refused(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for path, words in ((fifo, "is a FIFO, not a CSV file"), (tmp_path, "is a folder, not a CSV file")):
        refused(run_limited(["new", *XOR, "--csv", path, "--inputs", "1-2", "--targets", "3", "--out",
                             tmp_path / "n.json"], seconds=60), words)


def test_an_output_that_cannot_be_written(tmp_path):
    refused(run_limited(["new", *XOR, "--out", tmp_path / "missing" / "n.json"], seconds=60), "--out",
            "does not exist")
    refused(run_limited(["new", *XOR, "--out", "/dev/null"], seconds=60), "--out")
