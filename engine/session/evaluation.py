"""How well a network does: the loss and the accuracy on all of its samples and on its held-out
test samples, with the parameters an iteration starts from (those its batch loss is computed
with), and for a loss that classifies the confusion matrix.

- `Evaluator(setup)`: `report(params)` evaluates everything (the `evaluate` command, the window's
  confusion matrix); `scores(params)` only the history's measures, as quickly as it can.
- `MEASURES`: the loss history's columns an evaluation gives, in their order, each with the
  networks it applies to; `TRAINED` those training computes at every iteration (the loss);
  `history_columns(setup)` is the header. A new column is a line in one of the two.
- `Evaluations`: what training evaluates as it goes (`Session.train`'s `watch`): every `every`-th
  iteration (by its number), kept for the history and the loss plot; with `patience`, training
  stops once the test loss has not reached a new minimum for that many evaluations (`best` is the
  iteration that had it); with `below`, once an iteration's batch loss is below it. Without
  `every`, it evaluates as often as costs at most BUDGET of the training time, measured in the
  CPU time of the thread that trains (what other programs take does not count).

The test loss is the mean of the per-sample loss over every test sample, computed as the batch
loss is. Accuracy, for a loss that classifies (`Loss.classes`: bce, cross-entropy), is the
fraction of samples whose outputs are right by the loss's rule; the confusion matrix counts the
samples of each true class (row) by the class predicted (column), the classes being the output
units, or 0 and 1 for one output unit. The forward pass takes at most CHUNK_VALUES values at a
time: any number of samples is evaluated in bounded memory.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.network import naming
from engine.network.limits import MAX_BATCH_VALUES
from engine.network.maths import Params, Plan, forward
from engine.network.network import Setup

CHUNK_VALUES = MAX_BATCH_VALUES  # units × samples of one forward pass (about 8 MB per array)
BUDGET = 0.15  # without `every`, evaluations take at most this share of the training time
WINDOW = 0.01  # seconds (and 4 evaluations) at least over which that share is measured
NEVER = sys.maxsize  # an iteration training never reaches


@dataclass(frozen=True)
class Part:
    """One set of samples evaluated: the training samples or the test samples."""
    samples: int
    loss: float | None  # the mean of the per-sample loss (None: not computed)
    correct: int | None = None  # samples whose outputs are right (a loss that classifies)
    confusion: np.ndarray | None = None  # counts: row the true class, column the predicted

    @property
    def accuracy(self) -> float | None:
        return None if self.correct is None else self.correct / self.samples


@dataclass(frozen=True)
class Evaluation:
    training: Part
    test: Part | None  # None: the network has no test samples
    classes: list[str] | None  # the confusion matrix's classes (a loss that classifies)


@dataclass(frozen=True)
class Measure:
    """A column of the loss history after `iteration,loss`: a number an evaluation gives."""
    name: str  # the column; the key of `evaluate --json`
    title: str  # in words, as a plot's legend says it
    fraction: bool  # from 0 to 1 (an accuracy), else a loss
    applies: Callable[[Setup], bool]  # to which networks
    of: Callable[[Evaluation], float]


def _classifies(setup: Setup) -> bool:
    return setup.loss_fn.classification


MEASURES = (
    Measure("test_loss", "test loss", False, lambda s: s.n_test > 0, lambda e: e.test.loss),
    Measure("accuracy", "accuracy", True, _classifies, lambda e: e.training.accuracy),
    Measure("test_accuracy", "test accuracy", True, lambda s: _classifies(s) and s.n_test > 0,
            lambda e: e.test.accuracy),
)


def measures(setup: Setup) -> tuple[Measure, ...]:
    """The measures of this network, in the history's order."""
    return tuple(m for m in MEASURES if m.applies(setup))


# The loss history's columns that training itself computes at every iteration, after `iteration`
# and before the measures, each with the networks it applies to: the batch loss, and (issue 19's
# penalties) a column such as `penalty` is a line here, its values given to `export.history_to`.
TRAINED: tuple[tuple[str, Callable[[Setup], bool]], ...] = (
    ("loss", lambda s: True),
    ("penalty", lambda s: s.penalty is not None),  # E_penalty (engine.concepts.penalties)
)


