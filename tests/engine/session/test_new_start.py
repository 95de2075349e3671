"""Issue 19: how `python -m engine new` starts a network: --test-fraction (the held-out samples,
drawn from the seed, the classes in proportion) and --init (the start values' scheme, against
torch.nn.init's with the same fan-in and fan-out; all zeros, whose units never part)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from engine import load
from engine.concepts.inits import INITS
from engine.files.design import Design, build
from tests.helpers import run_cli

XOR = ["--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce"]


def new(tmp_path, *args, name="net.json"):
    out = tmp_path / name
    r = run_cli("new", *args, "--out", out)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def pairs(spec: dict, key: str) -> list[tuple]:
    return [(tuple(s["input"]), tuple(s["target"])) for s in spec.get(key, [])]


def quotas(sizes: list[int], count: int) -> list[int]:
    """The test samples of each class, by the largest remainder (written here from the rule)."""
    share = [count * n / sum(sizes) for n in sizes]
    quota = [math.floor(s) for s in share]
    order = sorted(range(len(sizes)), key=lambda c: (-(share[c] - quota[c]), c))
    for c in order[: count - sum(quota)]:
        quota[c] += 1
    return quota


def test_a_test_fraction_holds_out_round_f_n_samples_the_classes_in_proportion(tmp_path):
    whole = new(tmp_path, *XOR, "--dataset", "xor", "--samples", "30", "--seed", "4", name="whole.json")
    split = new(tmp_path, *XOR, "--dataset", "xor", "--samples", "30", "--seed", "4", "--test-fraction", "0.25")
    everything, train, test = pairs(whole, "samples"), pairs(split, "samples"), pairs(split, "test_samples")
    assert len(test) == round(0.25 * 30) == 8 and len(train) == 22  # 7.5 rounds half to even: 8
    # the same samples, each list in the file's order
    assert sorted(train + test) == sorted(everything)
    assert train == [p for p in everything if p in train] and test == [p for p in everything if p in test]
    classes = [sum(1 for _, t in everything if t == (c,)) for c in (0.0, 1.0)]
    assert [sum(1 for _, t in test if t == (c,)) for c in (0.0, 1.0)] == quotas(classes, 8)
    # the start values are the seed's, with or without a split
    assert split["weights"] == whole["weights"] and split["biases"] == whole["biases"]
    assert "8 test samples" in run_cli("evaluate", tmp_path / "net.json").stdout.splitlines()[0]


def test_three_unequal_classes_from_a_csv_file(tmp_path):
    """10, 20 and 30 samples of classes a, b, c; a quarter of 60 is 15: 2.5, 5 and 7.5 by
    proportion, 2, 5 and 7 whole, and the one left to the first of the largest fractions: a."""
    rows = [f"{k},{k % 7},{'abc'[0 if k < 10 else 1 if k < 30 else 2]}" for k in range(60)]
    (tmp_path / "data.csv").write_text("x,y,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = ["--layers", "2,5,3", "--activations", "tanh,softmax", "--loss", "cross_entropy", "--csv",
            tmp_path / "data.csv", "--inputs", "x,y", "--targets", "label", "--test-fraction", "0.25"]
    spec = new(tmp_path, *args, "--seed", "1")
    test = pairs(spec, "test_samples")
    assert [sum(1 for _, t in test if t[c] == 1.0) for c in range(3)] == quotas([10, 20, 30], 15) == [3, 5, 7]
    # reproducible from the seed, and another seed draws others
    assert new(tmp_path, *args, "--seed", "1", name="again.json")["test_samples"] == spec["test_samples"]
    other = pairs(new(tmp_path, *args, "--seed", "2", name="other.json"), "test_samples")
    assert sorted(other) != sorted(test) and len(other) == 15


def test_regression_samples_are_one_class(tmp_path):
    spec = new(tmp_path, "--layers", "1,4,1", "--activations", "tanh,linear", "--loss", "mse", "--dataset", "sine",
               "--samples", "10", "--test-fraction", "0.25")
    assert len(spec["test_samples"]) == 2 and len(spec["samples"]) == 8  # 2.5 rounds half to even: 2


@pytest.mark.parametrize("args, words", [
    (["--test-fraction", "1"], "--test-fraction: must be from 0 to less than 1, found 1.0"),
    (["--test-fraction", "-0.1"], "--test-fraction: must be from 0 to less than 1, found -0.1"),
    (["--test-fraction", "0.7"], "--test-fraction: holds out 1 of the 1 sample, which leaves none to train on"),
    (["--dataset", "xor", "--samples", "3", "--test-fraction", "0.9"],
     "--test-fraction: holds out 3 of the 3 samples, which leaves none to train on"),
    (["--init", "glorot"], "argument --init: invalid choice: 'glorot' (choose from 'pytorch', 'xavier', 'he', 'zeros')"),
])
def test_refusals(tmp_path, args, words):
    r = run_cli("new", *XOR, *args, "--out", tmp_path / "net.json")
    assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "net.json").exists()


# -- start values -----------------------------------------------------------------------------------

def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two samples'
    distribution functions."""
    a, b = np.sort(a.ravel()), np.sort(b.ravel())
    at = np.concatenate([a, b])
    return float(np.abs(np.searchsorted(a, at, "right") / len(a) - np.searchsorted(b, at, "right") / len(b)).max())


