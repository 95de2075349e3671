"""Recorded iterations: a bounded store of rows, and the loss of every iteration.

`TraceStore` keeps the full record (one float64 row, see `layout`) of the most recent
`capacity` iterations; older ones are dropped, so memory stays bounded however long a
network trains. `LossHistory` keeps the batch loss of every iteration (8 bytes each).
"""
from __future__ import annotations

import numpy as np

from .layout import Layout, Record

# The full trace of at most this many iterations is kept ...
DEFAULT_CAPACITY = 10_000
# ... and at most this many bytes of it (large networks keep fewer iterations, never < 100).
DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


def capacity_for(layout: Layout, capacity: int = DEFAULT_CAPACITY, budget: int = DEFAULT_BUDGET_BYTES) -> int:
    return max(100, min(capacity, budget // (8 * layout.size)))


class TraceStore:
    """The rows of consecutive iterations first..last, at most `capacity` of them."""

    def __init__(self, layout: Layout, capacity: int | None = None):
        self.layout = layout
        self.capacity = capacity_for(layout) if capacity is None else int(capacity)
        self._rows = np.empty((min(self.capacity, 64), layout.size))
        self._start = 0  # ring position of the oldest row
        self._count = 0
        self._first = 1  # iteration number of the oldest row

    def __len__(self) -> int:
        return self._count

    @property
    def first(self) -> int | None:
        return self._first if self._count else None

    @property
    def last(self) -> int | None:
        return self._first + self._count - 1 if self._count else None

    def iterations(self) -> range:
        return range(self._first, self._first + self._count)

    def clear(self) -> None:
        self._start = self._count = 0

    def _slot(self, position: int) -> int:
        return (self._start + position) % len(self._rows)

    def _grow(self) -> None:
        size = min(self.capacity, 2 * len(self._rows))
        rows = np.empty((size, self.layout.size))
        for k in range(self._count):
            rows[k] = self._rows[self._slot(k)]
        self._rows, self._start = rows, 0

    def new_row(self, iteration: int) -> np.ndarray:
        """The row to fill for `iteration`. The store holds consecutive iterations: one that
        does not follow the last starts it afresh."""
        if self._count and iteration != self._first + self._count:
            self.clear()
        if not self._count:
            self._first, self._start = iteration, 0
        if self._count == len(self._rows) and len(self._rows) < self.capacity:
            self._grow()
        if self._count == len(self._rows):  # full: the oldest row makes way
            row = self._rows[self._start]
            self._start = self._slot(1)
            self._first += 1
        else:
            row = self._rows[self._slot(self._count)]
            self._count += 1
        return row

    def drop_from(self, iteration: int) -> None:
        """Forget `iteration` and every later one."""
        if self._count:
            self._count = max(0, min(self._count, iteration - self._first))

    def row(self, iteration: int) -> np.ndarray | None:
        if not self._count or not self._first <= iteration < self._first + self._count:
            return None
        return self._rows[self._slot(iteration - self._first)]

    def record(self, iteration: int) -> Record | None:
        row = self.row(iteration)
        return None if row is None else Record(self.layout, row)

    def records(self, first: int | None = None, last: int | None = None):
        first = self._first if first is None else max(first, self._first)
        last = (self.last or 0) if last is None else min(last, self.last or 0)
        for it in range(first, last + 1):
            yield Record(self.layout, self._rows[self._slot(it - self._first)])


class LossHistory:
    """Batch loss of iterations 1..n, in a growable float64 array."""

    def __init__(self):
        self._data = np.empty(1024)
        self._n = 0

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
        if k >= len(self._data):
            data = np.empty(2 * len(self._data))
            data[: self._n] = self._data[: self._n]
            self._data = data
        self._data[k] = loss
        self._n = k + 1

    def reserve(self, n: int) -> np.ndarray:
        """The buffer, with room for n losses: write losses[k - 1] for iteration k, then commit."""
        if n > len(self._data):
            data = np.empty(max(n, 2 * len(self._data)))
            data[: self._n] = self._data[: self._n]
            self._data = data
        return self._data

    def commit(self, n: int) -> None:
        """The losses written into the buffer up to iteration n are now the history."""
        self._n = n

    def load(self, losses: np.ndarray) -> None:
        """Replace the history with these losses (of iterations 1..len(losses))."""
        self._data = np.empty(max(1024, 2 * len(losses)))
        self._data[: len(losses)] = losses
        self._n = len(losses)

    def truncate(self, n: int) -> None:
        self._n = min(self._n, n)

    def clear(self) -> None:
        self._n = 0
