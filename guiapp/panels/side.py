"""The side panel: the current computation as a worked example writes it, the chain-rule
breakdown of whatever is selected, and the list of the iteration's computations.

The list's current row is the session's cursor: moving it (a click, the arrow keys) moves the
cursor, and every move of the cursor moves it. While a job runs the list is disabled; while
practising the model refuses the move and the row goes back. Practising, a breakdown writes a
value not yet answered in symbols alone (`SessionModel.reveals`).

Formulas break only between terms: each symbol or number is held together by word joiners
and the spaces inside a term are non-breaking, so a line may end after " = " or before " + ",
" − ", " × ", never inside ∂E_o2/∂out_h1. The parts take the room their text needs: an empty
selection shrinks to its title, and the list takes what is left. Text follows the window's
text size; in presentation mode the current computation and the selection stand side by side
under the diagram and the list is hidden."""
from __future__ import annotations

import html
import unicodedata

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHBoxLayout, QLabel, QListView, QSpinBox,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from engine.record import describe
from engine.concepts import render
from engine.concepts.tokens import Token
from engine.teaching import chainrule
from engine.network.network import UPDATE_ORDER_NOTE
from engine.record.quantities import Key, parameter_of

from guiapp import colours
from guiapp.model.session import BiasUnitRef, SessionModel, UnitRef, ValueRef

WORD_JOINER = "\u2060"  # no line break here (invisible)
NBSP = "\u00a0"
LAYOUT_BATCH = 5_000  # rows of the list of computations laid out in one turn of the event loop (about 40 ms)
BREAK_BEFORE = {"+", "−", "-", "×"}  # a line may begin with these operators…
BREAK_AFTER = {"="}  # …or end with these
PANEL_TEXT = 10 / 9  # the panel's formulas, relative to the window's text


def unbreakable(text: str) -> str:
    """A formula as rich text that breaks only between terms: after "=", before "+", "−", "×"."""
    words = text.split(" ")
    out = []
    for k, word in enumerate(words):
        if k:
            breakable = word in BREAK_BEFORE or words[k - 1] in BREAK_AFTER
            out.append(" " if breakable else NBSP)
        out.append(WORD_JOINER.join(html.escape(ch) for ch in characters(word)))
    return "".join(out)


def characters(word: str) -> list[str]:
    """The word's characters as they are seen: a letter with the marks that combine with it (v̂ is
    v and U+0302), which nothing may come between."""
    found: list[str] = []
    for ch in word:
        if found and unicodedata.combining(ch):
            found[-1] += ch
        else:
            found.append(ch)
    return found


def lines_html(lines: list[tuple[int, str]]) -> str:
    """Indented lines of formulas, as rich text."""
    return "".join(
        f'<p style="margin:2px 0 2px {18 * depth}px">{unbreakable(text)}</p>' for depth, text in lines
    )


def note_html(text: str, colour) -> str:
    """A sentence (plain text) in a paragraph of its own."""
    return f"<p style='margin:6px 0 2px 0; color:{colour.name()}'>{html.escape(text)}</p>"


