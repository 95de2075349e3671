"""Test set-up: Qt runs offscreen and never touches the user's settings or files; a test that
leaves a timer running or a thread alive fails (`no_leftovers`); two options run the tests in
another order, to show that none depends on what ran before it:

    python -m pytest --reverse         # the collected tests in reverse order
    python -m pytest --window-first    # tests/guiapp/window/test_window.py first, then the rest in order

`-n 3` (pytest-xdist, as in README.md's command) runs them in three workers, at most 4
(pyproject.toml's addopts); `-n 0` in one process.
"""
import atexit
import os
import shutil
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# torch and BLAS on one thread: the tests' tensors are tiny, and a pool of threads per worker that
# spin-wait for work costs a third more CPU (test_every_quantity_equals_torch) and far more when
# the parallel workers (-n) contend for the cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
# Settings and logs go to a throwaway folder, never the user's real configuration.
_CONFIG = tempfile.mkdtemp(prefix="backprop-stepper-tests-")
atexit.register(shutil.rmtree, _CONFIG, ignore_errors=True)  # nothing left behind in /tmp
os.environ["XDG_CONFIG_HOME"] = os.path.join(_CONFIG, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_CONFIG, "data")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture
def settings_dir(tmp_path):
    """A fresh, empty settings folder for this test (QSettings' user scope)."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path / "settings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


def leave_unchanged(w) -> None:
    """Before a test's window is closed: nothing to ask about (a changed network would ask
    to save, and the question would wait for an answer)."""
    w.model.cancel_job()
    w.undo_stack.setClean()


@pytest.fixture
def make_window(qtbot, settings_dir):
    """make(name="mazur", net=None, size=(1400, 860)): a main window on a preset (or `net`),
    shown and exposed; closed after the test without asking to save."""
    from engine import open_network
    from guiapp.window import MainWindow

    made = []

    def make(name="mazur", net=None, size=(1400, 860)):
        w = MainWindow(net if net is not None else open_network(name), name)
        qtbot.addWidget(w, before_close_func=leave_unchanged)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.model.cancel_job()


@pytest.fixture
def window(make_window):
    return make_window()


def pytest_addoption(parser):
    group = parser.getgroup("order", "test order (checks that no test depends on the ones before it)")
    group.addoption("--reverse", action="store_true", help="run the collected tests in reverse order")
    group.addoption("--window-first", action="store_true",
                    help="run tests/guiapp/window/test_window.py first (after --reverse, if both are given)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if config.getoption("--reverse"):
        items.reverse()
    if config.getoption("--window-first"):
        window = [item for item in items if item.path.name == "test_window.py"]
        items[:] = window + [item for item in items if item.path.name != "test_window.py"]


# -- nothing left running after a test (as napari's dangling_qtimers and dangling_qthreads) --------
THREAD_GRACE = 5.0  # seconds a thread the test started may take to end after it


def _started_at() -> str:
    """Where in this checkout a timer or thread was started: the innermost frame of ours (read
    from the frames, not the source: the training's timer is started again for every slice)."""
    frame, root = sys._getframe(2), str(ROOT)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(root) and not name.endswith("conftest.py"):
            return f"{os.path.relpath(name, root)}:{frame.f_lineno}"
        frame = frame.f_back
    return "(outside this checkout)"


@pytest.fixture(autouse=True)
def no_leftovers(monkeypatch):
    """Fails a test that leaves a QTimer active (started with start() or QTimer.singleShot), a
    QThread running or a Python thread alive once its windows are closed: it would fire or run
    in the tests after it. Set up before qtbot, so checked after pytest-qt closed the test's
    widgets; each leftover is stopped and named with where it was started."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer

    threads = set(threading.enumerate())
    timers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
    single_shots: list = []  # (timer, where): kept alive until the end, as Qt's own would be
    qthreads: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
    timer_start, single_shot, thread_start = QTimer.start, QTimer.singleShot, QThread.start

    def start(self, *args):
        timers[self] = _started_at()
        timer_start(self, *args)

    def single_shot_tracked(msec, *rest):
        if len(rest) != 1 or not callable(rest[0]):  # a receiver, a slot name or a timer type
            return single_shot(msec, *rest)
        owner = getattr(rest[0], "__self__", None)  # a method of a QObject: gone with it, as in Qt
        timer = QTimer(owner if isinstance(owner, QObject) else None)
        timer.setSingleShot(True)
        timer.timeout.connect(rest[0])
        single_shots.append((timer, _started_at()))
        timer_start(timer, msec)

    def start_thread(self, *args):
        qthreads[self] = _started_at()
        thread_start(self, *args)

    monkeypatch.setattr(QTimer, "start", start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(single_shot_tracked))
    monkeypatch.setattr(QThread, "start", start_thread)
    yield
    app = QCoreApplication.instance()
    if app is not None:  # the closed windows are deleted (deleteLater) with their timers
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    left = []
    for timer, where in [*timers.items(), *single_shots]:
        try:
            if timer.isActive():
                timer.stop()
                left.append(f"a QTimer started at {where}")
        except RuntimeError:  # deleted with its owner
            pass
    for thread, where in qthreads.items():
        try:
            if thread.isRunning():
                thread.quit()
                thread.wait(2000)
                left.append(f"a QThread started at {where}")
        except RuntimeError:
            pass
    deadline = time.monotonic() + THREAD_GRACE
    for thread in set(threading.enumerate()) - threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            left.append(f"the thread {thread.name!r} ({type(thread).__name__})")
    assert not left, "the test left running: " + "; ".join(left)
