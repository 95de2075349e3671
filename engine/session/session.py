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

import numpy as np

from engine.record import describe
from engine.record.diverged import TrainingDiverged
from engine.record.layout import Layout, Record
from engine.network.maths import Params, Plan, iterate
from engine.network.network import Network, Setup
from engine.record.quantities import QUANTITIES, Key, spec
from engine.network.limits import MAX_ITERATIONS
from engine.record.trace import LossHistory, TraceStore
from engine.session.progress import Progress
from engine.session.trajectory import DEFAULT_BUDGET_BYTES as TRAJECTORY_BUDGET_BYTES, Trajectories
from engine.session.edits import Edits
from engine.session.stepper import Stepper
from engine.session.timeline import Bookmark, Timeline
from engine.session.training import Training

__all__ = ["MAX_ITERATIONS", "Bookmark", "Progress", "Session", "TrainingDiverged"]

# The batches of a cycle are made once, together, when they take at most this many bytes.
CYCLE_BYTES = 32 * 1024 * 1024


def cycle_batches(net: Setup):
    """(indices, inputs, targets) of each iteration's batch, for one full cycle: a list made at
    once, or, when that would take more than CYCLE_BYTES, a sequence that makes each batch when
    it is asked for. (A cycle is n / gcd(n, b) batches of b of the n samples: 10,000 samples in
    batches of 9,999 are 10,000 batches, 800 MB made at once.) The inputs are the input layer's
    values (`Setup.input_layer`: a network with features has them computed here, once for the
    cycle, so that training computes no feature again)."""
    n, b = net.n_samples, net.batch
    length = 1 if net.batch_size is None else n // math.gcd(n, b)
    each = 200 + 8 * b * (1 + net.sizes[0] + net.targets.shape[1])  # 3 arrays and a tuple
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
        return idx.astype(np.float64), self.net.input_layer(idx), self.net.targets[idx]


class Session(Stepper, Edits, Timeline, Training):
    """The stepper, its timeline, its edits and its training: each job in its own module (`stepper`,
    `edits`, `timeline`, `training`), on the set-up, the computing and the reading here."""

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
        # The first iterations of the loss history among which some losses are not kept (NaN: a
        # network file saved thinned holds one iteration in k); 0 when every one is kept.
        self.losses_not_kept = 0 if state is None or np.isfinite(state.loss_history).all() else state.iteration - 1
        self._restore(self._opened)

    # -- set-up -------------------------------------------------------------------------
    def _configure(self, setup: Setup) -> None:
        """Take this configuration: plan, layout and steps follow from it."""
        self.net = setup
        self.plan = Plan(setup)
        self.layout = Layout.of(setup)
        self._other_plan: Plan | None = None  # for iterations computed in the other update order
        self._replayed: tuple = (None, None)  # the setup last replayed and its batches
        self._raw_of: tuple = (None, None, None)  # the batch (samples, setup) whose raw inputs were taken last
        self._steps: list[Key] | None = None  # made when first needed: training does not
        self._known_at: dict[Key, int] = {}
        self.trace = self._new_trace()
        self.history = LossHistory()
        # with a penalty, E_penalty of each iteration (its parameters as it starts) beside its loss
        self.penalties = LossHistory() if setup.penalty is not None else None
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
        lr = self.net.lr_at(iteration)
        values = self.layout.header(iteration, lr, samples, params, x, t, self._raw(self.net, samples))
        with np.errstate(all="ignore"):
            loss = iterate(self.plan, params if in_place else params.copy(), x, t, lr, values)
        self.layout.pack(values, row)
        self.history.set(iteration, loss)
        if self.penalties is not None:
            self.penalties.set(iteration, self.plan.last_penalty)
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
        x, t = setup.input_layer(idx), setup.targets[idx]
        with np.errstate(all="ignore"):
            lr = setup.lr_at(iteration)
            values = self.layout.header(iteration, lr, idx.astype(np.float64), params, x, t, self._raw(setup, idx))
            iterate(plan, params, x, t, lr, values)
        row = np.empty(self.layout.size)
        self.layout.pack(values, row)
        return row

    def _raw(self, setup: Setup, samples) -> np.ndarray | None:
        """The raw inputs of a batch's samples, which a network with features records too
        (taken once for a batch that comes again: every iteration's, in full batches)."""
        if not self.layout.raw:
            return None
        last_samples, last_setup, raw = self._raw_of
        if samples is not last_samples or setup is not last_setup:
            raw = setup.inputs[np.asarray(samples, dtype=np.int64)]
            self._raw_of = (samples, setup, raw)
        return raw

    def _replay(self, first: int, last: int, params: Params, setup: Setup, plan: Plan) -> None:
        """The updates of iterations first..last, as training made them, on `params`."""
        if setup is not self._replayed[0]:
            self._replayed = (setup, cycle_batches(setup))
        batches = self._replayed[1]
        cycle, lr, rate = len(batches), setup.learning_rate, setup.lr_at
        scheduled = setup.schedule is not None
        step = plan.quick or (lambda params, x, t, lr: iterate(plan, params, x, t, lr))
        with np.errstate(all="ignore"):
            for k in range(first, last + 1):
                _, x, t = batches[(k - 1) % cycle]
                step(params, x, t, rate(k) if scheduled else lr)

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
