"""The status bar: where the session is (iteration, phase, computation, loss) and, while a job
runs, its progress with Stop beside it.

It follows the model as the other views do. Fields are separate labels with a line between
them; the loss is shown once the forward pass has computed it (the cursor passed the loss
phase), as the diagram shows the other values. A message (showMessage) takes the place of
the fields on the left until it goes: which of them show is decided in one place
(`_show_fields`), never while a message is shown (Qt draws the message over them).
"""
from __future__ import annotations

import bisect
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QStatusBar, QToolButton,
                               QWidget)

from engine import Session

from guiapp.model.jobs import Export, progress_text
from guiapp.model.session import SessionModel

PHASES = {"forward": "forward pass", "loss": "loss", "backward": "backward pass", "update": "update"}
TEXT_SECONDS = 0.25  # the progress text changes at most this often (readable, cheap)


def separator() -> QFrame:
    line = QFrame(objectName="statusSeparator")
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def plain_label(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setContentsMargins(4, 0, 4, 0)
    return label


def loss_computed(session: Session) -> bool:
    """Has the cursor passed the computation of the batch loss (the last of the loss phase)?
    The forward pass and the loss come first, in that order: the end of the loss phase is
    found by bisection (a large network has 100,000 computations and more)."""
    after = bisect.bisect_left(session.steps, True, key=lambda key: key.phase not in ("forward", "loss"))
    return session.cursor >= after - 1


class StatusBar(QStatusBar):
    def __init__(self, model: SessionModel, stop_action, parent=None):
        super().__init__(parent)
        self.model = model
        self.iteration = plain_label("statusIteration")
        self.phase = plain_label("statusPhase")
        self.step = plain_label("statusStep")
        self.loss = plain_label("statusLoss")
        self.phase_line = separator()
        self.addWidget(self.iteration)
        self.addWidget(self.phase_line)
        self.addWidget(self.phase)
        self.step_line = separator()
        self.addWidget(self.step_line)
        # a long formula is cut at the window's edge (its tooltip has it all), never widens the window
        self.step.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.addWidget(self.step, 1)

        # the job: what it has done, a bar and Stop (permanent: a message does not hide it)
        self.job = QWidget(objectName="jobProgress")
        self.job_text = plain_label("jobText")
        self.job_bar = QProgressBar(objectName="progress")
        self.job_bar.setFixedWidth(100)
        self.job_bar.setTextVisible(False)
        self.job_stop = QToolButton(objectName="jobStop")
        self.job_stop.setDefaultAction(stop_action)
        row = QHBoxLayout(self.job)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.job_text)
        row.addWidget(self.job_bar)
        row.addWidget(self.job_stop)
        self.job.hide()
        self._text_shown_at = 0.0
        self.addPermanentWidget(self.job)
        self.addPermanentWidget(separator())
        self.addPermanentWidget(self.loss)

        model.changed.connect(self.follow)
        model.digitsChanged.connect(self.follow)
        model.networkReplaced.connect(self.follow)
        model.busyChanged.connect(self._busy_changed)
        model.jobProgress.connect(self._job_progress)
        self.messageChanged.connect(lambda text: text or self.follow())  # the fields back after a message
        self.follow()

    def follow(self) -> None:
        session, fmt = self.model.session, self.model.fmt
        step = session.current_step
        self.iteration.setText(f"Iteration {session.iteration:,}")
        self.phase.setText(PHASES.get(step.phase, step.phase) if step else "")
        self._show_fields()
        self.step.setText(session.describe(step).text(fmt) if step else "nothing computed yet")
        self.step.setToolTip(self.step.text())
        known = loss_computed(session)
        self.loss.setText(f"Loss {fmt(session.loss)}" if known else "Loss not computed yet")
        self.loss.setToolTip("The batch loss of this iteration's forward pass" if known else
                             "The loss is shown once the forward pass has computed it")

    def _show_fields(self) -> None:
        """The fields on the left: none while a message is shown (it takes their place); the
        phase once a computation is shown; the computation unless a job runs (its progress
        takes the room)."""
        free = not self.currentMessage()
        stepped = self.model.session.current_step is not None
        self.phase.setVisible(free and stepped)
        self.phase_line.setVisible(free and stepped)
        self.step.setVisible(free and not self.model.busy)
        self.step_line.setVisible(free and not self.model.busy)

    # -- a job ------------------------------------------------------------------------------
    def _busy_changed(self, busy: bool) -> None:
        job = self.model.job
        if busy:
            self.job_bar.setRange(0, 0)  # busy indicator until the first report
            self.job_text.setText(f"{job.what.text}…")
            self.job_text.setMinimumWidth(0)
            self.job.setToolTip(job.what.path if isinstance(job.what, Export) else "")
            self._text_shown_at = 0.0
        self.job.setVisible(busy)
        self._show_fields()

    def _job_progress(self, done: int, total: int) -> None:
        job = self.model.job
        self.job_bar.setRange(0, max(total, 1))
        self.job_bar.setValue(done)
        now, what = time.monotonic(), job.what
        if not self._text_shown_at:  # as wide as its text will be at its longest: the bar and Stop keep still
            longest = f"{what.text}: {total:,} of {total:,} {what.unit} · 999,999/s · 59 min 59 s left"
            self.job_text.setMinimumWidth(self.job_text.fontMetrics().horizontalAdvance(longest) + 8)
        if now - self._text_shown_at >= TEXT_SECONDS or done >= total:
            self._text_shown_at = now
            self.job_text.setText(f"{what.text}: {progress_text(done, total, what.unit, now - job.started)}")
