"""A test that leaves a timer running or a thread alive fails, one that leaves nothing passes
(tests/conftest.py's `no_leftovers`): shown on small tests run by pytest in a child process
with this folder's conftest."""
import re
import shutil
from pathlib import Path

pytest_plugins = ["pytester"]

CASES = '''
import threading

from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QWidget

KEPT = []


def test_a_timer_left_running(qapp):
    timer = QTimer()
    timer.start(60_000)
    KEPT.append(timer)


def test_a_single_shot_that_never_fired(qapp):
    QTimer.singleShot(60_000, lambda: None)


def test_a_thread_left_alive():
    done = threading.Event()
    KEPT.append(done)
    threading.Thread(target=done.wait, args=(60,), name="sleeper", daemon=True).start()


def test_a_qthread_left_running(qapp):
    thread = QThread()
    thread.start()
    KEPT.append(thread)


def test_a_timer_stopped_and_a_thread_joined(qtbot):
    timer = QTimer()
    timer.start(60_000)
    timer.stop()
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    fired = []
    QTimer.singleShot(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: fired == [1])
    KEPT.append(timer)


def test_a_window_whose_timer_goes_with_it(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    QTimer(window).start(60_000)  # deleted with the window pytest-qt closes
'''


def test_leftovers_fail_the_test_that_left_them(pytester):
    shutil.copy(Path(__file__).resolve().parents[1] / "conftest.py", pytester.path / "conftest.py")
    cases = pytester.makepyfile(test_cases=CASES).read_text().splitlines()
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-o", "qt_api=pyside6",
                                           "-v", timeout=120)
    out = result.stdout.str()
    # each passes its call; one that left something is an error at its teardown
    outcomes = dict(re.findall(r"test_cases\.py::(\w+) (PASSED|ERROR|FAILED)", out))
    assert outcomes == {
        "test_a_timer_left_running": "ERROR", "test_a_single_shot_that_never_fired": "ERROR",
        "test_a_thread_left_alive": "ERROR", "test_a_qthread_left_running": "ERROR",
        "test_a_timer_stopped_and_a_thread_joined": "PASSED", "test_a_window_whose_timer_goes_with_it": "PASSED",
    }, out

    def line(text: str) -> int:
        return next(n for n, code in enumerate(cases, 1) if text in code)

    # what was left, and where it was started
    assert f"a QTimer started at {pytester.path.name}/test_cases.py:{line('timer.start(60_000)')}" in out, out
    assert f"a QTimer started at {pytester.path.name}/test_cases.py:{line('QTimer.singleShot(60_000')}" in out, out
    assert "the thread 'sleeper' (Thread)" in out, out
    assert f"a QThread started at {pytester.path.name}/test_cases.py:{line('thread.start()')}" in out, out
