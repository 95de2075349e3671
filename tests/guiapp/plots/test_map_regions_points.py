"""The output map's decision regions and points drawn by hand (issue 20, items 3 and 4), as the
user sees them: the Regions switch shows the engine's regions (one output thresholded at 0.5; a
softmax layer's winning class in its own colour); a click on the map adds a sample of the chosen
class there, Shift+click removes the nearest, each one undo step; refusals are said."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.network import outputmap
from guiapp import colours
from guiapp.plots.outputmap import coordinate


def train(qtbot, w, n):
    w.train_count.setValue(n)
    w.actions["train"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=120_000)


def at(w, x, y):
    """The output map's viewport position of the point (x, y)."""
    plot = w.output_map.plot
    return plot.mapFromScene(plot.getPlotItem().vb.mapViewToScene(QPointF(x, y)))


def click_map(qtbot, w, x, y, shift=False):
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(w.output_map.plot.viewport(), Qt.MouseButton.LeftButton, modifier, pos=at(w, x, y))


def hover_map(qtbot, w, x, y):
    qtbot.mouseMove(w.output_map.plot.viewport(), pos=at(w, x, y))
    qtbot.waitUntil(lambda: w.output_map._hover is not None)


def grid_of(w, units):
    s = w.model.session
    return outputmap.unit_grids(s.plan, s.params, units, outputmap.extent(s.net.inputs), 100)


def test_regions_of_one_output_are_where_it_is_at_least_one_half(make_window, qtbot):
    w = make_window("xor")
    train(qtbot, w, 300)
    m = w.output_map
    values = m.shown_image().copy()
    assert len(np.unique(values)) > 2
    qtbot.mouseClick(m.regions_box, Qt.MouseButton.LeftButton)  # the Regions switch
    assert w.model.discretize and m.regions_box.isChecked()
    shown = m.shown_image()
    np.testing.assert_array_equal(shown, outputmap.regions(grid_of(w, [(2, 0)])[0], softmax=False))
    np.testing.assert_array_equal(shown, (values >= 0.5).astype(float))
    assert set(np.unique(shown)) == {0.0, 1.0} and m.image.getLevels() == pytest.approx((0.0, 1.0))
    assert m.readout.text() == "out_o1 ≥ 0.5 → 1 as iteration 301 starts"
    hover_map(qtbot, w, 0.0, 1.0)  # a sample of target 1, learnt
    assert m.readout.text().endswith("→ 1") and "out_o1 0.9" in m.readout.text()
    w.model.set_discretize(False)  # the switch follows the model
    assert not m.regions_box.isChecked()
    np.testing.assert_array_equal(m.shown_image(), values)


def test_regions_of_softmax_are_the_winning_class_in_its_colour(make_window, qtbot):
    w = make_window("softmax")
    train(qtbot, w, 300)
    m = w.output_map
    assert m.unit_box.isVisible()
    w.model.set_discretize(True)
    shown = m.shown_image()
    grids = grid_of(w, [(2, k) for k in range(3)])
    np.testing.assert_array_equal(shown, np.argmax(grids, axis=0))
    assert set(np.unique(shown)) == {0.0, 1.0, 2.0}  # three classes learnt, three regions
    assert not m.unit_box.isVisible()  # every output unit makes the picture
    assert m.bar.levels() == pytest.approx((-0.5, 2.5))
    ticks = m.bar.axis._tickLevels[0]
    assert ticks == [(0, "1"), (1, "2"), (2, "3")]
    lut = m.image.lut if not callable(m.image.lut) else m.image.lut(m.image.image)
    for k in range(3):  # each class its own colour on the picture
        step = int((k + 0.5) / 3 * (len(lut) - 1))
        assert tuple(lut[step][:3]) == colours.class_colour(k).getRgb()[:3]
    brushes = [p.brush().color().name() for p in m.points.points()]
    classes = np.argmax(w.model.session.net.targets, axis=1)
    assert brushes == [colours.class_colour(int(k)).name() for k in classes]  # samples in their class's colour
    assert m.readout.text() == "The winning class as iteration 301 starts"
    hover_map(qtbot, w, 1.0, 0.2)  # sample 1's inputs: class 1
    assert ": class 1 (P 0.9" in m.readout.text()
    w.model.set_discretize(False)
    assert m.unit_box.isVisible() and m.bar.axis._tickLevels is None
    np.testing.assert_array_equal(m.shown_image(), grids[0])


