"""Run ▸ Keep this run: the dialog that asks the run's name."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from engine.network.runs import MAX_NAME_CHARACTERS
from engine.text.plain import one_line

from guiapp.dialogs.editor import WIDTH_CHARS
from guiapp.dialogs.problem import problem_label


class KeepRunDialog(QDialog):
    """Asks a name for the run (`proposed` filled in); refuses, with the reason and staying
    open, a name `check` refuses (blank, too long, the name of a kept run). All its text is
    plain: the settings and a name are text from a file."""

    def __init__(self, proposed: str, settings: str, iterations: int, check: Callable[[str], str | None],
                 parent=None):
        super().__init__(parent)
        self.setObjectName("keepRun")
        self.setWindowTitle("Keep this run")
        self.check = check
        self.name = ""
        prompt = QLabel(f"Keep the loss history of this run ({iterations:,} iteration{'s' if iterations != 1 else ''}) "
                        f"under a name, to compare the runs that follow with it on the loss curve. Its settings: "
                        f"{one_line(settings)}.", objectName="keepRunPrompt")
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        prompt.setWordWrap(True)
        self.field = QLineEdit(proposed, objectName="keepRunName")
        self.field.setMaxLength(MAX_NAME_CHARACTERS)
        self.field.selectAll()
        self.error = problem_label("keepRunError", hidden=True)  # it quotes the name typed
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(QLabel("Name:"))
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * WIDTH_CHARS)

    def accept(self) -> None:
        problem = self.check(self.field.text())
        if problem is not None:
            self.error.setText(problem[:1].upper() + problem[1:] + ".")
            self.error.show()
            self.layout().activate()
            needed = self.layout().totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)
            self.field.setFocus()
            return
        self.name = self.field.text()
        super().accept()
