"""The side panel: the current computation as a worked example writes it, the chain-rule
breakdown of whatever is selected, and the list of the iteration's computations."""
from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QSpinBox, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from engine import describe
from engine.formula import significant
from engine.quantities import Key, parameter_of

from .model import SessionModel, ValueRef

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
        self.fmt = significant(9)
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
                text += f" = {self.fmt(describe.value(session.record, step))}"
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
    digitsChanged = Signal(int)

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.selection = None  # ValueRef of a parameter, or ("unit", layer, unit)
        self.sample = 0
        self.fmt = significant(9)

        self.now = QTextBrowser(objectName="now")
        self.selected = QTextBrowser(objectName="selected")
        for browser in (self.now, self.selected):
            browser.setFont(QFont("DejaVu Sans", 10))
            browser.setOpenLinks(False)
        self.steps_model = StepsModel(model, self)
        self.steps = QListView(objectName="steps")
        self.steps.setModel(self.steps_model)
        self.steps.setUniformItemSizes(True)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.clicked.connect(lambda index: self.model.go_to(index.row()))
        self.digits = QSpinBox(objectName="digits")
        self.digits.setRange(3, 17)
        self.digits.setValue(9)
        self.digits.setSuffix(" significant digits")
        self.digits.valueChanged.connect(self.digitsChanged)

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
        model.networkReplaced.connect(self._network_replaced)
        self.refresh()

    # -- settings ---------------------------------------------------------------------------
    def set_digits(self, digits: int) -> None:
        self.fmt = significant(digits)
        self.steps_model.fmt = self.fmt
        if self.digits.value() != digits:
            self.digits.setValue(digits)
        self.refresh()

    def set_sample(self, sample: int) -> None:
        self.sample = sample
        self.refresh()

    def select(self, selection) -> None:
        self.selection = selection
        self._show_selection()

    def _network_replaced(self) -> None:
        self.selection = None
        self.sample = 0
        self.steps_model.reload()

    # -- showing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.model.session
        self.now.setHtml(self.current_html())
        self.steps_model.refresh()
        if session.cursor >= 0:
            index = self.steps_model.index(session.cursor)
            self.steps.setCurrentIndex(index)
            self.steps.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        else:
            self.steps.clearSelection()
            self.steps.scrollToTop()
        self._show_selection()

    def current_html(self) -> str:
        session, fmt = self.model.session, self.fmt
        step = session.current_step
        head = f"<p style='color:#555'>Iteration {session.iteration}"
        if step is None:
            return head + (" — nothing computed yet.</p><p>Step (→) to start its forward pass; "
                           "values shown are those the iteration starts from.</p>")
        colour = PHASE_COLOURS.get(step.phase, "#000")
        head += f", <span style='color:{colour}'>{step.phase} pass</span>"
        if step.sample is not None and session.layout.batch > 1:
            head += f", sample {int(session.record.samples[step.sample]) + 1}"
        head += f" — step {session.cursor + 1} of {len(session.steps)}</p>"
        param = parameter_of(session.net.sizes, step)
        if param is not None and step.phase == "backward":  # a gradient: its whole chain rule
            node = session.breakdown(param, step.sample)
            return head + lines_html(node.lines(fmt))
        return head + lines_html([(0, session.describe(step).text(fmt))])

    def _show_selection(self) -> None:
        session, fmt = self.model.session, self.fmt
        sel = self.selection
        if isinstance(sel, ValueRef) and sel.kind == "param":
            p = session.parameter(sel.key)
            self.selected_title.setText(f"<b>Selected: {sel.key}</b> — chain rule in iteration {session.iteration}")
            node = session.breakdown(p)
            update = Key(p.kind, p.layer, p.unit, p.source)
            text = lines_html(node.lines(fmt)) + lines_html([(0, session.describe(update).text(fmt))])
            self.selected.setHtml(text)
        elif isinstance(sel, tuple) and sel[0] == "unit":
            _, layer, unit = sel
            name = session.net.unit_name(layer, unit)
            self.selected_title.setText(f"<b>Selected: {name}</b> — iteration {session.iteration}")
            self.selected.setHtml(lines_html([(0, t) for t in self.unit_lines(layer, unit)]))
        else:
            self.selected_title.setText("<b>Selected</b>: click a weight, a bias or a unit in the diagram")
            self.selected.setHtml("")

    def unit_lines(self, layer: int, unit: int) -> list[str]:
        session, fmt = self.model.session, self.fmt
        s = min(self.sample, session.layout.batch - 1)
        return [session.describe(key).text(fmt) for key in session.unit_keys(layer, unit, s)]
