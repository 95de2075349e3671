"""The update order changed in a session (issue 12, item 4): the current iteration computed again
in the new order, the iterations before it as they were."""
import numpy as np
import pytest

from engine import Session, open_network


def test_the_worked_example_in_both_orders():
    s = Session(open_network("mazur"))
    s.set_update_order("sequential")
    s.run(1)
    assert s.loss == pytest.approx(0.291027924, abs=5e-10)  # the article's figure
    s2 = Session(open_network("mazur"))
    s2.run(1)
    assert s2.loss == pytest.approx(0.291027774, abs=5e-10)  # the correct one


def test_iterations_before_the_change_are_read_again_as_they_were_computed():
    s = Session(open_network("xor"), trace_capacity=100)
    s.run(5)
    s.set_update_order("sequential")
    s.run(5)
    assert s.iteration == 11
    for k in range(1, 11):  # every kept iteration, computed again from its checkpoint
        rec = s.trace.record(k)
        assert rec.batch_loss == s.history.values[k - 1], k
    reference = Session(open_network("xor"))
    reference.run(5)
    np.testing.assert_array_equal(s.history.values[:5], reference.history.values[:5])
    reference.set_update_order("sequential")
    reference.run(5)
    np.testing.assert_array_equal(s.history.values, reference.history.values)  # the same path, however reached
    with pytest.raises(ValueError, match="must be one of simultaneous, sequential"):
        s.set_update_order("random")


def test_the_update_order_in_the_window_is_undoable_and_explained(qtbot, make_window):
    w = make_window("mazur")
    action = w.actions["sequential"]
    assert not action.isChecked()
    action.trigger()  # as from the Run menu
    s = w.model.session
    assert s.net.update_order == "sequential" and w.undo_stack.index() == 1
    assert "0.291027924" in w.panel.now.toPlainText() and "0.291027774" in w.panel.now.toPlainText()
    s.finish_iteration()
    s.step()
    assert s.loss == pytest.approx(0.291027924, abs=5e-10)
    w.actions["undo"].trigger()
    s = w.model.session
    assert s.net.update_order == "simultaneous" and not action.isChecked() and s.iteration == 1
    w.actions["redo"].trigger()
    assert action.isChecked() and w.model.session.net.sequential
