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


def test_restoring_into_an_iteration_whose_loss_is_infinite_works_and_a_failure_changes_nothing():
    """Issue 8, 7(a): finish iteration 1, step into 2, set target o2 = 1e308 (iteration 2's
    loss is infinite), set η = 0.1, step back into iteration 1, undo the η edit: the session
    goes back to iteration 2 with η = 0.5, its loss infinite as it was."""
    s = Session(open_network("mazur"))
    s.finish_iteration()
    s.step()
    s.set_target(0, 1, 1e308)
    assert s.iteration == 2 and not np.isfinite(s.loss)
    mark = s.bookmark()
    s.set_learning_rate(0.1)
    assert s.step_back() and s.iteration == 1
    s.restore(mark)
    assert (s.iteration, s.net.learning_rate) == (2, 0.5) and not np.isfinite(s.loss)
    # a bookmark that cannot be reached: the session stays exactly as it was
    far = Session(open_network("mazur"))
    far.net.targets[0, 1] = 1e308  # with this setup iteration 1's loss is infinite: 3 is out of reach
    s2 = Session(open_network("mazur"))
    before = (s2.iteration, s2.cursor, s2.params.theta.copy(), s2.history.values.copy(), s2.net.learning_rate)
    unreachable = type(mark)(3, s2.params.copy(), far.net, None, None)
    s2.step()
    s2.step_back()
    try:
        s2.restore(unreachable)
    except Exception as e:
        assert type(e).__name__ == "TrainingDiverged"
    else:
        raise AssertionError("restored an unreachable bookmark")
    after = (s2.iteration, s2.cursor, s2.params.theta.copy(), s2.history.values.copy(), s2.net.learning_rate)
    assert after[0:2] == before[0:2] and after[4] == before[4]
    np.testing.assert_array_equal(after[2], before[2])
    np.testing.assert_array_equal(after[3], before[3])


def test_training_computes_exactly_what_stepping_records():
    """Training's quick iterations (no record) and the recorded ones are the same numbers,
    bit for bit: losses and parameters, on every kind of preset."""
    for name in ("mazur", "seed-notebook", "xor", "softmax"):
        for momentum in (0.0, 0.9):
            net = open_network(name)
            net.momentum = momentum
            trained = Session(net, trace_capacity=5)
            trained.run(30)
            stepped = Session(net)
            for _ in range(30):
                stepped.finish_iteration()
                stepped.step()
            np.testing.assert_array_equal(trained.history.values, stepped.history.values)
            np.testing.assert_array_equal(trained.params.theta, stepped.params.theta)
            assert (trained.plan.quick is None) == bool(momentum)
