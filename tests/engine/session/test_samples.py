"""Samples replaced as a whole (the samples table, issue 9): the engine's side."""
import re

import numpy as np
import pytest

from engine import Network, Session, open_network
from engine.network.network import samples_problems


def test_samples_of_the_same_count_recompute_the_current_iteration():
    s = Session(open_network("xor"))
    s.run(3)
    start = s.current_network()
    inputs = s.net.inputs.copy()
    inputs[1] = [0.25, 0.75]
    assert s.set_samples(inputs, s.net.targets) is False
    assert s.iteration == 4 and s.cursor == -1
    fresh = Session(Network.of(s.net, start.weights, start.biases))
    fresh.params.state = s.params.state  # the momentum buffer the iteration starts with
    fresh._compute()
    assert s.loss == fresh.loss
    np.testing.assert_array_equal(s.record.row[1:], fresh.record.row[1:])  # all but the iteration number


def test_another_number_of_samples_starts_again_at_iteration_1_from_the_current_values():
    s = Session(open_network("xor"))
    s.run(5)
    start = s.params.theta.copy()
    inputs = np.vstack([s.net.inputs, [[0.5, 0.5]]])
    targets = np.vstack([s.net.targets, [[1.0]]])
    assert s.set_samples(inputs, targets) is True
    assert s.iteration == 1 and s.layout.batch == 5 and len(s.history) == 1
    np.testing.assert_array_equal(s.params.theta, start)
    s.run(2)  # and it trains on
    assert s.iteration == 3


def test_restoring_a_bookmark_of_another_number_of_samples():
    s = Session(open_network("xor"))
    s.run(5)
    mark = s.bookmark(whole=True)
    losses = s.history.values.copy()
    s.set_samples(s.net.inputs[:2], s.net.targets[:2])
    assert s.layout.batch == 2
    s.restore(mark)
    assert s.iteration == 6 and s.layout.batch == 4
    np.testing.assert_array_equal(s.history.values[:5], losses[:5])
    assert s.can_step_back()


@pytest.mark.parametrize("preset, target, where, reason", [
    ("xor", [-1.0], (1, 2), "needs targets in [0, 1]"),
    ("softmax", [0.5, 0.0, 0.0], (1, None), "summing to 1"),
    ("mazur", [np.inf, 0.5], (1, 2), "must be finite"),
])
def test_samples_the_file_would_refuse_are_refused_and_nothing_changes(preset, target, where, reason):
    s = Session(open_network(preset))
    before = (s.net.inputs.copy(), s.net.targets.copy(), s.loss)
    targets = s.net.targets.copy()
    if len(targets) < 2:
        targets = np.vstack([targets, targets])
        inputs = np.vstack([s.net.inputs, s.net.inputs])
    else:
        inputs = s.net.inputs
    targets[1] = target
    problems = samples_problems(s.net, inputs, targets)
    assert problems[0][:2] == where and reason in problems[0][2]
    with pytest.raises(ValueError, match=f"sample 2: .*{re.escape(reason)}"):
        s.set_samples(inputs, targets)
    np.testing.assert_array_equal(s.net.inputs, before[0])
    np.testing.assert_array_equal(s.net.targets, before[1])
    assert s.loss == before[2]


def test_no_samples_and_wrong_shapes_are_refused():
    net = open_network("mazur")
    assert samples_problems(net, np.empty((0, 2)), np.empty((0, 2)))[0][2] == "at least one sample is needed"
    assert "2 inputs and 2 targets" in samples_problems(net, np.zeros((1, 3)), np.zeros((1, 2)))[0][2]


def test_test_samples_change_through_the_same_path_and_training_stays_as_it_was():
    """Points by hand into the test samples (issue 20 item 3): set_samples(..., test=True) takes
    them (none: no test samples), refuses what the file would, and leaves the iteration, its
    loss and the samples trained on as they were; a bookmark brings the old ones back."""
    s = Session(open_network("xor"))
    s.run(3)
    loss, row, mark = s.loss, s.record.row.copy(), s.bookmark()
    assert s.set_samples([[0.5, 0.5], [0.25, 1.0]], [[1.0], [0.0]], test=True) is False
    assert s.net.n_test == 2 and s.iteration == 4 and s.loss == loss
    np.testing.assert_array_equal(s.record.row, row)
    assert s.current_network().test_targets.tolist() == [[1.0], [0.0]]
    with pytest.raises(ValueError, match="test sample 2: "):
        s.set_samples([[0.5, 0.5], [0.0, 0.0]], [[1.0], [2.0]], test=True)  # bce takes 0 … 1
    assert s.net.n_test == 2
    many = np.zeros((3 * s.net.n_samples + 50, 2))  # no batch limit: never trained on
    assert not samples_problems(s.net, many, np.zeros((len(many), 1)), test=True)
    assert samples_problems(s.net, np.empty((0, 2)), np.empty((0, 1)), test=False)
    s.set_samples(np.empty((0, 2)), np.empty((0, 1)), test=True)
    assert s.net.test_inputs is None and s.net.n_test == 0
    s.set_samples([[0.5, 0.5]], [[1.0]], test=True)
    s.restore(mark)
    assert s.net.n_test == 0 and s.loss == loss
