"""The side panel: the current computation as a worked example writes it, the chain-rule
breakdown of whatever is selected, and the list of the iteration's computations.

The list's current row is the session's cursor: moving it (a click, the arrow keys) moves the
cursor, and every move of the cursor moves it. While a job runs the list is disabled."""
from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QSpinBox, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from engine import describe
from engine.quantities import Key, parameter_of

from .model import SessionModel, UnitRef, ValueRef

PHASE_COLOURS = {"forward": "#1f6fb4", "loss": "#b5651d", "backward": "#7b2cbf", "update": "#2a9d8f"}


def lines_html(lines: list[tuple[int, str]]) -> str:
    """Indented lines of a breakdown, as rich text."""
    return "".join(
        f'<p style="margin:2px 0 2px {18 * depth}px">{html.escape(text)}</p>' for depth, text in lines
    )


class StepsModel(QAbstractListModel):
    """The computations of the current iteration: label = value once computed."""

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._labels: list[str] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        session = self.model.session
        self._labels = [describe.label(session.net, step) for step in session.steps]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        session = self.model.session
        step = session.steps[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._labels[index.row()]
            if session.layout.batch > 1 and step.sample is not None:
                text += f"  [sample {int(session.record.samples[step.sample]) + 1}]"
            if index.row() <= session.cursor:
                text += f" = {self.model.fmt(describe.value(session.record, step))}"
            return f"{index.row() + 1}. {text}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.row() > session.cursor:
                return QBrush(QColor("#9a9a9a"))
            return QBrush(QColor(PHASE_COLOURS.get(step.phase, "#000000")))
        return None

    def refresh(self) -> None:
        if self._labels and len(self._labels) != len(self.model.session.steps):
            self.reload()
        elif self._labels:
            self.dataChanged.emit(self.index(0), self.index(len(self._labels) - 1))


class SidePanel(QWidget):
    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model

        self.now = QTextBrowser(objectName="now")
        self.selected = QTextBrowser(objectName="selected")
        for browser in (self.now, self.selected):
            browser.setFont(QFont("DejaVu Sans", 10))
            browser.setOpenLinks(False)
        self.steps_model = StepsModel(model, self)
        self._scrolling = True  # the list centres the current computation (not while it is being clicked)
        self.steps = QListView(objectName="steps")
        self.steps.setModel(self.steps_model)
        self.steps.setUniformItemSizes(True)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.digits = QSpinBox(objectName="digits")
        self.digits.setRange(3, 17)
        self.digits.setValue(model.digits)
        self.digits.setSuffix(" significant digits")
        self.digits.valueChanged.connect(model.set_digits)

        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Current computation</b>"))
        header.addStretch(1)
        header.addWidget(self.digits)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(header)
        top_layout.addWidget(self.now)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        self.selected_title = QLabel("<b>Selected</b>: click a weight, a bias or a unit in the diagram")
        self.selected_title.setWordWrap(True)
        middle_layout.addWidget(self.selected_title)
        middle_layout.addWidget(self.selected)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(QLabel("<b>This iteration's computations</b> (click one to go there)"))
        bottom_layout.addWidget(self.steps)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for part, stretch in ((top, 3), (middle, 3), (bottom, 4)):
            splitter.addWidget(part)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self.steps_model.reload)
        model.sampleChanged.connect(self.refresh)
        model.digitsChanged.connect(self._digits_changed)
        model.selectionChanged.connect(self._show_selection)
        model.busyChanged.connect(lambda busy: self.steps.setEnabled(not busy))
        self.refresh()

    def _digits_changed(self, digits: int) -> None:
        self.digits.setValue(digits)  # no echo: the model has this value already
        self.refresh()

    def _row_chosen(self, index: QModelIndex) -> None:
        """The user moved the list's current row: go there (the list follows the cursor back if
        the model refuses). The list does not scroll under the mouse meanwhile."""
        if index.isValid() and index.row() != self.model.session.cursor:
            self._scrolling = False
            try:
                self.model.go_to(index.row())
                self._follow_cursor()
            finally:
                self._scrolling = True

    # -- showing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.now.setHtml(self.current_html())
        self.steps_model.refresh()
        self._follow_cursor()
        self._show_selection()

    def _follow_cursor(self) -> None:
        cursor = self.model.session.cursor
        current = self.steps.currentIndex()
        if cursor >= 0:
            index = self.steps_model.index(cursor)
            if current != index:
                self.steps.setCurrentIndex(index)
            if self._scrolling:
                self.steps.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        elif current.isValid():
            self.steps.setCurrentIndex(QModelIndex())
            self.steps.clearSelection()
            self.steps.scrollToTop()

    def current_html(self) -> str:
        session, fmt = self.model.session, self.model.fmt
        step = session.current_step
        head = f"<p style='color:#555'>Iteration {session.iteration}"
        if step is None:
            return head + (" — nothing computed yet.</p>" + self._sample_note() + "<p>Step (→) to start its "
                           "forward pass; values shown are those the iteration starts from.</p>")
        colour = PHASE_COLOURS.get(step.phase, "#000")
        head += f", <span style='color:{colour}'>{step.phase} pass</span>"
        if step.sample is not None and session.layout.batch > 1:
            head += f", sample {int(session.record.samples[step.sample]) + 1}"
        head += f" — step {session.cursor + 1} of {len(session.steps)}</p>" + self._sample_note()
        param = parameter_of(session.net.sizes, step)
        if param is not None and step.phase == "backward":  # a gradient: its whole chain rule
            node = session.breakdown(param, step.sample)
            return head + lines_html(node.lines(fmt))
        return head + lines_html([(0, session.describe(step).text(fmt))])

    def _sample_note(self) -> str:
        """Says so when the diagram shows a sample chosen by hand rather than the computation's."""
        session = self.model.session
        if not (self.model.sample_chosen and session.layout.batch > 1):
            return ""
        shown = int(session.record.samples[self.model.sample]) + 1
        return (f"<p style='color:#8a6d00'>The diagram shows sample {shown}, chosen by hand; the next "
                "computation about a sample shows that sample.</p>")

    def _show_selection(self) -> None:
        session, fmt = self.model.session, self.model.fmt
        sel = self.model.selection
        if isinstance(sel, ValueRef) and sel.kind == "param":
            p = session.parameter(sel.key)
            self.selected_title.setText(f"<b>Selected: {sel.key}</b> — chain rule in iteration {session.iteration}")
            node = session.breakdown(p)
            update = Key(p.kind, p.layer, p.unit, p.source)
            text = lines_html(node.lines(fmt)) + lines_html([(0, session.describe(update).text(fmt))])
            self.selected.setHtml(text)
        elif isinstance(sel, UnitRef):
            layer, unit = sel.layer, sel.unit
            name = session.net.unit_name(layer, unit)
            sample = ""
            if session.layout.batch > 1:
                sample = f", sample {int(session.record.samples[self.model.sample]) + 1}"
            self.selected_title.setText(f"<b>Selected: {name}</b> — iteration {session.iteration}{sample}")
            self.selected.setHtml(lines_html([(0, t) for t in self.unit_lines(layer, unit)]))
        else:
            self.selected_title.setText("<b>Selected</b>: click a weight, a bias or a unit in the diagram")
            self.selected.setHtml("")

    def unit_lines(self, layer: int, unit: int) -> list[str]:
        session, fmt = self.model.session, self.model.fmt
        s = min(self.model.sample, session.layout.batch - 1)
        return [session.describe(key).text(fmt) for key in session.unit_keys(layer, unit, s)]
