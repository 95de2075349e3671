"""Issue 19 in the window: every update rule chosen in the structure dialog, the header that
names it, the test samples held out and shown, evaluated as training goes (test loss, accuracy),
the confusion matrix and training until the test loss stops improving; the numbers compared with
the engine's own (engine.files.design, engine.session.evaluation, the headless command)."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import open_network
from engine.concepts.optimizers import OPTIMIZERS
from engine.concepts.penalties import PENALTIES
from engine.concepts.schedules import SCHEDULES
from engine.files import design as designs, netfile
from tests.guiapp.dialogs.test_structure_dialog import choose, dialog_of, ok, save, type_number
from tests.helpers import ROOT

ADAM_NET = str(ROOT / "tests" / "data" / "gaussians-adam-test.json")


def test_the_dialog_chooses_adam_a_penalty_and_a_schedule_as_the_engine_builds_them(qtbot, make_window, tmp_path,
                                                                                      monkeypatch):
    w = make_window("xor")
    before = w.model.session.current_network()
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    choose(qtbot, d.optimizer.combo, "adam")
    type_number(qtbot, d.optimizer.boxes["betas"], "0.8, 0.99")
    choose(qtbot, d.penalty.combo, "l1")
    # a penalty's strength has no default: the dialog says it is missing until it is typed
    assert not d.buttons.button(d.buttons.StandardButton.Ok).isEnabled()
    assert "Strength λ: missing" in d.problem.text()
    type_number(qtbot, d.penalty.boxes["strength"], "1/1000")
    choose(qtbot, d.schedule.combo, "exponential")
    type_number(qtbot, d.schedule.boxes["gamma"], "0.99")
    ok(qtbot, d)
    net = w.model.session.net
    assert net.optimizer == OPTIMIZERS["adam"](betas=(0.8, 0.99), eps=1e-8)
    assert net.penalty == PENALTIES["l1"](strength=0.001)
    assert net.schedule == SCHEDULES["exponential"](gamma=0.99)
    # the same network as the engine builds from the same design (the current values kept)
    design = designs.design_of(before)
    design.optimizer, design.penalty, design.schedule = net.optimizer, net.penalty, net.schedule
    expected = designs.build(design, before.inputs, before.targets, keep=before, name=before.name,
                             description=before.description)
    save(w, monkeypatch, tmp_path / "dialog.json")
    assert json.loads((tmp_path / "dialog.json").read_text()) == json.loads(netfile.dumps(expected))
    # the header names them, in the engine's words
    from guiapp.panels.header import SettingsHeader
    header = w.findChild(SettingsHeader, "settingsHeader").plain_text()
    fmt = w.model.fmt
    assert f"Adam · betas {fmt(0.8)}, {fmt(0.99)} · ε {fmt(1e-8)}" in header
    assert f"L1 penalty λ = {fmt(0.001)}" in header and "η exponential decay (gamma 0.99)" in header


def test_a_setting_that_cannot_be_read_is_named_once_and_ok_waits(qtbot, make_window):
    w = make_window("xor")
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    choose(qtbot, d.optimizer.combo, "adam")
    type_number(qtbot, d.optimizer.boxes["betas"], "0.9")
    assert d.problem.text().count("Betas β1, β2") == 1
    assert not d.buttons.button(d.buttons.StandardButton.Ok).isEnabled()
    type_number(qtbot, d.optimizer.boxes["betas"], "1.5, 0.9")  # read, but the engine's rule refuses it
    assert "Betas β1, β2" in d.problem.text() and not d.buttons.button(d.buttons.StandardButton.Ok).isEnabled()
    choose(qtbot, d.optimizer.combo, "sgd")  # SGD's settings again, as they were
    assert d.optimizer.boxes["momentum"].text() == repr(w.model.session.net.optimizer.momentum)
    assert d.problem.isHidden()


def test_edit_structure_holds_out_the_test_fraction_as_the_engine_does(qtbot, make_window):
    net = open_network(ADAM_NET)
    w = make_window(net=net)
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    type_number(qtbot, d.test_fraction, "0.5")
    choose(qtbot, d.init, "xavier")
    ok(qtbot, d)
    got = w.model.session.net
    x = np.concatenate([net.inputs, net.test_inputs])
    t = np.concatenate([net.targets, net.test_targets])
    design = designs.design_of(net)
    design.test_fraction, design.init = 0.5, "xavier"
    held = designs.test_mask(design, t)
    assert got.n_test == round(0.5 * len(x)) == held.sum()
    assert np.array_equal(got.test_inputs, x[held]) and np.array_equal(got.inputs, x[~held])
    assert np.array_equal(got.test_targets, t[held])


def _cli_history(tmp_path, *options) -> dict[int, list[float]]:
    """The headless command's loss history of the Adam network: iteration -> [loss, measures...]."""
    from tests.helpers import run_cli

    path = tmp_path / "h.csv"
    done = run_cli("train", ADAM_NET, "--history", path, *options)
    assert done.returncode == 0, done.stderr
    lines = path.read_text().splitlines()
    assert lines[0] == "iteration,loss,penalty,test_loss,accuracy,test_accuracy"  # an L2 penalty: its column
    keep = [1, 3, 4, 5]  # the loss and the measures
    return {int(row.split(",")[0]): [float(row.split(",")[k]) for k in keep] for row in lines[1:]}


