"""A training session: the stepper the window and the headless command drive.

The session has a timeline, iterations 1 (or where a saved network goes on from) to the
latest, every one of them reachable (see `trace`), and is at one iteration k of it at a time
(1-based; the latest, or a past one). The whole of iteration k is computed as soon as the
session gets there (it is cheap), recorded in the trace, and a cursor walks through its
elementary computations (`steps`): values at or before the cursor are "known"; the others
are shown as not yet computed. Stepping past the last computation moves to iteration k+1 of
the timeline (computed then if k is the latest, unless iteration k's loss or update is not
finite: no NaN or infinity ever reaches the parameters) at its first computation; stepping
back from the first computation returns to the last of iteration k-1. Moving about the
timeline (stepping, `go_to_iteration`, training from a past iteration, which goes on along it
first) discards nothing: the iterations after k stay as they were computed. Editing a
weight, bias, input, target or the learning rate recomputes iteration k from its forward pass
and puts the cursor back at its start: a new branch from k, the later iterations discarded
(a bookmark made before the edit keeps them). The cursor is before the first computation
("nothing computed yet") where an iteration starts after an edit, Reset, a jump, training or
opening.

A `Bookmark` is the state an iteration starts from, with the timeline around it; undo, Reset
and its undo come back to one with `restore`. Training runs the maths alone and records the
iteration it ends at; the trace computes any other iteration again when it is read.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.record import describe
from engine.network import naming
from engine.record.diverged import TrainingDiverged, diagnose
from engine.record.layout import Layout, Record
from engine.network.maths import Params, Plan, iterate
from engine.network.network import (UPDATE_ORDERS, Network, Setup, TrainingState, learning_rate_problem, samples_problems, target_problem)
from engine.record.quantities import QUANTITIES, Key, spec
from engine.record.steps import build_steps, known_at, known_with, phase_end
from engine.network.limits import MAX_ITERATIONS
from engine.record.trace import LossHistory, TraceStore
from engine.session.progress import Progress
from engine.session.trajectory import DEFAULT_BUDGET_BYTES as TRAJECTORY_BUDGET_BYTES, Trajectories

__all__ = ["Bookmark", "Progress", "Session", "TrainingDiverged"]
# What a change of which rebuilds the session's plan, layout and steps (not only its numbers).
STRUCTURE = ("sizes", "activations", "loss", "train_biases", "optimizer", "batch_size", "update_order")


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



# The batches of a cycle are made once, together, when they take at most this many bytes.
CYCLE_BYTES = 32 * 1024 * 1024


def cycle_batches(net: Setup):
    """(indices, inputs, targets) of each iteration's batch, for one full cycle: a list made at
    once, or, when that would take more than CYCLE_BYTES, a sequence that makes each batch when
    it is asked for. (A cycle is n / gcd(n, b) batches of b of the n samples: 10,000 samples in
    batches of 9,999 are 10,000 batches, 800 MB made at once.)"""
    n, b = net.n_samples, net.batch
    length = 1 if net.batch_size is None else n // math.gcd(n, b)
    each = 200 + 8 * b * (1 + net.inputs.shape[1] + net.targets.shape[1])  # 3 arrays and a tuple
    batches = _Batches(net, length)
    return [batches[k] for k in range(length)] if length * each <= CYCLE_BYTES else batches


class _Batches:
    """The batches of a cycle, each made when it is asked for."""

    def __init__(self, net: Setup, length: int):
        self.net, self.length = net, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, k: int):
        idx = self.net.batch_indices(k + 1)
        return idx.astype(np.float64), self.net.inputs[idx], self.net.targets[idx]


def same_params(a: Params, b: Params) -> bool:
    """The same numbers, bit for bit (NaN included)."""
    va, vb = a.state, b.state
    return a.theta.tobytes() == b.theta.tobytes() and (
        (va is None and vb is None) or (va is not None and vb is not None and va.tobytes() == vb.tobytes()))


def same_setup(a: Setup, b: Setup) -> bool:
    return a is b or (a.learning_rate == b.learning_rate and a.inputs.tobytes() == b.inputs.tobytes()
                      and a.targets.tobytes() == b.targets.tobytes() and a.batch == b.batch
                      and all(getattr(a, f) == getattr(b, f) for f in STRUCTURE))


class Session:
    def __init__(self, net: Network, trace_capacity: int | None = None,
                 trajectory_budget: int = TRAJECTORY_BUDGET_BYTES):
        self.original = net.copy()
        self._trace_capacity = trace_capacity
        self._trajectory_budget = trajectory_budget
        self._configure(net.setup())
        state = net.state
        params = Params.of(net)
        if state is None:
            self._opened = Bookmark(1, params, net.setup(), np.empty(0))
        else:  # a saved network that goes on where its training stopped
            if state.optimizer_state is not None:
                params.state = state.optimizer_state.copy()
            self._opened = Bookmark(state.iteration, params, net.setup(), state.loss_history.copy())
        self._restore(self._opened)

    # -- set-up -------------------------------------------------------------------------
    def _configure(self, setup: Setup) -> None:
        """Take this configuration: plan, layout and steps follow from it."""
        self.net = setup
        self.plan = Plan(setup)
        self.layout = Layout(setup.sizes, setup.batch, tuple(b.name for b in setup.optimizer.buffers),
                             setup.train_biases)
        self._other_plan: Plan | None = None  # for iterations computed in the other update order
        self._replayed: tuple = (None, None)  # the setup last replayed and its batches
        self._steps: list[Key] | None = None  # made when first needed: training does not
        self._known_at: dict[Key, int] = {}
        self.trace = self._new_trace()
        self.history = LossHistory()
        self.trajectories = self._new_trajectories()
        self._batches = self._cycle_batches()
        self.iteration = 1
        self.cursor = -1

    def _cycle_batches(self):
        return cycle_batches(self.net)

    def batch_of(self, iteration: int):
        return self._batches[(iteration - 1) % len(self._batches)]

    # -- computing ------------------------------------------------------------------------
    def _new_trace(self) -> TraceStore:
        return TraceStore(self.layout, self._trace_capacity, self._rebuild)

    def _new_trajectories(self) -> Trajectories:
        return Trajectories(self.layout.shapes_of_params.size, self.layout.buffers,
                            self.plan.trained.stop, self._trajectory_budget)

    def _record_iteration(self, iteration: int, params: Params, in_place: bool = False,
                          checkpoint: bool = True, essential: bool = True) -> float:
        """Compute `iteration` from `params` and record it; `params` are updated only if
        `in_place`. Without `checkpoint` (training, where `params` are those the previous
        iteration ended with) the trace keeps its start only every `trace.interval`; without
        `essential`, `params` are where the iteration before it ended (stepping on, training)."""
        samples, x, t = self.batch_of(iteration)
        row = self.trace.new_row(iteration, params, self.net, checkpoint or not iteration % self.trace.interval,
                                 essential)
        values = self.layout.header(iteration, self.net.learning_rate, samples, params, x, t)
        with np.errstate(all="ignore"):
            loss = iterate(self.plan, params if in_place else params.copy(), x, t, self.net.learning_rate, values)
        self.layout.pack(values, row)
        self.history.set(iteration, loss)
        self.trajectories.add(iteration, values["theta_before", 0], values["grad", 0],
                              [values[name, 0] for name in self.layout.buffers])
        return loss

    def _rebuild(self, iteration: int, params: Params, setup: Setup, record: bool,
                 last: int | None = None) -> np.ndarray | None:
        """Compute `iteration` again from `params` (updated in place) with `setup`, as it was
        computed the first time: its row, or with `record` False only the updates of
        iterations `iteration`..`last` (as training made them: the same calls)."""
        plan = self._plan_for(setup)
        if not record:
            self._replay(iteration, iteration if last is None else last, params, setup, plan)
            return None
        idx = setup.batch_indices(iteration)
        x, t = setup.inputs[idx], setup.targets[idx]
        with np.errstate(all="ignore"):
            values = self.layout.header(iteration, setup.learning_rate, idx.astype(np.float64), params, x, t)
            iterate(plan, params, x, t, setup.learning_rate, values)
        row = np.empty(self.layout.size)
        self.layout.pack(values, row)
        return row

    def _replay(self, first: int, last: int, params: Params, setup: Setup, plan: Plan) -> None:
        """The updates of iterations first..last, as training made them, on `params`."""
        if setup is not self._replayed[0]:
            self._replayed = (setup, cycle_batches(setup))
        batches = self._replayed[1]
        cycle, lr = len(batches), setup.learning_rate
        step = plan.quick or (lambda params, x, t, lr: iterate(plan, params, x, t, lr))
        with np.errstate(all="ignore"):
            for k in range(first, last + 1):
                _, x, t = batches[(k - 1) % cycle]
                step(params, x, t, lr)

    def _plan_for(self, setup: Setup) -> Plan:
        """The plan an iteration computed with `setup` ran with: the session's, or, for one
        computed before the update order was changed, one of the other order."""
        if setup.update_order == self.net.update_order:
            return self.plan
        plan = self._other_plan
        if plan is None or plan.sequential != setup.sequential or plan.shapes.sizes != setup.sizes:
            plan = self._other_plan = Plan(setup)
        return plan

    def _compute(self, essential: bool = True) -> None:
        """(Re)compute the current iteration from self.params and record it: the timeline
        ends there (`essential` False: self.params are where the iteration before ended)."""
        self.trace.drop_from(self.iteration)
        self._record_iteration(self.iteration, self.params, essential=essential)
        self.cursor = -1

    @property
    def record(self) -> Record:
        return self.trace.record(self.iteration)

    @property
    def loss(self) -> float:
        """Batch loss of the current iteration's forward pass."""
        return self.record.batch_loss

    # -- the cursor ---------------------------------------------------------------------
    @property
    def steps(self) -> list[Key]:
        """The computations of an iteration, in the order the stepper walks them."""
        if self._steps is None:
            self._steps = build_steps(self.net, self.layout)
            self._known_at = known_at(self._steps)
        return self._steps

    @property
    def current_step(self) -> Key | None:
        return self.steps[self.cursor] if self.cursor >= 0 else None

    @property
    def phase(self) -> str:
        step = self.current_step
        return step.phase if step else "start"

    def is_known(self, key: Key) -> bool:
        """Has the cursor reached the computation of this value?"""
        self.steps  # noqa: B018 (made on first use, with _known_at)
        n = self._known_at.get(key)
        if n is None:
            mean_of = known_with(self.layout, key)
            n = -1 if mean_of is None else self._known_at.get(mean_of, -1)
        return n <= self.cursor

    def value(self, quantity: str, layer: int, unit: int | None = None, source: int | None = None,
              sample: int | None = None) -> float | None:
        """A value of the current iteration (indices 0-based; sample = position in the
        batch), or None while the cursor has not reached its computation."""
        key = Key(quantity, layer, unit, source, sample)
        if not self.is_known(key):
            return None
        return self.record.value(key)

    def is_updated(self, p: naming.Param) -> bool:
        """Has the cursor passed the update of this parameter?"""
        if self.cursor < 0:
            return False
        new = self._known_at.get(Key(p.kind, p.layer, p.unit, p.source))
        return new is not None and new <= self.cursor

    def parameter_value(self, p: naming.Param) -> float:
        """The value the parameter has at the cursor: the new value once its update is shown."""
        quantity = p.kind if self.is_updated(p) else p.kind + "_before"
        return self.record.value(Key(quantity, p.layer, p.unit, p.source))

    def step(self) -> None:
        if self.cursor + 1 < len(self.steps):
            self.cursor += 1
        else:
            self._advance()
            self.cursor = 0

    def step_back(self) -> bool:
        """One computation back; False if there is nothing left to go back to.

        The mirror of `step`: from the first computation of an iteration it goes to the last
        of the previous one (where `step` from there came from), so "nothing computed yet" is
        passed over; it is reached only when the trace keeps no previous iteration."""
        previous = self.iteration - 1 in self.trace
        if self.cursor > 0 or (self.cursor == 0 and not previous):
            self.cursor -= 1
            return True
        if not previous:
            return False
        self.go_to_iteration(self.iteration - 1)
        self.cursor = len(self.steps) - 1
        return True

    @property
    def latest(self) -> int:
        """The last iteration of the timeline (the one training went on to, or an edit made)."""
        return len(self.history)

    @property
    def first(self) -> int:
        """The first iteration of the timeline the session can go to."""
        return self.trace.first or self.iteration

    def go_to_iteration(self, iteration: int) -> None:
        """Be at `iteration` of the timeline, at its start, exactly as it was computed (with
        the setup it was computed with): nothing is discarded, stepping on follows the
        timeline. A failure (no memory left) leaves the session as it was."""
        if iteration not in self.trace:
            raise IndexError(f"iteration {iteration:,} is not in the timeline ({self.first:,} to {self.latest:,})")
        params, setup = self.trace.start(iteration)
        self.trace.record(iteration)
        self.iteration, self.params = iteration, params
        self._take_setup(setup)
        self.cursor = -1

    def back_to_latest(self) -> None:
        self.go_to_iteration(self.latest)

    def _take_setup(self, setup: Setup) -> None:
        """The setup of the iteration the session is at (its record, a bookmark of it and an
        iteration computed from it all use the same one), with the plan of its update order."""
        if setup is self.net:
            return
        order_changed = setup.update_order != self.net.update_order
        self.net = setup
        self._batches = self._cycle_batches()
        if order_changed:
            self.plan = Plan(setup)
            self._steps, self._known_at = None, {}

    def can_step_back(self) -> bool:
        return self.cursor >= 0 or self.iteration - 1 in self.trace

    def finish_phase(self) -> None:
        if self.cursor == len(self.steps) - 1:
            self.step()
        self.cursor = phase_end(self.steps, self.cursor)

    def finish_iteration(self) -> None:
        if self.cursor == len(self.steps) - 1:
            self._advance()
        self.cursor = len(self.steps) - 1

    def go_to(self, cursor: int) -> None:
        if not -1 <= cursor < len(self.steps):
            raise IndexError(f"no step {cursor} in an iteration of {len(self.steps)} steps")
        self.cursor = cursor

    def _advance(self) -> None:
        """On to the next iteration of the timeline (computed now after the latest), unless
        this one's loss or update is not finite: no NaN or infinity ever reaches the parameters."""
        rec = self.record
        after = rec.params_after()
        if not (math.isfinite(rec.batch_loss) and np.isfinite(after.theta).all()):
            raise TrainingDiverged(self.iteration, rec.batch_loss, diagnose(self.net, rec))
        if self.iteration < self.latest:
            self.go_to_iteration(self.iteration + 1)  # as it was computed (an edit made there included)
            return
        self.params = after
        self.iteration += 1
        self._compute(essential=False)

    # -- edits ----------------------------------------------------------------------------
    def set_parameter(self, p: naming.Param, value: float) -> None:
        """Set a weight or bias as the current iteration starts, and recompute it."""
        self.params.set(p, value)
        self._compute()

    def set_input(self, sample: int, unit: int, value: float) -> None:
        self._check("input", (sample, unit), value)
        self.net = self.net.copy()  # bookmarks keep the setup they were made with
        self.net.inputs[sample, unit] = value
        self._batches = self._cycle_batches()
        self._compute()

    def edit_problem(self, kind: str, key, value: float) -> str | None:
        """Why the value of an 'input', 'target' ((sample, unit)) or 'lr' cannot be set to
        `value`, by the rules a network file follows (so what is edited can be saved and
        opened again); None if it can."""
        if kind == "lr":
            problem = learning_rate_problem(value)
            return problem and f"the learning rate {problem}"
        if not math.isfinite(value):
            return f"a number must be finite, found {value}"
        if kind == "target":
            sample, unit = key
            target = self.net.targets[sample].copy()
            target[unit] = value
            problem = target_problem(self.net.loss, target.tolist())
            return problem and problem[1]
        return None

    def _check(self, kind: str, key, value: float) -> None:
        problem = self.edit_problem(kind, key, value)
        if problem:
            raise ValueError(problem)

    def set_target(self, sample: int, unit: int, value: float) -> None:
        self._check("target", (sample, unit), value)
        self.net = self.net.copy()
        self.net.targets[sample, unit] = value
        self._batches = self._cycle_batches()
        self._compute()

    def set_samples(self, inputs, targets) -> bool:
        """Take these samples (inputs and targets, one row each) instead of the network's.
        The current iteration is computed again with them; if they change the number of
        samples per iteration (the shape of what is recorded), the session starts again at
        iteration 1 from the parameters the current iteration starts from, and True is
        returned. Samples the network file would refuse raise ValueError (nothing changes)."""
        problems = samples_problems(self.net, inputs, targets)
        if problems:
            sample, column, reason = problems[0]
            where = "" if sample is None else f"sample {sample + 1}: "
            raise ValueError(where + reason)
        setup = self.net.copy()
        setup.inputs = np.array(inputs, dtype=np.float64)
        setup.targets = np.array(targets, dtype=np.float64)
        if setup.batch == self.net.batch:
            self.net = setup
            self._batches = self._cycle_batches()
            self._compute()
            return False
        params = self.params.copy()
        self._configure(setup)
        self.params = params
        self._compute()
        return True

    def set_update_order(self, order: str) -> None:
        """Simultaneous or sequential: the current iteration computed again in that order (the
        iterations before it stay as they were computed)."""
        if order not in UPDATE_ORDERS:
            raise ValueError(f"the update order must be one of {', '.join(UPDATE_ORDERS)}, not {order!r}")
        setup = self.net.copy()
        setup.update_order = order
        self.net = setup
        self.plan = Plan(setup)
        self._steps, self._known_at = None, {}
        self._compute()

    def set_learning_rate(self, value: float) -> None:
        self._check("lr", None, value)
        self.net = self.net.copy()
        self.net.learning_rate = value
        self._compute()

    def start_value(self, p: naming.Param) -> float:
        """The parameter's value as the current iteration starts."""
        return self.params.get(p)

    # -- coming back ----------------------------------------------------------------------
    def bookmark(self, whole: bool = False) -> Bookmark:
        """Where the current iteration starts, with the timeline's loss history and recorded
        iterations (the later ones too): all of them if `whole` (Reset, which replaces them),
        else within BOOKMARK_TRACE_BYTES (an undo step)."""
        trace = self.trace.detached() if whole else self.trace.detached(BOOKMARK_TRACE_BYTES, self.iteration)
        trace.pin(self.iteration, self.params, self.net)
        return Bookmark(self.iteration, self.params.copy(), self.net.copy(), self.history.snapshot(), trace,
                        self.trajectories.snapshot())

    def restore(self, mark: Bookmark) -> None:
        """Make the bookmarked iteration the current one, as it was, at its first step, with
        the timeline it had (the loss history, the recorded iterations, the later ones
        included, which the session goes on from while the bookmark keeps them as they were:
        it can be restored again). All or nothing: if it fails, the session is exactly as it
        was before the call."""
        before = Bookmark(self.iteration, self.params.copy(), self.net, self.history.snapshot(), self.trace,
                          self.trajectories)
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
            self.trajectories = self._new_trajectories() if mark.trajectories is None else mark.trajectories.snapshot()
            self.go_to_iteration(mark.iteration)
            return
        self.net = setup
        self.trace = self._new_trace()
        self.trajectories = self._new_trajectories()
        self.history.load(mark.losses[: mark.iteration - 1])
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

    # -- training -----------------------------------------------------------------------
    def train(self, n: int, record_all: bool = False, chunk_seconds: float = 0.05) -> Iterator[Progress]:
        """Apply n updates, starting with the current iteration's: the session ends at the
        start of iteration k + n. From a past iteration, the session first goes on along the
        timeline (the iterations trained after it, as they were: the same numbers training
        would give, edits made in them included), then trains the rest. Yields progress about
        every `chunk_seconds`, the session consistent at each yield; closing the generator
        there stops training.

        Only the iteration it ends at is recorded in full (any other can be read again: see
        `trace`); with `record_all` every one is, and a yield comes before the
        trace would drop a row not yet yielded (read the new rows at each yield). A loss that
        becomes NaN or infinite raises TrainingDiverged, with the session at that iteration.
        """
        if n < 0 or self.iteration + n - 1 > MAX_ITERATIONS:
            raise ValueError(f"iterations: a session keeps the loss of each of at most {MAX_ITERATIONS:,} "
                             f"iterations; {n:,} more from iteration {self.iteration:,} would exceed that")
        start, end = self.iteration, self.iteration + n
        if self.iteration < self.latest:  # a past iteration: on along the timeline as it was trained first
            self.go_to_iteration(min(end, self.latest))
        record_from = max(start, self.latest) + 1 if record_all else end
        unread_limit = max(1, self.trace.rows_kept // 2)
        try:
            while self.iteration < end:
                if not math.isfinite(self.loss):
                    raise self._diverged()
                params = self.record.params_after()
                first = self.iteration + 1
                deadline = time.perf_counter() + chunk_seconds
                with np.errstate(all="ignore"):
                    if first < record_from:
                        it = self._train_unrecorded(first, record_from - 1, params, deadline)
                        self.iteration, self.params = it, params
                        self._record_iteration(it, params, essential=False)  # `params` are those it starts from
                    else:
                        last = min(end, first + unread_limit - 1)
                        self.iteration = self._train_recorded(first, last, params, deadline)
                        self.params = self.record.params_before()
                if self.iteration < end and math.isfinite(self.loss):
                    yield Progress(self.iteration - start, n)
        finally:
            self.cursor = -1
        if not math.isfinite(self.loss):
            raise self._diverged()
        yield Progress(self.iteration - start, n)

    def _train_unrecorded(self, first: int, last: int, params: Params, deadline: float) -> int:
        """Iterations first.. without recording them (but their loss), updating `params` in
        place, until `last` is done, the deadline passes or the loss is not finite. Returns
        the iteration to stop at, which `params` now start (not computed yet, unless its
        loss was not finite: then the iterations since the last checkpoint are recorded)."""
        plan, lr, batches, setup, trace = self.plan, self.net.learning_rate, self._batches, self.net, self.trace
        last = min(last, first + max(4096, len(self.history)))  # the history grows as training goes
        losses = self.history.reserve(last)
        interval, cycle = trace.interval, len(batches)
        step = plan.quick or (lambda params, x, t, lr: iterate(plan, params, x, t, lr))
        paths = self.trajectories
        p, grad, buffers = paths.n_params, plan.grad_trained, bool(plan.buffers)
        g_end, cols = p + len(grad), paths.columns
        _, x, t = batches[0]
        it = first
        while it <= last:
            if not it % interval:  # where reading an iteration's record again starts from
                trace.checkpoint(it, params, setup)
            stop = min(last, it - it % interval + interval - 1)  # the iteration before the next checkpoint
            rows, j, kept_at, stride = paths.reserve(stop)  # the trajectories keep iteration `kept_at` next
            flat, o = rows.reshape(-1), j * cols  # row j of the trajectories starts at flat[o]
            for k in range(it, stop + 1):
                if cycle > 1:
                    _, x, t = batches[(k - 1) % cycle]
                keep = k == kept_at
                if keep:
                    flat[o: o + p] = params.theta
                loss = step(params, x, t, lr)  # leaves params alone if loss is not finite
                losses[k - 1] = loss
                if loss - loss:  # NaN or infinite (a finite loss gives 0.0)
                    paths.commit(j)
                    self.history.commit(k)
                    trace.advance_to(k - 1)
                    return k
                if keep:
                    flat[o + p: o + g_end] = grad
                    if buffers:  # the optimizer's buffers, one after the other
                        flat[o + 2 * p: o + cols] = params.state.ravel()
                    j += 1
                    o += cols
                    kept_at += stride
            paths.commit(j)
            it = stop + 1
            if time.perf_counter() > deadline:
                break
        self.history.commit(it - 1)
        trace.advance_to(it - 1)
        return it

    def _train_recorded(self, first: int, last: int, params: Params, deadline: float) -> int:
        """Iterations first..last recorded in the trace, until the deadline passes or the loss
        is not finite. Returns the last one computed."""
        it = first
        while True:
            loss = self._record_iteration(it, params, in_place=True, checkpoint=it == first, essential=False)
            if it == last or not math.isfinite(loss) or time.perf_counter() > deadline:
                return it
            it += 1

    def _diverged(self) -> TrainingDiverged:
        """What went wrong at the current iteration, whose loss is not finite: its own numbers
        overflowed, or the update before it made parameters NaN or infinite."""
        before = self.trace.record(self.iteration - 1)
        if before is not None and not np.isfinite(self.params.theta).all():
            error = TrainingDiverged(self.iteration - 1, before.batch_loss, diagnose(self.net, before))
        else:
            error = TrainingDiverged(self.iteration, self.loss, diagnose(self.net, self.record))
        error.loss = self.loss  # the loss that stopped training
        error.stopped_at = self.iteration
        return error

    def rewind_to_finite(self) -> None:
        """After a divergence: back to the latest iteration whose parameters and loss are
        finite numbers, at its start; the timeline ends there."""
        while not (math.isfinite(self.loss) and np.isfinite(self.params.theta).all()):
            if self.iteration - 1 not in self.trace:
                break
            self.go_to_iteration(self.iteration - 1)
        self.trace.drop_from(self.iteration + 1)
        self.history.truncate(self.iteration)
        self.trajectories.truncate(self.iteration + 1)
        self.cursor = -1

    def run(self, n: int) -> None:
        """Train n iterations to the end, without progress reports."""
        for _ in self.train(n):
            pass

    # -- reading ----------------------------------------------------------------------------
    def describe(self, key: Key) -> describe.Entry:
        return describe.entry(self.net, self.record, key)

    def reads(self, key: Key) -> list[Key]:
        """The value of `key` and the recorded values its formula reads (what the diagram
        highlights for the computation)."""
        formula = spec(self.net, describe.context(self.net, self.record), key)
        return [key] + ([] if formula is None else formula.keys())

    def unit_keys(self, layer: int, unit: int, sample: int) -> list[Key]:
        """Every recorded value of one unit for one sample of the batch, in table order."""
        keys, seen = [], set()
        for q in QUANTITIES.values():
            if q.shape != "unit" or not self.layout.has(q.name, layer):
                continue
            span = self.layout.spans[q.name, layer]
            if span in seen or (q.name == "dout_dnet" and not self.net.activation(layer).elementwise):
                continue  # the inputs are out of layer 0; softmax has no element-wise ∂out/∂net
            seen.add(span)
            keys.append(Key(q.name, layer, unit, sample=sample))
        return keys
