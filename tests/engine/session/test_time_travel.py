"""Time travel (issue 12, items 1, 2 and 5): any iteration ever trained, exactly; trajectories;
each value's change since a reference iteration.

The engine's side first (the timeline, its archive of checkpoints, bookmarks, trajectories,
comparisons), then the window's, driven through the widgets a user works (the timeline's box
and slider, a click on the loss curve, the actions, the editor), comparing what it shows with
the headless command's trace and with sessions stepped by hand.
"""
from __future__ import annotations

import csv

import numpy as np
import pytest

from engine import Session, open_network
from engine.concepts.optimizers.sgd import SGD
from engine.record.compare import Comparison
from engine.record.quantities import Key
from engine.record.trace import CHECKPOINT_OVERHEAD, checkpoint_bytes

from tests.driver import train
from tests.helpers import run_cli


def stepped_rows(name: str, iterations, momentum: float | None = None) -> dict[int, bytes]:
    """The records of `iterations` as a session stepped through every computation by hand sees them."""
    net = open_network(name)
    if momentum is not None:
        net.optimizer = SGD(momentum=momentum)
    s = Session(net)
    rows, last = {}, max(iterations)
    while s.iteration <= last:
        if s.iteration in iterations:
            rows[s.iteration] = s.record.row.tobytes()
        s.finish_iteration()
        s.step()
    return rows


# -- the engine ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mazur", "xor", "softmax"])
def test_a_jump_gives_the_records_of_a_session_stepped_there(name):
    """Trained 3,000 iterations with an archive small enough to be thinned (its spacing
    doubled several times), any iteration gone to is, bit for bit, what stepping saw."""
    wanted = {1, 2, 37, 64, 65, 999, 1500, 2047, 2999, 3000, 3001}
    rows = stepped_rows(name, wanted)
    s = Session(open_network(name))
    s.trace.archive_budget = 6 * (CHECKPOINT_OVERHEAD + 8 * s.layout.shapes_of_params.size * 2)
    s.trace.capacity = 200
    s.run(3000)
    assert s.trace.spacing >= 4 * s.trace.interval and s.trace.first == 1 and len(s.trace) == 3001
    for k in sorted(wanted, key=lambda k: (k * 7919) % 3001):  # in no particular order
        s.go_to_iteration(k)
        assert (s.iteration, s.cursor) == (k, -1)
        assert s.record.row.tobytes() == rows[k], k
        assert s.params.theta.tobytes() == s.record["theta_before", 0].tobytes()
    assert s.latest == 3001 and len(s.history) == 3001  # nothing discarded


