"""What the window evaluates of a session: the test loss and the accuracies as training goes
(engine.session.evaluation.Evaluations, shown to `Session.train` as its watch), and the whole
evaluation of the current iteration (the confusion matrix).

Training evaluates as often as costs at most the engine's BUDGET of its time (`every` doubles on
a large network: the loss plot says so); the last iteration a training computed is evaluated when
it ends. The evaluations belong to the session's timeline: a training from iteration k evaluates k
first, which drops any evaluation after it (an edit's branch, an undone training); another
network, or other samples, start them again. With `patience`, training stops once the test loss
has not reached a new minimum for that many evaluations (the engine's rule, as `train
--patience`): `best` is the iteration that had it.
"""
from __future__ import annotations

import numpy as np

from engine.session.evaluation import NEVER, Evaluation, Evaluations, Evaluator, measures
from engine.network.maths import forward
from engine.session.session import Session


def _key(session: Session) -> tuple:
    """What the evaluations depend on: the session and the network's function and samples (not
    its learning rate or optimizer, which only change what later iterations start from)."""
    net = session.net
    return (id(session), tuple(net.sizes), tuple(net.activations), net.loss, id(net.inputs), id(net.targets),
            id(net.test_inputs), id(net.test_targets))


class SessionEvaluations:
    """The evaluations of the session shown (`of(session)` makes them anew when it changed)."""

    def __init__(self):
        self._key: tuple | None = None
        self.evaluations: Evaluations | None = None
        self.best: int | None = None  # the best iteration of the last training that stopped early
        self._report: tuple | None = None  # (key, iteration, params bytes) -> Evaluation, the last report

    def of(self, session: Session) -> Evaluations | None:
        """The session's evaluations (None: a network with nothing to evaluate)."""
        key = _key(session)
        if key != self._key:
            self._key = key
            self.best = None
            self._report = None
            self.evaluations = Evaluations(session.net, None, session.iteration) if measures(session.net) else None
        return self.evaluations

    def watch(self, session: Session, patience: int | None = None) -> Evaluations | None:
        """The watch of a training starting now: the first iteration it computes is evaluated
        first (which drops the evaluations after it), and with `patience` it stops early."""
        evaluations = self.of(session)
        if evaluations is None:
            return None
        evaluations.due = max(session.iteration, session.latest)
        evaluations.patience = patience
        evaluations.best, evaluations.best_loss, evaluations.waited = None, float("inf"), 0
        evaluations.stop = NEVER
        self.best = None
        return evaluations

    def trained(self, session: Session) -> int | None:
        """After a training: the last iteration it computed is evaluated if it was not. Returns
        the best iteration if the test loss stopped improving (patience), else None."""
        evaluations = self.of(session)
        if evaluations is None:
            return None
        done = session.iteration - 1
        stopped_early = evaluations.stop <= done
        if done >= 1 and evaluations.at(done) is None and (not len(evaluations) or done > evaluations.iterations[-1]):
            start = session.trace.start(done)
            if start is not None:
                evaluations.see(done, start[0])
        self.best = evaluations.best if stopped_early else None
        evaluations.patience, evaluations.stop = None, NEVER
        return self.best

    def shown(self, session: Session) -> tuple[list[str], list[str], list[bool], np.ndarray, np.ndarray]:
        """What the loss plot draws: the measures' names, titles, whether each is a fraction, and
        the iterations evaluated that the timeline has computed with their values (rows)."""
        evaluations = self.of(session)
        if evaluations is None:
            return [], [], [], np.empty(0, np.int64), np.empty((0, 0))
        found = evaluations.measures
        iterations, values = evaluations.iterations, evaluations.values
        keep = int(np.searchsorted(iterations, len(session.history), side="right"))
        return ([m.name for m in found], [m.title for m in found], [m.fraction for m in found],
                iterations[:keep], values[:keep])

    def cell(self, session: Session, test: bool, true: int, predicted: int) -> np.ndarray:
        """The rows of the samples (or test samples) of class `true` that the network, as the
        current iteration starts, puts in class `predicted` (a cell of the confusion matrix), by
        the loss's own rule (`Loss.classes`), in chunks as the engine evaluates."""
        net, evaluator = session.net, Evaluator(session.net)
        x, t = (net.test_inputs, net.test_targets) if test else (net.inputs, net.targets)
        classes = evaluator.classes
        found = []
        for a in range(0, len(x), evaluator.rows):
            _, outs = forward(evaluator.plan, session.params, x[a:a + evaluator.rows])
            hit = (classes.of(t[a:a + evaluator.rows]) == true) & (classes.of(outs[-1]) == predicted)
            found.append(a + np.flatnonzero(hit))
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def report(self, session: Session) -> Evaluation | None:
        """Everything evaluated with the parameters the current iteration starts from (the
        confusion matrix): None for a network with nothing to evaluate."""
        if self.of(session) is None:
            return None
        params = session.params
        key = (self._key, session.iteration, params.theta.tobytes())
        if self._report is None or self._report[0] != key:
            self._report = (key, Evaluator(session.net).report(params))
        return self._report[1]
