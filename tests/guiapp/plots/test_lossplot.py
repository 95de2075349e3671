"""The loss plot reads as numbers: plain tick labels on linear and log axes, whole iterations,
one label that never changes, a marker at the hovered point (issue 7, item 8)."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF

from tests.driver import train


def axis_labels(w):
    return [w.plot.plot.getAxis(side).labelString() for side in ("left", "bottom")]


def test_axis_labels_stay_plain_as_the_loss_falls_and_on_a_log_scale(qtbot, window):
    w = window
    before = axis_labels(w)
    assert "batch loss E" in before[0] and "iteration" in before[1]
    train(qtbot, w, 3000)  # the loss falls below 0.001: no "(x0.001)" appears
    assert w.model.session.loss < 1e-3
    assert axis_labels(w) == before and "x0.0" not in "".join(axis_labels(w))
    w.plot.log_scale.setChecked(True)
    assert axis_labels(w) == before
    left = w.plot.plot.getAxis("left")
    assert left.tickStrings([-3.0, -5.0, 0.0], 1.0, 1.0) == ["0.001", "1e−05", "1"]
    w.plot.log_scale.setChecked(False)
    assert left.tickStrings([0.1, 0.2, 0.30000000000000004], 1.0, 0.1) == ["0.1", "0.2", "0.3"]


def test_iteration_ticks_are_whole_numbers(qtbot, window):
    w = window
    axis = w.plot.plot.getAxis("bottom")
    for lo, hi in ((0.0, 3.0), (0.0, 10.0), (1.0, 1_000_000.0)):
        for spacing, offset in axis.tickSpacing(lo, hi, 600):
            assert spacing >= 1 and spacing == int(spacing)
    assert axis.tickStrings([1.0, 1000.0, 14656.0], 1.0, 1.0) == ["1", "1,000", "14,656"]
    train(qtbot, w, 3)  # 4 points: the default ticks would be 0.5 apart
    values = [v for spacing, ticks in axis.tickValues(*axis.range, 600) for v in ticks]
    assert values and all(v == int(v) for v in values)


def test_hovering_shows_a_marker_at_the_point_and_leaving_clears_it(qtbot, window):
    w = window
    train(qtbot, w, 100)
    vb = w.plot.plot.getPlotItem().vb
    # the curve follows the data once the events are served (the current loss, not yet computed, is
    # not marked: no dot out at iteration 101 stretches the view before that)
    qtbot.waitUntil(lambda: vb.viewRange()[0][1] > 100)
    vb.autoRange()
    qtbot.wait(10)
    scene_pos = vb.mapViewToScene(QPointF(40.2, float(w.model.session.history.values[39])))
    assert vb.sceneBoundingRect().contains(scene_pos)
    w.plot._mouse_moved(scene_pos)
    x, y = w.plot.hover_dot.getData()
    assert list(x) == [40] and y[0] == w.model.session.history.values[39]
    assert w.plot.readout.text().startswith("iteration 40: loss ")
    qtbot.mouseMove(w.plot.plot.viewport())  # then leave the plot
    leave = QEvent(QEvent.Type.Leave)
    w.plot.eventFilter(w.plot.plot.viewport(), leave)
    assert len(w.plot.hover_dot.getData()[0]) == 0
    assert "(current)" in w.plot.readout.text()


def test_no_loss_is_shown_before_the_forward_pass_computed_it(qtbot, window):
    w = window
    assert w.plot.readout.text() == "iteration 1 (current): loss not computed yet"
    for _ in range(len(w.model.session.steps)):
        w.actions["step"].trigger()
        if "E_total" in w.model.session.describe(w.model.session.current_step).label:
            break
    assert w.plot.readout.text().startswith("iteration 1 (current): loss 0.29837")


def test_the_log_curve_is_not_rebuilt_when_nothing_changed(qtbot, window, monkeypatch):
    w = window
    train(qtbot, w, 50)
    w.plot.log_scale.setChecked(True)
    calls = []
    original = w.plot.curve.setData
    monkeypatch.setattr(w.plot.curve, "setData", lambda *a, **k: (calls.append(1), original(*a, **k)))
    w.plot.refresh()
    w.plot.refresh()
    assert calls == []
    x, y = w.plot.data()
    assert len(x) == 51 and np.all(np.isfinite(y))


def test_the_plot_follows_the_palette_and_the_text_size(qtbot, window):
    from PySide6.QtWidgets import QApplication

    from guiapp import colours

    w = window
    app = QApplication.instance()
    light = app.palette()
    try:
        app.setPalette(colours.dark_palette())
        qtbot.wait(10)
        background = w.plot.plot.backgroundBrush().color()
        text = w.plot.plot.getAxis("left").textPen().color()
        assert colours.luminance(background) < 0.2
        assert colours.contrast(text, background) >= 4.5
        assert colours.contrast(w.plot.curve.opts["pen"].color(), background) >= 3
    finally:
        app.setPalette(light)
    qtbot.wait(10)
    assert colours.luminance(w.plot.plot.backgroundBrush().color()) > 0.8
    before = w.plot.plot.getAxis("left").style["tickFont"].pointSizeF()
    w.model.set_text_scale(200)
    assert w.plot.plot.getAxis("left").style["tickFont"].pointSizeF() == pytest.approx(2 * before, rel=0.05)


def in_view(w) -> tuple[int, bool]:
    """How many points of the curve the plot's range hides, and whether it shows the current
    iteration, once the plot is painted (pyqtgraph fits its range to the data then)."""
    from PySide6.QtWidgets import QApplication

    w.plot.plot.viewport().repaint()
    QApplication.processEvents()
    (x0, x1), (y0, y1) = w.plot.plot.getPlotItem().vb.viewRange()
    x, y = w.plot.data()
    if w.plot.log_scale.isChecked():
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log10(y)
    finite = np.isfinite(y)
    inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return int((finite & ~inside).sum()), x0 <= w.model.session.iteration <= x1


def test_the_range_never_hides_the_curve(qtbot, window):
    """Issue 17, 5.8: a range zoomed or dragged by hand (a click on the curve that moves a little
    drags it) stayed put while training went on: the new iterations ran out of view."""
    w = window
    train(qtbot, w, 200)
    assert in_view(w) == (0, True)
    w.plot.plot.getPlotItem().vb.setXRange(10, 50)  # what a drag or the wheel does
    assert in_view(w)[0] > 100  # looking at a part, while nothing changes
    train(qtbot, w, 300)
    assert in_view(w) == (0, True)
    w.plot.plot.getPlotItem().vb.setYRange(0.2, 0.3)
    w.plot.log_scale.setChecked(True)
    assert in_view(w) == (0, True)
    w.plot.plot.getPlotItem().vb.setXRange(1, 2)
    w.actions["reset"].trigger()  # one point: the range made for it
    assert in_view(w) == (0, True)
    w.actions["undo"].trigger()  # the 501 iterations back
    assert in_view(w) == (0, True)
