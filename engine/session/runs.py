"""Keeping a session's run, and the kept runs' CSV.

`keep` adds the session's run (its loss history, iterations 1 to the latest of its timeline,
under a name, with the network's `summary` as its settings) to a network's kept runs; the window's
Run ▸ Keep this run and `python -m engine train --keep NAME` both call it. The CSV is long: a
row per iteration of each run, `iteration,run,loss` and the other columns any run has, a cell
empty where a run has no value; the run's name is a text cell (engine.text.csvcell), the numbers
exact (repr) as in the loss-history CSV. See docs/file-formats.md.
"""
from __future__ import annotations

import csv
import io
import math
import os
from typing import Iterator, Sequence

import numpy as np

from engine.concepts.formula import exact
from engine.files.atomic import atomic_open
from engine.network.network import summary
from engine.network.runs import COLUMNS, Run, keep as keep_run, proposed_name
from engine.session.evaluation import Evaluations
from engine.session.progress import Progress
from engine.text import csvcell


def history_columns(session, evaluations: Evaluations | None = None) -> dict[str, np.ndarray]:
    """The session's history as a kept run keeps it: each column of iterations 1 to the latest;
    with the `evaluations` training made, their measures too (test loss, accuracies), NaN at
    the iterations not evaluated."""
    columns = {"loss": session.history.values}
    if evaluations is not None and evaluations.names:
        n = len(columns["loss"])
        inside = evaluations.iterations <= n
        for j, key in enumerate(evaluations.names):
            column = np.full(n, np.nan)
            column[evaluations.iterations[inside] - 1] = evaluations.values[inside, j]
            columns[key] = column
    return columns


def keep(session, name: str, runs: Sequence[Run], evaluations: Evaluations | None = None) -> tuple[Run, ...]:
    """`runs` and the session's run after them (with the measures of `evaluations`), named
    `name`; ValueError (one line) if it cannot be kept (engine.network.runs.keep)."""
    return keep_run(runs, name, summary(session.net), history_columns(session, evaluations))


def proposal(session, runs: Sequence[Run]) -> str:
    """A name for the session's run beside `runs` (engine.network.runs.proposed_name)."""
    return proposed_name(summary(session.net), runs)


def csv_columns(runs: Sequence[Run]) -> list[str]:
    """The CSV's header: iteration, run, then the columns some run has (the loss always)."""
    return ["iteration", "run", *(key for key in COLUMNS if key == "loss" or any(key in r.columns for r in runs))]


def _cell(value: float) -> str:
    """A number as the CSV writes it: exact, 0 never −0; empty where there is none."""
    return exact(value) if math.isfinite(value) else ""


def runs_to(f, runs: Sequence[Run], every: int = 50_000) -> Iterator[Progress]:
    """Write the CSV of `runs` to the open file `f`, yielding progress (rows written)."""
    header = csv_columns(runs)
    f.write(",".join(header) + "\n")
    total, done = sum(map(len, runs)), 0
    for run in runs:
        name = _quoted(csvcell.text(run.name))
        columns = [run.columns[key].tolist() if key in run.columns else None for key in header[2:]]
        for start in range(0, len(run), every):
            stop = min(start + every, len(run))
            f.writelines(f"{k + 1},{name}," + ",".join("" if c is None else _cell(c[k]) for c in columns) + "\n"
                         for k in range(start, stop))
            done += stop - start
            if done < total:
                yield Progress(done, total)


def _quoted(cell: str) -> str:
    """A text cell as the csv module writes it (quoted where it holds a comma or a quote)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([cell])
    return out.getvalue()


def write_runs(path: str | os.PathLike, runs: Sequence[Run]) -> Iterator[Progress]:
    """Write the CSV of `runs` to `path` atomically, yielding progress."""
    total = sum(map(len, runs))
    with atomic_open(path) as f:
        yield from runs_to(f, runs)
    yield Progress(total, total)


def save_runs(path: str | os.PathLike, runs: Sequence[Run]) -> None:
    for _ in write_runs(path, runs):
        pass
