"""python -m engine new (issue 9, item 6): the files it writes and what it refuses."""
import json

import numpy as np
import pytest

from engine import datasets, netfile
from tests.helpers import run_cli, run_limited
from tests.test_reliability import refused
from tests.test_torch_parity import train_and_compare


def test_a_tanh_sigmoid_bce_network_on_xor_equals_pytorch(tmp_path):
    out = tmp_path / "xor.json"
    r = run_cli("new", "--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor",
                "--samples", "40", "--noise", "0.05", "--seed", "3", "--learning-rate", "0.3", "--out", str(out))
    assert r.returncode == 0 and "wrote" in r.stdout
    spec = json.loads(out.read_text())
    assert "weights" in spec and "seed" not in spec  # explicit values, an ordinary network file
    data = datasets.generate("xor", 40, 0.05, seed=3)
    net = netfile.load(out)
    np.testing.assert_array_equal(net.inputs, data.inputs)
    np.testing.assert_array_equal(net.targets, data.targets(1, "bce"))
    assert spec["description"] == data.description
    train_and_compare(spec, 2)  # every number of two iterations, PyTorch's
    trained = run_cli("train", str(out), "-n", "5")
    assert trained.returncode == 0


def test_samples_from_a_csv_file(tmp_path):
    csv = tmp_path / "iris.csv"
    csv.write_text("a;b;species\n5,1;1,4;setosa\n7,0;4,7;versicolor\n6,3;6,0;virginica\n")
    out = tmp_path / "iris.json"
    r = run_cli("new", "--layers", "2,3,3", "--activations", "relu,softmax", "--loss", "cross_entropy",
                "--csv", str(csv), "--inputs", "a,b", "--targets", "species", "--scale", "minmax", "--out", str(out))
    assert r.returncode == 0, r.stderr
    net = netfile.load(out)
    np.testing.assert_array_equal(net.inputs, [[0.0, 0.0], [1.0, (4.7 - 1.4) / (6.0 - 1.4)], [(6.3 - 5.1) / (7.0 - 5.1), 1.0]])
    np.testing.assert_array_equal(net.targets, np.eye(3))
    assert "classes in order setosa, versicolor, virginica" in net.description
    train_and_compare(json.loads(out.read_text()), 2)


@pytest.mark.parametrize("args, words", [
    (["--layers", "2,2", "--activations", "softmax", "--loss", "mse"], ["--loss", "needs the cross_entropy loss"]),
    (["--layers", "2,2,2", "--activations", "softmax,sigmoid", "--loss", "mse"], ["output layer only"]),
    (["--layers", "3,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor"],
     ["--layers", "the first layer needs 2 units, not 3"]),
    (["--layers", "2,4,3", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "spiral"],
     ["2 classes need an output layer of 2 units"]),
    (["--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor", "--samples",
      "1000000000"], ["--dataset", "from 1 to 10,000"]),
    (["--layers", "2,99999,1", "--activations", "tanh,sigmoid", "--loss", "bce"], ["at most 256 units"]),
    (["--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--inputs", "1"], ["goes with --csv"]),
    (["--layers", "2,x,1", "--activations", "tanh,sigmoid", "--loss", "bce"], ["--layers", "comma-separated"]),
])
def test_refusals_are_one_line_quick_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "net.json"
    line = refused(run_limited(["new", *args, "--out", str(out)], seconds=20), *words)
    assert not out.exists(), line


def test_a_bad_csv_file_names_the_line(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("x,y,t\n1,2,0\n3,4\n")
    line = refused(run_limited(["new", "--layers", "2,2,1", "--activations", "tanh,sigmoid", "--loss", "bce",
                                "--csv", str(csv), "--inputs", "1-2", "--targets", "3", "--out",
                                str(tmp_path / "n.json")], seconds=20), "--csv", "line 3", "2 fields where line 1 has 3")
    assert "bad.csv" in line
