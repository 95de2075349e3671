"""Generated data sets (issue 9): reproducible from the seed, within their documented ranges,
turned into targets by the one rule of engine.network.targets."""
import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from engine.files import datasets
from engine.network.targets import targets

SOME = settings(max_examples=60, deadline=None, derandomize=True, database=None)
CLASSIFICATION = [n for n, d in datasets.DATASETS.items() if d.kind == "classification"]
REGRESSION = [n for n, d in datasets.DATASETS.items() if d.kind == "regression"]


def test_the_data_sets():
    assert CLASSIFICATION == ["xor", "circle", "gaussians", "spiral"]
    assert REGRESSION == ["sine", "cubic", "plane"]
    assert [datasets.DATASETS[n].inputs for n in REGRESSION] == [1, 1, 2]
    assert datasets.MAX_SAMPLES == 10_000


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(name):
    a = datasets.generate(name, 50, 0.1, seed=3)
    b = datasets.generate(name, 50, 0.1, seed=3)
    c = datasets.generate(name, 50, 0.1, seed=4)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    assert a.labels == b.labels
    if a.values is not None:
        np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.inputs, c.inputs)
    assert a.inputs.shape == (50, datasets.DATASETS[name].inputs) and a.inputs.dtype == np.float64
    classes = "; classes in order 0, 1" if name in CLASSIFICATION else ""
    assert a.description == f"{name} data set ({datasets.DATASETS[name].text}), 50 samples, noise 0.1, seed 3{classes}"


def test_pinned_numbers():
    """The first samples of two data sets, as numbers: a change of how they are drawn shows."""
    xor = datasets.generate("xor", 3, 0.0, seed=0)
    np.testing.assert_array_equal(xor.inputs, np.random.default_rng(0).uniform(-1, 1, size=(3, 2)))
    assert xor.labels == [str(int((a > 0) != (b > 0))) for a, b in xor.inputs]
    sine = datasets.generate("sine", 2, 0.0, seed=5)
    x = np.random.default_rng(5).uniform(-1, 1, size=(2, 1))
    np.testing.assert_array_equal(sine.inputs, x)
    np.testing.assert_array_equal(sine.values[:, 0], 0.5 + 0.4 * np.sin(np.pi * x[:, 0]))


@SOME
@given(name=st.sampled_from(CLASSIFICATION), n=st.integers(1, 99), seed=st.integers(0, 99))
@example(name="circle", n=1, seed=0)
@example(name="spiral", n=2, seed=7)
def test_classes_without_noise_follow_their_documented_rule(name, n, seed):
    d = datasets.generate(name, n, 0.0, seed)
    x, y = d.inputs, np.array([int(v) for v in d.labels])
    assert d.classes == ["0", "1"] and x.shape == (n, 2)
    r = np.hypot(x[:, 0], x[:, 1])
    if name == "xor":
        assert np.all(np.abs(x) <= 1)
        np.testing.assert_array_equal(y, (x[:, 0] > 0) != (x[:, 1] > 0))
    if name == "circle":
        np.testing.assert_array_equal(y, np.arange(n) % 2 == 0)
        assert np.all(r[y == 1] <= 0.5) and np.all((0.7 <= r[y == 0]) & (r[y == 0] <= 1))
    if name in ("gaussians", "spiral"):
        np.testing.assert_array_equal(y, np.arange(n) % 2)
    if name == "spiral":
        assert np.all(r <= 1 + 1e-12)
    np.testing.assert_array_equal(d.targets(1, "bce")[:, 0], y)
    np.testing.assert_array_equal(d.targets(2, "cross_entropy"), np.eye(2)[y])


def test_gaussian_clusters_are_where_documented():
    d = datasets.generate("gaussians", 2000, 0.0, seed=1)
    y = np.array([int(v) for v in d.labels])
    np.testing.assert_allclose(d.inputs[y == 0].mean(axis=0), [-0.5, -0.5], atol=0.03)
    np.testing.assert_allclose(d.inputs[y == 1].mean(axis=0), [0.5, 0.5], atol=0.03)
    np.testing.assert_allclose(d.inputs[y == 1].std(axis=0), [0.2, 0.2], atol=0.02)
    noisy = datasets.generate("gaussians", 2000, 0.3, seed=1)
    np.testing.assert_allclose(noisy.inputs[y == 1].std(axis=0), [0.5, 0.5], atol=0.05)