def test_the_archive_stays_within_its_budget_with_every_iteration_reachable():
    """100,000 iterations of the worked example with a 64 kB archive: its checkpoints never
    take more, the spacing doubles as needed, the recent tier keeps its own, and iteration 1
    (a checkpoint of its own: where the network opened) is reachable still."""
    s = Session(open_network("mazur"))
    budget = 64 * 1024
    s.trace.archive_budget = budget
    peak = 0
    for _ in range(10):
        s.run(10_000)
        peak = max(peak, s.trace._archive_bytes)
    per = checkpoint_bytes(s.params)
    recent = (s.trace.capacity // s.trace.interval + 2) * per
    assert peak <= budget and s.trace.memory() <= budget + recent
    assert s.trace.spacing >= 1024 and s.trace.first == 1 and len(s.trace) == 100_001
    reference = Session(open_network("mazur"))
    reference.run(77_776)
    s.go_to_iteration(77_777)
    assert s.record.row.tobytes() == reference.record.row.tobytes()
    s.go_to_iteration(1)
    assert s.record.row.tobytes() == Session(open_network("mazur")).record.row.tobytes()


def test_moving_about_the_timeline_discards_nothing_and_training_goes_on_along_it():
    s = Session(open_network("xor"))
    s.run(500)
    losses = s.history.values.copy()
    s.go_to_iteration(100)
    s.step_back()  # into 99, at its last computation
    assert (s.iteration, s.cursor) == (99, len(s.steps) - 1)
    s.step()
    s.finish_iteration()
    s.step()  # on to 101: the timeline's, not computed again
    assert s.iteration == 101 and s.latest == 501
    np.testing.assert_array_equal(s.history.values, losses)
    # Train 1,000 from iteration 101: along the timeline to 501, then 600 new ones
    s.run(1000)
    whole = Session(open_network("xor"))
    whole.run(1100)
    assert s.iteration == s.latest == 1101
    np.testing.assert_array_equal(s.history.values, whole.history.values)
    assert s.record.row.tobytes() == whole.record.row.tobytes()
    s.go_to_iteration(300)
    s.run(50)  # within the timeline: a walk
    assert s.iteration == 350 and s.latest == 1101
    s.back_to_latest()
    assert s.iteration == 1101 and s.record.row.tobytes() == whole.record.row.tobytes()


def test_an_edit_in_the_past_branches_and_its_bookmark_brings_the_timeline_back():
    s = Session(open_network("mazur"))
    s.run(2000)
    losses = s.history.values.copy()
    s.go_to_iteration(37)
    mark, w5 = s.bookmark(), s.start_value(s.parameter("w5"))
    s.set_parameter(s.parameter("w5"), 0.25)
    assert s.iteration == s.latest == 37 and len(s.history) == 37  # iterations 38..2001 discarded
    assert s.history.values[:36].tobytes() == losses[:36].tobytes()
    s.run(10)  # another branch
    s.restore(mark)
    assert (s.iteration, s.latest) == (37, 2001) and s.start_value(s.parameter("w5")) == w5
    assert s.history.values.tobytes() == losses.tobytes()
    rows = stepped_rows("mazur", {37, 1999, 2001})
    for k in (2001, 1999, 37):
        s.go_to_iteration(k)
        assert s.record.row.tobytes() == rows[k], k
    s.restore(mark)  # again: the bookmark keeps what it holds
    assert s.history.values.tobytes() == losses.tobytes()


def test_step_back_after_an_edit_keeps_it_and_step_comes_back_to_it():
    s = Session(open_network("mazur"))
    s.run(4)
    s.set_learning_rate(2.0)
    edited = s.record.row.tobytes()
    s.step_back()
    assert s.iteration == 4 and s.net.learning_rate == 0.5 and s.latest == 5
    s.step()
    assert s.iteration == 5 and s.record.row.tobytes() == edited and s.net.learning_rate == 2.0


@pytest.mark.parametrize("name, momentum", [("mazur", None), ("xor", None), ("softmax", 0.9)])
def test_trajectories_are_the_values_the_trace_records(name, momentum):
    """Every iteration's θ as it starts, the gradient applied and the momentum buffer after
    the update, whether trained or stepped; a frozen bias's gradient is not computed."""
    net = open_network(name)
    if momentum is not None:
        net.optimizer = SGD(momentum=momentum)
    s = Session(net)
    s.finish_iteration()
    s.step()
    s.run(700)
    s.finish_iteration()
    s.step()
    s.run(300)
    paths = s.trajectories
    np.testing.assert_array_equal(paths.iterations(), np.arange(1, s.latest + 1))
    trained = paths.trained
    for j, k in enumerate(paths.iterations().astype(int)):
        rec = s.trace.record(k)
        for i in range(paths.n_params):
            assert paths.column("value", i)[j] == rec["theta_before", 0][i]
            gradient = paths.column("gradient", i)[j]
            assert gradient == rec["grad", 0][i] if i < trained else np.isnan(gradient)
            if paths.buffers:
                assert paths.column("velocity", i)[j] == rec["velocity", 0][i]
    assert (trained < paths.n_params) == (not net.train_biases)


def test_the_headless_trajectories_are_the_headless_traces_values(tmp_path):
    """`python -m engine train xor --trajectories J.csv --parameters w1,b_o1`: each row's value
    is the previous iteration's update (w⁺) in the `--trace` file, its gradient and velocity
    that iteration's, exactly as written; the first row the network file's values."""
    trace, paths = tmp_path / "t.csv", tmp_path / "j.csv"
    done = run_cli("train", "xor", "--iterations", 300, "--trace", trace, "--trajectories", paths,
                   "--parameters", "w1,b_o1")
    assert done.returncode == 0, done.stderr
    assert f"wrote {paths} (2 parameters, 301 iterations)" in done.stdout
    traced = {}
    with trace.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["label"] in ("w1⁺", "b_o1⁺", "∂E/∂w1", "∂E/∂b_o1", "v_w1", "v_b_o1") and not row["sample"]:
                traced[int(row["iteration"]), row["label"]] = row["value"]
    with paths.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["iteration", "w1", "dE_dw1", "velocity_w1", "b_o1", "dE_db_o1", "velocity_b_o1"]
    assert rows[1][1] == repr(float(open_network("xor").weights[0][0, 0])) and rows[1][4] == "0.0"
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 302))
    for r in rows[2:301]:
        k = int(r[0])
        assert r[1:4] == [traced[k - 1, "w1⁺"], traced[k, "∂E/∂w1"], traced[k, "v_w1"]], k
        assert r[4:7] == [traced[k - 1, "b_o1⁺"], traced[k, "∂E/∂b_o1"], traced[k, "v_b_o1"]], k


