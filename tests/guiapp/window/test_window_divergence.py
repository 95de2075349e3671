"""A network driven past float64 stops with a message that says what happened, and no NaN
or infinity ever reaches its parameters (issue 6, item 5)."""
import math

import numpy as np
import pytest

from engine import Session, TrainingDiverged, open_network
from tests.conftest import leave_unchanged


def xor_at(lr: float):
    net = open_network("xor")
    net.learning_rate = lr
    return net


def test_saturated_sigmoid_with_bce_has_a_finite_delta():
    """An output that rounds to exactly 0 with target 0 has loss 0 and δ = (o − t)/K = 0,
    not 0/0 = NaN as ∂E/∂out · ∂out/∂net would give."""
    s = Session(xor_at(1.0))
    for k in range(s.net.n_samples):
        s.set_target(k, 0, 0.0)
    for name in ("w7", "w8", "w9"):
        s.set_parameter(s.parameter(name), 0.0)
    s.set_parameter(s.parameter("b_o1"), -800.0)  # σ(−800) rounds to exactly 0
    rec = s.record
    assert (rec["out", 2] == 0.0).all()
    assert rec.batch_loss == 0.0
    assert (rec["delta", 2] == 0.0).all()
    assert np.isfinite(rec["theta", 0]).all()
    assert not np.isfinite(rec["dE_dout", 2]).all()  # 0/0: shown as it is, never used


def test_xor_at_a_huge_learning_rate_never_gets_a_nan_parameter():
    s = Session(xor_at(1e6))
    with pytest.raises(TrainingDiverged) as info:
        s.run(1000)
    message = str(info.value)
    assert "out_o1" in message and "rounds to exactly" in message and "ln(0)" in message
    assert "grew beyond float64" not in message
    s.rewind_to_finite()
    assert np.isfinite(s.params.theta).all() and math.isfinite(s.loss)
    # stepping on, by hand, stops where training stopped: with a message, never with NaN
    stops = 0
    for _ in range(3 * len(s.steps)):
        try:
            s.step()
        except TrainingDiverged as e:
            stops += 1
            assert "rounds to exactly" in str(e)
        assert np.isfinite(s.params.theta).all()
        assert np.isfinite(s.record["theta_before", 0]).all()
    assert stops > 0


def test_an_update_that_overflows_is_refused_by_step():
    """A finite loss whose update is infinite: Step does not enter the next iteration."""
    net = open_network("mazur")
    net.activations = ["linear", "linear"]
    net.learning_rate = 1e300
    net.inputs[:] = 1e6  # gradients of about 1e6: η·∂E/∂w overflows
    s = Session(net)
    assert math.isfinite(s.loss) and not np.isfinite(s.record["theta", 0]).all()
    s.finish_iteration()
    with pytest.raises(TrainingDiverged) as info:
        s.step()
    assert "the update of iteration 1" in str(info.value) and "w" in info.value.what
    assert s.iteration == 1 and np.isfinite(s.params.theta).all()


def test_the_window_says_what_happened(qtbot, settings_dir):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from guiapp.window import MainWindow

    w = MainWindow(xor_at(1e6), "xor")
    qtbot.addWidget(w, before_close_func=leave_unchanged)  # trained: closing would ask to save
    w.show()
    w.train_count.setValue(1000)
    w.actions["train"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert boxes, "no message"
    text = boxes[-1].text()
    assert "rounds to exactly" in text and "iteration 2" in text, text
    assert np.isfinite(w.model.session.params.theta).all()
    for box in boxes:
        box.close()
    for _ in range(2 * len(w.model.session.steps)):
        w.actions["step"].trigger()
        assert np.isfinite(w.model.session.params.theta).all()
