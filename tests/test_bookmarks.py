"""Bookmarks: the one way the session comes back to a state (undo, Reset and its undo)."""
import numpy as np

from engine import Session, open_network


def test_reset_then_restore_brings_back_the_recorded_iterations():
    """Set w1 = 5 in iteration 1, go on to iteration 2, Reset, restore: stepping back finds
    iteration 1 as it was computed, with w1 = 5, not rebuilt from the network as opened."""
    s = Session(open_network("mazur"))
    s.set_parameter(s.parameter("w1"), 5.0)
    loss_1 = s.loss
    s.finish_iteration()
    s.step()
    assert s.iteration == 2
    before = s.bookmark(whole=True)
    s.reset()
    assert s.iteration == 1 and s.start_value(s.parameter("w1")) == 0.15
    s.restore(before)
    assert s.iteration == 2 and s.can_step_back()
    s.step_back()
    assert s.iteration == 1 and s.cursor == len(s.steps) - 1
    assert s.start_value(s.parameter("w1")) == 5.0
    assert s.loss == loss_1 == s.history.values[0]


def test_an_edit_bookmark_remembers_the_setup_in_force():
    """Undoing an edit of η made at iteration 3 after going back to 2 trains forward with
    the learning rate that was in force, not the edited one."""
    s = Session(open_network("mazur"))
    s.run(2)
    mark = s.bookmark()  # iteration 3 starts here, with η = 0.5
    s.set_learning_rate(10.0)
    s.step_back()  # into iteration 2: the trace keeps it
    assert s.iteration == 2
    s.restore(mark)
    reference = Session(open_network("mazur"))
    reference.run(2)
    assert s.iteration == 3 and s.net.learning_rate == 0.5
    assert s.loss == reference.loss
    np.testing.assert_array_equal(s.params.theta, reference.params.theta)


def test_records_read_again_equal_those_computed():
    """The trace computes kept iterations again on reading: bit for bit what stepping saw."""
    net = open_network("xor")  # momentum, several samples
    stepped = Session(net)
    rows = {}
    for it in range(1, 40):
        rows[it] = stepped.record.row.copy()
        stepped.finish_iteration()
        stepped.step()
    trained = Session(net)
    trained.run(39)
    for it in (1, 2, 17, 38, 39):
        np.testing.assert_array_equal(trained.trace.record(it).row, rows[it])
