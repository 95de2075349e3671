"""What the window benchmarks share: a Qt application whose settings go to a temporary folder
(offscreen unless the real display is asked for), and training in a window the way its Train
runs, waited for in an event loop as the application waits."""
from __future__ import annotations

import os
import tempfile
import time


def application(display: bool = False):
    """The QApplication, on Qt's offscreen platform unless `display`, with settings of its own."""
    if not display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    return QApplication.instance() or QApplication([])


def train(w, n: int, tick_ms: int | None = None) -> tuple[float, float]:
    """Train `n` iterations in window `w` (Train, its views following): the seconds it took and,
    with `tick_ms`, the longest gap between the ticks of a timer of that interval meanwhile
    (how long the event loop was kept from other work), else 0."""
    from PySide6.QtCore import QEventLoop, QTimer

    ticks: list[float] = []
    timer = QTimer()
    if tick_ms:
        timer.setInterval(tick_ms)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    w.model.busyChanged.connect(lambda busy: busy or loop.quit())
    w.train_count.setValue(n)
    if tick_ms:
        timer.start()
    started = time.perf_counter()
    w.actions["train"].trigger()
    loop.exec()  # the window's event loop, as the application runs it
    seconds = time.perf_counter() - started
    timer.stop()
    return seconds, max((b - a for a, b in zip(ticks, ticks[1:])), default=0.0)


def close(app, w) -> None:
    """Close `w` without asking to save, and let Qt delete it."""
    w.undo_stack.setClean()
    w.close()
    w.deleteLater()
    app.processEvents()
