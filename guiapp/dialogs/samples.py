"""The samples table (Network ▸ Samples): the network's samples as text cells, edited,
pasted, added, removed and reordered; applied to the network as one undo step per change
once every cell is valid.

The table holds what was typed; a cell that is not a number, or a sample the network file
would refuse (engine.network.network.samples_problems: the same rules), is marked with the reason and
the network is not changed until the table is valid again. When the network's samples change
elsewhere (an undo, an edit in the diagram) the table shows them again.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout)

from engine.network.numbers import parse_number

from guiapp.model.session import SessionModel
from guiapp.dialogs.problem import problem_label

INVALID = QColor(176, 0, 32, 60)  # behind a cell with a problem (its tooltip says which)
# A paste is at most this many cells (rows × columns: 5,000 samples of 4 columns) and characters,
# counted before the text is split: each change checks every cell of the table (a few µs each), so
# that a paste within them is applied in well under a second; a larger block is refused (import a
# CSV file instead: Network ▸ Import samples from CSV, up to 100,000 rows).
MAX_PASTE_CELLS = 20_000
MAX_PASTE_CHARACTERS = 1024 * 1024  # 52 characters a cell: a float64 written exactly takes at most 24

# push(inputs, targets, what): apply valid samples to the network as one undo step
Push = Callable[[np.ndarray, np.ndarray, str], None]


def shown(value: float) -> str:
    """A number as the table shows it: exactly (the shortest text that reads back the same)."""
    return repr(float(value))


def paste_problem(text: str) -> str:
    """Why a pasted text is too large to paste ("" if it is not), from its length and counts
    of tabs and line breaks: before it is split or any cell read."""
    if len(text) > MAX_PASTE_CHARACTERS:
        return (f"the text pasted is {len(text):,} characters; a paste may have at most {MAX_PASTE_CHARACTERS:,} "
                "(import a CSV file instead); nothing was pasted")
    body = text.rstrip("\r\n")
    cells = body.count("\t") + body.count("\n") + body.count("\r") - body.count("\r\n") + 1
    if cells > MAX_PASTE_CELLS:
        return (f"the block pasted holds {cells:,} cells; a paste may hold at most {MAX_PASTE_CELLS:,} "
                "(import a CSV file instead); nothing was pasted")
    return ""


class SamplesTable(QAbstractTableModel):
    problemChanged = Signal(str)  # the first problem of the table ("" when valid)

    def __init__(self, model: SessionModel, push: Push, parent=None):
        super().__init__(parent)
        self.model, self.push = model, push
        self.cells: list[list[str]] = []
        self.problems: dict[tuple[int, int | None], str] = {}  # (row, column or None): reason
        self.problem = ""  # the first problem, for the line under the table
        self._net = None  # the samples the table shows are those of this setup
        self.reload()

    # -- the network's samples -----------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return self.model.session.net.raw_width  # with input features, the raw inputs x1 … xn

    def reload(self) -> None:
        """Show the network's samples (what is typed and not applied is dropped)."""
        net = self.model.session.net
        cells = [[shown(v) for v in np.concatenate([x, t])] for x, t in zip(net.inputs, net.targets)]
        same_shape = self._net is not None and self._net.sizes == net.sizes and self._net.features == net.features \
            and len(cells) == len(self.cells)  # the same columns (with features, x1 … xn)
        self._net = net
        self.problems, self.problem = {}, ""
        if same_shape:  # the view keeps its current cell and selection
            self.cells = cells
            if cells:
                self.dataChanged.emit(self.index(0, 0), self.index(len(cells) - 1, self.columnCount() - 1))
                self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(cells) - 1)
        else:
            self.beginResetModel()
            self.cells = cells
            self.endResetModel()
        self.problemChanged.emit("")

    def follow(self) -> None:
        """After a change of the session: show its samples if they are not those shown."""
        net, old = self.model.session.net, self._net
        if net is old:
            return
        if old is not None and old.sizes == net.sizes and old.features == net.features \
                and np.array_equal(old.inputs, net.inputs) \
                and np.array_equal(old.targets, net.targets):
            self._net = net  # another setting changed (η): what is typed stays
            return
        self.reload()

    def column_names(self) -> list[str]:
        net = self.model.session.net
        return (net.raw_names() +
                [f"target {net.unit_name(net.depth, j)}" for j in range(net.sizes[-1])])

    # -- Qt's model ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.column_names())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.column_names()[section]
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{section + 1}" + (" !" if (section, None) in self.problems else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.problems.get((section, None))
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.cells[r][c]
        problem = self.problems.get((r, c)) or self.problems.get((r, None))
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return INVALID
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        if text == self.cells[index.row()][index.column()]:
            return False
        self.cells[index.row()][index.column()] = text
        self.dataChanged.emit(index, index)
        net = self.model.session.net
        name = self.column_names()[index.column()]
        self._changed(f"set {name} of sample {index.row() + 1} to {text}" if net.n_samples > 1 else f"set {name} to {text}")
        return True

    # -- changes ------------------------------------------------------------------------------
    def _replace(self, cells: list[list[str]], what: str) -> None:
        self.beginResetModel()
        self.cells = cells
        self.endResetModel()
        self._changed(what)

    def add_row(self, after: int | None = None) -> None:
        """A new sample after `after` (at the end by default): zeros, with the targets of the
        first sample (valid for the loss)."""
        row = [shown(0.0)] * self.n_inputs + (self.cells[0][self.n_inputs:] if self.cells else [])
        at = len(self.cells) if after is None else after + 1
        self._replace(self.cells[:at] + [row] + self.cells[at:], f"add sample {at + 1}")

    def duplicate_rows(self, rows: list[int]) -> None:
        rows = sorted(set(rows))
        if not rows:
            return
        at = rows[-1] + 1
        copies = [list(self.cells[r]) for r in rows]
        self._replace(self.cells[:at] + copies + self.cells[at:], f"duplicate {self._samples(rows)}")

    def remove_rows(self, rows: list[int]) -> None:
        rows = sorted(set(rows))
        if not rows:
            return
        self._replace([c for r, c in enumerate(self.cells) if r not in rows], f"remove {self._samples(rows)}")

    def move_rows(self, rows: list[int], by: int) -> list[int]:
        """Move the rows up (by −1) or down (by +1) one place; returns where they are now."""
        rows = sorted(set(rows))
        if not rows or rows[0] + by < 0 or rows[-1] + by >= len(self.cells):
            return rows
        order = list(range(len(self.cells)))
        for r in (rows if by < 0 else reversed(rows)):
            order[r], order[r + by] = order[r + by], order[r]
        self._replace([self.cells[k] for k in order], f"move {self._samples(rows)} {'up' if by < 0 else 'down'}")
        return [r + by for r in rows]

    def paste(self, text: str, row: int, column: int) -> None:
        """A block of tab-separated text (a spreadsheet's copy) put at (row, column); rows
        beyond the last are added. Cells beyond the last column, or a block beyond MAX_PASTE_CELLS
        or MAX_PASTE_CHARACTERS (counted before the text is split), are an error: nothing changes."""
        refused = paste_problem(text)
        if refused:
            self.problem = refused
            self.problemChanged.emit(self.problem)
            return
        lines = [line.split("\t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while lines and lines[-1] == [""]:
            lines.pop()
        if not lines:
            return
        width = max(len(line) for line in lines)
        if column + width > self.columnCount():
            self.problem = (f"the block pasted is {width} columns wide: from column {column + 1} "
                            f"only {self.columnCount() - column} fit; nothing was pasted")
            self.problemChanged.emit(self.problem)
            return
        cells = [list(c) for c in self.cells]
        template = [shown(0.0)] * self.n_inputs + (cells[0][self.n_inputs:] if cells else [])
        for k, line in enumerate(lines):
            while row + k >= len(cells):
                cells.append(list(template))
            for j, text_ in enumerate(line):
                cells[row + k][column + j] = text_.strip()
        self._replace(cells, f"paste {len(lines)} × {width} cells")

    def copy(self, indexes) -> str:
        """The selected cells as tab-separated text (their bounding block)."""
        if not indexes:
            return ""
        rows = [i.row() for i in indexes]
        columns = [i.column() for i in indexes]
        return "\n".join("\t".join(self.cells[r][c] for c in range(min(columns), max(columns) + 1))
                         for r in range(min(rows), max(rows) + 1)) + "\n"

    @staticmethod
    def _samples(rows: list[int]) -> str:
        return f"sample {rows[0] + 1}" if len(rows) == 1 else f"samples {', '.join(str(r + 1) for r in rows)}"

    def _changed(self, what: str) -> None:
        """Check the table; if valid, apply it to the network (one undo step)."""
        problems: dict[tuple[int, int | None], str] = {}
        values = np.zeros((len(self.cells), self.columnCount()))
        for r, row in enumerate(self.cells):
            for c, text in enumerate(row):
                try:
                    values[r, c] = parse_number(text)
                except ValueError as e:
                    problems[(r, c)] = str(e)
        inputs, targets = values[:, : self.n_inputs], values[:, self.n_inputs:]
        table = []
        if not problems:
            for r, c, reason in self.model.samples_problems(inputs, targets):
                if r is None:
                    table.append(reason)
                else:
                    problems.setdefault((r, c), reason)
        self.problems = problems
        first = next(iter(sorted(problems.items(), key=lambda kv: (kv[0][0], -1 if kv[0][1] is None else kv[0][1]))),
                     None)
        if table:
            self.problem = table[0]
        elif first is not None:
            (r, c), reason = first
            where = f"sample {r + 1}" + ("" if c is None else f", {self.column_names()[c]}")
            self.problem = f"{where}: {reason}"
        else:
            self.problem = ""
        if self.cells:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.cells) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.cells) - 1)
        self.problemChanged.emit(self.problem)
        if self.problem:
            return
        net = self.model.session.net
        if inputs.shape == net.inputs.shape and np.array_equal(inputs, net.inputs) and \
                np.array_equal(targets, net.targets):
            return
        self.push(inputs, targets, what)