def test_practising_the_winning_class_is_read_once_answered(make_window, qtbot):
    w = make_window("softmax")
    w.model.set_discretize(True)
    w.actions["practice"].trigger()
    hover_map(qtbot, w, 0.0, 0.0)
    assert w.output_map.readout.text().endswith(": the class once answered")


def test_a_click_adds_a_sample_of_the_class_chosen_and_shift_click_removes_the_nearest(make_window, qtbot):
    w = make_window("softmax")  # mini-batches of 2: the number per iteration stays, the iteration goes on
    train(qtbot, w, 20)
    s, m = w.model.session, w.output_map
    before_inputs, before_targets = s.net.inputs.copy(), s.net.targets.copy()
    m.class_box.setCurrentIndex(1)
    click_map(qtbot, w, 0.3, -0.2)
    net = w.model.session.net
    assert net.n_samples == 7 and w.undo_stack.index() == 1 and w.model.session.iteration == 21
    added = net.inputs[-1]
    steps = [(hi - lo) / 100 for lo, hi in outputmap.extent(before_inputs)]
    assert added == pytest.approx([0.3, -0.2], abs=2 * max(steps))
    assert [coordinate(v, step)[0] for v, step in zip(added, steps)] == added.tolist()  # at the grid's precision
    assert net.targets[-1].tolist() == [0.0, 1.0, 0.0]
    np.testing.assert_array_equal(net.inputs[:6], before_inputs)
    assert w.undo_stack.undoText().startswith("add a sample at (0.") and w.undo_stack.undoText().endswith(
        "of class 2 (o2)")
    x, y = m.points.getData()
    assert (x[-1], y[-1]) == tuple(added)  # drawn on the map
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(w.model.session.net.inputs, before_inputs)
    np.testing.assert_array_equal(w.model.session.net.targets, before_targets)
    w.actions["redo"].trigger()
    assert w.model.session.net.n_samples == 7
    # Shift+click near sample 3 (0.1, −1.0): that one goes
    click_map(qtbot, w, 0.13, -0.95, shift=True)
    net = w.model.session.net
    assert net.n_samples == 6 and w.undo_stack.undoText() == "remove sample 3"
    assert [0.1, -1.0] not in net.inputs.tolist() and added.tolist() in net.inputs.tolist()
    w.actions["undo"].trigger()
    assert w.model.session.net.inputs[2].tolist() == [0.1, -1.0] and w.model.session.net.n_samples == 7


def test_one_output_takes_the_target_typed_and_refusals_are_said(make_window, qtbot):
    w = make_window("xor")
    m = w.output_map
    assert not m.class_box.isVisible() and m.target_edit.isVisible()
    m.target_edit.setText("0")
    click_map(qtbot, w, 0.5, 0.5)
    net = w.model.session.net
    assert net.n_samples == 5 and net.targets[-1].tolist() == [0.0]
    assert w.undo_stack.undoText().endswith("of target 0")
    for typed, said in (("2", "No sample added: "), ("two", "No sample added: the target")):
        m.target_edit.setText(typed)
        click_map(qtbot, w, 0.6, 0.6)
        assert w.model.session.net.n_samples == 5 and w.undo_stack.index() == 1
        assert w.statusBar().currentMessage().startswith(said), w.statusBar().currentMessage()
    m.target_edit.setText("1")
    for _ in range(4):  # down to one sample
        click_map(qtbot, w, 0.5, 0.5, shift=True)
    assert w.model.session.net.n_samples == 1
    click_map(qtbot, w, 0.5, 0.5, shift=True)
    assert w.model.session.net.n_samples == 1
    assert "it is the last one" in w.statusBar().currentMessage()
    for _ in range(5):
        w.actions["undo"].trigger()
    assert w.model.session.net.n_samples == 4 and not w.undo_stack.canUndo()


