"""Another network in place of the current one, undoably (New network, Edit structure: issue 9)."""
import numpy as np

from engine import Session, open_network


def state(w):
    s = w.model.session
    return (w.model.source, s.net.sizes, s.iteration, s.params.theta.copy(), s.history.values.copy(),
            s.net.inputs.copy(), s.net.targets.copy())


def same(a, b):
    assert a[:3] == b[:3]
    for x, y in zip(a[3:], b[3:]):
        np.testing.assert_array_equal(x, y)


def test_a_new_network_is_undone_with_its_history_and_position(qtbot, make_window):
    from guiapp.model import commands

    w = make_window("mazur")
    w.model.train(5)
    qtbot.waitUntil(lambda: not w.model.busy)
    w.model.step()
    before = state(w)
    w.undo_stack.push(commands.ChangeNetwork(w.model, open_network("softmax"), "", "new network 2-4-3"))
    s = w.model.session
    assert s.net.sizes == [2, 4, 3] and s.iteration == 1 and w.model.source == ""
    assert len(w.diagram.edges) == 2 * 4 + 4 * 3 + 4 + 3  # the views follow the new shape
    assert "untitled *" in w.windowTitle()
    w.model.train(7)
    qtbot.waitUntil(lambda: not w.model.busy)
    assert w.model.session.iteration == 8
    w.actions["undo"].trigger()
    same(state(w), before)  # mazur at iteration 6, its 5 losses: the position at the iteration's start
    assert len(w.diagram.edges) == 2 * 2 + 2 * 2 + 2 + 2 and w.model.session.cursor == -1
    assert w.model.session.can_step_back()
    w.actions["redo"].trigger()
    assert w.model.session.iteration == 1 and w.model.session.net.sizes == [2, 4, 3]
    fresh = Session(open_network("softmax"))
    np.testing.assert_array_equal(w.model.session.params.theta, fresh.params.theta)  # at its start again
    assert len(w.model.session.history) == 1
    w.actions["undo"].trigger()
    same(state(w), before)  # the same state each time


def test_edits_before_and_after_a_change_of_network_undo_in_order(qtbot, make_window):
    from guiapp.model import commands

    w = make_window("mazur")
    w.undo_stack.push(commands.edit_command(w.model, commands.ValueRef("param", "w1"), 0.5))
    w.undo_stack.push(commands.ChangeNetwork(w.model, open_network("xor"), "", "new network"))
    w.undo_stack.push(commands.edit_command(w.model, commands.ValueRef("param", "w1"), -2.0))
    s = w.model.session
    assert s.start_value(s.parameter("w1")) == -2.0 and s.net.sizes == [2, 3, 1]
    w.actions["undo"].trigger()
    assert w.model.session.start_value(s.parameter("w1")) == open_network("xor").weights[0][0, 0]
    w.actions["undo"].trigger()
    assert w.model.session.net.sizes == [2, 2, 2] and w.model.session.start_value(s.parameter("w1")) == 0.5
    w.actions["undo"].trigger()
    assert w.model.session.start_value(s.parameter("w1")) == 0.15
    for _ in range(3):
        w.actions["redo"].trigger()
    assert w.model.session.net.sizes == [2, 3, 1] and w.model.session.start_value(s.parameter("w1")) == -2.0
