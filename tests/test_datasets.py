"""Generated data sets (issue 9, item 4): reproducible from the seed, within their ranges."""
import numpy as np
import pytest

from engine import datasets


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(name):
    a = datasets.generate(name, 50, 0.1, seed=3)
    b = datasets.generate(name, 50, 0.1, seed=3)
    c = datasets.generate(name, 50, 0.1, seed=4)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    assert not np.array_equal(a.inputs, c.inputs)
    assert a.inputs.shape == (50, datasets.DATASETS[name].inputs)
    assert f"{name} data set" in a.description and "50 samples, noise 0.1, seed 3" in a.description


@pytest.mark.parametrize("name", [n for n, d in datasets.DATASETS.items() if d.kind == "classification"])
def test_classes_without_noise_follow_their_rule(name):
    d = datasets.generate(name, 400, 0.0, seed=1)
    x, y = d.inputs, np.array([int(v) for v in d.labels])
    assert d.classes == ["0", "1"] and 150 < y.sum() < 250  # about balanced
    assert np.all(np.abs(x) <= 1.5)
    if name == "xor":
        np.testing.assert_array_equal(y, (x[:, 0] > 0) != (x[:, 1] > 0))
    if name == "circle":
        r = np.hypot(x[:, 0], x[:, 1])
        assert np.all(r[y == 1] <= 0.5) and np.all(r[y == 0] >= 0.7)
    np.testing.assert_array_equal(d.targets(1, "bce")[:, 0], y)
    np.testing.assert_array_equal(d.targets(2, "cross_entropy"), np.eye(2)[y])


@pytest.mark.parametrize("name", [n for n, d in datasets.DATASETS.items() if d.kind == "regression"])
def test_regression_values_lie_in_0_1_without_noise(name):
    d = datasets.generate(name, 300, 0.0, seed=2)
    t = d.targets(1, "bce")
    assert np.all((0.0 <= t) & (t <= 1.0))
    if name == "sine":
        np.testing.assert_allclose(t[:, 0], 0.5 + 0.4 * np.sin(np.pi * d.inputs[:, 0]), rtol=0, atol=0)


@pytest.mark.parametrize("args, words", [
    (("moons", 10, 0.0), "unknown data set 'moons'"),
    (("xor", 0, 0.0), "from 1 to 10,000, found 0"),
    (("xor", 10**9, 0.0), "from 1 to 10,000"),
    (("xor", 10, -1.0), "noise must be from 0 to 10"),
])
def test_out_of_range_requests_are_refused_before_work(args, words):
    with pytest.raises(ValueError) as e:
        datasets.generate(*args)
    assert words in str(e.value)
