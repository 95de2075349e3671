"""A one-line read-out beside a plot's title that never widens the window: where its text does
not fit, it is drawn shortened with "…" (on the side that matters least) and shown whole in
its tooltip. `text()` is always the whole text."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyleOption

Elide = Qt.TextElideMode


class Readout(QLabel):
    def __init__(self, elide: Elide = Elide.ElideLeft, **kwargs):
        super().__init__(**kwargs)
        self.setTextFormat(Qt.TextFormat.PlainText)  # names from files are shown as they are
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.elide = elide  # the side a text too long is shortened on
        self._mode = elide

    def set_text(self, text: str, elide: Elide | None = None) -> None:
        """Show `text`, shortened on the `elide` side (this read-out's own by default) if need be."""
        self._mode = self.elide if elide is None else elide
        self.setText(text)

    def fits(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) <= self.contentsRect().width()

    def shown(self) -> str:
        """The text as it is drawn."""
        if self.fits():
            return self.text()
        return self.fontMetrics().elidedText(self.text(), self._mode, self.contentsRect().width())

    def setText(self, text: str) -> None:
        super().setText(text)
        self._tip()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._tip()

    def _tip(self) -> None:
        self.setToolTip("" if self.fits() else self.text())

    def paintEvent(self, event) -> None:
        if self.fits():  # drawn (and selectable) as any label
            super().paintEvent(event)
            return
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), option.palette,
                                  self.isEnabled(), self.shown(), self.foregroundRole())
        painter.end()