def test_the_headless_trajectories_refuse_an_unknown_parameter_before_any_work(tmp_path):
    paths = tmp_path / "j.csv"
    done = run_cli("train", "mazur", "--iterations", 10, "--trajectories", paths, "--parameters", "w5,w99")
    assert done.returncode == 2 and not paths.exists()
    assert done.stderr.strip().splitlines() == [
        "error: --parameters: value: 'w99' is not a parameter of this network (its parameters: w1, w2, w3, w4, "
        "w5, w6, w7, w8, b_h1, b_h2, b_o1, b_o2)"]
    done = run_cli("train", "mazur", "--iterations", 10, "--parameters", "w5")
    assert done.returncode == 2 and "goes with --trajectories" in done.stderr


def test_trajectories_are_downsampled_beyond_their_budget_and_branch_with_the_timeline():
    s = Session(open_network("mazur"), trajectory_budget=8 * 16 * 1000)  # 1,000 rows of 8 parameters
    s.run(5000)
    paths = s.trajectories
    assert paths.stride == 8 and len(paths) <= 1000
    its = paths.iterations().astype(int)
    assert its[0] == 1 and np.all(np.diff(its) == 8)
    for j in (0, 100, len(its) - 1):
        assert paths.column("value", 4)[j] == s.trace.record(int(its[j]))["theta_before", 0][4]
    mark = s.bookmark()
    s.go_to_iteration(2001)
    s.set_parameter(s.parameter("w5"), 1.0)
    assert paths is s.trajectories and s.trajectories.next_iteration == 2009  # 2001's row, then the next kept
    s.restore(mark)
    assert len(s.trajectories) == len(its) and s.trajectories.column("value", 4)[-1] == mark.trajectories.column(
        "value", 4)[-1]


def test_a_change_since_a_reference_is_the_difference_of_the_records():
    s = Session(open_network("xor"))
    s.run(1500)
    reference = Comparison.of(s, 500)
    s.go_to_iteration(1500)
    old, new = s.trace.record(500), s.record
    for p in s.net.parameters():
        key = Key(p.kind + "_before", p.layer, p.unit, p.source)
        assert reference.parameter(s, p) == new.value(key) - old.value(key)
    s.finish_iteration()  # the updated values shown: their change since the reference
    for p in s.net.parameters():
        assert reference.parameter(s, p) == new.value(Key(p.kind, p.layer, p.unit, p.source)) - old.value(
            Key(p.kind + "_before", p.layer, p.unit, p.source))
    for position in range(s.layout.batch):
        there = int(np.flatnonzero(old.samples == new.samples[position])[0])
        assert reference.unit(s, "out", 1, 2, position) == (new.value(Key("out", 1, 2, sample=position))
                                                          - old.value(Key("out", 1, 2, sample=there)))
    assert reference.still_in(s)
    s.go_to_iteration(400)
    s.set_learning_rate(0.1)  # the timeline now ends at 400: the reference is gone from it
    assert not reference.still_in(s)


# -- the window ---------------------------------------------------------------------------------

def trace_rows(path) -> dict[int, list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(int(row[0]), []).append(row)
    return out


def click_loss_curve(qtbot, w, iteration: int) -> None:
    """A left click on the loss curve at `iteration` (on its curve's height), zoomed in around
    it as a user would to pick one iteration out of 20,000."""
    from PySide6.QtCore import QPointF, Qt

    plot = w.plot.plot
    vb = plot.getPlotItem().vb
    plot.setXRange(iteration - 20, iteration + 20, padding=0)
    y = float(w.model.session.history.values[iteration - 1])
    scene = vb.mapViewToScene(QPointF(iteration, y))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))


