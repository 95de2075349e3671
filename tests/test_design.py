"""engine.design: what New network and Edit structure choose, checked by the file's rules."""
import numpy as np
import pytest

from engine import design as designs
from engine import netfile, open_network

WORKED = dict(sizes=[2, 2, 2], activations=["sigmoid", "sigmoid"], loss="half_sse")


def test_build_equals_the_network_file_with_the_same_seed():
    d = designs.Design(**WORKED, seed=7, train_biases=False)
    x, t = np.array([[0.05, 0.1]]), np.array([[0.01, 0.99]])
    net = designs.build(d, x, t)
    spec = {"layers": [2, 2, 2], "activations": ["sigmoid", "sigmoid"], "loss": "half_sse", "seed": 7,
            "train_biases": False, "optimizer": {"name": "sgd", "learning_rate": 0.5},
            "samples": [{"input": [0.05, 0.1], "target": [0.01, 0.99]}]}
    ref = netfile.parse(spec)
    assert netfile.dumps(net) == netfile.dumps(ref)
    bound = 1 / np.sqrt(2)
    assert all(np.all(np.abs(w) <= bound) for w in net.weights)  # nn.Linear's U(−1/√fan_in, 1/√fan_in)


@pytest.mark.parametrize("field, value, reason", [
    ("activations[0]", "softmax", "softmax is allowed on the output layer only"),
    ("activations[1]", "softmax", "a softmax output layer needs the cross_entropy loss"),
    ("loss", "cross_entropy", "the cross_entropy loss needs a softmax output layer"),
    ("loss", "bce", None),
    ("sizes[2]", 300, "at most 256 units in a layer"),
    ("learning_rate", 0.0, "must be positive"),
    ("momentum", 1.0, "must be in [0, 1)"),
    ("update_order", "sequential", None),
])
def test_unavailable_options_say_why_with_the_file_readers_words(field, value, reason):
    got = designs.unavailable(designs.Design(**WORKED), field, value)
    assert (got is None) if reason is None else reason in got


def test_softmax_needs_two_outputs():
    d = designs.Design(sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="mse")
    d.loss = "cross_entropy"
    assert "needs at least 2 units" in designs.unavailable(d, "activations[1]", "softmax")


def test_keep_keeps_every_value_whose_units_stay():
    mazur = open_network("mazur")
    x, t = designs.default_samples([2, 3, 2], "half_sse")
    wider = designs.build(designs.Design(sizes=[2, 3, 2], activations=["sigmoid", "sigmoid"], loss="half_sse", seed=1),
                          x, t, keep=mazur)
    fresh = designs.build(designs.Design(sizes=[2, 3, 2], activations=["sigmoid", "sigmoid"], loss="half_sse", seed=1),
                          x, t)
    np.testing.assert_array_equal(wider.weights[0][:2], mazur.weights[0])
    np.testing.assert_array_equal(wider.weights[0][2], fresh.weights[0][2])  # the new unit's from the seed
    np.testing.assert_array_equal(wider.weights[1][:, :2], mazur.weights[1])
    np.testing.assert_array_equal(wider.weights[1][:, 2], fresh.weights[1][:, 2])
    np.testing.assert_array_equal(wider.biases[0], [0.35, 0.35, fresh.biases[0][2]])
    # a hidden layer added before the outputs: the weights into the outputs come from another layer
    deeper = designs.build(designs.Design(sizes=[2, 2, 2, 2], activations=["sigmoid"] * 3, loss="half_sse"),
                           x[:, :2], t, keep=mazur)
    np.testing.assert_array_equal(deeper.weights[0], mazur.weights[0])
    np.testing.assert_array_equal(deeper.biases[2], mazur.biases[1])
    assert not np.array_equal(deeper.weights[2], mazur.weights[1])


def test_samples_fitted_to_other_sizes_stay_valid():
    softmax = open_network("softmax")
    x, t = designs.fit_samples(softmax.inputs, softmax.targets, [3, 4, 2], "cross_entropy")
    assert x.shape == (6, 3) and np.all(x[:, 2] == 0) and np.array_equal(x[:, :2], softmax.inputs)
    assert np.allclose(t.sum(axis=1), 1.0) and set(np.unique(t)) <= {0.0, 1.0}
    np.testing.assert_array_equal(t[0], [1.0, 0.0])
    np.testing.assert_array_equal(t[2], [1.0, 0.0])  # [0, 0, 1] lost its class: one-hot on the largest left
