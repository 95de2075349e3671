"""Run ▸ Practice: the student types the next value, the engine checks it and names the mistake.

The box sits above the side panel while practice is on. Everything it says comes from
`engine.teaching.practice` (which value is asked, the check, the hint, the mistake, the score); it holds
the field and the buttons. A right answer, Reveal and Skip move the session's cursor, and the
views follow through the model, as after a step; a wrong answer changes nothing. Another filter
practises other values from there, the score kept; mistakes are named by what they are.
Keyboard only: type, Enter checks; the buttons have mnemonics (Alt+H hint, Alt+V reveal, Alt+K skip).
"""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)

from engine.teaching import practice_report
from engine.files.atomic import write_atomic
from engine.teaching.mistakes import CATALOGUE
from engine.teaching.practice import Practice
from engine.record.quantities import PHASES

from guiapp.model import settings
from guiapp.model.session import SessionModel, ValueRef

CHAIN = "chain"  # the filter entry: the chain rule of the selected parameter


def _label(name: str, word_wrap: bool = True) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # formulas and names, as the engine writes them
    label.setWordWrap(word_wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PracticeBox(QFrame):
    def __init__(self, model: SessionModel, export_path: Callable[[str, str], str], parent=None):
        """`export_path(path, title)`: the path, or "" (said) where an export cannot be written
        (the window's Files.export_path: the network file open, a folder, a device)."""
        super().__init__(parent)
        self.setObjectName("practiceBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.model = model
        self.export_path = export_path
        self.practice: Practice | None = None
        self.filter = QComboBox(objectName="practiceFilter")
        self.filter.addItem("every computation", None)
        for phase in PHASES:
            self.filter.addItem(f"the {phase} phase", phase)
        self.filter.addItem("the chain rule of the selected weight or bias", CHAIN)
        self.filter.currentIndexChanged.connect(lambda *_: self.start())
        self.question = _label("practiceQuestion")
        self.field = QLineEdit(objectName="practiceField")
        self.field.setPlaceholderText("type the value, then Enter")
        self.field.returnPressed.connect(self.check)
        self.buttons = {}
        row = QHBoxLayout()
        for name, text, slot in (("check", "&Check", self.check), ("hint", "&Hint", self.hint),
                                 ("reveal", "Re&veal", self.reveal), ("skip", "S&kip", self.skip),
                                 ("next", "&Next iteration", self.next_iteration)):
            button = QPushButton(text, objectName=f"practice:{name}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        self.verdict = _label("practiceVerdict")
        self.hint_text = _label("practiceHint")
        self.rule = _label("practiceRule")
        self.rule.setStyleSheet("color: palette(placeholder-text)")
        self.score = _label("practiceScore")
        self.export = QPushButton("Export &report…", objectName="practice:export")
        self.export.setAutoDefault(False)
        self.export.clicked.connect(self.export_report)
        top = QHBoxLayout()
        title = QLabel("<b>Practice</b>: compute")
        top.addWidget(title)
        top.addWidget(self.filter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.score, 1)
        bottom.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.question)
        layout.addWidget(self.field)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.hint_text)
        layout.addWidget(self.rule)
        layout.addLayout(bottom)
        model.networkReplaced.connect(self._replaced)
        model.changed.connect(self._follow)
        self._moving = False  # practice itself moves the session: nothing to take up

    # -- the practice -----------------------------------------------------------------------------
    def start(self) -> None:
        """Practise the current iteration with the filter chosen (again from where it is): every
        computation, one phase, or the chain rule of the weight or bias selected in the diagram."""
        chosen, params = self.filter.currentData(), ()
        if chosen == CHAIN:
            selection = self.model.selection
            if not (isinstance(selection, ValueRef) and selection.kind == "param"):
                self.filter.setCurrentIndex(0)  # starts again with every computation
                self.verdict.setText("Select a weight or bias in the diagram first, then choose its chain rule.")
                return
            chosen, params = None, (selection.key,)
        if self.practice is not None and self.practice.session is self.model.session:
            self.practice.choose(chosen, params)  # the score so far stays
        else:
            self.practice = Practice(self.model.session, phase=chosen, params=params,
                                     digits=max(3, min(17, self.model.digits)))
        self.verdict.clear()
        self._moved()

    def stop(self) -> None:
        self.practice = None

    def _replaced(self) -> None:
        """Another network (or another session of it, an undo): practice starts afresh on it."""
        if self.practice is not None:
            self.practice = None
            self.start()

    def _moved(self) -> None:
        """After an answer: the views follow the session's cursor, the box the next question."""
        self._moving = True
        try:
            self.model.moved()
        finally:
            self._moving = False
        self.show_question()

    def _follow(self) -> None:
        """The session was computed again or moved by other means (an edit, even one that
        leaves the cursor where it was, an undo, a reset; the model refuses the other moves
        while practising): practice takes up from there, the last verdict and the value typed
        for it gone (they were about another question)."""
        if self.practice is None or self.model.busy or self._moving:
            return
        cursor = self.model.session.cursor
        self.practice.resume()  # may move the cursor on to the next value asked
        self.verdict.clear()
        self.field.clear()
        if self.model.session.cursor != cursor:
            self._moved()  # the views follow it there
        else:
            self.show_question()  # they already show where it is

    def show_question(self) -> None:
        p = self.practice
        if p is None:
            return
        q = p.current
        self.rule.setText(p.rule)
        self.hint_text.clear()
        done = q is None
        for name in ("check", "hint", "reveal", "skip"):
            self.buttons[name].setEnabled(not done)
        self.buttons["next"].setVisible(done)
        self.field.setEnabled(not done)
        if done:
            self.question.setText(f"Iteration {self.model.session.iteration:,} is done: " + self._score_text() +
                                  ". Next iteration goes on.")
        else:
            sample = f" (sample {q.sample})" if q.sample is not None and self.model.session.layout.batch > 1 else ""
            self.question.setText(f"{q.label}{sample} = {q.formula}    [{q.number} of {q.count}, {q.phase} pass]")
            self.field.setFocus()
        self.score.setText(self._score_text())

    def _score_text(self) -> str:
        score = self.practice.score()
        right = sum(score.total(o) for o in ("first_try", "after_tries", "after_hint"))
        named = "; ".join(f"{CATALOGUE[m].title} ({n}×)" for m, n in score.mistakes.most_common())
        return (f"{right} right ({score.total('first_try')} at the first try, {score.total('after_hint')} after a "
                f"hint), {score.total('revealed')} revealed" + (f". Mistakes: {named}" if named else ""))

    # -- the student's actions ---------------------------------------------------------------------
    def check(self) -> None:
        if self.practice is None or self.practice.current is None:
            return
        text = self.field.text()
        try:
            verdict = self.practice.check(text)
        except ValueError as e:
            self.verdict.setText(str(e)[:1].upper() + str(e)[1:] + ".")
            return
        text = verdict.explanation[:1].upper() + verdict.explanation[1:]
        self.verdict.setText(("Not right. " if verdict.verdict == "wrong" else "") + text)
        if verdict.verdict == "right":
            self.field.clear()
            self._moved()
            self.verdict.setText(verdict.explanation)
        else:
            self.field.selectAll()
            self.score.setText(self._score_text())  # the mistake named, counted

    def hint(self) -> None:
        if self.practice is not None and self.practice.current is not None:
            self.hint_text.setText("Hint: " + self.practice.hint())

    def reveal(self) -> None:
        self._give(self.practice.reveal if self.practice else None)

    def skip(self) -> None:
        self._give(self.practice.skip if self.practice else None)

    def _give(self, action) -> None:
        if action is None or self.practice.current is None:
            return
        verdict = action()
        self.field.clear()
        self._moved()
        self.verdict.setText(verdict.explanation)

    def next_iteration(self) -> None:
        if self.practice is not None and self.practice.done:
            self.practice.next_iteration()
            self.verdict.clear()
            self._moved()

    def export_report(self) -> None:
        """The report a teacher collects: Markdown, or CSV by the file's name."""
        if self.practice is None:
            return
        name = os.path.join(settings.last_folder(), f"{self.model.stem}-practice-report.md")
        path, _ = QFileDialog.getSaveFileName(self, "Export practice report", name, "Markdown (*.md);;CSV (*.csv)")
        if not path or not self.export_path(path, "Export practice report"):
            return
        text = (practice_report.csv_text(self.practice) if path.lower().endswith(".csv")
                else practice_report.markdown(self.practice))
        try:
            write_atomic(path, text)
        except OSError as e:
            self.verdict.setText(f"{path} could not be written: {e.strerror or e}. No file was changed.")
            return
        self.verdict.setText(f"Wrote {path}.")
