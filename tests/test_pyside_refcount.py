"""PySide6 6.12.0 decrements None's reference count in void methods of value types, until
Python 3.11 aborts with "deallocating None" (the window calls such methods all the time).
pyproject.toml excludes that release; this test fails on an installation that has the bug."""
import sys

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPainterPathStroker


def test_void_methods_keep_none_alive(qapp):
    path = QPainterPath(QPointF(0, 0))
    stroker = QPainterPathStroker()
    before = sys.getrefcount(None)
    for _ in range(1000):
        path.lineTo(QPointF(1, 1))
        stroker.setWidth(10)
    assert sys.getrefcount(None) >= before - 10
