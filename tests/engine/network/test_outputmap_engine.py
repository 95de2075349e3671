"""The output map's numbers (engine/network/outputmap.py): the engine's forward pass on a grid, equal
to what an iteration records for the same inputs and to PyTorch's forward pass."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine import Session, open_network
from engine.files import netfile
from engine.network import outputmap
from engine.network.maths import forward
from tests.spiral import spiral_network
from tests.torch_reference import TorchNet, tensor


def random_spec(rng, sizes, loss=None):
    """A random network file (dict) of these sizes, every layer a random activation."""
    depth = len(sizes) - 1
    loss = loss or rng.choice(["half_sse", "mse", "bce", "cross_entropy"])
    acts = [str(rng.choice(["sigmoid", "tanh", "relu", "leaky_relu", "linear"])) for _ in range(depth - 1)]
    acts.append({"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss) or "tanh")
    targets = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 5)] if loss == "cross_entropy" \
        else rng.uniform(0, 1, (5, sizes[-1]))
    return {"layers": list(sizes), "activations": acts, "loss": str(loss),
            "weights": [rng.normal(0, 1.5, (sizes[l + 1], sizes[l])).tolist() for l in range(depth)],
            "biases": [rng.normal(0, 0.5, sizes[l + 1]).tolist() for l in range(depth)],
            "optimizer": {"name": "sgd", "learning_rate": 0.1},
            "samples": [{"input": x.tolist(), "target": t.tolist()}
                        for x, t in zip(rng.uniform(-2, 3, (5, sizes[0])), targets)]}


def test_the_extent_is_the_samples_range_with_a_margin():
    x = np.array([[0.0, -1.0], [1.0, 3.0], [0.5, 1.0]])
    assert outputmap.extent(x) == [pytest.approx((-0.1, 1.1)), pytest.approx((-1.4, 3.4))]
    assert outputmap.extent(np.array([[2.0], [2.0]])) == [(1.0, 3.0)]  # one value: ±1 around it
    huge = np.array([[-1.7e308], [1.7e308]])
    (lo, hi), = outputmap.extent(huge)
    assert np.isfinite([lo, hi]).all() and lo < -1.7e308 < 1.7e308 < hi
    assert np.isfinite(outputmap.axis(lo, hi, 7)).all()


def test_the_grid_is_the_forward_pass_on_its_points_in_image_order():
    s = Session(open_network("softmax"))
    bounds = outputmap.extent(s.net.inputs)
    g = outputmap.grid(s.plan, s.params, 2, bounds, 30)
    assert g.shape == (30, 30)
    xs, ys = (outputmap.axis(lo, hi, 30) for lo, hi in bounds)
    _, outs = forward(s.plan, s.params, np.array([[x, y] for y in ys for x in xs]))
    np.testing.assert_array_equal(g, outs[-1][:, 2].reshape(30, 30))
    # row r, column c is the point (first input xs[c], second input ys[r]), row 0 at the bottom
    _, one = forward(s.plan, s.params, np.array([[xs[4], ys[17]]]))
    assert g[17, 4] == pytest.approx(one[-1][0, 2], rel=1e-15)
    assert xs[0] > bounds[0][0] and xs[-1] < bounds[0][1] and np.allclose(np.diff(xs), np.diff(xs)[0])


@pytest.mark.parametrize("name", ["xor", "softmax", "mazur"])
def test_at_the_samples_the_map_is_what_the_iteration_records(name):
    s = Session(open_network(name))
    s.run(25)
    depth = s.net.depth
    for it in range(2):
        idx = s.net.batch_indices(s.iteration).astype(int)
        recorded = s.record["out", depth]  # the forward pass of the current iteration, from session.params
        for unit in range(s.net.sizes[-1]):
            np.testing.assert_array_equal(outputmap.outputs(s.plan, s.params, unit, s.net.inputs[idx]),
                                          recorded[:, unit])
        s.finish_iteration()
        s.step()


def test_chunks_of_a_large_grid_give_the_same_values(monkeypatch):
    s = Session(spiral_network())
    bounds = outputmap.extent(s.net.inputs)
    whole = outputmap.grid(s.plan, s.params, 0, bounds, 50)
    monkeypatch.setattr(outputmap, "MAX_BATCH_VALUES", 19 * 7)  # 7 points per forward call
    chunked = outputmap.grid(s.plan, s.params, 0, bounds, 50)
    np.testing.assert_allclose(chunked, whole, rtol=1e-15, atol=0)


@pytest.mark.parametrize("seed", range(6))
def test_the_grid_equals_pytorch_for_a_random_network(seed):
    rng = np.random.default_rng(seed)
    inputs = 1 if seed % 3 == 0 else 2
    sizes = [inputs] + [int(v) for v in rng.integers(1, 7, int(rng.integers(1, 4)))] + [int(rng.integers(2, 4))]
    spec = random_spec(rng, sizes)
    s = Session(netfile.parse(spec))
    bounds = outputmap.extent(s.net.inputs)
    pts = outputmap.points(bounds, 40)
    with torch.no_grad():
        _, outs = TorchNet(spec).forward(tensor(pts))
    reference = outs[-1].numpy()
    for unit in range(sizes[-1]):
        g = outputmap.grid(s.plan, s.params, unit, bounds, 40)
        assert g.shape == (40,) * inputs
        np.testing.assert_allclose(g.ravel(), reference[:, unit], rtol=1e-9, atol=1e-12)


def test_why_a_network_has_no_map():
    assert outputmap.why_empty(open_network("xor")) is None
    spec = random_spec(np.random.default_rng(0), [3, 4, 2], loss="mse")
    assert "1 or 2 inputs" in outputmap.why_empty(netfile.parse(spec)) and "has 3 inputs" in \
        outputmap.why_empty(netfile.parse(spec))


def test_large_networks_get_fewer_points_and_bounded_outputs_a_fixed_scale():
    assert outputmap.resolution([2, 8, 8, 1], 100) == 100
    assert outputmap.resolution([1, 8, 8, 1], 400) == 400
    few = outputmap.resolution([2] + [60] * 14 + [1], 100)
    assert outputmap.MIN_RESOLUTION <= few < 100
    assert few ** 2 * (2 * 60 + 13 * 60 * 60 + 60) <= outputmap.WORK_BUDGET or few == outputmap.MIN_RESOLUTION
    xor = open_network("xor")
    assert outputmap.levels(xor, np.array([0.2, 0.7]), xor.targets) == (0.0, 1.0)
    linear = netfile.parse(dict(random_spec(np.random.default_rng(1), [2, 3, 1], loss="mse"),
                                activations=["tanh", "linear"]))
    assert outputmap.levels(linear, np.array([-3.0, 2.0]), np.array([[0.5]])) == (-3.0, 2.0)
    assert outputmap.levels(linear, np.array([1.0]), np.array([[1.0]])) == (0.5, 1.5)