def test_going_to_past_iterations_shows_the_headless_trace(qtbot, make_window, tmp_path):
    """Issue 12: the worked example trained 20,000 iterations in the window; iterations 1, 37,
    9,999 and 19,500, gone to by typing, dragging the slider and clicking the loss curve, are
    exactly (every row, every digit) what `python -m engine train --trace` writes for them."""
    from PySide6.QtCore import Qt

    headless = tmp_path / "headless.csv"
    done = run_cli("train", "mazur", "--iterations", 20_000, "--trace", headless,
                   "--trace-iterations", "1,37,9999,19500")
    assert done.returncode == 0, done.stderr
    want = trace_rows(headless)
    assert sorted(want) == [1, 37, 9999, 19500]

    w = make_window("mazur")
    train(qtbot, w, 20_000)
    s = w.model.session
    assert (s.iteration, s.latest) == (20_001, 20_001)
    latest = s.record.row.tobytes()
    box, slider = w.timeline.box, w.timeline.slider

    def typed(k):
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, str(k))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    for k, go in ((37, typed), (9999, slider.setValue), (19_500, lambda k: click_loss_curve(qtbot, w, k)),
                  (1, typed)):
        go(k)
        qtbot.waitUntil(lambda: s.iteration == k, timeout=5000)  # the slider goes there once events are served
        assert s.cursor == -1 and w.status.iteration.text() == f"Iteration {k:,}"
        assert box.value() == slider.value() == k and w.plot.marker.value() == k
        path = tmp_path / f"window-{k}.csv"
        w.files.export_trace_to(str(path), current_only=True)
        qtbot.waitUntil(lambda: not w.model.busy and path.exists(), timeout=10_000)
        assert trace_rows(path) == {k: want[k]}, k
        # what the diagram shows, once the stepper has computed it, is the record's
        w.actions["finish_iteration"].trigger()
        p = s.parameter("w5")
        assert w.diagram.edges["w5"].tag.text().splitlines()[0] == f"w5⁺ {w.model.fmt(s.record.value(Key('w', 2, 0, 0)))}"
        assert s.history.values.shape == (20_001,)  # nothing discarded
        assert p.name == "w5"
    assert w.actions["back_to_latest"].isEnabled()
    w.actions["back_to_latest"].trigger()
    assert s.iteration == 20_001 and s.record.row.tobytes() == latest
    assert not w.actions["back_to_latest"].isEnabled()


def test_an_edit_in_the_past_says_what_it_discards_and_undo_brings_it_back(qtbot, make_window):
    """Issue 12: editing a value at iteration 37 of 20,000 and undoing restores the
    20,000-iteration history exactly; redo is the branch again."""
    from guiapp.model import commands
    from guiapp.model.session import ValueRef

    w = make_window("mazur")
    train(qtbot, w, 20_000)
    s = w.model.session
    losses = s.history.values.tobytes()
    w.timeline.box.setValue(37)
    assert s.iteration == 37
    w5 = s.start_value(s.parameter("w5"))
    w.undo_stack.push(commands.edit_command(w.model, ValueRef("param", "w5"), 0.5))
    assert (s.iteration, s.latest) == (37, 37)
    assert "iterations 38 to 20,001 discarded" in w.statusBar().currentMessage()
    assert "Undo brings them back" in w.statusBar().currentMessage()
    x, _ = w.plot.data()
    assert len(x) == 37
    w.actions["undo"].trigger()
    assert (s.iteration, s.latest, s.start_value(s.parameter("w5"))) == (37, 20_001, w5)
    assert s.history.values.tobytes() == losses
    x, y = w.plot.data()
    assert len(x) == 20_001 and y.tobytes() == losses
    rows = stepped_rows("mazur", {19_500})
    w.timeline.slider.setValue(19_500)
    qtbot.waitUntil(lambda: s.iteration == 19_500, timeout=5000)
    assert s.record.row.tobytes() == rows[19_500]
    w.actions["redo"].trigger()
    assert (s.iteration, s.latest, s.start_value(s.parameter("w5"))) == (37, 37, 0.5)


def test_trajectories_in_the_window_are_the_recorded_values(qtbot, make_window, tmp_path):
    """xor (momentum 0.9): w1 and the parameters of unit o1 shown, value then gradient then
    velocity, equal to the records; hover reads them; the current iteration is marked; the
    CSV export writes them exactly."""
    from guiapp.model.session import UnitRef, ValueRef

    w = make_window("xor")
    train(qtbot, w, 1000)
    s, m = w.model.session, w.model
    m.set_selection(ValueRef("param", "w1"))
    w.actions["trace_selected"].trigger()
    m.set_selection(UnitRef(2, 0))
    w.trajectories.add.click()
    assert w.trajectories.isVisible() and m.traced == ("w1", "w7", "w8", "w9", "b_o1")
    names = {p.name: i for i, p in enumerate(s.net.parameters())}
    records = {k: s.trace.record(k) for k in (1, 2, 500, 1000, 1001)}
    for index, (quantity, block) in enumerate((("value", "theta_before"), ("gradient", "grad"),
                                               ("velocity", "velocity"))):
        w.trajectories.quantity.setCurrentIndex(index)
        for name in m.traced:
            x, y = w.trajectories.data(name)
            np.testing.assert_array_equal(x, np.arange(1, 1002))
            for k, rec in records.items():
                assert y[k - 1] == rec[block, 0][names[name]], (quantity, name, k)
    assert w.trajectories.marker.value() == 1001
    w.timeline.box.setValue(500)
    assert w.trajectories.marker.value() == 500
    text = w.trajectories.readout.text()
    assert text.startswith("iteration 500 (current): w1 ") and w.model.fmt(records[500]["theta_before", 0][0]) in text
    path = tmp_path / "trajectories.csv"
    w.files.export_trajectories_to(str(path))
    qtbot.waitUntil(lambda: not m.busy and path.exists(), timeout=10_000)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["iteration", "w1", "dE_dw1", "velocity_w1"] and len(rows) == 1 + 1001
    assert [float(v) for v in rows[500][1:4]] == [records[500]["theta_before", 0][0], records[500]["grad", 0][0],
                                                  records[500]["velocity", 0][0]]