def torch_draw(name: str, fan_out: int, fan_in: int) -> tuple[np.ndarray, np.ndarray]:
    """torch's own draws for a layer of this fan-in and fan-out."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(fan_in, fan_out, dtype=torch.float64)  # nn.Linear's default
    w, b = layer.weight.detach().clone(), layer.bias.detach().clone()
    if name == "xavier":
        torch.nn.init.xavier_uniform_(w)
        torch.nn.init.zeros_(b)
    elif name == "he":
        torch.nn.init.kaiming_normal_(w)
        torch.nn.init.zeros_(b)
    elif name == "zeros":
        torch.nn.init.zeros_(w)
        torch.nn.init.zeros_(b)
    return w.numpy(), b.numpy()


@pytest.mark.parametrize("name", list(INITS))
@pytest.mark.parametrize("fan_out, fan_in", [(200, 150), (120, 7)])
def test_each_scheme_draws_as_torch_nn_init_does(name, fan_out, fan_in):
    ours = INITS[name].draw([fan_in, fan_out], seed=3)
    w, b = ours[0][0], ours[1][0]
    tw, tb = torch_draw(name, fan_out, fan_in)
    assert w.shape == tw.shape and b.shape == tb.shape
    if name == "zeros":
        assert not w.any() and not b.any()
        return
    # the same distribution: the samples' distribution functions no further apart than chance
    # makes them once in a thousand times
    critical = 1.95 * math.sqrt(2 / w.size)
    assert ks_distance(w, tw) < critical, (ks_distance(w, tw), critical)
    if name == "pytorch":
        assert ks_distance(b, tb) < 1.95 * math.sqrt(2 / b.size)
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(b).max() <= bound
    else:
        assert not b.any() and not tb.any()
    if name == "he":
        assert np.std(w) == pytest.approx(math.sqrt(2 / fan_in), rel=0.03)
        assert np.std(tw) == pytest.approx(math.sqrt(2 / fan_in), rel=0.03)
    else:
        bound = 1 / math.sqrt(fan_in) if name == "pytorch" else math.sqrt(6 / (fan_in + fan_out))
        assert bound * 0.99 < np.abs(w).max() <= bound and np.abs(tw).max() <= bound


def test_the_default_scheme_is_what_a_files_seed_draws(tmp_path):
    """One rule: --init pytorch, a design's default and a file's `seed` draw the same values."""
    default = new(tmp_path, *XOR, "--seed", "5", name="default.json")
    named = new(tmp_path, *XOR, "--seed", "5", "--init", "pytorch")
    weights, biases = INITS["pytorch"].draw([2, 4, 1], 5)
    assert named["weights"] == default["weights"] == [w.tolist() for w in weights]
    assert named["biases"] == default["biases"] == [b.tolist() for b in biases]
    xavier = new(tmp_path, *XOR, "--seed", "5", "--init", "xavier", name="xavier.json")
    assert xavier["biases"] == [[0.0] * 4, [0.0]]
    assert np.abs(np.array(xavier["weights"][0])).max() <= math.sqrt(6 / 6)


def test_zeros_units_stay_alike_however_long_they_train(tmp_path):
    """All zeros: each hidden unit gets the same gradient, so its weights stay those of every
    other; a random start parts them."""
    args = ["--layers", "2,3,1", "--activations", "sigmoid,sigmoid", "--loss", "bce", "--dataset", "xor",
            "--samples", "40", "--learning-rate", "2"]
    for init in ("zeros", "pytorch"):
        new(tmp_path, *args, "--init", init, name=f"{init}.json")
        r = run_cli("train", tmp_path / f"{init}.json", "-n", "300", "--out", tmp_path / f"{init}-trained.json")
        assert r.returncode == 0, r.stderr
    trained = load(tmp_path / "zeros-trained.json")
    w1, b1, w2 = trained.weights[0], trained.biases[0], trained.weights[1]
    assert np.abs(w1).min() > 1e-3 and np.abs(w2).min() > 1e-3  # it learned something ...
    np.testing.assert_allclose(w1, np.broadcast_to(w1[0], w1.shape), rtol=1e-12, atol=0)  # ... every unit alike
    np.testing.assert_allclose(b1, b1[0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(w2, w2[0, 0], rtol=1e-12, atol=0)
    parted = load(tmp_path / "pytorch-trained.json").weights[0]
    assert np.abs(parted - parted[0]).max() > 0.1


def test_a_design_builds_with_its_init_and_test_fraction():
    """What the window's New network will call: the rules in engine.files.design."""
    x = np.arange(20.0).reshape(10, 2)
    t = np.array([[0.0], [1.0]] * 5)
    net = build(Design(sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce", init="he", test_fraction=0.4,
                       seed=7), x, t)
    assert net.n_test == 4 and net.n_samples == 6 and not any(b.any() for b in net.biases)
    assert sorted(net.test_targets.ravel().tolist()) == [0.0, 0.0, 1.0, 1.0]
