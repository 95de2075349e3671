"""How long the window's event loop goes without turning: a QTimer ticks every TICK_MS while
an action is watched and records the longest time between two ticks (from the start of the
action to the first tick, and from the last tick to the end of the action, count too). That is
how long the window could not answer a key, a click or a repaint.

Time is the main thread's CPU time (time.thread_time), not the wall clock: a computation in
the main thread blocks the event loop for as long as it runs, while the other processes of a
loaded machine, which only slow it down, do not count. Any wait in the main thread that is not
the event loop's would be missed; the window never waits so (long work runs in slices of the
event loop, see guiapp.model.jobs).
"""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

BOUND = 1.0  # seconds the event loop may be blocked (issue 17, section 5 item 1)
TICK_MS = 50


@contextmanager
def own_objects():
    """What the tests before left in memory (windows that PySide keeps, with their sessions) is
    collected, and what remains is left out of the garbage collector's passes (gc.freeze) until
    the block ends: a window is timed with its own objects, not with every earlier test's."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Watchdog:
    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0  # seconds, over every action watched
        self.worst = ""  # the action it was in
        self._last: float | None = None
        self._action = ""

    def _tick(self) -> None:
        now = time.thread_time()
        if self._last is not None and now - self._last > self.longest:
            self.longest, self.worst = now - self._last, self._action
        self._last = now

    @contextmanager
    def watch(self, action: str):
        """Watch what the block does, and the events it leaves (processed before it ends)."""
        self._action = action
        self._last = time.thread_time()
        self.timer.start()
        try:
            yield self
            QApplication.processEvents()
        finally:
            self._tick()
            self.timer.stop()
            self._last = None

    @contextmanager
    def paused(self):
        """Within a watch: what the block does is not counted (a test's own checks)."""
        self._tick()
        self.timer.stop()
        try:
            yield self
        finally:
            self._last = time.thread_time()
            self.timer.start()

    def check(self, bound: float = BOUND) -> None:
        assert self.longest <= bound, \
            f"the event loop was blocked {self.longest:.2f} s (CPU) in {self.worst}; at most {bound} s"
