"""The confusion matrix (View ▸ Confusion matrix), beside the output map: for a loss that
classifies (bce, cross-entropy), the samples of each true class (row) by the class the network
gives them (column), as the current iteration starts, for the test samples or the training
samples; the accuracy under it. Every count is the engine's (`Evaluator.report`).

A click on a cell circles its samples on the output map (the model's `marked`); a click on it
again, or another network, clears them. While practising, the matrix waits until the current
iteration's loss is computed (it would tell its outputs' classes).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from guiapp.model.session import SessionModel

TEST, TRAINING = "test", "training"


class ConfusionPanel(QWidget):
    said = Signal(str)  # what a click marked, for the status bar

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent, objectName="confusion")
        self.model = model
        self.part = QComboBox(objectName="confusionPart")
        self.part.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.part.setMinimumContentsLength(8)
        self.table = QTableWidget(objectName="confusionTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._clicked)
        self.caption = QLabel(objectName="confusionCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Confusion</b>"))
        bar.addWidget(self.part, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        self._cell: tuple | None = None  # the cell marked: (part, row, column)
        self.part.currentIndexChanged.connect(lambda *_: self._unmark())
        self.part.currentIndexChanged.connect(self.refresh)
        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self._network_replaced)
        model.practiceChanged.connect(self.refresh)
        self._network_replaced()

    def _network_replaced(self) -> None:
        self._cell = None
        net = self.model.session.net
        parts = ([(f"{net.n_test:,} test samples", TEST)] if net.n_test else []) + \
            [(f"{net.n_samples:,} training samples", TRAINING)]
        self.part.blockSignals(True)
        self.part.clear()
        for text, data in parts:
            self.part.addItem(text, data)
        self.part.blockSignals(False)
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def _waiting(self) -> bool:
        """Practising, before the current iteration's loss is computed."""
        session = self.model.session
        return self.model.practising and session.value("batch_loss", session.net.depth) is None

    def refresh(self, *_) -> None:
        if not self.isVisible():
            return
        session = self.model.session
        report = self.model.evaluation.report(session) if session.net.loss_fn.classification else None
        if report is None or self._waiting():
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.caption.setText("The loss does not classify (bce or cross-entropy do): no confusion matrix"
                                 if report is None else "Shown once this iteration's loss is computed (practice)")
            return
        part = report.test if self.part.currentData() == TEST else report.training
        names = report.classes
        n = len(names)
        self.table.setRowCount(n)
        self.table.setColumnCount(n)
        self.table.setHorizontalHeaderLabels([f"→ {name}" for name in names])
        self.table.setVerticalHeaderLabels(names)
        bold = QFont(self.font())
        bold.setBold(True)
        for i in range(n):
            for j in range(n):
                item = QTableWidgetItem(f"{int(part.confusion[i, j]):,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if i == j:
                    item.setFont(bold)
                marked = self._cell == (self.part.currentData(), i, j)
                item.setToolTip(f"{int(part.confusion[i, j]):,} samples of class {names[i]} the network puts in "
                                f"class {names[j]}: click to {'clear them' if marked else 'circle them'} on the "
                                "output map")
                if marked:
                    item.setBackground(self.palette().highlight())
                    item.setForeground(self.palette().highlightedText())
                self.table.setItem(i, j, item)
        self.caption.setText(f"Rows: the true class; columns: the class given, as iteration {session.iteration:,} "
                             f"starts. Accuracy {self.model.fmt(part.accuracy)} ({part.correct:,} of "
                             f"{part.samples:,}).")

    def matrix(self) -> np.ndarray:
        """The counts shown."""
        n = self.table.rowCount()
        return np.array([[int(self.table.item(i, j).text().replace(",", "")) for j in range(n)] for i in range(n)],
                        dtype=np.int64).reshape(n, n)

    def _unmark(self) -> None:
        if self._cell is not None:
            self._cell = None
            self.model.set_marked(None)

    def _clicked(self, row: int, column: int) -> None:
        part = self.part.currentData()
        if self._cell == (part, row, column):
            self._unmark()
            self.refresh()
            return
        session = self.model.session
        rows = self.model.evaluation.cell(session, part == TEST, row, column)
        self._cell = (part, row, column)
        empty = np.empty(0, np.int64)
        self.model.set_marked((empty, rows) if part == TEST else (rows, empty))
        names = self.model.evaluation.report(session).classes
        what = ("test sample" if part == TEST else "training sample") + ("" if len(rows) == 1 else "s")
        self.said.emit(f"{len(rows):,} {what} of class {names[row]} given class {names[column]}: circled on the "
                       "output map")
        self.refresh()