def _curves(w) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {name: curve.getData() for name, curve in w.plot.measures.items()}


def test_the_loss_plot_shows_the_test_loss_and_accuracies_the_command_writes(qtbot, make_window, tmp_path):
    from tests.driver import train

    w = make_window(net=open_network(ADAM_NET))
    train(qtbot, w, 60)
    curves = _curves(w)
    assert list(curves) == ["test_loss", "accuracy", "test_accuracy"]
    x = curves["test_loss"][0]
    assert x[0] == 1 and x[-1] == 60  # the first iteration trained, and the last
    cli = _cli_history(tmp_path, "--iterations", "60", "--eval-every", "1")
    for k, name in enumerate(curves):
        xs, ys = curves[name]
        assert np.array_equal(xs, x)
        assert [cli[int(i)][k + 1] for i in xs] == list(ys), name  # the same numbers, to the last bit
    # the accuracies on their own axis, 0 to 1; a legend names every curve
    assert w.plot.plot.getPlotItem().getAxis("right").isVisible()
    labels = [label.text for _, label in w.plot.legend.items]
    assert labels == ["batch loss", "test loss", "accuracy", "test accuracy"]
    every = w.model.evaluation.evaluations.every  # said on the plot when not 1
    from guiapp.plots.loss import ordinal

    assert [ordinal(n) for n in (2, 3, 4, 11, 12, 21, 1024)] == ["2nd", "3rd", "4th", "11th", "12th", "21st", "1,024th"]
    assert w.plot.every.text == ("" if every == 1 else
                                 f"Test loss, accuracy, test accuracy: every {ordinal(every)} iteration")
    # the read-out names each measure where the mouse is
    k = int(x[len(x) // 2])
    vb = w.plot.plot.getPlotItem().vb
    vb.autoRange()
    qtbot.wait(10)
    from PySide6.QtCore import QPointF

    w.plot._mouse_moved(vb.mapViewToScene(QPointF(k, float(w.model.session.history.values[k - 1]))))
    fmt = w.model.fmt
    assert w.plot.readout.text() == (f"iteration {k}: loss {fmt(cli[k][0])} · test loss {fmt(cli[k][1])} · "
                                     f"accuracy {fmt(cli[k][2])} · test accuracy {fmt(cli[k][3])} (click to go there)")


def test_time_travel_shows_an_iteration_s_evaluation_once_its_loss_is_computed(qtbot, make_window):
    from tests.driver import train

    w = make_window(net=open_network(ADAM_NET))
    train(qtbot, w, 40)
    evaluated = _curves(w)["test_loss"][0]
    k = int(evaluated[len(evaluated) // 2])
    w.model.go_to_iteration(k)
    x, _ = _curves(w)["test_loss"]
    assert k not in x and x[-1] == evaluated[-1]  # the iteration gone to: not computed yet, so not shown
    assert "(evaluated at" in w.plot.readout.text() or "not computed yet" in w.plot.readout.text()
    assert w.plot.marker.value() == k
    w.actions["practice"].trigger()  # practice reveals nothing more
    assert k not in _curves(w)["test_loss"][0]
    w.actions["practice"].trigger()
    w.model.finish_iteration()
    assert k in _curves(w)["test_loss"][0]


def test_train_until_the_test_loss_stops_improving_stops_by_the_engine_s_rule(qtbot, make_window, tmp_path,
                                                                              monkeypatch):
    w = make_window(net=open_network(ADAM_NET))
    monkeypatch.setattr("guiapp.window.QInputDialog.getInt", lambda *a, **k: (5, True))
    w.train_count.setValue(5000)
    w.actions["train_until_best"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=120_000)
    x, test_loss = _curves(w)["test_loss"]
    stopped = w.model.session.iteration - 1
    assert stopped < 5000 and x[-1] == stopped
    # the engine's rule: stopped at the 5th evaluation after the lowest test loss, which is the best
    best = int(x[int(np.argmin(test_loss))])
    assert list(x).index(stopped) - list(x).index(best) == 5
    assert w.plot.best.isVisible() and w.plot.best.value() == best
    assert f"The best iteration was {best:,}" in w.statusBar().currentMessage()
    cli = _cli_history(tmp_path, "--iterations", str(stopped), "--eval-every", "1")
    assert [cli[int(i)][1] for i in x] == list(test_loss)


def test_the_output_map_draws_the_test_samples_hollow(qtbot, make_window):
    net = open_network(ADAM_NET)
    w = make_window(net=net)
    m = w.output_map
    x, y = m.test_points.getData()
    assert np.array_equal(x, net.test_inputs[:, 0]) and np.array_equal(y, net.test_inputs[:, 1])
    assert all(p.brush().style() == Qt.BrushStyle.NoBrush for p in m.test_points.points())  # hollow
    assert len(m.points.getData()[0]) == net.n_samples  # the training samples, filled
    # the map's extent takes in every sample, training and test
    (x0, x1), (y0, y1) = m._extent
    every = np.concatenate([net.inputs, net.test_inputs])
    assert x0 < every[:, 0].min() and every[:, 0].max() < x1 and y0 < every[:, 1].min() and every[:, 1].max() < y1
    # a network without test samples has none
    w.model.replace(open_network("xor"), "xor")
    assert len(m.test_points.getData()[0]) == 0


def test_the_confusion_matrix_is_the_engine_s_and_a_cell_circles_its_samples(qtbot, make_window, tmp_path):
    from engine.session.evaluation import Evaluator
    from tests.driver import train

    w = make_window(net=open_network(ADAM_NET))
    train(qtbot, w, 30)
    w.actions["confusion_matrix"].trigger()
    panel = w.confusion
    assert panel.isVisible()
    s = w.model.session
    report = Evaluator(s.net).report(s.params)
    assert np.array_equal(panel.matrix(), report.test.confusion)  # the test samples first
    panel.part.setCurrentIndex(panel.part.findData("training"))
    assert np.array_equal(panel.matrix(), report.training.confusion)
    # the headless command says the same of the network saved as this iteration starts
    from tests.helpers import run_cli

    netfile.save(s.current_network(), tmp_path / "now.json")
    done = run_cli("evaluate", tmp_path / "now.json", "--json")
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["classes"] == [panel.table.verticalHeaderItem(k).text() for k in range(2)]
    assert said["test"]["confusion"] == report.test.confusion.tolist()
    assert said["training"]["confusion"] == panel.matrix().tolist()
    # a click on a cell circles its samples on the output map; a second click clears them
    i, j = np.unravel_index(np.argmax(report.training.confusion), report.training.confusion.shape)
    rect = panel.table.visualItemRect(panel.table.item(int(i), int(j)))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    rows, test_rows = w.model.marked
    assert len(rows) == report.training.confusion[i, j] and len(test_rows) == 0
    marked = np.column_stack(w.output_map.marked.getData())
    assert np.array_equal(marked, s.net.inputs[rows])
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.model.marked is None and len(w.output_map.marked.getData()[0]) == 0


def test_a_network_that_does_not_classify_has_no_confusion_matrix(qtbot, make_window):
    w = make_window("mazur")
    w.actions["confusion_matrix"].trigger()
    assert w.confusion.table.rowCount() == 0 and "does not classify" in w.confusion.caption.text()


def test_the_confusion_matrix_follows_time_travel_and_waits_while_practising(qtbot, make_window):
    from engine.session.evaluation import Evaluator
    from tests.driver import train

    w = make_window(net=open_network(ADAM_NET))
    train(qtbot, w, 40)
    w.actions["confusion_matrix"].trigger()
    s = w.model.session
    w.model.go_to_iteration(3)
    params, _ = s.trace.start(3)
    assert np.array_equal(w.confusion.matrix(), Evaluator(s.net).report(params).test.confusion)
    assert "as iteration 3 starts" in w.confusion.caption.text()
    w.model.back_to_latest()
    w.actions["practice"].trigger()
    assert w.confusion.table.rowCount() == 0 and "once this iteration's loss is computed" in w.confusion.caption.text()


def test_the_side_panel_steps_through_adam_s_update_as_written_by_hand(qtbot, make_window):
    """Iteration 1 of xor with Adam and an L2 penalty, w1's update: m, v, m̂, v̂ and w1 as the panel
    writes them (the engine's quantities, symbols then numbers) equal Adam's first step worked by
    hand from the gradient the panel showed (torch.optim.Adam's formulas; the engine's parity with
    torch itself is tests/engine/concepts/test_update_rules.py's)."""
    xor = open_network("xor")
    design = designs.design_of(xor)
    design.optimizer, design.penalty = OPTIMIZERS["adam"](betas=(0.8, 0.99), eps=1e-8), PENALTIES["l2"](strength=0.01)
    net = designs.build(design, xor.inputs, xor.targets, keep=xor)
    w = make_window(net=net)
    s = w.model.session
    steps = {(k.quantity, k.layer, k.unit, k.source): n for n, k in enumerate(s.steps) if k.phase == "update"}
    w.model.go_to(steps[("w", 1, 0, 0)] - 1)  # the gradient of w1 (its penalty's term included) is known by now
    g, eta, (b1, b2), eps = s.value("grad_w", 1, 0, 0), net.learning_rate, net.optimizer.betas, net.optimizer.eps
    m, v = (1 - b1) * g, (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1), v / (1 - b2)
    want = {"exp_avg_w": m, "exp_avg_sq_w": v, "m_hat_w": m_hat, "v_hat_w": v_hat,
            "w": float(net.weights[0][0, 0]) - eta * m_hat / (v_hat ** 0.5 + eps)}
    for quantity, value in want.items():
        w.model.go_to(steps[(quantity, 1, 0, 0)])
        text = w.panel.current_text()
        assert "=" in text and text.split(" = ")[0].endswith("w1") or quantity == "w", text
        shown = float(text.rsplit("= ", 1)[1].replace("−", "-"))
        assert shown == pytest.approx(value, rel=1e-8), (quantity, text)


def test_new_network_with_adam_l1_and_a_schedule_is_the_file_engine_new_writes(qtbot, make_window, tmp_path,
                                                                               monkeypatch):
    from tests.helpers import run_cli

    w = make_window("xor")
    w.actions["new_network"].trigger()
    d = dialog_of(w)
    choose(qtbot, d.optimizer.combo, "adam")
    type_number(qtbot, d.optimizer.boxes["betas"], "0.8, 0.99")
    choose(qtbot, d.penalty.combo, "l1")
    type_number(qtbot, d.penalty.boxes["strength"], "0.001")
    choose(qtbot, d.schedule.combo, "step")
    type_number(qtbot, d.schedule.boxes["step_size"], "50")
    choose(qtbot, d.init, "he")
    ok(qtbot, d)
    save(w, monkeypatch, tmp_path / "dialog.json")
    done = run_cli("new", "--layers", "2,2,2", "--activations", "sigmoid,sigmoid", "--loss", "half_sse",
                   "--learning-rate", "0.5", "--optimizer", "adam", "--betas", "0.8,0.99", "--regularization", "l1",
                   "--strength", "0.001", "--schedule", "step", "--step-size", "50", "--init", "he", "--seed", "0",
                   "--out", tmp_path / "headless.json")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "dialog.json").read_text()) == json.loads((tmp_path / "headless.json").read_text())


def test_the_dialog_with_every_update_rule_fits_a_1024_by_700_screen(qtbot, make_window):
    """Adam's two settings, a penalty and a schedule with two: the dialog's two columns keep it
    within a 1024×700 screen (one column was 745 pixels tall)."""
    w = make_window(net=open_network(ADAM_NET), size=(1024, 700))
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    assert d.penalty.kind is not None and d.schedule.kind is not None and len(d.optimizer.boxes) == 2
    hint = d.sizeHint()
    assert hint.width() <= 1024 and hint.height() <= 700 * 0.85, hint