def _sentence(text: str) -> str:
    """The engine's note as a sentence: a capital first, a full stop last."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class FormulaBrowser(QTextBrowser):
    """Rich text whose plain text (and what is copied) leaves out the invisible word joiners."""

    def toPlainText(self) -> str:
        return super().toPlainText().replace(WORD_JOINER, "")

    def createMimeDataFromSelection(self):
        data = super().createMimeDataFromSelection()
        data.setText(data.text().replace(WORD_JOINER, "").replace(NBSP, " "))
        return data

    def content_height(self, width: int | None = None) -> float:
        """The height its text needs, laid out at `width` (the viewport's by default)."""
        doc = self.document().clone()
        doc.setTextWidth(width if width is not None else max(self.viewport().width(), 50))
        margins = self.contentsMargins()
        return doc.size().height() + margins.top() + margins.bottom() + 2


class StepsModel(QAbstractListModel):
    """The computations of the current iteration: label = value once computed. A label is
    made when its row is first shown (a large network has 100,000 rows and more)."""

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.colours = colours.scheme()
        self._labels: list[str | None] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._labels = [None] * len(self.model.session.steps)
        self.endResetModel()

    def label(self, row: int) -> str:
        text = self._labels[row]
        if text is None:
            session = self.model.session
            text = self._labels[row] = describe.label(session.net, session.steps[row])
        return text

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        session = self.model.session
        step = session.steps[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.label(index.row())
            if session.layout.batch > 1 and step.sample is not None:
                text += f"  [sample {int(session.record.samples[step.sample]) + 1}]"
            if index.row() <= session.cursor:
                text += f" = {self.model.fmt(describe.value(session.record, step))}"
            return f"{index.row() + 1}. {text}"
        if role == Qt.ItemDataRole.ForegroundRole:
            c = self.colours
            if index.row() > session.cursor:
                return QBrush(c.muted)
            return QBrush(c.phases.get(step.phase, c.text))
        return None

    def refresh(self) -> None:
        if self._labels and len(self._labels) != len(self.model.session.steps):
            self.reload()
        elif self._labels:
            self.dataChanged.emit(self.index(0), self.index(len(self._labels) - 1))


class StepsList(QListView):
    """The list of computations. A change of data repaints the rows in view: their text
    changes, never their height (QListView would lay out every row again, 0.3 s for
    170,000 rows, at every step)."""

    _centre: QPersistentModelIndex | None = None  # a row to centre once the batched layout reaches it

    def dataChanged(self, top_left, bottom_right, roles=()) -> None:
        self.viewport().update()

    def centre(self, index: QModelIndex) -> None:
        """The row of `index` in the middle of the list, now or, where the layout (in batches,
        after a change of network) has not reached it yet, as soon as it has."""
        self._centre = None
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        if not self.visualRect(index).isValid():
            self._centre = QPersistentModelIndex(index)

    @property
    def centring(self) -> bool:
        """Is a row waiting for the layout to reach it, to be centred?"""
        return self._centre is not None

    def updateGeometries(self) -> None:
        super().updateGeometries()
        pending = self._centre
        if pending is not None and pending.isValid() and self.visualRect(QModelIndex(pending)).isValid():
            self._centre = None
            self.scrollTo(QModelIndex(pending), QAbstractItemView.ScrollHint.PositionAtCenter)


class SidePanel(QWidget):
    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.colours = colours.scheme(self.palette())

        self.now = FormulaBrowser(objectName="now")
        self.selected = FormulaBrowser(objectName="selected")
        for browser in (self.now, self.selected):
            browser.setOpenLinks(False)
        self.steps_model = StepsModel(model, self)
        self._scrolling = True  # the list centres the current computation (not while it is being clicked)
        self._shown_selection = None
        self.steps = StepsList(objectName="steps")
        self.steps.setModel(self.steps_model)
        self.steps.setUniformItemSizes(True)
        # rows laid out LAYOUT_BATCH at a time, the rest in the event loop's next turns: the 114,361
        # computations of the largest network take 0.2 s to lay out, after every change of network
        self.steps.setLayoutMode(QListView.LayoutMode.Batched)
        self.steps.setBatchSize(LAYOUT_BATCH)
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
        self.top = QWidget()
        top_layout = QVBoxLayout(self.top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(header)
        top_layout.addWidget(self.now)
        self.middle = QWidget()
        middle_layout = QVBoxLayout(self.middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        self.selected_title = QLabel("<b>Selected</b>: click a weight, a bias or a unit in the diagram")
        self.selected_title.setWordWrap(True)
        middle_layout.addWidget(self.selected_title)
        middle_layout.addWidget(self.selected, 1)
        self.bottom = QWidget()
        bottom_layout = QVBoxLayout(self.bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(QLabel("<b>This iteration's computations</b> (click one to go there)"))
        bottom_layout.addWidget(self.steps)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        for part in (self.top, self.middle, self.bottom):
            self.splitter.addWidget(part)
            self.splitter.setCollapsible(self.splitter.count() - 1, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self.steps_model.reload)
        model.sampleChanged.connect(self.refresh)
        model.digitsChanged.connect(self._digits_changed)
        model.selectionChanged.connect(self._show_selection)
        model.practiceChanged.connect(self.refresh)  # numbers hidden or shown again
        model.busyChanged.connect(lambda busy: self.steps.setEnabled(not busy))
        model.textFactorChanged.connect(self._apply_text_size)
        model.presentationChanged.connect(self._presentation_changed)
        self._apply_text_size()
        self._presentation_changed(model.presentation)

    # -- text size, presentation, palette -----------------------------------------------------
    def _apply_text_size(self, *_) -> None:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(QApplication.font().pointSizeF() * self.model.audience_factor * PANEL_TEXT)
        for browser in (self.now, self.selected):
            browser.setFont(font)
        self.refresh()

    def _presentation_changed(self, on: bool) -> None:
        """Presentation: the current computation beside the selection; no list, no digits."""
        self.splitter.setOrientation(Qt.Orientation.Horizontal if on else Qt.Orientation.Vertical)
        self.bottom.setVisible(not on)
        self.digits.setVisible(not on)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.colours = self.steps_model.colours = colours.scheme(self.palette())
            self.refresh()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.layout().activate()  # the splitter takes its new size now, then its parts theirs
        self._fit_parts()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.layout().activate()
        self._fit_parts()

    def _fit_parts(self) -> None:
        """Room to what has content: the current computation what its text needs (up to most
        of the panel), the selection likewise or its title alone, the list the rest."""
        has_selection = bool(self.selected.document().toPlainText().strip())
        self.selected.setVisible(has_selection)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        if self.model.presentation:
            self.middle.setVisible(has_selection)
            self.splitter.setSizes([total // 2, total - total // 2] + [0] if has_selection else [total, 0, 0])
            return
        self.middle.setVisible(True)
        title = self.selected_title.heightForWidth(max(self.splitter.width(), 100))
        header = self.top.layout().itemAt(0).sizeHint().height() + 6
        least_list = min(max(5 * self.steps.sizeHintForRow(0), total // 5), total // 3)
        now_need = int(header + self.now.content_height())
        sel_need = int(title + 6 + self.selected.content_height(self.now.viewport().width())) if has_selection \
            else title + 2
        room = total - least_list
        if now_need + sel_need > room:  # the current computation first; the selection keeps a quarter
            now_need = min(now_need, room - min(sel_need, room // 4)) if has_selection else min(now_need, room)
            sel_need = room - now_need if has_selection else sel_need
        self.splitter.setSizes([now_need, sel_need, max(total - now_need - sel_need, least_list)])
        self._follow_cursor()  # the list changed height: the current computation back in its middle

    # -- following the model --------------------------------------------------------------
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
                self.steps.centre(index)
        elif current.isValid():
            self.steps.setCurrentIndex(QModelIndex())
            self.steps.clearSelection()
            self.steps.scrollToTop()

    def current_html(self) -> str:
        session, c = self.model.session, self.colours
        step = session.current_step
        head = f"<p style='color:{c.muted.name()}'>Iteration {session.iteration:,}"
        if step is None:
            intro = ""
            if session.iteration == 1 and session.net.description:
                intro = note_html(session.net.description, c.text)
            order = note_html(UPDATE_ORDER_NOTE, c.text) if session.net.sequential else ""
            return head + (" — nothing computed yet.</p>" + intro + self._sample_note() + "<p>Step (→) to start "
                           "its forward pass; values shown are those the iteration starts from.</p>" + order)
        colour = c.phases.get(step.phase, c.text).name()
        head += f", <span style='color:{colour}'>{step.phase} pass</span>"
        if step.sample is not None and session.layout.batch > 1:
            head += f", sample {int(session.record.samples[step.sample]) + 1}"
        head += f" — step {session.cursor + 1} of {len(session.steps)}</p>" + self._sample_note()
        param = parameter_of(session.net.sizes, step)
        if param is not None and step.phase == "backward":  # a gradient: its whole chain rule
            return head + lines_html(self.current_lines()) + self._fused_note(param.layer)
        line = lines_html(self.current_lines())
        fused = session.net.fused
        if fused is not None and step.layer == session.net.depth:
            if step.quantity in ("dE_dout", "dout_dnet"):  # computed, but δ does not multiply it
                name = session.net.unit_name(step.layer, step.unit)
                return head + note_html(f"This value is not used: δ_{name} is computed in one piece. "
                                        f"{_sentence(fused.note)}", c.text) + \
                    f"<div style='color:{c.muted.name()}'>{line}</div>"
            if step.quantity == "delta":
                return head + line + note_html(f"Computed in one piece, not as ∂E/∂out × ∂out/∂net. "
                                               f"{_sentence(fused.note)}", c.text)
        return head + line

    def current_tokens(self) -> list[tuple[int, Token]]:
        """The current computation as (indent, formula) lines, formulas as tokens
        (engine.concepts.tokens): a gradient's whole chain rule, or the formula with its numbers
        and result; none before the first step."""
        session, fmt = self.model.session, self.model.fmt
        step = session.current_step
        if step is None:
            return []
        param = parameter_of(session.net.sizes, step)
        reveals = self.model.reveals
        if param is not None and step.phase == "backward":
            return chainrule.gradient(session.net, session.record, param, step.sample).lines(fmt, shown=reveals)
        return [(0, session.describe(step).line(fmt, reveals(step)))]

    def current_lines(self) -> list[tuple[int, str]]:
        """`current_tokens` as plain text."""
        fmt = self.model.fmt
        return [(indent, render.text(line, fmt)) for indent, line in self.current_tokens()]

    def current_text(self) -> str:
        """What Copy computation puts on the clipboard: the lines, indented with spaces."""
        return "\n".join("  " * indent + text for indent, text in self.current_lines())

    def current_latex(self) -> str:
        """The current computation as LaTeX (engine.concepts.render, as the worked-example documents
        write it): one line per step of the chain rule, in an aligned block."""
        fmt = self.model.fmt
        lines = [(indent, render.latex(line, fmt)) for indent, line in self.current_tokens()]
        if not lines:
            return ""
        body = " \\\\\n".join(r"\quad" * indent + " " + latex for indent, latex in lines)
        return "\\begin{aligned}\n" + body + "\n\\end{aligned}" if len(lines) > 1 else lines[0][1]

    def _fused_note(self, layer: int) -> str:
        """For a gradient of the output layer whose δ comes in one piece: why."""
        session = self.model.session
        fused = session.net.fused
        if fused is None or layer != session.net.depth:
            return ""
        return note_html(f"δ of an output is computed in one piece. {_sentence(fused.note)}", self.colours.text)

    def _sample_note(self) -> str:
        """Says so when the diagram shows a sample chosen by hand rather than the computation's."""
        session = self.model.session
        if not (self.model.sample_chosen and session.layout.batch > 1):
            return ""
        shown = int(session.record.samples[self.model.sample]) + 1
        return (f"<p style='color:{self.colours.note.name()}'>The diagram shows sample {shown}, chosen by hand; "
                "the next computation about a sample shows that sample.</p>")

    def _show_selection(self) -> None:
        session, fmt = self.model.session, self.model.fmt
        sel = self.model.selection
        scrolled = self.selected.verticalScrollBar().value() if sel == self._shown_selection else 0
        self._shown_selection = sel
        reveals = self.model.reveals  # practising: the numbers of the values answered only
        answered = " (numbers once answered)" if self.model.practising else ""
        if isinstance(sel, ValueRef) and sel.kind == "param":
            p = session.parameter(sel.key)
            self.selected_title.setText(f"<b>Selected: {sel.key}</b> — chain rule in iteration "
                                        f"{session.iteration:,}{answered}")
            node = chainrule.gradient(session.net, session.record, p)
            update = Key(p.kind, p.layer, p.unit, p.source)
            text = lines_html(node.text_lines(fmt, shown=reveals)) + \
                lines_html([(0, session.describe(update).text(fmt, reveals(update)))])
            self.selected.setHtml(text + self._fused_note(p.layer))
        elif isinstance(sel, UnitRef):
            layer, unit = sel.layer, sel.unit
            name = session.net.unit_name(layer, unit)
            sample = ""
            if session.layout.batch > 1:
                sample = f", sample {int(session.record.samples[self.model.sample]) + 1}"
            self.selected_title.setText(f"<b>Selected: {name}</b> — iteration {session.iteration:,}{sample}{answered}")
            self.selected.setHtml(lines_html([(0, t) for t in self.unit_lines(layer, unit)]))
        elif isinstance(sel, BiasUnitRef):
            self.selected_title.setText(f"<b>Selected: bias unit b{sel.layer}</b> — iteration {session.iteration:,}")
            self.selected.setHtml(self.bias_unit_html(sel.layer))
        else:
            self.selected_title.setText("<b>Selected</b>: click a weight, a bias or a unit in the diagram")
            self.selected.setHtml("")
        self._fit_parts()
        self.selected.verticalScrollBar().setValue(scrolled)  # where the reader was, for the same selection

    def bias_unit_html(self, layer: int) -> str:
        """A bias unit: its output is always 1; the biases it carries and whether they learn."""
        session, fmt = self.model.session, self.model.fmt
        biases = [p for p in session.net.parameters() if p.kind == "b" and p.layer == layer]
        lines = [(0, f"out_b{layer} = 1")]
        for p in biases:
            target = session.net.unit_name(layer, p.unit)
            lines.append((1, f"{p.name} = {fmt(session.parameter_value(p))} (into {target})"))
        learn = ("They learn like weights: ∂net/∂b = out_b = 1." if session.net.train_biases
                 else "They are frozen: this network does not train its biases.")
        return (note_html(f"The bias unit b{layer} always puts out 1; each of its edges carries the bias of a unit "
                          f"of the next layer. {learn}", self.colours.text) + lines_html(lines))

    def unit_lines(self, layer: int, unit: int) -> list[str]:
        session, fmt = self.model.session, self.model.fmt
        s = min(self.model.sample, session.layout.batch - 1)
        return [session.describe(key).text(fmt, self.model.reveals(key)) for key in session.unit_keys(layer, unit, s)]