@SOME
@given(name=st.sampled_from(REGRESSION), n=st.integers(1, 99), seed=st.integers(0, 99))
@example(name="plane", n=4, seed=0)
def test_regression_values_lie_in_their_range_without_noise(name, n, seed):
    d = datasets.generate(name, n, 0.0, seed)
    x, t = d.inputs, d.targets(1, "bce")
    assert d.labels is None and np.all(np.abs(x) <= 1)
    assert np.all((0.1 <= t) & (t <= 0.9))
    expected = {"sine": lambda: 0.5 + 0.4 * np.sin(np.pi * x[:, 0]), "cubic": lambda: 0.5 + 0.4 * x[:, 0] ** 3,
                "plane": lambda: 0.5 + 0.2 * x[:, 0] + 0.2 * x[:, 1]}[name]()
    np.testing.assert_array_equal(t[:, 0], expected)


def test_noisy_values_outside_0_1_are_refused_for_bce_but_not_for_mse():
    d = datasets.generate("sine", 200, 0.5, seed=0)
    outside = int(np.flatnonzero((d.values[:, 0] < 0) | (d.values[:, 0] > 1))[0])
    with pytest.raises(ValueError) as e:
        d.targets(1, "bce")
    assert str(e.value) == f"sample {outside + 1}: the bce loss needs targets in [0, 1], found {d.values[outside, 0]}"
    np.testing.assert_array_equal(d.targets(1, "mse"), d.values)


@pytest.mark.parametrize("outputs, loss, words", [
    (3, "cross_entropy", "2 classes need an output layer of 2 units (one per class, softmax with cross_entropy) or "
                         "of 1 unit (sigmoid with bce), not 3"),
    (1, "cross_entropy", "2 classes need an output layer of 2 units"),
])
def test_classes_that_do_not_fit_the_output_layer(outputs, loss, words):
    with pytest.raises(ValueError, match=None) as e:
        datasets.generate("xor", 10).targets(outputs, loss)
    assert words in str(e.value)


def test_the_one_target_rule():
    assert targets(3, "cross_entropy", ["b", "a", "c"], ["a", "b", "c"]).tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
    assert targets(1, "mse", ["no", "yes"], ["no", "yes"]).tolist() == [[0.0], [1.0]]
    # integer labels: classes for one unit per class or bce, the integers themselves otherwise
    labels, classes, values = ["1", "2", "2"], ["1", "2"], np.array([[1.0], [2.0], [2.0]])
    assert targets(2, "cross_entropy", labels, classes, values).tolist() == [[1, 0], [0, 1], [0, 1]]
    assert targets(1, "bce", labels, classes, values).tolist() == [[0], [1], [1]]
    assert targets(1, "mse", labels, classes, values).tolist() == [[1], [2], [2]]
    with pytest.raises(ValueError, match="^line 8: the bce loss needs targets in \\[0, 1\\], found 2.0$"):
        targets(1, "bce", values=[[0.5], [2.0]], lines=[7, 8])
    with pytest.raises(ValueError, match="^2 target columns need an output layer of 2 units, not 1$"):
        targets(1, "mse", values=[[0.5, 1.0]])
    with pytest.raises(ValueError, match="^sample 1: the cross_entropy loss needs a probability vector summing to 1"):
        targets(2, "cross_entropy", values=[[0.5, 0.4]])


@pytest.mark.parametrize("args, words", [
    (("moons", 10, 0.0), "unknown data set 'moons' (known: xor, circle, gaussians, spiral, sine, cubic, plane)"),
    (("xor", 0, 0.0), "the number of samples must be from 1 to 10,000, found 0"),
    (("xor", 10_001, 0.0), "the number of samples must be from 1 to 10,000, found 10001"),
    (("xor", 10**9, 0.0), "from 1 to 10,000"),
    (("xor", 2.5, 0.0), "from 1 to 10,000, found 2.5"),
    (("xor", 10, -1.0), "the noise must be from 0 to 10.0, found -1.0"),
    (("xor", 10, float("nan")), "the noise must be from 0 to 10.0, found nan"),
    (("xor", 10, 0.0, -3), "the seed must be a whole number ≥ 0, found -3"),
])
def test_out_of_range_requests_are_refused_before_work(args, words):
    with pytest.raises(ValueError) as e:
        datasets.generate(*args)
    assert words in str(e.value) and "\n" not in str(e.value)
