"""Long work without a frozen window: a generator pumped from the event loop.

The engine writes long work (training, exports) as generators that yield progress every few
tens of milliseconds; `Job` calls next() from a zero-interval timer, so between two slices
the event loop repaints, serves other timers and takes clicks (Stop included). Cancelling
closes the generator, which cleans up after itself (an export deletes its temporary file).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal


class Job(QObject):
    progress = Signal(int, int)  # done, total
    finished = Signal()  # ran to its end
    cancelled = Signal()
    failed = Signal(object)  # the exception it raised

    def __init__(self, generator, parent=None):
        super().__init__(parent)
        self._generator = generator
        # Single-shot, re-armed after each slice: a timer that fell due during the slice runs
        # before the next slice (a repeating zero timer could run two slices back to back).
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._slice)
        self.running = False

    def start(self) -> None:
        self.running = True
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
        try:
            progress = next(self._generator)
        except StopIteration:
            self._stop()
            self.finished.emit()
        except Exception as error:  # reported to the user by whoever started the job
            self._stop()
            self.failed.emit(error)
        else:
            self.progress.emit(progress.done, progress.total)
            if self.running:
                self._timer.start()
