"""Trajectories: every parameter's value, gradient and optimizer's buffers, iteration by iteration.

`Trajectories` keeps one row per iteration of the timeline: the value each parameter starts
the iteration with (θ), the batch gradient the update applies and each buffer the optimizer
keeps (the momentum buffer: `velocity`) after the update; the same numbers the trace records
for that iteration, bit for bit (training copies them from the arrays it computes, stepping
from the record). Every
iteration is kept while the rows fit in `budget` bytes; beyond that, every other row is let go
and one iteration in 2 (then 4, 8, ...) is kept: `stride`. Training does not compute the
gradient of a frozen bias (it is not applied), so that column holds NaN.

Snapshots are copy on write, as the loss history's: an undo step keeps the trajectories of its
timeline for the cost of a reference, and the rows are copied only when one about to be
overwritten belongs to a snapshot too.
"""
from __future__ import annotations

import numpy as np

DEFAULT_BUDGET_BYTES = 32 * 1024 * 1024
FIRST_BYTES = 1024 * 1024  # the rows made at first, at most: more as they fill (a session is made in a click)
QUANTITIES = ("value", "gradient")  # then the optimizer's buffers, by name


class Trajectories:
    """Rows of iterations first, first + stride, first + 2·stride, ... (n of them)."""

    def __init__(self, n_params: int, buffers: tuple[str, ...], trained: int, budget: int = DEFAULT_BUDGET_BYTES):
        """`buffers`: the names of the buffers the optimizer keeps (`Optimizer.buffers`)."""
        self.n_params = n_params
        self.buffers = tuple(buffers)
        self.quantities = QUANTITIES + self.buffers
        self.trained = trained  # the gradient of params [0, trained) is computed by training
        self.columns = n_params * len(self.quantities)  # value | gradient | each buffer
        self.max_rows = max(2, budget // (8 * self.columns))
        self.first = 1
        self.stride = 1
        self._n = 0
        self._buf = self._new(max(2, min(1024, self.max_rows, FIRST_BYTES // (8 * self.columns))))
        self._frozen = 0  # rows [0, _frozen) of _buf belong to a snapshot too

    def _new(self, rows: int) -> np.ndarray:
        return np.full((rows, self.columns), np.nan)

    def __len__(self) -> int:
        return self._n

    @property
    def bytes(self) -> int:
        return self._buf.nbytes

    @property
    def downsampled(self) -> bool:
        return self.stride > 1

    @property
    def next_iteration(self) -> int:
        """The next iteration a row is kept for."""
        return self.first + self._n * self.stride

    def iterations(self) -> np.ndarray:
        return np.arange(self.first, self.next_iteration, self.stride, dtype=np.float64)[: self._n]

    def column(self, quantity: str, index: int) -> np.ndarray:
        """Read-only: the `quantity` ('value', 'gradient' or a buffer's name: 'velocity') of
        parameter `index` (its place in θ) over the iterations kept."""
        if quantity not in self.quantities:
            raise KeyError(f"no {quantity}: the network's optimizer keeps {', '.join(self.buffers) or 'nothing'}")
        part = self.quantities.index(quantity)
        view = self._buf[: self._n, part * self.n_params + index]
        view.flags.writeable = False
        return view

    # -- what the timeline does ---------------------------------------------------------------
    def truncate(self, iteration: int) -> None:
        """Forget the rows of `iteration` and every later one."""
        if iteration <= self.first:
            self._n = 0
        else:
            self._n = min(self._n, -(-(iteration - self.first) // self.stride))

    def add(self, iteration: int, theta: np.ndarray, grad: np.ndarray, buffers: list[np.ndarray]) -> None:
        """The row of `iteration`, which the timeline now ends at (any later rows are
        forgotten; kept if the stride says so); `grad` of the trained parameters only, or of
        all of them (a frozen bias's column is NaN from the start and never written); the new
        value of each buffer."""
        j = self._n
        if not j:
            self.first, self.stride = iteration, 1
        elif iteration != self.first + j * self.stride:
            self.truncate(iteration)
            j = self._n
            if j and iteration != self.first + j * self.stride:
                return
            if not j:
                self.first, self.stride = iteration, 1
        buf = self._buf
        if j >= len(buf) or j < self._frozen:
            buf, j, _, _ = self.reserve(iteration)
        row, p, trained = buf[j], self.n_params, self.trained
        row[:p] = theta
        row[p: p + trained] = grad if len(grad) == trained else grad[:trained]
        for k, values in enumerate(buffers):
            row[(2 + k) * p: (3 + k) * p] = values
        self._n = j + 1

    def reserve(self, last: int) -> tuple[np.ndarray, int, int, int]:
        """Room for the rows up to iteration `last` (thinning if they would exceed the
        budget): (buffer, row of the next iteration kept, that iteration, stride). Training
        writes rows from there and then `commit`s how many rows there are."""
        needed = (last - self.first) // self.stride + 1
        while needed > self.max_rows:
            self._thin()
            needed = (last - self.first) // self.stride + 1
        if needed > len(self._buf) or self._n < self._frozen:
            buf = self._new(min(self.max_rows, max(needed, 2 * len(self._buf))))
            buf[: self._n] = self._buf[: self._n]
            self._buf, self._frozen = buf, 0
        return self._buf, self._n, self.next_iteration, self.stride

    def commit(self, rows: int) -> None:
        self._n = rows

    def _thin(self) -> None:
        """Keep every other row: one iteration in twice as many."""
        kept = self._buf[: self._n: 2]
        if self._frozen:
            self._buf, self._frozen = self._new(len(self._buf)), 0
        self._buf[: len(kept)] = kept
        self._n = len(kept)
        self.stride *= 2

    # -- undo ----------------------------------------------------------------------------------
    def snapshot(self) -> "Trajectories":
        """The rows as they are now, which later changes leave alone (copy on write)."""
        other = Trajectories.__new__(Trajectories)
        other.__dict__.update(self.__dict__)
        self._frozen = other._frozen = max(self._frozen, self._n)
        return other


def csv_header(names: list[str], buffers: tuple[str, ...]) -> list[str]:
    """iteration, then per parameter its value, gradient and each buffer (velocity_w1)."""
    header = ["iteration"]
    for name in names:
        header += [name, f"dE_d{name}"] + [f"{b}_{name}" for b in buffers]
    return header


def chosen(names: list[str], text: str | None) -> list[int]:
    """The indices (in θ) of the parameters named in `text` ("w1,b_o1"), or of all of them;
    ValueError naming what is not a parameter of the network."""
    if not text:
        return list(range(len(names)))
    index = {name: k for k, name in enumerate(names)}
    wanted = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in index]
    if unknown or not wanted:
        shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
        raise ValueError(f"{', '.join(map(repr, unknown)) or 'nothing'} is not a parameter of this network "
                         f"(its parameters: {shown})")
    return [index[n] for n in dict.fromkeys(wanted)]


def write_rows(f, paths: Trajectories, names: list[str], indices: list[int], every: int = 20_000):
    """Write the rows kept of parameters `names` (at `indices` in θ) as CSV to the open file
    `f`, exact numbers (`repr`, 0 never −0; a gradient training does not compute is left empty), yielding
    progress (rows written, rows)."""
    from engine.session.progress import Progress

    columns = [paths.column(q, i) for i in indices for q in paths.quantities]
    iterations = paths.iterations()
    total = len(iterations)
    f.write(",".join(csv_header(names, paths.buffers)) + "\n")
    for start in range(0, total, every):
        stop = min(total, start + every)
        block = [c[start:stop].tolist() for c in columns]
        for k in range(stop - start):
            f.write(f"{int(iterations[start + k])}," +
                    ",".join("" if v != v else repr(v + 0.0) for v in (c[k] for c in block)) + "\n")
        if stop < total:
            yield Progress(stop, total)
    yield Progress(total, total)


def write_csv(path, paths: Trajectories, names: list[str], indices: list[int], every: int = 20_000):
    """`write_rows` to the file `path`, atomically (written to a temporary name and renamed)."""
    from engine.files.atomic import atomic_open

    with atomic_open(path) as f:
        yield from write_rows(f, paths, names, indices, every)
