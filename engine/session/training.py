"""Training (a part of `session.Session`): many iterations at once, recorded or not, in slices that
yield progress, watched (`Watch`: evaluations, early stopping); where the loss stops being finite, the
diagnosis and the way back to the last finite one."""
from __future__ import annotations

import math
import sys
import time
from typing import Iterator, Protocol

import numpy as np

from engine.record.diverged import TrainingDiverged, diagnose
from engine.network.maths import Params, iterate
from engine.network.limits import MAX_ITERATIONS
from engine.session.progress import Progress


class Watch(Protocol):
    """What `Session.train` shows the iterations it trains to (engine.session.evaluation.Evaluations):
    each one from `due` on, as it starts (`see`), and what stops training after an iteration:
    the iteration `stop` or later, or a batch loss below `below` (`stops`)."""
    due: int
    stop: int
    below: float

    def see(self, iteration: int, params: Params) -> None: ...

    def stops(self, iteration: int, loss: float) -> bool: ...


class _Unwatched:
    """No watch: nothing is due and nothing stops training."""
    due = stop = sys.maxsize
    below = -math.inf

    def see(self, iteration: int, params: Params) -> None:
        raise AssertionError("nothing is due")

    def stops(self, iteration: int, loss: float) -> bool:
        return False


UNWATCHED = _Unwatched()


