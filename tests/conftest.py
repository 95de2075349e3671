"""Test set-up: Qt runs offscreen and never touches the user's settings or files; two options
run the tests in another order, to show that none depends on what ran before it:

    python -m pytest --reverse         # the collected tests in reverse order
    python -m pytest --window-first    # tests/test_window.py first, then the rest in order
"""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
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
                    help="run tests/test_window.py first (after --reverse, if both are given)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if config.getoption("--reverse"):
        items.reverse()
    if config.getoption("--window-first"):
        window = [item for item in items if item.path.name == "test_window.py"]
        items[:] = window + [item for item in items if item.path.name != "test_window.py"]
