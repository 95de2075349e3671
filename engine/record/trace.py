"""Recorded iterations: every one since the start, reachable in bounded memory, and the loss of each.

`TraceStore` keeps every iteration of the session's timeline (from the first to the latest)
reachable. It holds, for some iterations (checkpoints), the state they start from (the
parameters, the optimizer's state and the setup in force), and the full record (one float64
row, see `layout`) of the most recently computed or read ones. The record of any other
iteration is computed again when it is read, by replaying the iterations since the
checkpoint before it: the same code on the same numbers, so the same record bit for bit.

Checkpoints come in two tiers. The last `capacity` iterations (the recent tier) have one
every `interval` (at most 64) iterations, so that stepping back through them is quick. Older
ones (the archive) keep one every `spacing` iterations, a power-of-two multiple of `interval`
that doubles whenever the archive's checkpoints would take more than `archive_budget` bytes:
memory stays bounded however long a network trains, and the replay a jump needs stays below
`spacing` iterations. A checkpoint that is not the continuation of the iteration before it
(an edit, another setup, a restore: `essential`) is never thinned away, since replay could
not come back to it; only if those alone outgrow the budget are the oldest iterations let go.
`LossHistory` keeps the batch loss of every iteration (8 bytes each).
"""
from __future__ import annotations

import bisect
from collections import OrderedDict
from typing import Callable, NamedTuple

import numpy as np

from engine.record.layout import Layout, Record
from engine.network.maths import Params

# The recent tier: at most this many iterations ...
DEFAULT_CAPACITY = 10_000
# ... and at most this many bytes of checkpoints (as if every iteration were one) and of rows.
DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024
# The archive: at most this many bytes of checkpoints of the iterations before the recent tier.
ARCHIVE_BUDGET_BYTES = 32 * 1024 * 1024
# What a checkpoint costs besides its numbers (the array objects, its tuple, its place in the
# index), measured with tracemalloc on the worked example: about 1.1 kB.
CHECKPOINT_OVERHEAD = 1152


