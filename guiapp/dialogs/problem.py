"""The line a dialog says a refusal in: plain text (it quotes what was typed), wrapped, in the
error colour."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from guiapp.colours import ERROR_TEXT


def problem_label(name: str, hidden: bool = False) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_TEXT}")
    label.setHidden(hidden)
    return label
