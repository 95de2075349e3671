"""Writing the trace and the loss-history CSV files.

`write_trace` and `write_history` are generators that yield Progress as they go, for callers
that must stay responsive (the window); `save_trace` runs the first to the end.
Files are written atomically: closing a generator early (a cancel) or an error leaves no
file behind and any existing file as it was.

The history is `iteration,loss`: the batch loss of each iteration's forward pass, before
its update; then, given the evaluations training made (engine.session.evaluation.Evaluations),
a column for each of their measures (`test_loss`, `accuracy`, ...: `evaluation.history_columns`),
empty in the rows of iterations not evaluated. Columns training computes at every iteration besides
the loss (evaluation.TRAINED: a regularized network's `penalty`, E_penalty of the parameters the
iteration starts from, loss + penalty being what its update descends) come between the two."""
from __future__ import annotations

import csv
import itertools
import os
from typing import Iterator, Sequence

import numpy as np

from engine.files.atomic import atomic_open
from engine.record.layout import Layout, Record
from engine.network.network import Network
from engine.session.progress import Progress
from engine.record.trace import TraceStore
from engine.record.tracecsv import COLUMNS, ENCODING, TraceRows
from engine.session.evaluation import TRAINED, Evaluations


class RecordRange:
    """The records of iterations first..last of a trace, as they are now: an export reads
    them (each computed again on reading where needed) unaffected by what follows."""

    def __init__(self, trace: TraceStore, first: int, last: int):
        self.trace = trace.detached()
        self.first, self.last = max(first, trace.first or first), min(last, trace.last or 0)

    def __len__(self) -> int:
        return max(0, self.last - self.first + 1)

    def __iter__(self):
        return self.trace.records(self.first, self.last)


def trace_snapshot(trace: TraceStore, first: int, last: int) -> RecordRange:
    """Iterations first..last of the trace as they are now, read lazily by an export."""
    return RecordRange(trace, first, last)


def write_trace(path: str | os.PathLike, net: Network, layout: Layout, records: Sequence[Record],
                every: int = 20) -> Iterator[Progress]:
    """Progress every `every` iterations, and within an iteration every TraceRows.SLICE rows
    (the largest network's iteration has 169,382 of them, whose formulas take seconds to make)."""
    rows = TraceRows(net, layout, make=False)
    total = len(records)
    with atomic_open(path, encoding=ENCODING) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for _ in rows.made():
            yield Progress(0, total)
        for k, rec in enumerate(records, 1):
            for _ in rows.prepare(rec):
                yield Progress(k - 1, total)
            if len(rows) <= TraceRows.SLICE:
                writer.writerows(rows.rows(rec))
            else:
                for chunk in _chunks(rows.rows(rec), TraceRows.SLICE):
                    writer.writerows(chunk)
                    yield Progress(k - 1, total)
            if k % every == 0 and k < total:
                yield Progress(k, total)
    yield Progress(total, total)


def _chunks(items, n: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def history_to(f, losses: np.ndarray, evaluations: Evaluations | None = None,
               every: int = 50_000, trained: dict[str, np.ndarray] | None = None) -> Iterator[Progress]:
    """Write the loss history's rows to the open file `f`, yielding progress: `iteration,loss`
    (a loss not kept, NaN: the history of a network file saved thinned holds one iteration in
    k, is an empty cell), then the `trained` columns (those of evaluation.TRAINED after the loss,
    by name, each with a value at every iteration, as long as `losses`; NaN where not known, an
    empty cell), then with `evaluations` a column for each of their measures, empty where an
    iteration was not evaluated."""
    losses = np.array(losses, dtype=np.float64)
    total = len(losses)
    trained = trained or {}
    known = [name for name, _ in TRAINED[1:]]
    if set(trained) - set(known):
        raise ValueError(f"not a column training computes: {', '.join(sorted(set(trained) - set(known)))}")
    dense = [losses, *(_as_long(trained[name], total) for name in known if name in trained)]
    names = [] if evaluations is None else evaluations.names
    f.write(",".join(["iteration", "loss", *(name for name in known if name in trained), *names]) + "\n")
    if names:
        evaluated, values = evaluations.iterations, evaluations.values
        empty = "," * len(names)
    for start in range(0, total, every):
        stop = min(start + every, total)
        cells = zip(*(c[start:stop].tolist() for c in dense))
        rows = [f"{start + k + 1}" + "".join("," + _known(v) for v in row)  # 0, never −0
                for k, row in enumerate(cells)]
        if names:
            first, last = np.searchsorted(evaluated, [start + 1, stop + 1])
            measured = iter(values[first:last].tolist())
            marked = set((evaluated[first:last] - start - 1).tolist())
            rows = [row + ("," + ",".join(repr(v + 0.0) for v in next(measured)) if k in marked else empty)
                    for k, row in enumerate(rows)]
        f.writelines(row + "\n" for row in rows)
        if stop < total:
            yield Progress(stop, total)


def _as_long(values, n: int) -> np.ndarray:
    """A trained column's values for n iterations: NaN (unknown) past its end."""
    out = np.full(n, np.nan)
    values = np.asarray(values, dtype=np.float64)[:n]
    out[: len(values)] = values
    return out


def _known(v: float) -> str:
    """A cell of the loss or a trained column: the number, exact (0, never −0); empty where it
    is not known (NaN: a loss a thinned file left out, a penalty of an iteration before a saved
    network was opened)."""
    return "" if v != v else repr(v + 0.0)


def write_history(path: str | os.PathLike, losses: np.ndarray, evaluations: Evaluations | None = None,
                  every: int = 50_000, trained: dict[str, np.ndarray] | None = None) -> Iterator[Progress]:
    total = len(losses)
    with atomic_open(path) as f:
        yield from history_to(f, losses, evaluations, every, trained)
    yield Progress(total, total)


def save_trace(path: str | os.PathLike, net: Network, layout: Layout, records: Sequence[Record]) -> int:
    """Write the trace of `records`; returns the number of iterations written."""
    for progress in write_trace(path, net, layout, records):
        pass
    return progress.done

