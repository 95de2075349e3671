"""Kept runs: the loss history of a training run kept under a name with its settings, so that
runs (SGD and momentum, one batch size and another) are compared on one plot and in one CSV.

A network file keeps them under its optional "kept_runs" (engine.files.netfile reads and writes
it; docs/file-formats.md). A run is its name (text from a user or a file: only ever shown as
text), its settings (the network's one-line `summary` when it was kept) and its history: the
batch loss of iterations 1..n and any other column of the loss-history CSV (COLUMNS), each as
long as the loss. A value not computed at an iteration, or not a finite number, is NaN here and
null in the file.

Every rule a set of kept runs follows is checked here, before any work: how many runs, how long a
name or settings text, how many values in all (so that the runs fit in a network file), a name
each of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from engine.text.plain import one_line

# The columns a run may hold, as the loss-history CSV names them: the loss first (required), then
# those issue 19's history adds where a network has them (a penalty, test samples, classes).
COLUMNS = ("loss", "penalty", "test_loss", "accuracy", "test_accuracy")
MAX_RUNS = 20  # the loss curve tells 24 apart (6 colours × 4 dash patterns)
MAX_NAME_CHARACTERS = 100
MAX_SETTINGS_CHARACTERS = 2000
# Values of all kept runs together, every column counted: written as at most 26 characters each
# ("-2.2250738585072014e-308, "), 13 MB of a network file's 32 MB; 4 MB of memory.
MAX_VALUES = 500_000


@dataclass(frozen=True, eq=False)
class Run:
    """One kept run: its name, its settings and its history columns (read-only float64 arrays,
    "loss" first, all as long)."""
    name: str
    settings: str
    columns: Mapping[str, np.ndarray]

    @classmethod
    def of(cls, name: str, settings: str, columns: Mapping[str, Sequence[float]]) -> "Run":
        """A run of copies of these columns (in COLUMNS order), made read-only."""
        arrays = {}
        for key in COLUMNS:
            if key in columns:
                values = np.array(columns[key], dtype=np.float64)
                values.flags.writeable = False
                arrays[key] = values
        return cls(name, settings, arrays)

    def __len__(self) -> int:
        """Its iterations: 1 .. len(run)."""
        return len(self.columns["loss"])

    @property
    def loss(self) -> np.ndarray:
        return self.columns["loss"]

    @property
    def label(self) -> str:
        """The name as every view and document shows it: one line, without the spaces around it."""
        return shown_name(self.name)

    @property
    def settings_label(self) -> str:
        """The settings as every view shows them: one line."""
        return one_line(self.settings).strip()

    def same(self, other: "Run") -> bool:
        """The same name, settings and history, bit for bit (NaN included)."""
        return (self.name, self.settings, list(self.columns)) == (other.name, other.settings, list(other.columns)) \
            and all(self.columns[k].tobytes() == other.columns[k].tobytes() for k in self.columns)


def shown_name(name: str) -> str:
    """A run's name as it is shown and compared: one line, without the spaces around it."""
    return one_line(name).strip()


def name_problem(name, runs: Sequence[Run] = ()) -> str | None:
    """Why `name` cannot name a run beside `runs`, if it cannot: it is text with a visible
    character, of at most MAX_NAME_CHARACTERS, and no other run is shown by the same name."""
    if not isinstance(name, str):
        return "expected a text"
    if not shown_name(name):
        return "a run's name needs at least one visible character"
    if len(name) > MAX_NAME_CHARACTERS:
        return f"a run's name has at most {MAX_NAME_CHARACTERS} characters, found {len(name):,}"
    taken = [k for k, run in enumerate(runs) if run.label == shown_name(name)]
    if taken:
        return f"“{shown_name(name)}” names kept run {taken[0] + 1} already: give each run its own name"
    return None


def settings_problem(settings) -> str | None:
    if not isinstance(settings, str):
        return "expected a text"
    if len(settings) > MAX_SETTINGS_CHARACTERS:
        return f"at most {MAX_SETTINGS_CHARACTERS} characters, found {len(settings):,}"
    return None


def values(runs: Sequence[Run]) -> int:
    """How many values the runs hold, every column counted."""
    return sum(len(run) * len(run.columns) for run in runs)


def room_problem(runs: Sequence[Run], length: int, columns: int = 1) -> str | None:
    """Why a run of `length` iterations and `columns` columns cannot be kept beside `runs`, if
    it cannot: at most MAX_RUNS runs, of MAX_VALUES values in all."""
    if len(runs) >= MAX_RUNS:
        return f"at most {MAX_RUNS} runs are kept: remove one first"
    if length < 1:
        return "a run has the loss of at least one iteration"
    total = values(runs) + length * columns
    if total > MAX_VALUES:
        held = f"{values(runs):,} values already kept, " if runs else ""
        return (f"this run's history holds {length * columns:,} values ({length:,} iterations); {held}at most "
                f"{MAX_VALUES:,} in all: remove a kept run, or keep a shorter run")
    return None


def keep(runs: Sequence[Run], name: str, settings: str, columns: Mapping[str, Sequence[float]]) -> tuple[Run, ...]:
    """`runs` and a new one after them; ValueError (one line) if it cannot be kept. Checked
    before the history is copied."""
    length = len(columns["loss"])
    problem = name_problem(name, runs) or settings_problem(settings) or room_problem(
        runs, length, sum(key in columns for key in COLUMNS))
    if problem is not None:
        raise ValueError(problem)
    return (*runs, Run.of(name, settings, columns))


def without(runs: Sequence[Run], index: int) -> tuple[Run, ...]:
    """`runs` without the one at `index`."""
    return tuple(run for k, run in enumerate(runs) if k != index)


def proposed_name(settings: str, runs: Sequence[Run] = ()) -> str:
    """A name for a run of these settings (a network's `summary`: shape, loss, learning rate,
    the optimizer's settings, update order, samples, batches ...): the learning rate and the
    optimizer's settings (up to the update order), and any other training setting some kept run
    does not share ("lr 0.5, momentum 0.9, batches of 2"); made unique with (2), (3), ... The
    user may type another."""
    parts = [part.strip() for part in settings.split(", ")]
    training = parts[2:] or parts
    order = next((k for k, p in enumerate(training) if p.endswith(" update")), len(training))
    differing = [p for p in training[order:] if any(p not in run.settings.split(", ") for run in runs)]
    base = (", ".join(training[:order] + differing) or "run")[:MAX_NAME_CHARACTERS - 5]
    name, k = base, 1
    while name_problem(name, runs) is not None:
        k += 1
        name = f"{base} ({k})"
    return name
