"""Practice gives nothing away (issue 17, section 5, item 2): while the value asked is net_h1, no
view of the window shows a value not yet answered, and no click moves past the value asked;
outside practice the loss curve marks the current loss once the stepper has computed it."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.network import outputmap
from guiapp.model.session import UnitRef, ValueRef

# the worked example's numbers at the window's 9 digits, none of them asked yet when net_h1 is
W5_GRADIENT, W5_NEW = "0.0821670406", "0.35891648"
OUT_H1, NET_H1, OUT_O1, E_TOTAL = "0.593269992", "0.3775", "0.75136507", "0.298371109"


def practise(w):
    w.actions["practice"].trigger()
    box = w.practice_box
    assert box.practice is not None and box.question.text().startswith("net_h1 ")
    return box


def answer(qtbot, box, text: str) -> None:
    box.field.setText(text)
    qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert box.verdict.text().lower().startswith("right"), box.verdict.text()


def click_in_diagram(qtbot, w, item) -> None:
    qtbot.mouseClick(w.diagram.viewport(), Qt.MouseButton.LeftButton, pos=w.diagram.mapFromScene(item.scenePos()))


def click_loss_curve(qtbot, w, iteration: int) -> None:
    """A left click on the loss curve at `iteration`, zoomed in around it (laid out first)."""
    plot = w.plot.plot
    vb = plot.getPlotItem().vb
    plot.setXRange(iteration - 20, iteration + 20, padding=0)
    qtbot.wait(20)
    scene = vb.mapViewToScene(QPointF(iteration, float(w.model.session.history.values[iteration - 1])))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))


def selected(w) -> str:
    return w.panel.selected.toPlainText()


def test_a_click_on_w5_shows_its_chain_rule_in_symbols_until_answered(qtbot, make_window):
    w = make_window("mazur")
    box = practise(w)
    click_in_diagram(qtbot, w, w.diagram.edges["w5"].tag)
    assert w.model.selection == ValueRef("param", "w5")
    text = selected(w)
    assert "∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5" in text
    assert "w5⁺ = w5 − η·∂E/∂w5" in text
    for number in (W5_GRADIENT, W5_NEW, OUT_H1, OUT_O1, "0.74136507", "0.186815602"):
        assert number not in text, (number, text)
    assert "numbers once answered" in w.panel.selected_title.text()
    # a unit: its net and out in symbols too
    click_in_diagram(qtbot, w, w.diagram.units[(1, 0)])
    assert w.model.selection == UnitRef(1, 0)
    assert "net_h1 = w1·i1 + w2·i2 + b_h1" in selected(w) and NET_H1 not in selected(w)
    # answered, a value shows its number: net_h1, then out_h1 (∂net_o1/∂w5 = out_h1)
    answer(qtbot, box, NET_H1)
    assert NET_H1 in selected(w) and OUT_H1 not in selected(w)
    answer(qtbot, box, OUT_H1)
    w.model.set_selection(ValueRef("param", "w5"))
    assert f"∂net_o1/∂w5 = out_h1 = {OUT_H1}" in selected(w) and W5_GRADIENT not in selected(w)
    # out of practice: the whole iteration, as before
    w.actions["practice"].trigger()
    assert W5_GRADIENT in selected(w) and W5_NEW in selected(w)


def test_clicks_in_the_list_and_on_the_timeline_and_the_loss_curve_are_refused(qtbot, make_window):
    from tests.driver import train

    w = make_window("mazur")
    train(qtbot, w, 100)
    w.timeline.box.setValue(60)
    s = w.model.session
    box = practise(w)
    asked = box.practice.current
    for name in ("train", "play", "step", "finish_phase", "finish_iteration", "go_to_iteration", "back_to_latest",
                 "gradient_check"):
        assert not w.actions[name].isEnabled(), name
    assert not w.timeline.box.isEnabled() and not w.timeline.slider.isEnabled()
    # a click on computation 10 (E_o2) in the list: refused, said, the list back at the cursor
    rect = w.panel.steps.visualRect(w.panel.steps_model.index(9))
    qtbot.mouseClick(w.panel.steps.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (s.iteration, s.cursor) == (60, -1) and box.practice.current == asked
    assert not w.panel.steps.currentIndex().isValid()
    assert w.statusBar().currentMessage().startswith("Practising: another computation")
    click_loss_curve(qtbot, w, 90)
    assert (s.iteration, s.cursor) == (60, -1) and box.practice.current == asked
    assert w.statusBar().currentMessage().startswith("Practising: another iteration")
    w.model.train(1000)  # Train's own slot, whatever enables it
    assert not w.model.busy and s.latest == 101
    w.model.step()
    assert s.cursor == -1 and box.practice.current == asked
    w.actions["practice"].trigger()  # off: the timeline and the loss curve again
    assert w.timeline.slider.isEnabled() and w.actions["train"].isEnabled()
    click_loss_curve(qtbot, w, 90)
    assert (s.iteration, s.cursor) == (90, -1)


def test_the_loss_curve_marks_the_current_loss_once_computed(qtbot, make_window):
    """Outside practice too: the dot and the read-out (hovered or not) of the current iteration
    wait for the stepper; the iterations before it show theirs."""
    from tests.driver import train

    w = make_window("mazur")
    train(qtbot, w, 3)
    plot, s = w.plot, w.model.session
    assert s.iteration == 4 and s.cursor == -1
    assert len(plot.dot.getData()[0]) == 0
    vb = plot.plot.getPlotItem().vb
    vb.autoRange()
    plot._mouse_moved(vb.mapViewToScene(QPointF(4.0, float(s.history.values[3]))))
    assert plot.readout.text() == "iteration 4 (current): loss not computed yet"
    assert len(plot.hover_dot.getData()[0]) == 0
    plot._mouse_moved(vb.mapViewToScene(QPointF(2.0, float(s.history.values[1]))))
    assert plot.readout.text() == f"iteration 2: loss {w.model.fmt(s.history.values[1])} (click to go there)"
    w.actions["finish_phase"].trigger()
    w.actions["finish_phase"].trigger()  # the forward pass, then the loss
    x, y = plot.dot.getData()
    assert list(x) == [4] and list(y) == [s.history.values[3]]
    plot._mouse_moved(vb.mapViewToScene(QPointF(4.0, float(s.history.values[3]))))
    assert plot.readout.text() == f"iteration 4: loss {w.model.fmt(s.loss)} (click to go there)"


def test_the_first_iterations_range_waits_for_its_loss(qtbot, make_window):
    """One point on the curve: its range (0 to 1.25·E) told E before it was computed."""
    w = make_window("mazur")
    vb = w.plot.plot.getPlotItem().vb
    low, high = vb.viewRange()[1]
    assert low < 0 < 1 < high < 1.1  # 0 to 1, whatever the loss (with pyqtgraph's padding)
    w.actions["finish_phase"].trigger()
    w.actions["finish_phase"].trigger()  # the forward pass, then the loss
    assert vb.viewRange()[1][1] == pytest.approx(1.25 * w.model.session.loss, rel=0.1)


def test_no_reading_gives_the_asked_values_away(qtbot, make_window):
    """The loss curve, the output map's and the trajectories' read-outs, the gradient check,
    Copy LaTeX and the exports of the current iteration, while net_h1 is asked."""
    from guiapp.menus import file as files

    w = make_window("xor")
    w.model.set_traced(["w5"])
    w.actions["trajectories"].setChecked(True)
    w.actions["gradient_check"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy and w.gradcheck_dialog.result is not None, timeout=20_000)
    s = w.model.session
    box = practise(w)
    assert not w.gradcheck_dialog.isVisible()  # every gradient of the iteration
    # the loss curve: no mark and no read-out of E_total, hovered or not
    plot = w.plot
    vb = plot.plot.getPlotItem().vb
    plot._mouse_moved(vb.mapViewToScene(QPointF(1.0, float(s.history.values[0]))))
    assert plot.readout.text() == "iteration 1 (current): loss not computed yet"
    assert len(plot.dot.getData()[0]) == 0
    # the output map at sample 2's inputs: its output is a value asked
    m = w.output_map
    x = tuple(float(v) for v in s.net.inputs[1])
    m._mouse_moved(m.plot.getPlotItem().vb.mapViewToScene(QPointF(*x)))
    assert m.readout.text().endswith("out_o1 once answered"), m.readout.text()
    assert len(m.hover_dot.getData()[0]) == 0
    # the trajectories: w5's value, not yet its gradient nor its velocity
    t = w.trajectories
    t._mouse_moved(t.plot.getPlotItem().vb.mapViewToScene(QPointF(1.0, 0.0)))
    assert "∂E/∂w5 once answered" in t.readout.text() and "v once answered" in t.readout.text()
    assert w.model.fmt(s.trajectories.column("gradient", t.index()["w5"])[0]) not in t.readout.text()
    # exports of the current iteration ask first; No writes nothing
    asked = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr(files, "ask_to_reveal", lambda parent, iteration: asked.append(iteration) or False)
    monkey.setattr("guiapp.menus.file.QFileDialog.getSaveFileName",
                   lambda *a, **k: pytest.fail("a file dialog opened without asking"))
    try:
        for name in ("export_worked_example", "export_trace", "export_trace_current", "export_history",
                     "export_trajectories", "export_notebook"):
            w.actions[name].trigger()
    finally:
        monkey.undo()
    assert asked == [1] * 6 and not w.model.busy
    # answered to the end of the forward pass: the map reads out_o1 again
    while box.practice.current is not None and box.practice.current.phase == "forward":
        box.buttons["reveal"].click()
    m._mouse_moved(m.plot.getPlotItem().vb.mapViewToScene(QPointF(*x)))
    value = outputmap.outputs(s.plan, s.params, 0, np.array([x]))[0]
    assert m.readout.text().endswith(w.model.fmt(value)), m.readout.text()
