"""Run ▸ Gradient check: backprop's gradient of every parameter against central differences,
for the current iteration, in a sortable table (worst first); a row selects its parameter in
the diagram. The check runs as a job (progress in the status bar, Stop works); every number
comes from engine.session.gradcheck."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from engine.session.gradcheck import TOLERANCE, GradCheck, Running

from guiapp.model.jobs import Check
from guiapp.model.session import SessionModel, ValueRef

COLUMNS = ("parameter", "backprop ∂E/∂p", "central difference", "relative error")


class NumberItem(QTableWidgetItem):
    """A cell that sorts by its number, shown with the window's digits."""

    def __init__(self, value: float, text: str):
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other) -> bool:
        return self.value < getattr(other, "value", 0.0)


class GradCheckDialog(QDialog):
    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.setObjectName("gradCheck")
        self.setWindowTitle("Gradient check")
        self.model = model
        self.result: GradCheck | None = None
        self.summary = QLabel(objectName="gradCheckSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="gradCheckTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        note = QLabel(f"(E(p + h) − E(p − h)) / 2h with h = 1e-6 for every weight and bias p, on the batch of the "
                      f"iteration, against backprop's gradient; it passes when every relative error is at most "
                      f"{TOLERANCE:g}. Click a column to sort, a row to select the parameter.", objectName="gradCheckNote")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        model.jobFinished.connect(self._finished)
        self.resize(620, 500)  # the worked example's 12 rows without scrolling

    def run(self) -> None:
        """Check the current iteration (a job: the window shows its progress)."""
        s = self.model.session
        self.iteration = s.iteration
        running = Running(s.current_network(), s.iteration)
        self.summary.setText(f"Checking the {len(s.net.parameters()):,} parameters of iteration {s.iteration:,}…")
        self.table.setRowCount(0)
        self.model.run_job(Check(running), running.steps())

    def _finished(self, what) -> None:
        if not isinstance(what, Check) or what.running.result is None:
            return
        self.show_result(what.running.result)

    def show_result(self, result: GradCheck) -> None:
        self.result = result
        fmt = self.model.fmt
        worst = result.worst
        verdict = "passed" if result.passed else "FAILED"
        self.summary.setText(f"Iteration {self.iteration:,}: largest relative error {worst.relative_error:.3e} "
                             f"({worst.name}): {verdict}.")
        self.table.setSortingEnabled(False)
        checks = sorted(result.checks, key=lambda c: -c.relative_error)
        self.table.setRowCount(len(checks))
        for row, c in enumerate(checks):
            name = QTableWidgetItem(c.name)
            name.setData(Qt.ItemDataRole.UserRole, c.name)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, NumberItem(c.backprop, fmt(c.backprop)))
            self.table.setItem(row, 2, NumberItem(c.numeric, fmt(c.numeric)))
            self.table.setItem(row, 3, NumberItem(c.relative_error, f"{c.relative_error:.3e}"))
        self.table.setSortingEnabled(True)
        self.table.sortItems(3, Qt.SortOrder.DescendingOrder)  # worst first

    def _row_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            name = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            self.model.set_selection(ValueRef("param", name))
