"""The timeline bar: which of the iterations trained the window is at, and the way to any other.

Type an iteration and press Enter, or drag the slider: the window goes there (at its start)
and the stepper steps through it as through the latest (not while practising: the box and the
slider are off). The label says how many iterations
there are, whether the window shows a past one, and the iteration values are compared with
(Δ); Back to latest and Compare stand beside it as actions of the window. It follows the
model and writes the user's choice to it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QSpinBox, QWidget

from guiapp.model.session import SessionModel


class TimelineBar(QWidget):
    entered = Signal()  # Enter pressed in the box: the window gives the keys back to stepping

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.setObjectName("timeline")
        self.model = model
        self.box = QSpinBox(objectName="iterationBox")
        self.box.setGroupSeparatorShown(True)
        self.box.setKeyboardTracking(False)  # goes there on Enter (or the arrows), not at each digit typed
        self.box.setToolTip("Type an iteration and press Enter to go there")
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="timelineSlider")
        self.slider.setToolTip("Drag to go to any iteration trained; the loss curve takes clicks too")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setMinimumWidth(40)
        self.where = QLabel(objectName="timelineWhere")
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.where.setMinimumWidth(1)  # its full text when there is room; the tooltip says it too
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(QLabel("Iteration"))
        row.addWidget(self.box)
        row.addWidget(self.slider, 1)
        row.addWidget(self.where)
        self._pending: int | None = None  # the slider's latest position, gone to once the events are served
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._go_pending)
        self.box.valueChanged.connect(self._typed)
        self.box.lineEdit().returnPressed.connect(self.entered)
        self.slider.valueChanged.connect(self._dragged)
        model.changed.connect(self.follow)
        model.networkReplaced.connect(self.follow)
        model.referenceChanged.connect(self.follow)
        model.busyChanged.connect(self.follow)
        model.practiceChanged.connect(self.follow)
        model.refused.connect(self.follow)  # back to where the session stays
        self.follow()

    def follow(self, *_) -> None:
        m = self.model
        s = m.session
        first, latest, at = s.first, s.latest, s.iteration
        for widget in (self.box, self.slider):
            widget.blockSignals(True)
            widget.setRange(first, latest)
            widget.setValue(at)
            widget.setEnabled(not m.busy and not m.practising and latest > first)  # practice: the value asked stays
            widget.blockSignals(False)
        self.slider.setPageStep(max(1, (latest - first) // 20))
        reference = m.reference
        self.where.setText(f"of {latest:,}" + ("" if reference is None else f" · Δ since {reference.iteration:,}"))
        self.where.setToolTip((f"A past iteration: the {latest - at:,} after it are kept (Back to latest returns)"
                               if at < latest else "The latest iteration trained") +
                              ("" if reference is None else
                               f"; the diagram shows each value's change since iteration {reference.iteration:,}"))

    def _typed(self, value: int) -> None:
        self.model.go_to_iteration(value)

    def _dragged(self, value: int) -> None:
        self._pending = value
        self._timer.start()

    def _go_pending(self) -> None:
        if self._pending is not None:
            value, self._pending = self._pending, None
            self.model.go_to_iteration(value)

    def focus_box(self) -> None:
        """Go to iteration…: the box, its number selected, to type another."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()