def capacity_for(layout: Layout, capacity: int = DEFAULT_CAPACITY, budget: int = DEFAULT_BUDGET_BYTES) -> int:
    per_iteration = 8 * layout.shapes_of_params.size * (1 + len(layout.buffers)) + CHECKPOINT_OVERHEAD
    return max(1, min(capacity, budget // per_iteration))


def checkpoint_interval(layout: Layout) -> int:
    """Iterations between two checkpoints: replaying them to read a record stays cheap."""
    return max(1, min(64, 2048 // layout.shapes_of_params.size))


# rebuild(iteration, params, setup, record, last=None) -> the row of `iteration` started from
# `params` (updated in place to where the next iteration starts) with that setup; with record
# False only the updates of iterations iteration..last (default: iteration alone) and None
Rebuild = Callable[..., np.ndarray | None]


class Start(NamedTuple):
    """A checkpoint: the state an iteration starts from (θ and the optimizer's state, plain
    arrays: a Params, with its views, is made when it is read) and the setup it runs with."""

    theta: np.ndarray
    state: np.ndarray | None
    setup: object
    essential: bool  # not the continuation of the iteration before it: never thinned away

    @classmethod
    def of(cls, params: Params, setup, essential: bool) -> "Start":
        state = None if params.state is None else params.state.copy()
        return cls(params.theta.copy(), state, setup, essential)

    def params(self, layout: Layout) -> Params:
        """A Params of its own (the checkpoint is never changed)."""
        return Params(layout.shapes_of_params, self.theta.copy(), None if self.state is None else self.state.copy())


def checkpoint_bytes(start: Start | Params) -> int:
    return start.theta.nbytes + (0 if start.state is None else start.state.nbytes) + CHECKPOINT_OVERHEAD


class TraceStore:
    """Iterations first..last (consecutive): their records on request."""

    def __init__(self, layout: Layout, capacity: int | None = None, rebuild: Rebuild | None = None,
                 archive_budget: int = ARCHIVE_BUDGET_BYTES):
        self.layout = layout
        self.capacity = capacity_for(layout) if capacity is None else max(1, int(capacity))
        self.interval = checkpoint_interval(layout)
        self.archive_budget = archive_budget
        self.rows_kept = max(2, min(256, DEFAULT_BUDGET_BYTES // (8 * layout.size)))
        self.rebuild = rebuild
        self.clear()

    def clear(self) -> None:
        self._starts: dict[int, Start] = {}  # checkpoints: iteration -> Start
        self._keys: list[int] = []  # their iterations, in order
        self._rows: OrderedDict[int, np.ndarray] = OrderedDict()
        self._first, self._last = 1, 0
        self.spacing = self.interval  # between the archive's checkpoints (essential ones aside)
        self._archived = 0  # the checkpoints _keys[:_archived] are in the archive (thinned)
        self._archive_bytes = 0

    def __len__(self) -> int:
        return max(0, self._last - self._first + 1)

    @property
    def first(self) -> int | None:
        return self._first if len(self) else None

    @property
    def last(self) -> int | None:
        return self._last if len(self) else None

    def iterations(self) -> range:
        return range(self._first, self._last + 1)

    def __contains__(self, iteration: int) -> bool:
        return len(self) > 0 and self._first <= iteration <= self._last

    @property
    def checkpoints(self) -> int:
        return len(self._keys)

    def memory(self) -> int:
        """Bytes the checkpoints take (their arrays and objects; the setups they share are not counted)."""
        return sum(checkpoint_bytes(s) for s in self._starts.values())

    def detached(self, budget: int | None = None, around: int | None = None) -> "TraceStore":
        """A store of the same iterations that later training or edits leave alone (what an
        export reads while the window goes on, what Reset's undo brings back): checkpoints
        and rows are never changed in place, so they are shared. With a `budget` (bytes), no
        rows, the latest checkpoints up to iteration `around` in half of it (to step back
        from there quickly) and the others thinned as the archive is (essential ones kept)
        until all fit in it: what an undo step keeps, since it holds on to them once the
        session has moved on (shared with the session as long as it keeps them too)."""
        other = TraceStore(self.layout, self.capacity, self.rebuild, self.archive_budget)
        other._first, other._last = self._first, self._last
        other._starts, other._keys = dict(self._starts), list(self._keys)
        other.spacing, other._archived, other._archive_bytes = self.spacing, self._archived, self._archive_bytes
        if budget is None:
            other._rows = OrderedDict(self._rows)
            return other
        other._archived = len(other._keys)  # all of it thinned as an archive ...
        other._archive_bytes = sum(checkpoint_bytes(s) for s in other._starts.values())
        protected, used = set(), 0  # ... but for the latest checkpoints up to `around`, in half the budget
        for k in reversed(other._keys[: bisect.bisect_right(other._keys, self._last if around is None else around)]):
            used += checkpoint_bytes(other._starts[k])
            if protected and used > budget // 2:
                break
            protected.add(k)
        other._thin(budget, protected)
        return other

    # -- adding -------------------------------------------------------------------------------
    def _extend(self, iteration: int) -> None:
        """`iteration` becomes the last; the store holds consecutive iterations, so one that
        does not follow the last starts it afresh."""
        if len(self) and iteration != self._last + 1:
            self.clear()
        if not len(self):
            self._first = iteration
        self.advance_to(iteration)

    def advance_to(self, iteration: int) -> None:
        """Training (unrecorded) has passed every iteration up to `iteration` since the last
        one added: the checkpoints that leave the recent tier join the archive."""
        self._last = iteration
        boundary = iteration - self.capacity + 1  # the recent tier's first iteration
        keys, starts = self._keys, self._starts
        while self._archived < len(keys) and keys[self._archived] < boundary:
            k = keys[self._archived]
            start = starts[k]
            if start.essential or not self._archived or not k % self.spacing:
                self._archived += 1
                self._archive_bytes += checkpoint_bytes(start)
            else:  # the archive keeps one every `spacing` iterations: replay comes back to this one
                del starts[k], keys[self._archived]
        if self._archive_bytes > self.archive_budget:
            self._thin(self.archive_budget)

    def _thin(self, budget: int, protected=frozenset()) -> None:
        """Double the archive's spacing until its checkpoints fit in `budget` bytes; if the
        essential (and `protected`) ones alone do not, let go of the oldest iterations."""
        while self._archive_bytes > budget:
            archive = self._keys[: self._archived]
            regular = [k for k in archive[1:] if not self._starts[k].essential and k not in protected]
            if regular:
                self.spacing *= 2
                drop = [k for k in regular if k % self.spacing]
            elif archive[0] not in protected:  # the oldest go, with their iterations
                drop = archive[:1]
            else:
                break
            for k in drop:
                self._archive_bytes -= checkpoint_bytes(self._starts.pop(k))
            gone = set(drop)
            self._keys = [k for k in self._keys if k not in gone]
            self._archived -= len(drop)
            if not self._keys or self._keys[0] > self._first:  # the iterations before the first checkpoint
                self._first = self._keys[0] if self._keys else self._last + 1
                for it in [k for k in self._rows if k < self._first]:
                    del self._rows[it]

    def _add(self, iteration: int, params: Params, setup, essential: bool) -> None:
        """A checkpoint at `iteration` (the last, or, in a copy, any kept iteration)."""
        keys = self._keys
        at = bisect.bisect_left(keys, iteration)
        before = self._starts[keys[at - 1]] if at else None
        essential = essential or before is None or before.setup is not setup
        old = self._starts.get(iteration)
        self._starts[iteration] = Start.of(params, setup, essential)
        if old is None:
            keys.insert(at, iteration)
            if at < self._archived:
                self._archived += 1
        if at < self._archived:
            self._archive_bytes += checkpoint_bytes(params) - (0 if old is None else checkpoint_bytes(old))

    def checkpoint(self, iteration: int, params: Params, setup, essential: bool = False) -> None:
        """Training (unrecorded) starts `iteration` from `params` with `setup`: remember it."""
        self.advance_to(iteration)
        self._add(iteration, params, setup, essential)

    def pin(self, iteration: int, params: Params, setup) -> None:
        """Keep the start of a kept iteration as a checkpoint of its own, whatever the
        thinning (the iteration a bookmark comes back to)."""
        if iteration in self:
            self._add(iteration, params, setup, True)

    def new_row(self, iteration: int, params: Params, setup, checkpoint: bool = True,
                essential: bool = True) -> np.ndarray:
        """The row to fill for `iteration`, which starts from `params` with `setup`: a
        checkpoint, unless the caller knows that `params` are where the previous iteration
        ended (training), since it may start from edited values. `essential`: `params` may
        not be where the previous iteration ended (an edit, a restore)."""
        self._extend(iteration)
        if checkpoint or essential or not self._keys or setup is not self._starts[self._keys[-1]].setup:
            self._add(iteration, params, setup, essential)
        row = np.empty(self.layout.size)
        self._keep(iteration, row)
        return row

    def _keep(self, iteration: int, row: np.ndarray) -> None:
        self._rows[iteration] = row
        self._rows.move_to_end(iteration)
        while len(self._rows) > self.rows_kept:
            self._rows.popitem(last=False)

    def drop_from(self, iteration: int) -> None:
        """Forget `iteration` and every later one."""
        if not len(self) or iteration > self._last:
            return
        if iteration <= self._first:
            self.clear()
            return
        self._last = iteration - 1
        for it in [k for k in self._rows if k >= iteration]:
            del self._rows[it]
        at = bisect.bisect_left(self._keys, iteration)
        for i in range(at, len(self._keys)):
            start = self._starts.pop(self._keys[i])
            if i < self._archived:
                self._archive_bytes -= checkpoint_bytes(start)
        del self._keys[at:]
        self._archived = min(self._archived, at)

    # -- reading ------------------------------------------------------------------------------
    def start(self, iteration: int) -> tuple[Params, object] | None:
        """The state `iteration` starts from and the setup it ran with (None if not kept)."""
        if not len(self) or not self._first <= iteration <= self._last:
            return None
        start = self._starts.get(iteration)
        if start is not None:
            return start.params(self.layout), start.setup
        base = self._keys[bisect.bisect_right(self._keys, iteration) - 1]
        setup = self._starts[base].setup
        # the latest iteration kept in full since the checkpoint, if any, is nearer
        near = max((k for k in self._rows if base <= k < iteration), default=None)
        if near is not None:
            params = Record(self.layout, self._rows[near]).params_after()
            if near + 1 < iteration:
                self.rebuild(near + 1, params, setup, record=False, last=iteration - 1)
            return params, setup
        params = self._starts[base].params(self.layout)
        self.rebuild(base, params, setup, record=False, last=iteration - 1)
        return params, setup

    def row(self, iteration: int) -> np.ndarray | None:
        if not len(self) or not self._first <= iteration <= self._last:
            return None
        row = self._rows.get(iteration)
        if row is None:
            params, setup = self.start(iteration)
            row = self.rebuild(iteration, params, setup, record=True)
            self._keep(iteration, row)
        else:
            self._rows.move_to_end(iteration)
        return row

    def record(self, iteration: int) -> Record | None:
        row = self.row(iteration)
        return None if row is None else Record(self.layout, row)

    def records(self, first: int | None = None, last: int | None = None):
        if not len(self):
            return
        first = self._first if first is None else max(first, self._first)
        last = self._last if last is None else min(last, self._last)
        for it in range(first, last + 1):
            yield self.record(it)


class LossHistory:
    """Batch loss of iterations 1..n, in a growable float64 array. A `snapshot` is a view of
    it that later changes leave alone (copy on write: the array is copied only when a loss
    the snapshot holds is about to be overwritten), so that every undo step can keep the
    history it was made on for the cost of a reference."""

    def __init__(self):
        self._data = np.empty(1024)
        self._n = 0
        self._frozen = 0  # losses [0, _frozen) of _data belong to snapshots too

    def snapshot(self, n: int | None = None) -> np.ndarray:
        """The losses of iterations 1..n (all by default), read-only, unchanged from now on."""
        n = self._n if n is None else min(n, self._n)
        self._frozen = max(self._frozen, n)
        view = self._data[:n]
        view.flags.writeable = False
        return view

    def _writable_from(self, k: int, size: int | None = None) -> None:
        """Losses from index k on are about to be written, in a buffer of at least `size`."""
        size = len(self._data) if size is None else size
        if k < self._frozen or size > len(self._data):
            data = np.empty(max(size, 1024))
            data[: self._n] = self._data[: self._n]
            self._data, self._frozen = data, 0

    def __len__(self) -> int:
        return self._n

    @property
    def values(self) -> np.ndarray:
        """Read-only view: values[k] is the loss of iteration k + 1."""
        view = self._data[: self._n]
        view.flags.writeable = False
        return view

    def set(self, iteration: int, loss: float) -> None:
        """Record the loss of `iteration`, forgetting any later iterations."""
        k = iteration - 1
        if k > self._n:
            raise ValueError(f"loss of iteration {iteration} before that of {self._n + 1}")
        self._writable_from(k, 2 * len(self._data) if k >= len(self._data) else None)
        self._data[k] = loss
        self._n = k + 1

    def reserve(self, n: int) -> np.ndarray:
        """The buffer, with room for n losses: write losses[k - 1] for iteration k, then commit."""
        self._writable_from(self._n, max(n, 2 * len(self._data)) if n > len(self._data) else None)
        return self._data

    def commit(self, n: int) -> None:
        """The losses written into the buffer up to iteration n are now the history."""
        self._n = n

    def load(self, losses: np.ndarray) -> None:
        """Replace the history with these losses (of iterations 1..len(losses))."""
        self._data = np.empty(max(1024, 2 * len(losses)))
        self._data[: len(losses)] = losses
        self._n = len(losses)
        self._frozen = 0

    def truncate(self, n: int) -> None:
        self._n = min(self._n, n)

    def clear(self) -> None:
        self._n = 0
