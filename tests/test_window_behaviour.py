"""The window behaves as a desktop application (issue 7, items 2, 3, 7, 9 and 11): progress
that shows, nothing lost without asking, controls that keep still and stay symmetric, an
editor whose messages are readable, help and about that say the right things."""
import time

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolBar

from engine import netfile, open_network, presets


@pytest.fixture
def make_window(qtbot, settings_dir):
    from guiapp.window import MainWindow

    made = []

    def make(name="mazur", net=None):
        w = MainWindow(net if net is not None else open_network(name), name)
        qtbot.addWidget(w)
        w.resize(1400, 860)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.model.cancel_job()
        w.undo_stack.setClean()  # closing a changed window would ask to save


@pytest.fixture
def window(make_window):
    return make_window()


def button(w, name: str):
    return w.findChild(QToolBar, "steppingBar").widgetForAction(w.actions[name])


def click(qtbot, w, name: str) -> None:
    b = button(w, name)
    assert b.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


def edit_value(qtbot, w, name: str, text: str) -> None:
    """Double-click a weight or bias, type a value and press Enter."""
    tag = w.diagram.edges[name].tag
    qtbot.mouseDClick(w.diagram.viewport(), Qt.MouseButton.LeftButton, pos=w.diagram.mapFromScene(tag.scenePos()))
    editor = open_editor(w)
    assert editor is not None
    editor.field.selectAll()
    qtbot.keyClick(editor.field, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor.field, text)
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)


def open_editor(w):
    from guiapp.editor import ValueEditor

    shown = [e for e in w.findChildren(ValueEditor) if e.isVisible()]
    return shown[-1] if shown else None


def start_value(w, name: str) -> float:
    s = w.model.session
    return s.start_value(s.parameter(name))


# -- 7. each committed edit is its own undo step ----------------------------------------------

def test_each_edit_is_its_own_undo_step(qtbot, window):
    w = window
    edit_value(qtbot, w, "w1", "1/2")
    edit_value(qtbot, w, "w1", "0,3")
    assert start_value(w, "w1") == 0.3
    assert w.undo_stack.count() == 2
    click(qtbot, w, "undo")
    assert start_value(w, "w1") == 0.5
    click(qtbot, w, "undo")
    assert start_value(w, "w1") == 0.15
    click(qtbot, w, "redo")
    assert start_value(w, "w1") == 0.5


# -- 7. Step and Step back are mirrors ---------------------------------------------------------

def test_step_and_step_back_are_symmetric(qtbot, window):
    w = window
    s = w.model.session
    last = len(s.steps) - 1
    click(qtbot, w, "finish_iteration")
    assert (s.iteration, s.cursor) == (1, last)
    click(qtbot, w, "step")
    assert (s.iteration, s.cursor) == (2, 0)
    assert "nothing computed yet" not in w.status_step.text()
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (1, last)
    click(qtbot, w, "step")
    click(qtbot, w, "step")
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (2, 0)
    # after training the iteration starts with nothing computed; its first step's mirror is
    # still the last step of the iteration before
    w.train_count.setValue(5)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy)
    assert (s.iteration, s.cursor) == (7, -1)
    click(qtbot, w, "step")
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (6, last)


def test_step_back_from_the_first_step_of_the_first_iteration_shows_nothing_computed(qtbot, window):
    w = window
    s = w.model.session
    click(qtbot, w, "step")
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (1, -1)
    assert not w.actions["step_back"].isEnabled()
    assert "nothing computed yet" in w.status_step.text()
