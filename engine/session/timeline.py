"""Coming back (a part of `session.Session`): bookmarks, the state an iteration starts from with the
timeline around it, made and restored (undo, Reset and its undo); the network as it is now."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import naming
from engine.network.maths import Params
from engine.network.network import Network, Setup, TrainingState
from engine.record.trace import TraceStore
from engine.session.trajectory import Trajectories


# What a change of which rebuilds the session's plan, layout and steps (not only its numbers).
STRUCTURE = ("sizes", "activations", "loss", "train_biases", "optimizer", "penalty", "schedule", "batch_size",
             "update_order", "features")


# An undo step keeps at most this many bytes of checkpoints of its own (half for the iterations
# just before it, to step back into quickly once restored, half for the rest of the timeline);
# Reset's keeps the whole trace.
BOOKMARK_TRACE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Bookmark:
    """The state an iteration starts from, to come back to it exactly: the parameters (and the
    optimizer's state), the configuration and samples in force, the loss history of the
    timeline (a snapshot, which costs a reference) and its recorded iterations (those the
    session had, or for an undo step a thinned copy), the later ones included: restored, the
    session is at `iteration` with its timeline as it was."""
    iteration: int
    params: Params
    setup: Setup
    losses: np.ndarray  # of iterations 1 .. the latest (1 .. iteration-1 without a trace)
    trace: TraceStore | None = None
    trajectories: Trajectories | None = None
    penalties: np.ndarray | None = None  # E_penalty of the same iterations, with a penalty (NaN: unknown)


def same_params(a: Params, b: Params) -> bool:
    """The same numbers, bit for bit (NaN included)."""
    va, vb = a.state, b.state
    return a.theta.tobytes() == b.theta.tobytes() and (
        (va is None and vb is None) or (va is not None and vb is not None and va.tobytes() == vb.tobytes()))


def _same_array(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return (a is None) == (b is None) and (a is None or (a.shape == b.shape and a.tobytes() == b.tobytes()))


def same_setup(a: Setup, b: Setup) -> bool:
    return a is b or (a.learning_rate == b.learning_rate and a.inputs.tobytes() == b.inputs.tobytes()
                      and a.targets.tobytes() == b.targets.tobytes() and a.batch == b.batch
                      and _same_array(a.test_inputs, b.test_inputs) and _same_array(a.test_targets, b.test_targets)
                      and all(getattr(a, f) == getattr(b, f) for f in STRUCTURE))


class Timeline:
    """Bookmarks made and restored, Reset, the current network (of a `Session`)."""

    # -- coming back ----------------------------------------------------------------------
    def bookmark(self, whole: bool = False) -> Bookmark:
        """Where the current iteration starts, with the timeline's loss history and recorded
        iterations (the later ones too): all of them if `whole` (Reset, which replaces them),
        else within BOOKMARK_TRACE_BYTES (an undo step)."""
        trace = self.trace.detached() if whole else self.trace.detached(BOOKMARK_TRACE_BYTES, self.iteration)
        trace.pin(self.iteration, self.params, self.net)
        return Bookmark(self.iteration, self.params.copy(), self.net.copy(), self.history.snapshot(), trace,
                        self.trajectories.snapshot(), self._penalty_snapshot())

    def _penalty_snapshot(self) -> np.ndarray | None:
        return None if self.penalties is None else self.penalties.snapshot()

    def _load_penalties(self, mark: Bookmark, n: int) -> None:
        """The penalty history of the first n iterations of the bookmark's (NaN where unknown)."""
        if self.penalties is None:
            return
        values = np.full(n, np.nan)
        if mark.penalties is not None:
            known = min(n, len(mark.penalties))
            values[:known] = mark.penalties[:known]
        self.penalties.load(values)

    @property
    def penalty_history(self) -> np.ndarray | None:
        """E_penalty of iterations 1 .. the latest, with the parameters each starts from (NaN
        where unknown: before the iteration a saved network was opened at), or None without a
        penalty."""
        return None if self.penalties is None else self.penalties.values

    def restore(self, mark: Bookmark) -> None:
        """Make the bookmarked iteration the current one, as it was, at its first step, with
        the timeline it had (the loss history, the recorded iterations, the later ones
        included, which the session goes on from while the bookmark keeps them as they were:
        it can be restored again). All or nothing: if it fails, the session is exactly as it
        was before the call."""
        before = Bookmark(self.iteration, self.params.copy(), self.net, self.history.snapshot(), self.trace,
                          self.trajectories, self._penalty_snapshot())
        cursor = self.cursor
        try:
            self._restore(mark)
        except BaseException:
            self._restore(before, reuse=True)
            self.cursor = cursor
            raise

    def _restore(self, mark: Bookmark, reuse: bool = False) -> None:
        setup = mark.setup.copy()
        if setup.batch != self.net.batch or any(getattr(setup, f) != getattr(self.net, f) for f in STRUCTURE):
            self._configure(setup)
        kept = mark.trace if reuse else self._reusable(mark)
        if kept is not None:  # the timeline as it was: nothing computed but the iteration's record
            self.trace = kept
            self.history.load(mark.losses)
            self._load_penalties(mark, len(mark.losses))
            self.trajectories = self._new_trajectories() if mark.trajectories is None else mark.trajectories.snapshot()
            self.go_to_iteration(mark.iteration)
            return
        self.net = setup
        self.trace = self._new_trace()
        self.trajectories = self._new_trajectories()
        self.history.load(mark.losses[: mark.iteration - 1])
        self._load_penalties(mark, mark.iteration - 1)
        self._batches = self._cycle_batches()
        self.iteration = mark.iteration
        self.params = mark.params.copy()
        self._compute()

    def _reusable(self, mark: Bookmark) -> TraceStore | None:
        """The bookmark's recorded iterations, if they hold its iteration as it starts: a
        copy, which the session goes on from while the bookmark keeps them as they were (to be
        restored again)."""
        if mark.trace is None or mark.iteration not in mark.trace or len(mark.losses) < mark.iteration:
            return None
        trace = mark.trace.detached()
        if trace.layout.keys != self.layout.keys or trace.layout.shapes != self.layout.shapes:
            return None
        trace.layout, trace.rebuild = self.layout, self._rebuild  # this session's copy now
        params, setup = trace.start(mark.iteration)
        if not (same_params(params, mark.params) and same_setup(setup, mark.setup)):
            return None
        return trace

    def reset(self) -> None:
        """Back to the network as it was opened: iteration 1, nothing trained or recorded."""
        self.restore(self._opened)

    def current_network(self) -> Network:
        """The network with the parameters the current iteration starts from (to save it), and,
        after iteration 1, its training state: opened again, it goes on exactly from here."""
        state = None
        if self.iteration > 1 or self.params.state is not None:
            kept = self.params.state
            state = TrainingState(self.iteration, None if kept is None else kept.copy(),
                                  self.history.values[: self.iteration - 1].copy())
        return Network.of(self.net, self.params.weights, self.params.biases, state)

    def parameter(self, name: str) -> naming.Param:
        return naming.find_parameter(self.net.sizes, name)
