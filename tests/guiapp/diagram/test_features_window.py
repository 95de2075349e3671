"""Input features in the window (issue 20, item 2), as the user sees them: the input units named
by their feature with its value of the sample shown (i3 = x1·x2 = …), the chips over the diagram
that turn a feature on and off (one undo step each, the other inputs' weights kept), the
structure dialog listing them, the output map, the unit maps, the samples table and points by
hand over the raw plane (x1, x2), a raw input edited where a unit is one as it is."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.concepts import features as F
from engine.files import netfile
from engine.network import outputmap
from engine.network.maths import forward
from guiapp.diagram.content import unit_lines
from guiapp.model.session import UnitRef, ValueRef
from tests.engine.network.test_features import spec_of
from tests.guiapp.plots.test_map_regions_points import click_map
from tests.guiapp.dialogs.test_structure_dialog import dialog_of, ok

FEATURES = ["x1", "x2", "x1*x2", "sin(x1)"]


def feature_net(features=FEATURES, raw=2):
    return netfile.parse(spec_of(features, raw, "tanh-sigmoid, bce, batches of 3, momentum"))


def chip(w, spelling):
    return w.feature_bar.chips[spelling]


def test_the_diagram_names_each_input_by_its_feature_with_the_samples_value(make_window):
    net = feature_net()
    w = make_window("features", net=net)
    raw = net.inputs[net.batch_indices(1)[0]]
    values = [raw[0], raw[1], raw[0] * raw[1], np.sin(raw[0])]
    fmt = w.model.fmt
    for j, (text, value) in enumerate(zip(["x1", "x2", "x1·x2", "sin(x1)"], values)):
        assert unit_lines(w.model.session, w.model.fmt, None, 0, j, 0) == [f"i{j + 1} = {text} = {fmt(value)}"]
    assert "inputs x1, x2, x1·x2, sin(x1)" in w.header.plain_text()
    assert w.diagram.units[0, 2].toolTip() == "i3 = x1·x2, computed from the sample's raw inputs"  # labels hidden too
    # the raw inputs are the samples table's columns
    w.actions["samples"].trigger()
    table = w.network.samples_editor.table
    assert [table.headerData(k, Qt.Orientation.Horizontal) for k in range(table.columnCount())] == [
        "x1", "x2", "target o1"]
    assert table.rowCount() == net.n_samples
    table.add_row()  # a raw sample (0, 0) with the first sample's target: one undo step
    after = w.model.session.net
    assert after.inputs.shape == (net.n_samples + 1, 2) and after.inputs[-1].tolist() == [0.0, 0.0]
    assert after.features == net.features and w.undo_stack.undoText() == "add sample 8"


def test_a_chip_turns_a_feature_on_and_off_one_undo_step_each(make_window, qtbot):
    w = make_window("xor")  # the raw inputs as they are
    old = w.model.session.current_network()
    w.actions["input_features"].trigger()  # View ▸ Input features
    assert w.feature_bar.isVisible()
    assert [c.text() for c in w.feature_bar.chips.values()] == [
        "x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)", "cos(x1)", "cos(x2)"]
    assert [s for s, c in w.feature_bar.chips.items() if c.isChecked()] == ["x1", "x2"]
    qtbot.mouseClick(chip(w, "x1*x2"), Qt.MouseButton.LeftButton)
    net = w.model.session.current_network()
    assert F.spellings(net.features) == ["x1", "x2", "x1*x2"] and net.sizes == [3, *old.sizes[1:]]
    assert w.model.session.iteration == 1 and w.undo_stack.undoText() == "input feature x1·x2 on"
    np.testing.assert_array_equal(net.inputs, old.inputs)  # the samples stay raw
    np.testing.assert_array_equal(net.weights[0][:, :2], old.weights[0])  # x1's and x2's weights kept
    np.testing.assert_array_equal(net.weights[1], old.weights[1])
    assert chip(w, "x1*x2").isChecked()
    # the session computes with it: the first hidden unit's net input of sample 1
    x = net.inputs[net.batch_indices(1)[0]]
    w.model.finish_iteration()
    h = net.weights[0][0] @ [x[0], x[1], x[0] * x[1]] + net.biases[0][0]
    assert w.model.session.record["net", 1][0, 0] == pytest.approx(h, rel=1e-12)
    # x1 off: x2 and x1·x2 keep their weights
    qtbot.mouseClick(chip(w, "x1"), Qt.MouseButton.LeftButton)
    after = w.model.session.current_network()
    assert F.spellings(after.features) == ["x2", "x1*x2"]
    np.testing.assert_array_equal(after.weights[0], net.weights[0][:, 1:])
    assert not chip(w, "x1").isChecked() and w.undo_stack.count() == 2
    w.actions["undo"].trigger()
    assert F.spellings(w.model.session.net.features) == ["x1", "x2", "x1*x2"] and chip(w, "x1").isChecked()
    w.actions["undo"].trigger()  # back to the network as it was, without features
    back = w.model.session.current_network()
    assert back.features == () and back.sizes == old.sizes and not chip(w, "x1*x2").isChecked()
    np.testing.assert_array_equal(back.weights[0], old.weights[0])
    w.actions["redo"].trigger()
    assert F.spellings(w.model.session.net.features) == ["x1", "x2", "x1*x2"]
    # off again: the raw inputs as they are are no features at all
    qtbot.mouseClick(chip(w, "x1*x2"), Qt.MouseButton.LeftButton)
    assert w.model.session.net.features == () and w.model.session.net.sizes == old.sizes


def test_the_last_input_cannot_be_turned_off(make_window, qtbot):
    w = make_window("features", net=feature_net(["sin(x2)"]))
    w.actions["input_features"].trigger()
    qtbot.mouseClick(chip(w, "sin(x2)"), Qt.MouseButton.LeftButton)
    assert F.spellings(w.model.session.net.features) == ["sin(x2)"] and w.undo_stack.count() == 0
    assert chip(w, "sin(x2)").isChecked()
    assert w.statusBar().currentMessage() == "sin(x2) stays: sin(x2) is the only input: an input layer needs at " \
                                             "least one"


def test_the_chips_are_off_while_training(make_window, qtbot):
    w = make_window("features", net=feature_net())
    w.actions["input_features"].trigger()
    w.train_count.setValue(100_000)
    w.actions["train"].trigger()
    assert w.model.busy and not w.feature_bar.isEnabled()
    w.model.cancel_job()
    qtbot.waitUntil(lambda: not w.model.busy)
    assert w.feature_bar.isEnabled()


def test_the_structure_dialog_lists_the_features_and_takes_new_ones(make_window, qtbot):
    w = make_window("features", net=feature_net())
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    assert d.features.text() == "x1, x2, x1*x2, sin(x1)"
    assert d.unit_boxes[0].value() == 4 and not d.unit_boxes[0].isEnabled()
    d.features.selectAll()
    qtbot.keyClicks(d.features, "x1, x3")
    assert d.problem.text() == "Input feature 2: no raw input x3: the samples have 2 (x1 to x2)"
    assert not d.buttons.button(d.buttons.StandardButton.Ok).isEnabled()
    d.features.selectAll()
    qtbot.keyClicks(d.features, "x2^2, cos(x1)")
    assert d.unit_boxes[0].value() == 2 and d.problem.text() == ""
    ok(qtbot, d)
    net = w.model.session.net
    assert F.spellings(net.features) == ["x2^2", "cos(x1)"] and net.sizes[0] == 2 and net.raw_width == 2
    w.actions["undo"].trigger()
    assert F.spellings(w.model.session.net.features) == FEATURES
    # emptied: the raw inputs are the input layer again
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    d.features.selectAll()
    qtbot.keyClick(d.features, Qt.Key.Key_Delete)
    assert d.unit_boxes[0].value() == 2 and d.unit_boxes[0].isEnabled()
    ok(qtbot, d)
    assert w.model.session.net.features == () and w.model.session.net.sizes[0] == 2


def test_a_new_network_with_features_has_a_sample_of_the_raw_inputs_they_read(make_window, qtbot, monkeypatch):
    w = make_window("xor")
    monkeypatch.setattr(w.files, "maybe_save", lambda *a: True)
    w.actions["new_network"].trigger()
    d = dialog_of(w)
    d.features.selectAll()
    qtbot.keyClicks(d.features, "x1, x3^2")
    assert d.unit_boxes[0].value() == 2
    ok(qtbot, d)
    net = w.model.session.net
    assert F.spellings(net.features) == ["x1", "x3^2"] and net.inputs.shape == (1, 3)


def test_the_output_map_and_unit_maps_are_over_the_raw_plane(make_window, qtbot):
    net = feature_net(["x1^2", "x2^2", "x1*x2"])
    w = make_window("features", net=net)
    m = w.output_map
    assert m._dims == 2 and m.plot.getAxis("bottom").labelText == "x1" and m.plot.getAxis("left").labelText == "x2"
    s = w.model.session
    w.actions["unit_maps"].trigger()
    maps = w.diagram.unit_maps
    assert maps.why_none() is None and "over x1 (→) and x2 (↑)" in w.diagram.legend.text()
    bounds = outputmap.extent(s.net.inputs)
    assert maps.bounds == bounds
    rng = np.random.default_rng(0)
    for key, grid in maps.grids.items():
        res = grid.shape[0]
        axes = [outputmap.axis(lo, hi, res) for lo, hi in bounds]
        for _ in range(5):
            r, c = (int(v) for v in rng.integers(0, res, 2))
            x1, x2 = axes[0][c], axes[1][r]
            _, outs = forward(s.plan, s.params, np.array([[x1 * x1, x2 * x2, x1 * x2]]))
            assert grid[r, c] == pytest.approx(outs[key[0]][0, key[1]], rel=1e-12, abs=1e-15)
    # a click adds a raw sample (x1, x2)
    before = s.net.inputs.copy()
    click_map(qtbot, w, 0.5, -0.5)
    after = w.model.session.net
    assert after.inputs.shape == (len(before) + 1, 2) and after.features == net.features
    assert after.inputs[-1] == pytest.approx([0.5, -0.5], abs=0.1)


def test_a_raw_input_is_edited_where_its_unit_is_one_as_it_is(make_window):
    net = feature_net(["x2", "x1*x2"])
    w = make_window("features", net=net)
    sample = int(w.model.session.record.samples[0])
    w.model.set_selection(UnitRef(0, 0))  # i1 = x2: raw input x2
    ref = w.model.value_ref(w.model.selection)
    assert ref == ValueRef("input", (sample, 1)) and ref.describe(w.model.session).startswith("x2 of sample")
    w.model.set_selection(UnitRef(0, 1))  # i2 = x1·x2: computed, not typed
    assert w.model.value_ref(w.model.selection) is None


def test_generated_data_keeps_the_features_its_raw_inputs_can_feed(make_window):
    from engine.files import datasets

    w = make_window("features", net=feature_net())
    assert w.network.use_data(datasets.generate("sine", 20, 0.0, seed=1), "sine")  # one raw input: x1
    net = w.model.session.net
    assert F.spellings(net.features) == ["x1", "sin(x1)"] and net.sizes[0] == 2 and net.inputs.shape == (20, 1)
    assert w.network.use_data(datasets.generate("xor", 8, 0.0, seed=1), "xor")  # two raw inputs: both stay
    net = w.model.session.net
    assert F.spellings(net.features) == ["x1", "sin(x1)"] and net.inputs.shape == (8, 2)
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert F.spellings(w.model.session.net.features) == FEATURES


def test_more_raw_inputs_than_chips_say_where_to_type_the_features(make_window):
    from guiapp.panels.features import MAX_CHIPS, FeatureBar

    assert [len(FeatureBar.offered(n)) for n in range(1, 7)] == [4, 9, 15, 22, 0, 0]
    assert all(len(F.palette(n)) > MAX_CHIPS for n in (5, 6))
    w = make_window("features", net=feature_net(["x1", "x5^2"], raw=5))
    w.actions["input_features"].trigger()
    assert w.feature_bar.chips == {} and w.feature_bar.note.isVisible()
    assert w.feature_bar.note.text() == "the samples have 5 raw inputs: type the features in Network ▸ Edit structure"
    w.model.finish_iteration()  # the model changes: nothing is made again
    assert w.feature_bar.chips == {}


def test_the_window_remembers_the_feature_chips(make_window, settings_dir):
    from guiapp.model import settings

    w = make_window("xor")
    assert not w.actions["input_features"].isChecked() and not w.feature_bar.isVisible()
    w.actions["input_features"].trigger()
    settings.save_window(w)
    again = make_window("xor")
    assert again.actions["input_features"].isChecked() and again.feature_bar.isVisible()
