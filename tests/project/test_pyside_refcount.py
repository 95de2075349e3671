"""PySide6 6.12.0 drops a reference to None in void methods of value types (QPainterPath.lineTo,
QPainterPathStroker.setWidth, ...): every call takes one off None's reference count, until
Python 3.11 aborts with "Fatal Python error: none_dealloc: deallocating None" (the window calls
such methods all the time). pyproject.toml excludes that release. This test calls the methods
more times than None has references, in a child interpreter, which must end normally and not
with SIGABRT; a stand-in method with the bug, made with ctypes, shows that the child would
abort if the installed PySide6 had it. From Python 3.12 None is immortal (PEP 683): its count
never reaches 0, so the bug cannot abort anything there, and the test is skipped."""
import os
import signal
import subprocess
import sys

import pytest

PROBE = r"""
import ctypes, sys
from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication, QPainterPath, QPainterPathStroker

app = QGuiApplication([])
path, stroker, point = QPainterPath(), QPainterPathStroker(), QPointF(1, 1)
if sys.argv[1] == "stand-in":  # a void method that drops a reference to None, as 6.12.0 does
    def line_to(p):
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))
else:
    line_to = path.lineTo
before = sys.getrefcount(None)
for i in range(2 * before + 10_000):  # more calls than None has references to lose
    line_to(point)
    stroker.setWidth(10)
    if i % 1000 == 0:
        path.clear()
print(before, sys.getrefcount(None))
"""


def run_probe(mode: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", PROBE, mode], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(sys.version_info >= (3, 12),
                    reason="None is immortal from Python 3.12 (PEP 683): a lost reference cannot abort")
def test_void_methods_do_not_abort_python_by_releasing_none():
    stand_in = run_probe("stand-in")
    assert stand_in.returncode == -signal.SIGABRT, stand_in.stdout + stand_in.stderr
    assert "deallocating None" in stand_in.stderr

    real = run_probe("pyside")
    assert real.returncode == 0, real.stderr
    before, after = map(int, real.stdout.split())
    assert after >= before - 10, f"None lost {before - after} references"
