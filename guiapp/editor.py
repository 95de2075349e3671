"""The dialog in which an exact value is typed."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from .numbers import parse_number


class ValueEditor(QDialog):
    """Asks for a new value; refuses (with the reason, the dialog staying open) anything
    that is not a number, so the old value stays until a valid one is given."""

    def __init__(self, what: str, current: float, parent=None, positive: bool = False):
        super().__init__(parent)
        self.setObjectName("valueEditor")
        self.setWindowTitle(f"Edit {what}")
        self.positive = positive
        self.value: float | None = None
        self.prompt = QLabel(f"New value of <b>{what}</b> (now {current!r}).<br>"
                             "Examples: 0.5, -1e-3, .5, 1/2, 0,5")
        self.field = QLineEdit(repr(current), objectName="valueField")
        self.field.selectAll()
        self.error = QLabel(objectName="valueError")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            value = parse_number(self.field.text())
            if self.positive and value <= 0:
                raise ValueError(f"the learning rate must be positive, not {value!r}")
        except ValueError as e:
            self.error.setText(str(e))
            self.error.show()
            self.field.setFocus()
            self.field.selectAll()
            return
        self.value = value
        super().accept()
