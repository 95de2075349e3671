"""Long work without a frozen window: a generator pumped from the event loop.

The engine writes long work (training, exports) as generators that yield progress every few
milliseconds; `Job` calls next() from a zero-interval timer, so between two slices the event
loop repaints, serves other timers and takes clicks (Stop included). Cancelling closes the
generator, which cleans up after itself (an export deletes its temporary file).

What a job does is a small object, `Training`, `Export` or `Check`: the window shows its text and
what its progress counts (`unit`), and whoever handles the job's end asks what it was with
isinstance.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal


NOTHING_CHANGED = "No file was changed."  # every file is written whole or not at all (engine.files.atomic)


def not_written(path, error: OSError) -> str:
    """The one sentence for a file the window could not write (a save, an export, a picture, a
    report): which, why, and that nothing was changed."""
    return f"{path} could not be written: {error.strerror or error}. {NOTHING_CHANGED}"


@dataclass(frozen=True)
class Training:
    iterations: int
    patience: int | None = None  # until the test loss stops improving for this many evaluations
    text = "Training"
    unit = "iterations"  # what its progress counts


@dataclass(frozen=True)
class Export:
    path: str
    text: str  # "Exporting the trace"
    unit: str = "iterations"  # what its progress counts: iterations of the trace, losses


@dataclass(frozen=True)
class Check:
    """A gradient check of the current iteration (engine.session.gradcheck.Running)."""
    running: object
    text = "Checking the gradients"
    unit = "parameters"


def duration(seconds: float) -> str:
    """A time left, rounded up: "9 s", "2 min 5 s", "1 h 3 min"."""
    s = math.ceil(seconds)
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m} min {s} s"
    h, m = divmod(m, 60)
    return f"{h} h {m} min"


def progress_text(done: int, total: int, unit: str, seconds: float) -> str:
    """What a job has done after `seconds` of work, e.g. "12,345 of 100,000 iterations ·
    9,800/s · 9 s left": the rate and the time left once something is done."""
    text = f"{done:,} of {total:,} {unit}"
    if done > 0 and seconds > 0:
        rate = done / seconds
        text += f" · {rate:,.0f}/s" if rate >= 10 else f" · {rate:.1f}/s"
        if done < total:
            text += f" · {duration((total - done) / rate)} left"
    return text


class Job(QObject):
    progress = Signal(int, int)  # done, total
    finished = Signal()  # ran to its end
    cancelled = Signal()
    failed = Signal(object)  # the exception it raised

    def __init__(self, what: Training | Export, generator, parent=None):
        super().__init__(parent)
        self.what = what
        self._generator = generator
        # Single-shot, re-armed after each slice: a timer that fell due during the slice runs
        # before the next slice (a repeating zero timer could run two slices back to back).
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._slice)
        self.running = False
        self.started = 0.0  # time.monotonic() when it started
        # The longest the event loop waited for one slice (next() and its progress report),
        # in CPU seconds of this thread: what the code controls, whatever else the machine runs.
        self.longest_slice = 0.0
        # Wall time the event loop spent elsewhere (painting ...) between the last two slices.
        self.outside = 0.0
        self._ended: float | None = None

    def start(self) -> None:
        self.running = True
        self.started = time.monotonic()
        self._timer.start()

    def cancel(self) -> None:
        if not self.running:
            return
        self._stop()
        self._generator.close()
        self.cancelled.emit()

    def _stop(self) -> None:
        self.running = False
        self._timer.stop()

    def _slice(self) -> None:
        if self._ended is not None:
            self.outside = time.perf_counter() - self._ended
        start = time.thread_time()
        try:
            progress = next(self._generator)
        except StopIteration:
            self._measure(start)
            self._stop()
            self.finished.emit()
        except Exception as error:  # reported to the user by whoever started the job
            self._measure(start)
            self._stop()
            self.failed.emit(error)
        else:
            self.progress.emit(progress.done, progress.total)
            self._measure(start)
            if self.running:
                self._timer.start()

    def _measure(self, start: float) -> None:
        self.longest_slice = max(self.longest_slice, time.thread_time() - start)
        self._ended = time.perf_counter()
