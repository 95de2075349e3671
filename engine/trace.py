"""Recorded iterations: a bounded store of them, and the loss of every iteration.

`TraceStore` keeps the last `capacity` iterations reachable: for some of them (checkpoints)
the state they start from (the parameters, the momentum buffer and the setup in force), and
the full record (one float64 row, see `layout`) of the most recently computed or read ones.
The record of any other kept iteration is computed again when it is read, by replaying the
few iterations since the checkpoint before it: the same code on the same numbers, so the
same record bit for bit. Training therefore costs no more than its maths, and memory stays
bounded however long a network trains. `LossHistory` keeps the batch loss of every
iteration (8 bytes each).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable

import numpy as np

from .layout import Layout, Record
from .maths import Params

# At most this many iterations are kept reachable ...
DEFAULT_CAPACITY = 10_000
# ... and at most this many bytes of checkpoints (as if every iteration were one) and of rows.
DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


def capacity_for(layout: Layout, capacity: int = DEFAULT_CAPACITY, budget: int = DEFAULT_BUDGET_BYTES) -> int:
    per_iteration = 8 * layout.shapes_of_params.size * (2 if layout.momentum else 1)
    return max(1, min(capacity, budget // per_iteration))


def checkpoint_interval(layout: Layout) -> int:
    """Iterations between two checkpoints: replaying them to read a record stays cheap."""
    return max(1, min(64, 2048 // layout.shapes_of_params.size))


# rebuild(iteration, params, setup) -> the row of `iteration` started from `params` (updated
# in place to where the next iteration starts) with that setup; record=False: only the update
Rebuild = Callable[..., np.ndarray | None]


class TraceStore:
    """Iterations first..last (consecutive, at most `capacity`): their records on request."""

    def __init__(self, layout: Layout, capacity: int | None = None, rebuild: Rebuild | None = None):
        self.layout = layout
        self.capacity = capacity_for(layout) if capacity is None else max(1, int(capacity))
        self.interval = checkpoint_interval(layout)
        self.rows_kept = max(2, min(256, DEFAULT_BUDGET_BYTES // (8 * layout.size)))
        self.rebuild = rebuild
        self._starts: dict[int, tuple[Params, object]] = {}  # checkpoints: iteration -> (params, setup)
        self._rows: OrderedDict[int, np.ndarray] = OrderedDict()
        self._first = 1
        self._last = 0

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

    def detached(self, budget: int | None = None, last: int | None = None) -> "TraceStore":
        """A store of the same iterations that later training or edits leave alone (what an
        export reads while the window goes on): checkpoints and rows are never changed in
        place, so they are shared. With a `budget` (bytes), only the latest iterations up to
        `last` whose checkpoints fit in it (at least one) and no rows: what an undo step
        keeps, since it holds on to them once the session has moved on."""
        other = TraceStore(self.layout, self.capacity, self.rebuild)
        other._first, other._last = self._first, self._last
        if budget is None:
            other._starts, other._rows = dict(self._starts), OrderedDict(self._rows)
            return other
        if last is not None and last < self._last:
            other._last = last
        if len(other) == 0:
            other.clear()
            return other
        kept, used = [], 0
        for it in reversed([k for k in self._starts if k <= other._last]):
            params = self._starts[it][0]
            used += params.theta.nbytes + (0 if params.velocity is None else params.velocity.nbytes)
            if kept and used > budget:
                break
            kept.append(it)
        other._starts = {it: self._starts[it] for it in reversed(kept)}
        if kept:
            other._first = max(self._first, kept[-1])
        return other

    def clear(self) -> None:
        self._starts.clear()
        self._rows.clear()
        self._first, self._last = 1, 0

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
        one added: keep at most `capacity`, and the checkpoints they need."""
        self._last = iteration
        if iteration - self._first >= self.capacity:
            self._first = iteration - self.capacity + 1
            starts = self._starts
            while len(starts) > 1:  # in iteration order: drop those before the one at or before first
                keys = iter(starts)
                oldest, following = next(keys), next(keys)
                if following > self._first:
                    break
                del starts[oldest]

    def checkpoint(self, iteration: int, params: Params, setup) -> None:
        """Training (unrecorded) starts `iteration` from `params` with `setup`: remember it."""
        self.advance_to(iteration)
        self._starts[iteration] = (params.copy(), setup)

    def new_row(self, iteration: int, params: Params, setup, checkpoint: bool = True) -> np.ndarray:
        """The row to fill for `iteration`, which starts from `params` with `setup`: a
        checkpoint, unless the caller knows that `params` are where the previous iteration
        ended (training), since it may start from edited values."""
        self._extend(iteration)
        if checkpoint or not self._starts or setup is not self._starts[next(reversed(self._starts))][1]:
            self._starts[iteration] = (params.copy(), setup)
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
        for it in [k for k in self._starts if k >= iteration]:
            del self._starts[it]

    # -- reading ------------------------------------------------------------------------------
    def start(self, iteration: int) -> tuple[Params, object] | None:
        """The state `iteration` starts from and the setup it ran with (None if not kept)."""
        if not len(self) or not self._first <= iteration <= self._last:
            return None
        if iteration in self._starts:
            params, setup = self._starts[iteration]
            return params.copy(), setup
        if iteration - 1 in self._rows and iteration - 1 >= self._first:
            before = Record(self.layout, self._rows[iteration - 1])
            return before.params_after(), self._setup_of(iteration)
        base = max(k for k in self._starts if k < iteration)
        params, setup = self._starts[base]
        params = params.copy()
        for it in range(base, iteration):
            self.rebuild(it, params, self._setup_of(it), record=False)
        return params, setup

    def _setup_of(self, iteration: int):
        return self._starts[max(k for k in self._starts if k <= iteration)][1]

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
