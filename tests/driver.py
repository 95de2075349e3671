"""The window driven as a user drives it: the helpers every window test shares (a toolbar
button clicked, training to the end, a value typed into the editor, the message shown).

The window itself comes from conftest's `window` and `make_window` fixtures."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QToolBar, QToolButton


def button(w, name: str) -> QToolButton:
    """The toolbar's button of an action; Stop's stands beside the progress in the status bar."""
    if name == "stop":
        return w.findChild(QToolButton, "jobStop")
    return w.findChild(QToolBar, "steppingBar").widgetForAction(w.actions[name])


def click(qtbot, w, name: str) -> None:
    """A left click on an action's button, which must be enabled."""
    b = button(w, name)
    assert b.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


def train(qtbot, w, n: int, timeout: int = 120_000) -> None:
    """`n` typed into the train count, Train clicked, and waited for to the end."""
    w.train_count.setValue(n)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy, timeout=timeout)


def now(w) -> str:
    """The side panel's text of the current computation."""
    return w.panel.now.toPlainText()


def go_to(w, predicate) -> None:
    """To the first computation of the iteration for which predicate(step) holds."""
    s = w.model.session
    w.model.go_to(next(n for n, step in enumerate(s.steps) if predicate(step)))


def open_editor(w):
    """The value editor the window shows, if any."""
    from guiapp.dialogs.editor import ValueEditor

    shown = [e for e in w.findChildren(ValueEditor) if e.isVisible()]
    return shown[-1] if shown else None


def edit(qtbot, w, text: str) -> None:
    """Type into the open value editor and press Enter."""
    editor = open_editor(w)
    assert editor is not None, "no value editor is open"
    editor.field.selectAll()
    qtbot.keyClick(editor.field, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor.field, text)
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)


def double_click_edge(qtbot, w, name: str) -> None:
    """A double click on the value tag of a weight or bias: its value editor opens."""
    tag = w.diagram.edges[name].tag
    qtbot.mouseDClick(w.diagram.viewport(), Qt.MouseButton.LeftButton, pos=w.diagram.mapFromScene(tag.scenePos()))


def edit_value(qtbot, w, name: str, text: str) -> None:
    """Double-click a weight or bias, type a value and press Enter."""
    double_click_edge(qtbot, w, name)
    edit(qtbot, w, text)


def message(w) -> QMessageBox:
    """The latest message the window shows."""
    shown = [b for b in w.findChildren(QMessageBox, "message") if b.isVisible()]
    assert shown, "no message is shown"
    return shown[-1]


def last_message(w) -> tuple[str, str]:
    """The title and text of the latest message the window shows."""
    box = message(w)
    return box.windowTitle(), box.text()
