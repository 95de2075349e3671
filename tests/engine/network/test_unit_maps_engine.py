"""The unit maps' and decision regions' numbers (engine/network/outputmap.py, issue 20, items 1
and 4): every unit's grid from one forward pass, equal to the engine's forward pass (and
PyTorch's) at sampled grid points; the decision regions; the bounded resolution; the colour
scale of a hidden unit."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine import Session, open_network
from engine.files import netfile
from engine.network import maths, outputmap
from engine.network.maths import forward
from tests.spiral import spiral_network
from tests.engine.network.test_outputmap_engine import random_spec
from tests.torch_reference import TorchNet, tensor


def every_unit(net):
    return [(l, j) for l in range(1, net.depth + 1) for j in range(net.sizes[l])]


def at_sampled_points(s, units, grids, bounds, rng, n=25):
    """Each unit's grid at `n` random grid points equals the forward pass of that one point."""
    res = grids.shape[-1]
    axes = [outputmap.axis(lo, hi, res) for lo, hi in bounds]
    for _ in range(n):
        r, c = (int(v) for v in rng.integers(0, res, 2))
        point = [axes[0][c], axes[1][r]] if len(bounds) == 2 else [axes[0][c]]
        _, outs = forward(s.plan, s.params, np.array([point]))
        for k, (l, j) in enumerate(units):
            shown = grids[k][r, c] if len(bounds) == 2 else grids[k][c]
            np.testing.assert_allclose(shown, outs[l][0, j], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["xor", "softmax", "spiral"])
def test_every_units_grid_is_the_forward_pass_at_sampled_grid_points(name):
    s = Session(spiral_network() if name == "spiral" else open_network(name))
    s.run(40)  # trained a little: the maps of the parameters the iteration starts from
    units = every_unit(s.net)
    bounds = outputmap.extent(s.net.inputs)
    grids = outputmap.unit_grids(s.plan, s.params, units, bounds, 37)
    assert grids.shape == (len(units), 37, 37)
    at_sampled_points(s, units, grids, bounds, np.random.default_rng(3))
    # the output layer's grids are the output map's
    depth = s.net.depth
    for j in range(s.net.sizes[-1]):
        np.testing.assert_array_equal(grids[units.index((depth, j))], outputmap.grid(s.plan, s.params, j, bounds, 37))


@pytest.mark.parametrize("seed", range(4))
def test_every_units_grid_equals_pytorch_for_a_random_network(seed):
    rng = np.random.default_rng(10 + seed)
    inputs = 1 if seed == 0 else 2
    sizes = [inputs] + [int(v) for v in rng.integers(1, 7, int(rng.integers(1, 4)))] + [int(rng.integers(2, 4))]
    spec = random_spec(rng, sizes)
    s = Session(netfile.parse(spec))
    bounds = outputmap.extent(s.net.inputs)
    units = every_unit(s.net)
    grids = outputmap.unit_grids(s.plan, s.params, units, bounds, 30)
    with torch.no_grad():
        _, outs = TorchNet(spec).forward(tensor(outputmap.points(bounds, 30)))
    for k, (l, j) in enumerate(units):
        np.testing.assert_allclose(grids[k].ravel(), outs[l].numpy()[:, j], rtol=1e-9, atol=1e-12)
    if inputs == 1:
        at_sampled_points(s, units, grids, bounds, rng)


def test_all_units_come_from_one_forward_pass_in_any_order(monkeypatch):
    s = Session(spiral_network())
    calls = []
    real = maths.forward

    def counted(plan, params, x):
        calls.append(len(x))
        return real(plan, params, x)

    monkeypatch.setattr(outputmap, "forward", counted)
    units = [(3, 0), (1, 5), (2, 0), (1, 0), (2, 7)]  # layers mixed, in no order
    bounds = outputmap.extent(s.net.inputs)
    grids = outputmap.unit_grids(s.plan, s.params, units, bounds, 100)
    assert calls == [100 * 100]  # one pass on the whole grid
    _, outs = real(s.plan, s.params, outputmap.points(bounds, 100))
    for k, (l, j) in enumerate(units):
        np.testing.assert_array_equal(grids[k].ravel(), outs[l][:, j])
    with pytest.raises(ValueError, match="no unit 8 in layer 1"):
        outputmap.unit_grids(s.plan, s.params, [(1, 8)], bounds, 10)
    with pytest.raises(ValueError, match="no unit 0 in layer 0"):
        outputmap.unit_outputs(s.plan, s.params, [(0, 0)], np.zeros((1, 2)))


def test_chunked_unit_grids_are_the_same(monkeypatch):
    s = Session(spiral_network())
    units = every_unit(s.net)
    bounds = outputmap.extent(s.net.inputs)
    whole = outputmap.unit_grids(s.plan, s.params, units, bounds, 40)
    monkeypatch.setattr(outputmap, "MAX_BATCH_VALUES", 19 * 9)  # 9 points per forward call
    np.testing.assert_allclose(outputmap.unit_grids(s.plan, s.params, units, bounds, 40), whole, rtol=1e-15, atol=0)


def test_decision_regions_threshold_one_output_and_pick_the_winning_class():
    one = np.array([[0.2, 0.5, np.nan], [0.49999, 0.9, 1.0]])
    np.testing.assert_array_equal(outputmap.regions(one, softmax=False), [[0.0, 1.0, np.nan], [0.0, 1.0, 1.0]])
    s = Session(open_network("softmax"))
    s.run(30)
    bounds = outputmap.extent(s.net.inputs)
    k = s.net.sizes[-1]
    grids = outputmap.unit_grids(s.plan, s.params, [(s.net.depth, j) for j in range(k)], bounds, 50)
    won = outputmap.regions(grids, softmax=True)
    assert won.shape == (50, 50) and set(np.unique(won)) <= set(range(k))
    np.testing.assert_array_equal(won, np.argmax(grids, axis=0))
    assert len(np.unique(won)) > 1  # the trained network puts classes in different places
    tie = np.array([[[0.5, np.nan]], [[0.5, 0.2]]])
    np.testing.assert_array_equal(outputmap.regions(tie, softmax=True), [[0.0, np.nan]])  # the first of equals


def test_many_maps_get_fewer_points_and_a_hidden_units_scale():
    assert outputmap.resolution([2, 8, 8, 1], 100, maps=17) == 100
    few = outputmap.resolution([2, 256, 256, 1], 100, maps=513)
    assert outputmap.MIN_RESOLUTION <= few < 100 and few ** 2 * 513 <= outputmap.MAX_BATCH_VALUES
    assert outputmap.resolution([2, 8, 1], 100, maps=10 ** 6) == 1  # never more values than the bound
    spiral = spiral_network()
    assert outputmap.levels(spiral, np.array([0.1, 0.3]), np.empty(0), layer=1) == (-1.0, 1.0)  # tanh
    relu = netfile.parse(dict(random_spec(np.random.default_rng(2), [2, 3, 1], loss="mse"),
                              activations=["relu", "linear"]))
    assert outputmap.levels(relu, np.array([0.0, 2.5, np.nan]), np.empty(0), layer=1) == (0.0, 2.5)
    assert outputmap.levels(relu, np.array([0.0, 0.0]), np.empty(0), layer=1) == (-0.5, 0.5)