def history_columns(setup: Setup) -> tuple[str, ...]:
    """The loss history's header for this network: `iteration`, the TRAINED columns that apply,
    then its measures (the order of engine.network.runs.COLUMNS, which the kept runs keep)."""
    return ("iteration", *(name for name, applies in TRAINED if applies(setup)),
            *(m.name for m in measures(setup)))


class Evaluator:
    """Evaluates one network's samples and test samples with any parameters."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.plan = Plan(setup)
        self.loss = setup.loss_fn
        self.classes = self.loss.classes
        self.measures = measures(setup)
        self.rows = max(1, CHUNK_VALUES // sum(setup.sizes))  # of one forward pass
        n, k = setup.n_samples, setup.sizes[-1]
        self.n_classes = 0 if self.classes is None else self.classes.count(k)
        self.class_names = None if self.classes is None else (
            [str(c) for c in range(self.n_classes)] if k == 1 else
            [naming.unit_name(setup.sizes, setup.depth, j) for j in range(k)])
        # every sample in one array, the training samples first: one forward pass takes both
        # (the input layer's values: with features, those of the samples' raw inputs)
        if setup.n_test:
            self._x = np.concatenate([setup.input_layer(), setup.test_input_layer()])
            self._t = np.concatenate([setup.targets, setup.test_targets])
        else:
            self._x, self._t = setup.input_layer(), setup.targets
        # the measures need the training samples only for their accuracy
        self._from = 0 if self.classes is not None else n

    def report(self, params: Params) -> Evaluation:
        """Loss and accuracy of the training and the test samples, and the confusion matrices."""
        return self._evaluate(params, 0, True)

    def scores(self, params: Params) -> np.ndarray:
        """The values of `measures`, in their order."""
        evaluation = self._evaluate(params, self._from, False)
        return np.array([m.of(evaluation) for m in self.measures])

    def _evaluate(self, params: Params, first: int, whole: bool) -> Evaluation:
        """From sample `first` on (the training samples, then the test samples); `whole`: the
        training loss and the confusion matrices too."""
        n, x, t, classes = self.setup.n_samples, self._x, self._t, self.classes
        sums, right = [0.0, 0.0], [0, 0]
        confusion = [np.zeros((self.n_classes, self.n_classes), np.int64) for _ in range(2)] \
            if whole and classes is not None else None
        for a in range(first, len(x), self.rows):
            b = min(a + self.rows, len(x))
            nets, outs = forward(self.plan, params, x[a:b])
            net, out, target = nets[-1], outs[-1], t[a:b]
            cut = min(max(n - a, 0), b - a)  # rows of this part that are training samples
            if cut < b - a:
                sums[1] += self.loss.terms_of(net[cut:], out[cut:], target[cut:])[1]
            if whole and cut:
                sums[0] += self.loss.terms_of(net[:cut], out[:cut], target[:cut])[1]
            if classes is not None:
                ok = classes.right(out, target)
                right[0] += int(np.count_nonzero(ok[:cut]))
                right[1] += int(np.count_nonzero(ok[cut:]))
                if confusion is not None:
                    cell = classes.of(target) * self.n_classes + classes.of(out)
                    for part, rows in enumerate((slice(0, cut), slice(cut, None))):
                        confusion[part] += np.bincount(cell[rows], minlength=self.n_classes ** 2).reshape(
                            self.n_classes, self.n_classes)
        m = self.setup.n_test

        def part(k: int, samples: int) -> Part:
            loss = sums[k] / samples if whole or k else None
            return Part(samples, loss, right[k] if classes is not None else None,
                        None if confusion is None else confusion[k])

        return Evaluation(part(0, n), part(1, m) if m else None, self.class_names)


class Evaluations:
    """The measures of the iterations training evaluates (see the module), kept in order: as a
    `Session.train` watch it sees each iteration `due` as it starts, with the parameters it starts
    from, and training stops after iteration `stop` (patience) or after the first whose batch loss
    is below `below`. With `every` 0 it evaluates no iteration as training goes, only those
    `see` is given afterwards (the last, for what `train` prints)."""

    def __init__(self, setup: Setup, every: int | None = 1, start: int = 1, patience: int | None = None,
                 below: float | None = None, clock: Callable[[], float] = time.thread_time):
        self.evaluator = Evaluator(setup)
        self.measures = self.evaluator.measures
        self.names = [m.name for m in self.measures]
        self.adaptive = every is None
        self.every = 1 if every is None else every
        if self.every < 0 or (patience is not None and not self.every):
            raise ValueError(f"every: a whole number ≥ 1 (0: none, without patience), found {every}")
        # the first multiple of `every` from `start` on (nothing, if there is nothing to measure)
        self.due = -(-start // self.every) * self.every if self.measures and self.every else NEVER
        self.stop = NEVER
        self.below = -math.inf if below is None else below
        self.patience = patience
        if patience is not None and "test_loss" not in self.names:
            raise ValueError("patience needs test samples")
        self.best: int | None = None  # the iteration with the lowest test loss yet
        self.best_loss = math.inf
        self.waited = 0  # evaluations since then
        self._iterations = np.empty(256, np.int64)
        self._values = np.empty((256, len(self.measures)))
        self._n = 0
        self._clock = clock
        self._created = clock()
        self._window: tuple[float, float, int] | None = None  # since when `every` is measured (adaptive)
        self.seconds = 0.0  # spent evaluating

    def __len__(self) -> int:
        return self._n

    @property
    def iterations(self) -> np.ndarray:
        """The iterations evaluated, in order."""
        return self._iterations[: self._n]

    @property
    def values(self) -> np.ndarray:
        """Row k: the measures of iterations[k], in the order of `measures`."""
        return self._values[: self._n]

    def at(self, iteration: int) -> np.ndarray | None:
        """The measures of `iteration`, if it was evaluated."""
        k = int(np.searchsorted(self.iterations, iteration))
        return self._values[k] if k < self._n and self._iterations[k] == iteration else None

    @staticmethod
    def bytes_for(rows: int, setup: Setup) -> int:
        """What `rows` evaluations of this network keep."""
        return 8 * rows * (1 + len(measures(setup)))

    def see(self, iteration: int, params: Params) -> None:
        """Evaluate `iteration`, which starts from `params` (iterations come in order; one seen
        again replaces its evaluation and those after it)."""
        started = self._clock()
        values = self.evaluator.scores(params)
        k = int(np.searchsorted(self.iterations, iteration))
        if k == len(self._iterations):
            self._iterations = np.concatenate([self._iterations, np.empty_like(self._iterations)])
            self._values = np.concatenate([self._values, np.empty_like(self._values)])
        self._iterations[k], self._values[k] = iteration, values
        self._n = k + 1
        if self.patience is not None:
            loss = values[self.names.index("test_loss")]
            if loss < self.best_loss:
                self.best, self.best_loss, self.waited = iteration, float(loss), 0
            else:
                self.waited += 1
                if self.waited >= self.patience:
                    self.stop = iteration
        ended = self._clock()
        self.seconds += ended - started
        if self.adaptive:
            self._adapt(ended)
        if self.measures and self.every:
            self.due = (iteration // self.every + 1) * self.every

    def _adapt(self, now: float) -> None:
        """What evaluations cost as a share of the rest of the time, over at least WINDOW seconds
        and 4 evaluations: above a third of BUDGET, evaluate at once as seldom as brings it within
        that third (the interval times a power of 2); below a twelfth of it, twice as often
        (measured again from the next evaluation, the first a whole interval after the one
        before). The margin is for what an evaluation costs the iterations after it (the caches
        it fills) and for the machine's noise."""
        if self._window is None:
            self._window = (now, self.seconds, self._n)
            return
        since, seconds, n = self._window
        if self._n - n < 4 or now - since < WINDOW:
            return
        spent = self.seconds - seconds
        share = spent / max(now - since - spent, 1e-12)
        if share > BUDGET / 3:
            self.every *= 2 ** max(1, math.ceil(math.log2(min(share / (BUDGET / 3), 2.0 ** 40))))
        elif share < BUDGET / 12 and self.every > 1:
            self.every //= 2
        else:
            self._window = (now, self.seconds, self._n)
            return
        self._window = None

    def share(self) -> float:
        """What evaluating has cost so far, as a share of the rest of the time since it was made."""
        rest = self._clock() - self._created - self.seconds
        return self.seconds / rest if rest > 0 else math.inf

    def stops(self, iteration: int, loss: float) -> bool:
        """Does training stop after `iteration`, whose batch loss is `loss`?"""
        return iteration >= self.stop or loss < self.below
