"""Issue 19 in the window: every update rule chosen in the structure dialog, the header that
names it, the test samples held out and shown, evaluated as training goes (test loss, accuracy),
the confusion matrix and training until the test loss stops improving; the numbers compared with
the engine's own (engine.files.design, engine.session.evaluation, the headless command)."""
import json
from pathlib import Path

import numpy as np

from engine import open_network
from engine.concepts.optimizers import OPTIMIZERS
from engine.concepts.penalties import PENALTIES
from engine.concepts.schedules import SCHEDULES
from engine.files import design as designs, netfile
from tests.test_structure_dialog import choose, dialog_of, ok, save, type_number

ADAM_NET = str(Path(__file__).parent / "data" / "gaussians-adam-test.json")


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
    assert f"Adam (betas {fmt(0.8)}, {fmt(0.99)}, ε {fmt(1e-8)})" in header
    assert f"L1 penalty (strength {fmt(0.001)})" in header and f"η exponential decay (gamma {fmt(0.99)})" in header


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
