"""Unit maps in the window (issue 20, item 1), as the user sees them: View ▸ Unit maps draws inside
every hidden and output unit the engine's forward pass over the inputs' plane (checked at sampled
grid points, pixel by pixel), with the legend saying what they are; they follow training and time
travel, reveal nothing in practice, show large on hover, and say why a network of other than two
inputs has none."""
from __future__ import annotations

import numpy as np
import pytest

from engine.files import netfile
from engine.network import outputmap
from engine.network.maths import forward
from guiapp import colours
from tests.spiral import spiral_network
from tests.guiapp.panels.test_practice_reveals import NET_H1, OUT_H1, answer, practise


def train(qtbot, w, n):
    w.train_count.setValue(n)
    w.actions["train"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=120_000)


def pixel(image, r, c, res):
    """The RGBA of grid point (row r, column c) in a map image (its first row drawn at the bottom)."""
    colour = image.pixelColor(c, res - 1 - r)
    return [colour.red(), colour.green(), colour.blue(), colour.alpha()]


def assert_maps_are_the_forward_pass(w, rng, n=12):
    """Every hidden and output unit the diagram shows has the engine's grid of the parameters the
    current iteration starts from: at sampled grid points the forward pass of that point, and
    each pixel that value's colour on the unit's scale."""
    maps, s = w.diagram.unit_maps, w.model.session
    units = [key for key in w.diagram.units if key[0] >= 1]
    assert sorted(maps.grids) == sorted(units)
    bounds = outputmap.extent(s.net.inputs)
    assert maps.bounds == bounds
    for key in units:
        grid, item = maps.grids[key], w.diagram.units[key]
        assert item.map_image is maps.images[key]
        res = grid.shape[0]
        axes = [outputmap.axis(lo, hi, res) for lo, hi in bounds]
        for _ in range(n):
            r, c = (int(v) for v in rng.integers(0, res, 2))
            _, outs = forward(s.plan, s.params, np.array([[axes[0][c], axes[1][r]]]))
            assert grid[r, c] == pytest.approx(outs[key[0]][0, key[1]], rel=1e-12, abs=1e-15)
            expected = colours.map_rgba(np.array([grid[r, c]]), maps.levels[key])[0].tolist()
            assert pixel(item.map_image, r, c, res) == expected


def test_view_unit_maps_draws_the_engines_grid_in_every_hidden_and_output_unit(make_window, qtbot):
    w = make_window("spiral", net=spiral_network())
    train(qtbot, w, 300)
    assert not w.model.unit_maps and all(item.map_image is None for item in w.diagram.units.values())
    assert "Unit maps" not in w.diagram.legend.text()
    w.actions["unit_maps"].trigger()  # View ▸ Unit maps
    assert w.model.unit_maps and w.actions["unit_maps"].isChecked()
    maps = w.diagram.unit_maps
    assert len(maps.grids) == 8 + 8 + 1
    assert_maps_are_the_forward_pass(w, np.random.default_rng(1))
    for (l, j), item in w.diagram.units.items():
        assert (item.map_image is None) == (l == 0)  # inputs have none
    assert all(b.map_image is None for b in w.diagram.bias_units.values())
    assert maps.levels[1, 0] == (-1.0, 1.0) and maps.levels[3, 0] == (0.0, 1.0)  # tanh, sigmoid: their ranges
    # the output unit's map is the output map
    np.testing.assert_array_equal(maps.grids[3, 0], w.output_map.shown_image())
    legend = w.diagram.legend.text()
    assert "Unit maps: each unit's output over i1 (→) and i2 (↑), from dark blue (low) to yellow (high)" in legend
    w.actions["unit_maps"].trigger()
    assert all(item.map_image is None for item in w.diagram.units.values())
    assert "Unit maps" not in w.diagram.legend.text()


def test_the_maps_follow_training_and_time_travel(make_window, qtbot):
    w = make_window("xor")
    w.model.set_unit_maps(True)
    assert w.actions["unit_maps"].isChecked()  # the menu follows the model
    maps = w.diagram.unit_maps
    first = {k: g.copy() for k, g in maps.grids.items()}
    train(qtbot, w, 200)
    assert w.model.session.iteration == 201
    assert_maps_are_the_forward_pass(w, np.random.default_rng(2))
    assert not np.array_equal(first[1, 0], maps.grids[1, 0])
    w.model.go_to_iteration(1)  # time travel: the maps of the parameters iteration 1 starts from
    for key, grid in first.items():
        np.testing.assert_array_equal(maps.grids[key], grid)
    w.model.back_to_latest()
    assert_maps_are_the_forward_pass(w, np.random.default_rng(3))


def test_practising_a_units_map_shows_once_its_outputs_are_answered(make_window, qtbot):
    w = make_window("mazur")
    w.model.set_unit_maps(True)
    units = w.diagram.units
    assert all(units[key].map_image is not None for key in [(1, 0), (1, 1), (2, 0), (2, 1)])
    box = practise(w)
    hidden = [(1, 0), (1, 1), (2, 0), (2, 1)]
    assert all(units[key].map_image is None for key in hidden)  # a map would show out_h1 … at the sample
    answer(qtbot, box, NET_H1)
    assert units[1, 0].map_image is None  # net_h1 answered, out_h1 not yet
    answer(qtbot, box, OUT_H1)
    assert units[1, 0].map_image is not None
    assert all(units[key].map_image is None for key in hidden[1:])
    # hovering a unit whose map is hidden shows nothing
    hover(qtbot, w, units[1, 1])
    assert not w.diagram.unit_maps.popup.isVisible()
    hover(qtbot, w, units[1, 0])
    assert w.diagram.unit_maps.popup.isVisible()
    w.actions["practice"].trigger()  # off: every map again
    assert all(units[key].map_image is not None for key in hidden)