class Training:
    """Training many iterations (of a `Session`)."""

    # -- training -----------------------------------------------------------------------
    def train(self, n: int, record_all: bool = False, chunk_seconds: float = 0.05,
              watch: Watch | None = None) -> Iterator[Progress]:
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

        A `watch` (engine.session.evaluation.Evaluations) is shown each iteration this call trains,
        from `watch.due` on, as it starts, with the parameters it starts from; training stops
        after the first iteration k for which `watch.stops(k, its batch loss)`, the session at the
        start of k + 1. (The iterations gone through along the timeline are not shown to it.)
        """
        if n < 0 or self.iteration + n - 1 > MAX_ITERATIONS:
            raise ValueError(f"iterations: a session keeps the loss of each of at most {MAX_ITERATIONS:,} "
                             f"iterations; {n:,} more from iteration {self.iteration:,} would exceed that")
        start, end = self.iteration, self.iteration + n
        if self.iteration < self.latest:  # a past iteration: on along the timeline as it was trained first
            self.go_to_iteration(min(end, self.latest))
        record_from = max(start, self.latest) + 1 if record_all else end
        unread_limit = max(1, self.trace.rows_kept // 2)
        watch = UNWATCHED if watch is None else watch
        try:
            while self.iteration < end:
                if not math.isfinite(self.loss):
                    raise self._diverged()
                k = self.iteration  # computed: this pass trains it
                if k >= watch.due:
                    watch.see(k, self.params)
                if watch.stops(k, self.loss):
                    end = k + 1
                params = self.record.params_after()
                first = self.iteration + 1
                deadline = time.perf_counter() + chunk_seconds
                with np.errstate(all="ignore"):
                    if first < min(record_from, end):
                        it = self._train_unrecorded(first, min(record_from, end) - 1, params, deadline, watch)
                        if watch.stops(it - 1, self.history.values[it - 2]):  # it stopped after it - 1
                            end = it
                        self.iteration, self.params = it, params
                        self._record_iteration(it, params, essential=False)  # `params` are those it starts from
                    else:
                        last = min(end, first + unread_limit - 1)
                        self.iteration = self._train_recorded(first, last, params, deadline, watch, end)
                        self.params = self.record.params_before()
                if self.iteration < end and math.isfinite(self.loss):
                    yield Progress(self.iteration - start, n)
        finally:
            self.cursor = -1
        if not math.isfinite(self.loss):
            raise self._diverged()
        yield Progress(self.iteration - start, n)

    def _train_unrecorded(self, first: int, last: int, params: Params, deadline: float,
                          watch: Watch = UNWATCHED) -> int:
        """Iterations first.. without recording them (but their loss), updating `params` in
        place, until `last` is done, the deadline passes, the loss is not finite or the watch
        stops training. Returns the iteration to stop at, which `params` now start (not computed
        yet, unless its loss was not finite: then the iterations since the last checkpoint are
        recorded)."""
        plan, lr, batches, setup, trace = self.plan, self.net.learning_rate, self._batches, self.net, self.trace
        rate = setup.lr_at if setup.schedule is not None else None
        last = min(last, first + max(4096, len(self.history)))  # the history grows as training goes
        losses = self.history.reserve(last)
        penalties = None if self.penalties is None else self.penalties.reserve(last)
        interval, cycle = trace.interval, len(batches)
        step = plan.quick or (lambda params, x, t, lr: iterate(plan, params, x, t, lr))
        paths = self.trajectories
        p, grad, buffers = paths.n_params, plan.grad_trained, bool(plan.buffers)
        g_end, cols = p + len(grad), paths.columns
        _, x, t = batches[0]
        due, halt, below = watch.due, watch.stop, watch.below
        plain = cycle == 1 and penalties is None  # runs of iterations that are a step and its loss alone
        # θ and the gradient as bytes: a kept row is copied from them by memoryview, a third of the
        # cost of numpy's slice assignment for a small network (the worked example keeps every row)
        theta_bytes, grad_bytes = memoryview(params.theta).cast("B"), memoryview(grad).cast("B")
        size = params.theta.itemsize

        def stop_after(k: int, j: int, finite: bool) -> int:
            """Training stops at iteration k (its loss not finite: k is not done; else the watch's
            stop, after k): the iteration to go on from."""
            paths.commit(j)
            self._commit(k)
            trace.advance_to(k if finite else k - 1)
            return k + 1 if finite else k

        it = first
        while it <= last:
            if not it % interval:  # where reading an iteration's record again starts from
                trace.checkpoint(it, params, setup)
            stop = min(last, it - it % interval + interval - 1)  # the iteration before the next checkpoint
            rows, j, kept_at, stride = paths.reserve(stop)  # the trajectories keep iteration `kept_at` next
            flat, o = rows.reshape(-1), j * cols  # row j of the trajectories starts at flat[o]
            flat_bytes = memoryview(flat).cast("B")
            k = it
            while k <= stop:
                # the iterations before the next one watched or stopped at, with one batch and no
                # penalty, in a loop of their own: a step and its loss each, and where every
                # iteration is kept (the worked example's first 200,000), its row (its step is some
                # 16 µs; the checks of the general loop below cost 1 to 2 µs more)
                end = min(stop, due - 1, halt - 1) if plain else k - 1
                every = not buffers and stride == 1 and kept_at == k
                if not every:
                    end = min(end, kept_at - 1)
                if end >= k:
                    if every:
                        for k in range(k, end + 1):
                            flat_bytes[o * size: (o + p) * size] = theta_bytes
                            loss = step(params, x, t, lr if rate is None else rate(k))
                            losses[k - 1] = loss
                            if loss - loss:
                                return stop_after(k, j, False)
                            flat_bytes[(o + p) * size: (o + g_end) * size] = grad_bytes
                            j += 1
                            o += cols
                            if loss < below:
                                return stop_after(k, j, True)
                        kept_at = end + 1
                    else:
                        for k in range(k, end + 1):
                            loss = step(params, x, t, lr if rate is None else rate(k))
                            losses[k - 1] = loss
                            if loss - loss or loss < below:
                                return stop_after(k, j, not loss - loss)
                    k = end + 1
                    continue
                if cycle > 1:
                    _, x, t = batches[(k - 1) % cycle]
                if k >= due:
                    watch.see(k, params)
                    due, halt = watch.due, watch.stop
                keep = k == kept_at
                if keep:
                    flat_bytes[o * size: (o + p) * size] = theta_bytes
                loss = step(params, x, t, lr if rate is None else rate(k))  # leaves params alone if not finite
                losses[k - 1] = loss
                if penalties is not None:
                    penalties[k - 1] = plan.last_penalty
                if loss - loss:  # NaN or infinite (a finite loss gives 0.0)
                    return stop_after(k, j, False)
                if keep:
                    flat_bytes[(o + p) * size: (o + g_end) * size] = grad_bytes
                    if buffers:  # the optimizer's buffers, one after the other
                        flat[o + 2 * p: o + cols] = params.state.ravel()
                    j += 1
                    o += cols
                    kept_at += stride
                if k >= halt or loss < below:  # the watch stops training after k
                    return stop_after(k, j, True)
                k += 1
            paths.commit(j)
            it = stop + 1
            if time.perf_counter() > deadline:
                break
        self._commit(it - 1)
        trace.advance_to(it - 1)
        return it

    def _commit(self, n: int) -> None:
        """The losses (and penalties) written by training up to iteration n are now the history."""
        self.history.commit(n)
        if self.penalties is not None:
            self.penalties.commit(n)

    def _train_recorded(self, first: int, last: int, params: Params, deadline: float,
                        watch: Watch = UNWATCHED, end: int = sys.maxsize) -> int:
        """Iterations first..last recorded in the trace, until the deadline passes, the loss
        is not finite or the watch stops training after one (shown to it if before `end`, the
        iteration training ends at). Returns the last one computed."""
        it = first
        while True:
            if watch.due <= it < end:
                watch.see(it, params)
            loss = self._record_iteration(it, params, in_place=True, checkpoint=it == first, essential=False)
            if it == last or not math.isfinite(loss) or time.perf_counter() > deadline or watch.stops(it, loss):
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
        if self.penalties is not None:
            self.penalties.truncate(self.iteration)
        self.trajectories.truncate(self.iteration + 1)
        self.cursor = -1

    def run(self, n: int) -> None:
        """Train n iterations to the end, without progress reports."""
        for _ in self.train(n):
            pass