def test_no_sample_changes_while_training(make_window, qtbot):
    w = make_window("xor")
    w.train_count.setValue(10_000_000)
    w.actions["train"].trigger()
    assert w.model.busy
    click_map(qtbot, w, 0.5, 0.5)
    click_map(qtbot, w, 0.0, 0.0, shift=True)
    assert "cannot change while training runs" in w.statusBar().currentMessage()
    w.model.cancel_job()
    qtbot.waitUntil(lambda: not w.model.busy)
    assert w.model.session.net.n_samples == 4 and not w.undo_stack.canUndo()


def test_a_click_adds_a_test_sample_when_test_samples_are_chosen(make_window, qtbot, tmp_path):
    """Item 3's "in the samples or the test samples (chosen beside the map)": the chooser sends
    a click to the test samples (the map's coordinates, the class chosen), one undo step; the
    network saved has it in "test_samples", the evaluation counts it; Shift+click removes the
    nearest test sample, and the last one may go (no test samples then)."""
    from engine import open_network
    from engine.network.maths import Params
    from engine.session.evaluation import Evaluator

    w = make_window("softmax")
    m = w.output_map
    assert m.set_box.isVisible() and [m.set_box.itemText(k) for k in range(2)] == ["Samples", "Test samples"]
    s = w.model.session
    inputs, targets = s.net.inputs.copy(), s.net.targets.copy()
    assert s.net.n_test == 0
    m.set_box.setCurrentIndex(1)
    m.class_box.setCurrentIndex(2)
    click_map(qtbot, w, 0.3, -0.2)
    net = w.model.session.net
    assert net.n_test == 1 and w.undo_stack.index() == 1
    np.testing.assert_array_equal(net.inputs, inputs)  # the samples trained on stay as they were
    np.testing.assert_array_equal(net.targets, targets)
    steps = [(hi - lo) / 100 for lo, hi in outputmap.extent(inputs)]
    added = net.test_inputs[0]
    assert added == pytest.approx([0.3, -0.2], abs=2 * max(steps))
    assert [coordinate(v, step)[0] for v, step in zip(added, steps)] == added.tolist()
    assert net.test_targets[0].tolist() == [0.0, 0.0, 1.0]
    assert w.undo_stack.undoText().startswith("add a test sample at (") and \
        w.undo_stack.undoText().endswith("of class 3 (o3)")
    # the evaluation counts it: the test loss is cross-entropy of that one sample
    evaluation = Evaluator(net).report(w.model.session.params)
    assert evaluation.test.samples == 1 and evaluation.training.samples == 6
    p = outputmap.unit_outputs(w.model.session.plan, w.model.session.params, [(2, k) for k in range(3)],
                               added[None, :])[:, 0]
    assert evaluation.test.loss == pytest.approx(-np.log(p[2]), rel=1e-12)
    # saved: the file has it in "test_samples", and opens with it
    path = tmp_path / "with-test.json"
    assert w.files.save_to(str(path))
    import json
    written = json.loads(path.read_text())
    assert written["test_samples"] == [{"input": added.tolist(), "target": [0.0, 0.0, 1.0]}]
    assert len(written["samples"]) == 6
    back = open_network(str(path))
    np.testing.assert_array_equal(back.test_inputs, net.test_inputs)
    assert Evaluator(back).report(Params.of(back)).test.samples == 1
    # a second one, then Shift+click removes the test sample nearest, not a training sample
    click_map(qtbot, w, -0.8, 0.8)
    assert w.model.session.net.n_test == 2
    click_map(qtbot, w, 0.35, -0.25, shift=True)
    net = w.model.session.net
    assert net.n_test == 1 and net.n_samples == 6 and w.undo_stack.undoText() == "remove test sample 1"
    assert net.test_inputs[0] == pytest.approx([-0.8, 0.8], abs=2 * max(steps))
    click_map(qtbot, w, 0.0, 0.0, shift=True)  # the last test sample may go: none then
    assert w.model.session.net.test_inputs is None and w.model.session.net.n_test == 0
    click_map(qtbot, w, 0.0, 0.0, shift=True)
    assert "there are none" in w.statusBar().currentMessage() and w.undo_stack.index() == 4
    for k in (1, 2, 1, 0):  # each undo one point back
        w.actions["undo"].trigger()
        assert w.model.session.net.n_test == k
    np.testing.assert_array_equal(w.model.session.net.inputs, inputs)
    assert not w.undo_stack.canUndo()
