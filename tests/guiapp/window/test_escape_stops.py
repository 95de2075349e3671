"""Esc stops training also after a menu was opened and closed with Esc (issue 17, section 5,
item 7): the menu bar kept the keys and took the next Esc for itself."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_escape_stops_training_after_a_menu_was_closed_with_escape(qtbot, make_window):
    w = make_window("mazur")
    with qtbot.waitActive(w):
        w.activateWindow()
    w.diagram.setFocus()
    w.train_count.setValue(10_000_000)
    w.actions["train"].trigger()
    assert w.model.busy
    qtbot.keyClick(w, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Alt+R: the Run menu
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)  # closes the menu
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    assert w.model.busy
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # the menu bar has the keys now
    assert not w.model.busy and w.model.session.latest < 10_000_001
