"""Run ▸ Practice: the student types the next value, the engine checks it and names the mistake.

The box sits above the side panel while practice is on. The practice is the model's
(`SessionModel.practice`: which value is asked, the check, the hint, the mistake, the score, all
from `engine.teaching.practice`); the box holds the field and the buttons, hands what the student
does to the model's practice methods, and shows what the model holds. A right answer, Reveal and
Skip move the session's cursor (the model moves it, and every view follows, as after a step); a
wrong answer changes nothing. Another filter practises other values from there, the score kept;
mistakes are named by what they are. Export report is the window's (File's flow, `reportAsked`).
Keyboard only: type, Enter checks; the buttons have mnemonics (Alt+H hint, Alt+V reveal, Alt+K skip).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from engine.teaching.mistakes import CATALOGUE
from engine.teaching.practice import Practice
from engine.record.quantities import PHASES

from guiapp.model.session import CHAIN, SessionModel


def _label(name: str, word_wrap: bool = True) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # formulas and names, as the engine writes them
    label.setWordWrap(word_wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PracticeBox(QFrame):
    reportAsked = Signal()  # Export report… clicked

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.setObjectName("practiceBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.model = model
        self.filter = QComboBox(objectName="practiceFilter")
        self.filter.addItem("every computation", None)
        for phase in PHASES:
            self.filter.addItem(f"the {phase} phase", phase)
        self.filter.addItem("the chain rule of the selected weight or bias", CHAIN)
        self.filter.currentIndexChanged.connect(lambda *_: model.choose_practice(self.filter.currentData()))
        self.question = _label("practiceQuestion")
        self.field = QLineEdit(objectName="practiceField")
        self.field.setPlaceholderText("type the value, then Enter")
        self.field.returnPressed.connect(self.check)
        self.buttons = {}
        row = QHBoxLayout()
        for name, text, slot in (("check", "&Check", self.check), ("hint", "&Hint", model.practice_hint_asked),
                                 ("reveal", "Re&veal", model.practice_reveal), ("skip", "S&kip", model.practice_skip),
                                 ("next", "&Next iteration", model.practice_next_iteration)):
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
        self.export.clicked.connect(self.reportAsked)
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
        model.practiceChanged.connect(self._practice_changed)
        model.changed.connect(self.follow)
        model.practiceSaid.connect(self._said)
        self._practice_changed(model.practising)

    @property
    def practice(self) -> Practice | None:
        """The model's practice, which the box shows."""
        return self.model.practice

    # -- following the model ------------------------------------------------------------------------
    def _practice_changed(self, on: bool) -> None:
        """Shown while practising, the field ready for the first value asked."""
        self.setVisible(on)
        if on:
            self.field.clear()
            self.follow()

    def follow(self) -> None:
        """The value asked (the model moved on, or chose again), what practice said, the score."""
        p = self.practice
        if p is None:
            return
        choice = self.model.practice_choice
        if self.filter.currentData() != choice:
            self.filter.blockSignals(True)
            self.filter.setCurrentIndex(self.filter.findData(choice))
            self.filter.blockSignals(False)
        q = p.current
        self.rule.setText(p.rule)
        done = q is None
        for name in ("check", "hint", "reveal", "skip"):
            self.buttons[name].setEnabled(not done)
        self.buttons["next"].setVisible(done)
        self.field.setEnabled(not done)
        self.field.clear()  # the value typed was for the value asked before
        if done:
            self.question.setText(f"Iteration {self.model.session.iteration:,} is done: " + self._score_text() +
                                  ". Next iteration goes on.")
        else:
            sample = f" (sample {q.sample})" if q.sample is not None and self.model.session.layout.batch > 1 else ""
            self.question.setText(f"{q.label}{sample} = {q.formula}    [{q.number} of {q.count}, {q.phase} pass]")
            self.field.setFocus()
        self._said()

    def _said(self) -> None:
        self.verdict.setText(self.model.practice_said)
        self.hint_text.setText(self.model.practice_hint)
        self.score.setText(self._score_text())

    def _score_text(self) -> str:
        score = self.practice.score()
        right = sum(score.total(o) for o in ("first_try", "after_tries", "after_hint"))
        named = "; ".join(f"{CATALOGUE[m].title} ({n}×)" for m, n in score.mistakes.most_common())
        return (f"{right} right ({score.total('first_try')} at the first try, {score.total('after_hint')} after a "
                f"hint), {score.total('revealed')} revealed" + (f". Mistakes: {named}" if named else ""))

    # -- the student's actions ---------------------------------------------------------------------
    def check(self) -> None:
        """Enter or Check: the value typed, to the model; not right, it stays selected to type again."""
        if self.model.practice_check(self.field.text()) == "wrong":
            self.field.selectAll()
