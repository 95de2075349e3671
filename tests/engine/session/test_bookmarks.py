"""Bookmarks: the one way the session comes back to a state (undo, Reset and its undo)."""
import numpy as np
import pytest

from engine import Session, open_network
from engine.concepts.optimizers.sgd import SGD


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
    # a restore that fails part way (here: no memory left to compute the iteration's record
    # again): the session stays exactly as it was
    s2 = Session(open_network("mazur"))
    s2.run(3)
    mark2 = s2.bookmark()
    s2.set_learning_rate(0.1)
    s2.step()
    before = (s2.iteration, s2.cursor, s2.params.theta.copy(), s2.history.values.copy(), s2.net.learning_rate,
              s2.record.row.copy())
    original = s2._rebuild
    calls = []

    def fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("injected")
        return original(*args, **kwargs)

    s2._rebuild = fail_once
    with pytest.raises(MemoryError):
        s2.restore(mark2)
    after = (s2.iteration, s2.cursor, s2.params.theta.copy(), s2.history.values.copy(), s2.net.learning_rate,
             s2.record.row.copy())
    assert after[0:2] == before[0:2] and after[4] == before[4] == 0.1
    for a, b in zip(after[2:], before[2:]):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)


def test_training_computes_exactly_what_stepping_records():
    """Training's quick iterations (no record) and the recorded ones are the same numbers,
    bit for bit: losses and parameters, on every kind of preset."""
    for name in ("mazur", "seed-notebook", "xor", "softmax"):
        for momentum in (0.0, 0.9):
            net = open_network(name)
            net.optimizer = SGD(momentum=momentum)
            trained = Session(net, trace_capacity=5)
            trained.run(30)
            stepped = Session(net)
            for _ in range(30):
                stepped.finish_iteration()
                stepped.step()
            np.testing.assert_array_equal(trained.history.values, stepped.history.values)
            np.testing.assert_array_equal(trained.params.theta, stepped.params.theta)
            assert (trained.plan.quick is None) == bool(momentum)


def test_a_bookmark_keeps_the_loss_history_it_was_made_on():
    """Issue 8: an edit's undo step comes back with the losses of the path it was made on,
    not with those of the path the session took since (the iterations trained after a
    Reset and another edit have other losses)."""
    s = Session(open_network("xor"))
    s.run(1)
    s.set_parameter(s.parameter("w1"), 0.7127)  # iteration 2
    s.step_back()  # into iteration 1: the edit stays in the timeline, after it
    s.finish_iteration()
    s.run(20)  # along the timeline: into the edited iteration 2, then trained on from it
    assert s.iteration == 22
    mark = s.bookmark()
    losses = s.history.values[:21].copy()
    s.set_target(0, 0, 0.25)
    s.reset()
    s.set_parameter(s.parameter("w1"), -3.0)
    s.run(30)  # another path, which overwrites the losses the bookmark holds
    assert not np.array_equal(s.history.values[:21], losses)
    s.restore(mark)
    assert s.iteration == 22 and np.array_equal(s.history.values[:21], losses)
    np.testing.assert_array_equal(s.params.theta, mark.params.theta)
    assert s.can_step_back()  # the iterations before it are kept too (within the undo step's budget)
    s.step_back()
    assert s.iteration == 21 and s.loss == losses[20]
    np.testing.assert_array_equal(mark.losses[:21], losses)  # and the bookmark still holds them
    assert len(mark.losses) == 22  # with the loss of the iteration it was made in


def test_history_snapshots_are_copied_only_on_a_write_into_them():
    from engine.record.trace import LossHistory

    h = LossHistory()
    for k in range(1, 11):
        h.set(k, float(k))
    snap = h.snapshot(5)
    buffer = h.values.base if h.values.base is not None else h.values
    h.set(11, 11.0)  # after the snapshot's losses: the buffer is shared still
    assert np.shares_memory(h.values, snap)
    h.set(3, -1.0)  # into them: the history moves to a copy
    assert not np.shares_memory(h.values, snap)
    assert list(snap) == [1.0, 2.0, 3.0, 4.0, 5.0] and list(h.values) == [1.0, 2.0, -1.0]
    assert not snap.flags.writeable and buffer is not None


def test_a_saved_network_resumes_exactly(tmp_path):
    """Issue 12, item 6: xor (momentum 0.9, several samples) saved after 500 iterations, opened
    again and trained 500 more: bit for bit the 1,000 uninterrupted iterations."""
    from engine.files import netfile

    s = Session(open_network("xor"))
    s.run(500)
    path = tmp_path / "xor-500.json"
    netfile.save(s.current_network(), path)
    data = __import__("json").loads(path.read_text())
    assert data["training_state"]["iteration"] == 501 and len(data["training_state"]["loss_history"]) == 500
    assert len(data["training_state"]["momentum_buffer"]) == len(s.net.parameters())
    resumed = Session(netfile.load(path))
    assert resumed.iteration == 501 and resumed.loss == s.loss
    resumed.run(500)
    whole = Session(open_network("xor"))
    whole.run(1000)
    np.testing.assert_array_equal(resumed.history.values, whole.history.values)
    np.testing.assert_array_equal(resumed.params.theta, whole.params.theta)
    np.testing.assert_array_equal(resumed.params.state, whole.params.state)
    resumed.reset()  # Reset goes back to the network as it was opened: iteration 501
    assert resumed.iteration == 501 and np.array_equal(resumed.history.values[:500], whole.history.values[:500])


@pytest.mark.parametrize("change, words", [
    (lambda st: st.update(iteration=3), "expected the 2 losses"),
    (lambda st: st.update(momentum_buffer=[0.0]), "momentum_buffer"),
    (lambda st: st.pop("loss_history"), "expected {\"iteration\""),
    (lambda st: st.update(iteration=0), "whole number ≥ 1, found 0"),
])
def test_a_bad_training_state_is_refused_with_its_field(tmp_path, change, words):
    from engine.files import netfile

    s = Session(open_network("xor"))
    s.run(4)
    data = netfile.to_dict(s.current_network())
    change(data["training_state"])
    with pytest.raises(netfile.NetworkFileError) as e:
        netfile.parse(data, "x.json")
    assert "training_state" in str(e.value) and words in str(e.value)