def hover(qtbot, w, item):
    qtbot.mouseMove(w.diagram.viewport(), pos=w.diagram.mapFromScene(item.scenePos()))
    qtbot.wait(10)


def test_hovering_a_unit_shows_its_map_large_beside_it_with_its_scale(make_window, qtbot):
    w = make_window("spiral", net=spiral_network())
    train(qtbot, w, 100)
    w.model.set_unit_maps(True)
    maps = w.diagram.unit_maps
    item = w.diagram.units[2, 3]
    hover(qtbot, w, item)
    popup = maps.popup
    assert popup.isVisible() and maps.hovered is item
    assert popup.title == "out_h2.4" and popup.image is maps.images[2, 3] and popup.scale == (-1.0, 1.0)
    assert popup._texts()[0] == "out_h2.4 over i1, i2"
    unit = w.diagram.mapFromScene(item.sceneBoundingRect()).boundingRect()
    beside = popup.geometry().translated(-w.diagram.viewport().geometry().topLeft())
    assert not beside.intersects(unit) and abs(beside.center().y() - unit.center().y()) <= popup.height() / 2
    assert w.diagram.viewport().rect().contains(beside)
    picture = popup.grab().toImage()  # drawn: the map's colours are in it
    assert picture.width() == popup.width()
    hover(qtbot, w, w.diagram.bias_units[1])  # a bias unit has no map
    assert not popup.isVisible() and maps.hovered is None


@pytest.mark.parametrize("inputs", [1, 3])
def test_a_network_of_other_than_two_inputs_has_no_unit_maps_and_says_why(make_window, inputs):
    spec = {"layers": [inputs, 2, 1], "activations": ["tanh", "sigmoid"], "loss": "bce", "seed": 1,
            "optimizer": {"name": "sgd", "learning_rate": 0.5},
            "samples": [{"input": [0.5 * k] * inputs, "target": [k % 2]} for k in range(3)]}
    w = make_window("n", net=netfile.parse(spec))
    w.model.set_unit_maps(True)
    assert all(item.map_image is None for item in w.diagram.units.values())
    assert (f"Unit maps: drawn for networks of 2 inputs; this one has {inputs}."
            in w.diagram.legend.text())


def test_a_maps_colours_are_the_output_maps_scale_with_nan_transparent(qapp):
    import pyqtgraph as pg

    rng = np.random.default_rng(7)
    values = rng.uniform(-1.5, 2.5, 500)
    rgba = colours.map_rgba(values, (-1.0, 2.0))
    t = np.clip((values + 1.0) / 3.0, 0, 1)
    expected = pg.colormap.get(colours.OUTPUT_MAP).map(t, mode="byte")  # the output map's colour bar
    assert np.abs(rgba.astype(int) - expected.astype(int)).max() <= 4  # 256 steps of the same scale
    assert rgba[values <= -1.0].tolist() == [[0, 32, 77, 255]] * int((values <= -1.0).sum())  # dark blue low
    grids = np.array([[[np.nan, 0.0], [1.0, 0.5]], [[1.0, 0.0], [0.0, 1.0]]])  # two 2×2 grids, two scales
    first, second = colours.map_images(grids, [(0.0, 1.0), (0.0, 2.0)])
    assert first.pixelColor(0, 1).alpha() == 0  # NaN, at grid row 0: the image's bottom row
    assert first.pixelColor(0, 0).getRgb() == tuple(colours.map_table()[-1])  # 1.0, the top of its scale
    assert second.pixelColor(0, 1).getRgb() == tuple(colours.map_table()[128])  # 1.0, the middle of 0 … 2


def test_the_large_map_goes_when_its_unit_is_built_anew(make_window, qtbot):
    w = make_window("xor")
    w.model.set_unit_maps(True)
    maps = w.diagram.unit_maps
    hover(qtbot, w, w.diagram.units[1, 1])
    assert maps.popup.isVisible()
    w.model.set_digits(5)  # the diagram builds its items again: the unit under the mouse is another item
    assert not maps.popup.isVisible() and maps.hovered is None
    assert all(w.diagram.units[key].map_image is maps.images[key] for key in maps.images)
    hover(qtbot, w, w.diagram.units[1, 1])
    assert maps.popup.isVisible() and maps.hovered is w.diagram.units[1, 1]


def test_the_window_remembers_unit_maps_and_regions(make_window, settings_dir):
    from guiapp.model import settings

    w = make_window("xor")
    w.actions["unit_maps"].trigger()
    w.output_map.regions_box.click()
    settings.save_window(w)
    again = make_window("xor")
    assert again.model.unit_maps and again.actions["unit_maps"].isChecked()
    assert again.model.discretize and again.output_map.regions_box.isChecked()
    assert again.diagram.units[1, 0].map_image is not None
    store = settings.store()
    store.setValue("view/unit_maps", "garbage")  # a file edited by hand: off
    store.sync()
    assert not make_window("xor").model.unit_maps