class SamplesEditor(QDialog):
    """The samples table in a window of its own, beside the main window (not modal)."""

    def __init__(self, model: SessionModel, push: Push, parent=None):
        super().__init__(parent)
        self.setObjectName("samplesEditor")
        self.setWindowTitle("Samples")
        self.model = model
        self.table = SamplesTable(model, push, self)
        self.view = QTableView(objectName="samplesView")
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.installEventFilter(self)
        self.problem = problem_label("samplesProblem")
        self.note = QLabel("Type exact values (0.5, 1/2, 0,5). Each change is one undo step (Ctrl+Z in the main "
                           "window); a change is applied when every cell is valid. Ctrl+C and Ctrl+V copy and paste "
                           "tab-separated blocks (a spreadsheet's).", objectName="samplesNote")
        self.note.setWordWrap(True)
        self.buttons = {}
        row = QHBoxLayout()
        for name, text, slot in (("add", "&Add", self.add), ("duplicate", "&Duplicate", self.duplicate),
                                 ("remove", "&Remove", self.remove), ("up", "Move &up", lambda: self.move(-1)),
                                 ("down", "Move do&wn", lambda: self.move(1))):
            button = QPushButton(text, objectName=f"samples:{name}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addLayout(row)
        self.table.problemChanged.connect(self._show_problem)
        self._show_problem("")
        model.changed.connect(self.table.follow)
        model.networkReplaced.connect(self.table.reload)
        model.busyChanged.connect(self._busy)
        self._busy(model.busy)
        self.resize(520, 420)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text[:1].upper() + text[1:] + "." if text else "")
        self.problem.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        """While training, the samples stay as they are."""
        for widget in [self.view, *self.buttons.values()]:
            widget.setEnabled(not busy)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedIndexes()} |
                      ({self.view.currentIndex().row()} if self.view.currentIndex().isValid() else set()))

    def add(self) -> None:
        rows = self.selected_rows()
        self.table.add_row(rows[-1] if rows else None)

    def duplicate(self) -> None:
        self.table.duplicate_rows(self.selected_rows())

    def remove(self) -> None:
        rows = self.selected_rows()
        if len(rows) >= self.table.rowCount():
            self._show_problem("at least one sample is needed: the last one cannot be removed")
            return
        self.table.remove_rows(rows)

    def move(self, by: int) -> None:
        rows = self.table.move_rows(self.selected_rows(), by)
        if rows:
            self.view.clearSelection()
            column = max(0, self.view.currentIndex().column())
            self.view.setCurrentIndex(self.table.index(rows[0], column))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.table.copy(self.view.selectionModel().selectedIndexes()))

    def paste(self) -> None:
        at = self.view.currentIndex()
        self.table.paste(QGuiApplication.clipboard().text(), max(0, at.row()), max(0, at.column()))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view and event.type() == event.Type.KeyPress and not self.view.state() == \
                QAbstractItemView.State.EditingState:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return True
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste()
                return True
        return super().eventFilter(watched, event)
