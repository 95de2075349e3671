"""The output map (issue 9, item 5) as the user sees it: the image the window shows is the
engine's grid and the engine's forward pass on it; a curve for one input; why it is empty for
three; it follows training, stepping, edits, the output unit chosen or selected; View ▸ Output
map; hover; text size and palette."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication

from engine.files import netfile
from engine import open_network
from tests.conftest import leave_unchanged
from engine.network import outputmap
from engine.network.maths import forward
from tests.driver import train
from tests.spiral import spiral_network

ROOT = Path(__file__).resolve().parents[3]
DEEP = str(ROOT / "tests" / "data" / "3-4-4-2.json")
ONE_INPUT = {"name": "one input", "layers": [1, 4, 1], "activations": ["tanh", "linear"], "loss": "mse", "seed": 2,
             "optimizer": {"name": "sgd", "learning_rate": 0.1},
             "samples": [{"input": [x], "target": [x * x - 0.5]} for x in (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5)]}
WIDE = {"name": "wide", "layers": [2, 32, 32, 32, 4], "activations": ["relu", "tanh", "leaky_relu", "softmax"],
        "loss": "cross_entropy", "seed": 5, "optimizer": {"name": "sgd", "learning_rate": 0.1},
        "samples": [{"input": [np.cos(k), np.sin(2 * k)], "target": list(np.eye(4)[k % 4])} for k in range(12)]}


def expected_grid(w, unit):
    """The engine's grid of the window's session, at the resolution the map uses."""
    s = w.model.session
    resolution = outputmap.resolution(s.net.sizes, 100 if s.net.sizes[0] == 2 else 400)
    return outputmap.grid(s.plan, s.params, unit, outputmap.extent(s.net.inputs), resolution)


def assert_shows(w, unit):
    """The image is the engine's grid of `unit`, and the forward pass on the grid's points."""
    s = w.model.session
    image = w.output_map.shown_image()
    assert image is not None and w.output_map.unit() == unit
    np.testing.assert_array_equal(image, expected_grid(w, unit))
    n = image.shape[0]
    _, outs = forward(s.plan, s.params, outputmap.points(outputmap.extent(s.net.inputs), n))
    np.testing.assert_array_equal(image, outs[-1][:, unit].reshape(n, n))


def test_the_image_is_the_engines_grid_over_the_samples_with_the_samples_on_it(make_window):
    w = make_window("xor")
    m, s = w.output_map, w.model.session
    assert m.isVisible() and w.actions["output_map"].isChecked()
    assert_shows(w, 0)
    (x0, x1), (y0, y1) = outputmap.extent(s.net.inputs)
    rect = m.image.mapRectToParent(m.image.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((x0, x1, y0, y1))
    assert m.image.getLevels() == pytest.approx((0.0, 1.0)) == m.bar.levels()  # a sigmoid output
    x, y = m.points.getData()
    np.testing.assert_array_equal(np.stack([x, y], 1), s.net.inputs)
    brushes = [p.brush().color().name() for p in m.points.points()]
    expected = [m.colour_map.map(t, mode="qcolor").name() for t in s.net.targets[:, 0]]
    assert brushes == expected  # each sample in its target's colour
    assert m.plot.getAxis("bottom").labelText == "i1" and m.plot.getAxis("left").labelText == "i2"
    assert m.readout.text() == "out_o1 as iteration 1 starts"


def test_one_input_shows_the_output_curve_and_the_samples(make_window):
    w = make_window("one", net=netfile.parse(ONE_INPUT))
    m, s = w.output_map, w.model.session
    assert m.shown_image() is None and not m.image.isVisible() and not m.bar.isVisible() and m.curve.isVisible()
    x, y = m.curve.xData, m.curve.yData
    bounds = outputmap.extent(s.net.inputs)
    np.testing.assert_array_equal(x, outputmap.axis(*bounds[0], 400))
    np.testing.assert_array_equal(y, expected_grid(w, 0))
    _, outs = forward(s.plan, s.params, x[:, None])
    np.testing.assert_array_equal(y, outs[-1][:, 0])
    px, py = m.points.getData()
    np.testing.assert_array_equal(px, s.net.inputs[:, 0])
    np.testing.assert_array_equal(py, s.net.targets[:, 0])
    assert m.plot.getAxis("left").labelText == "out_o1"
    w.model.replace(open_network("xor"), "xor")  # and back to a plane
    assert m.bar.isVisible() and m.image.isVisible() and not m.curve.isVisible()
    assert_shows(w, 0)


def test_three_inputs_say_why_the_map_is_empty(make_window):
    w = make_window("deep", net=netfile.load(DEEP))
    m = w.output_map
    assert m.stack.currentWidget() is m.empty and m.empty.isVisible()
    assert m.empty.text() == outputmap.why_empty(w.model.session.net)
    assert "1 or 2 inputs" in m.empty.text() and "3 inputs" in m.empty.text()
    assert m.empty.textFormat() == Qt.TextFormat.PlainText and not m.unit_box.isVisible()
    w.model.replace(open_network("softmax"), "softmax")
    assert m.stack.currentWidget() is m.plot
    assert_shows(w, 0)


def test_the_map_follows_training_and_moves_only_when_the_iteration_does(qtbot, make_window):
    w = make_window("xor")
    m = w.output_map
    before = m.shown_image().copy()
    for _ in range(5):  # stepping through the forward pass: the same parameters
        w.actions["step"].trigger()
    assert m.shown_image() is not None and np.array_equal(m.shown_image(), before)
    w.actions["finish_iteration"].trigger()
    np.testing.assert_array_equal(m.shown_image(), before)  # the update is shown, not yet started from
    w.actions["step"].trigger()  # iteration 2 starts from the updated parameters
    assert w.model.session.iteration == 2 and not np.array_equal(m.shown_image(), before)
    assert_shows(w, 0)
    train(qtbot, w, 200)
    assert w.model.session.iteration == 202
    assert_shows(w, 0)
    assert m.readout.text() == "out_o1 as iteration 202 starts"


def test_the_map_is_live_while_training(qtbot, make_window):
    w = make_window("xor")
    m, s = w.output_map, w.model.session
    before = m.shown_image().copy()
    announced = []  # the parameters at each refresh of the views
    w.model.changed.connect(lambda: announced.append(s.params.copy()))
    w.train_count.setValue(5_000_000)
    w.actions["train"].trigger()
    qtbot.waitUntil(lambda: not np.array_equal(m.shown_image(), before), timeout=60_000)
    assert w.model.busy  # changed during training, not only at its end
    bounds = outputmap.extent(s.net.inputs)
    np.testing.assert_array_equal(m.shown_image(), outputmap.grid(s.plan, announced[-1], 0, bounds, 100))
    w.actions["stop"].trigger()
    assert not w.model.busy
    assert_shows(w, 0)


def test_an_edited_weight_changes_the_map(qtbot, make_window):
    from guiapp.model import commands
    from guiapp.model.session import ValueRef

    w = make_window("xor")
    before = w.output_map.shown_image().copy()
    w.undo_stack.push(commands.edit_command(w.model, ValueRef("param", "w7"), 3.0))
    assert not np.array_equal(w.output_map.shown_image(), before)
    assert_shows(w, 0)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(w.output_map.shown_image(), before)


def test_the_output_unit_shown_is_the_selected_one_or_else_the_one_chosen(qtbot, make_window):
    from guiapp.model.session import UnitRef, ValueRef

    w = make_window("softmax")
    m, model = w.output_map, w.model
    assert m.unit_box.isVisible() and [m.unit_box.itemText(k) for k in range(3)] == ["o1", "o2", "o3"]
    assert_shows(w, 0)
    assert m.readout.text() == "P(class 1) as iteration 1 starts"
    m.unit_box.activated.emit(2)  # chosen beside the title
    m.unit_box.setCurrentIndex(2)
    assert_shows(w, 2)
    assert m.readout.text().startswith("P(class 3)")
    model.set_selection(UnitRef(2, 1))  # o2 selected in the diagram
    assert_shows(w, 1)
    assert m.unit_box.currentIndex() == 1
    model.set_selection(ValueRef("param", "w3"))  # something else: the choice again
    assert_shows(w, 2)
    model.set_selection(UnitRef(1, 0))  # a hidden unit: the choice too
    assert_shows(w, 2)
    model.set_selection(UnitRef(2, 0))
    m.unit_box.activated.emit(1)  # choosing here while an output is selected selects that one
    assert model.selection == UnitRef(2, 1)
    assert_shows(w, 1)
    # softmax: the probability of the class, between 0 and 1 whatever the parameters
    assert m.image.getLevels() == pytest.approx((0.0, 1.0))
    assert 0.0 <= m.shown_image().min() and m.shown_image().max() <= 1.0


@pytest.mark.parametrize("name", ["xor", "softmax", "mazur", "spiral", "wide"])
def test_presets_and_larger_networks(qtbot, make_window, name):
    net = {"spiral": spiral_network, "wide": lambda: netfile.parse(WIDE)}.get(name, lambda: open_network(name))()
    w = make_window(name, net=net)
    units = w.model.session.net.sizes[-1]
    for unit in range(units):
        w.output_map.unit_box.activated.emit(unit)
        assert_shows(w, unit)
    train(qtbot, w, 30)
    assert_shows(w, units - 1)
    if name == "wide":
        n = w.output_map.shown_image().shape[0]
        assert n == outputmap.resolution(w.model.session.net.sizes, 100)


def test_hovering_reads_the_input_and_the_output_there(qtbot, make_window):
    w = make_window("xor")
    m, s = w.output_map, w.model.session
    vb = m.plot.getPlotItem().vb
    m._mouse_moved(vb.mapViewToScene(QPointF(0.2501234, 0.7498)))
    text = m.readout.text()
    assert text.startswith("i1 0.25, i2 0.75: out_o1 ")
    expected = outputmap.outputs(s.plan, s.params, 0, np.array([[0.25, 0.75]]))[0]
    assert text.endswith(w.model.fmt(expected))
    x, y = m.hover_dot.getData()
    assert (list(x), list(y)) == ([0.25], [0.75])
    w.model.set_digits(4)
    assert m.readout.text().endswith(w.model.fmt(expected)) and len(w.model.fmt(expected)) <= 6
    m.eventFilter(m.plot.viewport(), QEvent(QEvent.Type.Leave))
    assert m.readout.text() == "out_o1 as iteration 1 starts" and len(m.hover_dot.getData()[0]) == 0
    m._mouse_moved(vb.mapViewToScene(QPointF(5.0, 5.0)))  # outside the map
    assert m.readout.text() == "out_o1 as iteration 1 starts"


def test_view_output_map_hides_it_computes_nothing_hidden_and_is_remembered(qtbot, make_window, monkeypatch):
    from guiapp.plots import outputmap as view

    w = make_window("xor")
    calls = []
    original = view.outputmap.grid
    monkeypatch.setattr(view.outputmap, "grid", lambda *a, **k: (calls.append(1), original(*a, **k))[1])
    w.actions["output_map"].trigger()
    assert not w.output_map.isVisible() and w.plot.isVisible()
    train(qtbot, w, 20)
    w.actions["step"].trigger()
    assert calls == []  # hidden: nothing computed
    w.actions["output_map"].trigger()
    assert w.output_map.isVisible() and len(calls) == 1
    assert_shows(w, 0)
    w.actions["output_map"].trigger()
    leave_unchanged(w)  # trained: closing would ask to save
    w.close()

    from guiapp.window import MainWindow

    w2 = MainWindow(open_network("xor"), "xor")
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    assert not w2.actions["output_map"].isChecked() and not w2.output_map.isVisible()
    w2.actions["output_map"].trigger()
    w2.close()
    w3 = MainWindow(open_network("xor"), "xor")
    qtbot.addWidget(w3)
    w3.show()
    qtbot.waitExposed(w3)
    assert w3.actions["output_map"].isChecked() and w3.output_map.isVisible()
    w3.close()


def test_presentation_mode_hides_the_bottom_and_brings_it_back(qtbot, make_window):
    w = make_window("xor")
    w.actions["presentation"].trigger()
    assert not w.output_map.isVisible() and not w.plot.isVisible()
    train(qtbot, w, 10)
    w.actions["presentation"].trigger()
    assert w.output_map.isVisible() and w.plot.isVisible()
    assert_shows(w, 0)


def test_the_window_keeps_its_smallest_size_with_the_map(qtbot, make_window):
    w = make_window("softmax", size=(1024, 700))
    w.output_map.readout.set_text("a very long read-out " * 20)  # is shortened, does not widen the window
    qtbot.wait(10)
    assert w.width() == 1024
    shown = w.output_map.readout.shown()
    assert shown.endswith("…") and shown.startswith("a very long") and w.output_map.readout.toolTip()
    assert w.output_map.width() > 150 and w.output_map.plot.height() > 100


def test_the_map_follows_the_palette_and_the_text_size(qtbot, make_window):
    from guiapp import colours

    w = make_window("xor")
    m = w.output_map
    app = QApplication.instance()
    light = app.palette()
    try:
        app.setPalette(colours.dark_palette())
        qtbot.wait(10)
        background = m.plot.backgroundBrush().color()
        assert colours.luminance(background) < 0.2
        for axis in (m.plot.getAxis("left"), m.bar.axis):
            assert colours.contrast(axis.textPen().color(), background) >= 4.5
        assert_shows(w, 0)
    finally:
        app.setPalette(light)
    qtbot.wait(10)
    assert colours.luminance(m.plot.backgroundBrush().color()) > 0.8
    before = m.plot.getAxis("left").style["tickFont"].pointSizeF()
    w.model.set_text_scale(200)
    for axis in (m.plot.getAxis("left"), m.plot.getAxis("bottom"), m.bar.axis):
        assert axis.style["tickFont"].pointSizeF() == pytest.approx(2 * before, rel=0.05)