def test_the_diagram_shows_each_change_since_the_reference(qtbot, make_window):
    """Compare at iteration 1, go to 1,001: each weight's tag says how far it moved, exactly the
    difference of the two records; the loss curve marks the reference; unchecking stops it."""
    w = make_window("mazur")
    train(qtbot, w, 1000)
    s, m = w.model.session, w.model
    w.timeline.box.setValue(1)
    w.actions["compare"].trigger()
    assert m.reference.iteration == 1 and w.actions["compare"].isChecked() and w.plot.reference.isVisible()
    assert "Δ since 1" in w.timeline.where.text()
    w.actions["back_to_latest"].trigger()
    first, now = s.trace.record(1), s.record
    for p in s.net.parameters():
        key = Key(p.kind + "_before", p.layer, p.unit, p.source)
        change = now.value(key) - first.value(key)
        assert m.reference.parameter(s, p) == change
        if p.kind == "w":
            shown = ("+" if change > 0 else "") + m.fmt(change)
            assert w.diagram.edges[p.name].tag.text().splitlines()[-1] == f"Δ{p.name} {shown}"
    w.actions["finish_iteration"].trigger()  # out of o1, and its change since iteration 1
    out = now.value(Key("out", 2, 0, sample=0)) - first.value(Key("out", 2, 0, sample=0))
    assert f"Δ{('+' if out > 0 else '') + m.fmt(out)}" in w.diagram.units[2, 0].values.text()
    w.actions["compare"].trigger()
    assert m.reference is None and not w.plot.reference.isVisible()
    assert "Δ" not in w.diagram.edges["w5"].tag.text()


def test_comparing_shows_every_edges_change_at_an_iterations_start_without_hovering(qtbot, make_window):
    """xor at 1400×860, compared with iteration 1 at iteration 101's start: each edge tag shows
    its value and its change (before, the change only on hovering); the gradients, once
    computed, show on demand; a tag without room for more than a name (1024×700) holds both."""
    w = make_window("xor")
    train(qtbot, w, 100)
    s, m, d = w.model.session, w.model, w.diagram
    w.timeline.box.setValue(1)
    w.actions["compare"].trigger()
    w.actions["back_to_latest"].trigger()
    assert s.iteration == 101 and s.cursor == -1 and d.labels_shown()
    for p in s.net.parameters():
        change = m.reference.parameter(s, p)
        value = f"{p.name} {m.fmt(s.parameter_value(p))}"
        assert d.edges[p.name].tag.shown_text() == f"{value}\nΔ{p.name} {'+' if change > 0 else ''}{m.fmt(change)}"
        assert p.name not in d.callouts
    w.actions["finish_iteration"].trigger()  # the gradients known: shown where there is room, else on demand
    for name, edge in d.edges.items():
        assert f"Δ{name} " in edge.tag.shown_text() and f"∂E/∂{name} " in edge.tag.text()
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: d.edges["w1"].tag.shown_text() == "w1⁺")
    assert all(f"Δ{name} " in edge.tag.text() for name, edge in d.edges.items())


def test_go_to_iteration_by_keyboard_then_step_through_it(qtbot, make_window):
    """Ctrl+J, the iteration typed, Enter: the window is there and → steps through it (the box
    gives the keys back), exactly as a session stepped there by hand."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    w = make_window("mazur")
    train(qtbot, w, 100)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow())
    w.actions["go_to_iteration"].trigger()
    assert w.timeline.box.hasFocus()
    qtbot.keyClicks(w.timeline.box, "37")
    qtbot.keyClick(w.timeline.box, Qt.Key.Key_Return)
    s = w.model.session
    assert (s.iteration, s.cursor) == (37, -1) and not w.timeline.box.hasFocus()
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert (s.iteration, s.cursor) == (37, 3) and w.timeline.box.value() == 37
    assert s.record.row.tobytes() == stepped_rows("mazur", {37})[37]
