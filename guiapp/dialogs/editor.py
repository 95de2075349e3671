"""The dialog in which an exact value is typed."""
from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from engine.network.numbers import EXAMPLES, parse_number
from guiapp.dialogs.problem import problem_label

WIDTH_CHARS = 46  # the dialog is this many average characters wide: a message wraps in two lines


class ValueEditor(QDialog):
    """Asks for a new value; refuses (with the reason, the dialog staying open and growing to
    show it whole) anything that is not a number, or a number `check` refuses (it returns the
    reason: the learning rate must be positive, a bce target lie in [0, 1], ...), so the old
    value stays until a valid one is given."""

    def __init__(self, what: str, current: float, parent=None, positive: bool = False,
                 check: Callable[[float], str | None] | None = None):
        super().__init__(parent)
        self.setObjectName("valueEditor")
        self.setWindowTitle(f"Edit {what}")
        self.positive = positive
        self.check = check
        self.value: float | None = None
        examples = [e.lstrip("-") if positive else e for e in EXAMPLES]
        rule = " It must be positive." if positive else ""
        self.prompt = QLabel(f"New value of <b>{html.escape(what)}</b> (now {current!r}).{rule}<br>"
                             f"Examples: {', '.join(examples)}", objectName="valuePrompt")
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.prompt.setWordWrap(True)
        self.field = QLineEdit(repr(current), objectName="valueField")
        self.field.selectAll()
        self.error = problem_label("valueError", hidden=True)  # it quotes what was typed
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * WIDTH_CHARS)

    def accept(self) -> None:
        try:
            value = parse_number(self.field.text())
            problem = self.check(value) if self.check else None
            if problem:
                raise ValueError(problem)
        except ValueError as e:
            self._show_error(str(e))
            return
        self.value = value
        super().accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(text[:1].upper() + text[1:] + ".")
        self.error.show()
        # word-wrapped labels: the height the layout needs at this width, not its first guess
        self.layout().activate()
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)
        self.field.setFocus()
        self.field.selectAll()
