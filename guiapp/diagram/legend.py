"""The diagram's corners: the colour legend (bottom left: the colours, what shows on demand, the
unit maps' scale) and the zoom hint (top right, when the labels are too small to read). They are
widgets over the view's viewport, not scene items: they stay put when the diagram zooms or moves.
A part of DiagramView (a mixin)."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel

from guiapp import colours
from guiapp.diagram.layout import NAMES, VALUES


class Corners:
    """DiagramView's legend and zoom hint."""

    def _make_corners(self) -> None:
        # children of the view, over its viewport: the viewport's own children would scroll with the scene
        self.hint = QLabel("Labels hidden: too small to read. Scroll the wheel over the diagram to zoom in.",
                           self, objectName="zoomHint")
        self.hint.hide()
        self.legend = QLabel(self, objectName="legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)

    def _colour_corners(self, c) -> None:
        """The legend's and the hint's colours, from the palette's scheme `c`."""
        box = f"background: {c.tag_opaque.name()}; color: {c.text.name()}; padding: 3px 5px;"
        self.legend.setStyleSheet(f"QLabel#legend {{ {box} border: 1px solid {c.muted.name()}; border-radius: 3px }}")
        self.hint.setStyleSheet(f"QLabel#zoomHint {{ background: {c.note_fill.name()}; color: {c.text.name()}; "
                                f"padding: 3px 5px; border: 1px solid {c.highlight.name()} }}")
        self._update_legend()

    def _update_legend(self) -> None:
        c = self.style.colours

        def word(role: str, text: str | None = None) -> str:
            colour = colours.readable(getattr(c, role), c.tag_opaque)
            return f"<b style='color:{colour.name()}'>{html.escape(text or c.names[role])}</b>"

        self.legend.setText(
            f"{word('positive', 'blue ——')} positive, {word('negative', 'vermillion - - -')} negative weight · "
            f"{word('highlight')}: used now · {word('selected')}: selected · {word('gradient')}: gradient, δ"
            + (f"<br>{maps}" if (maps := self.unit_maps.legend_text()) else ""))
        demand = {VALUES: "An edge's gradient shows when the computation uses it, when it is selected and "
                          "under the mouse. ",
                  NAMES: "An edge's value and gradient show when the computation uses it, when it is selected "
                         "and under the mouse. "}
        folded = ("A “… n more” unit stands for the units of a large layer left out (click it to show them); a "
                  "dotted line, for the edges to or from it. " if self.folds else "")
        untagged = "Between crowded layers, an edge's values show only on demand. " if self._untagged else ""
        self.legend.setToolTip(f"The width of an edge is the size of its weight. {demand.get(self.level, '')}"
                               f"{untagged}{folded}"
                               "Double-click a weight, a bias, an input, an output or η to type a value.")
        self._place_corners()

    def _place_corners(self) -> None:
        """The legend in the bottom left corner of the viewport, the hint in the top right, in the
        window's text (a little smaller). The legend wraps to the width the view has without
        scrollbars: its height, which the layout leaves room for, does not follow them."""
        vp = self.viewport().geometry()
        most = self.maximumViewportSize().width() - 12
        font = QFont(QApplication.font())
        font.setPointSizeF(self._window_point_size() * 0.9)
        for label in (self.legend, self.hint):
            label.setFont(font)
        self.legend.setWordWrap(False)
        self.legend.setMinimumWidth(0)
        self.legend.setMaximumWidth(16777215)
        natural = self.legend.sizeHint().width()
        self.legend.setWordWrap(natural > most)
        self.legend.setFixedWidth(max(120, min(most, natural)))
        self.legend.adjustSize()
        self.legend.move(vp.left() + 6, vp.bottom() - self.legend.height() - 5)
        self.hint.setMaximumWidth(max(120, vp.width() - 12))
        self.hint.setWordWrap(True)
        self.hint.adjustSize()
        self.hint.move(vp.right() - self.hint.width() - 5, vp.top() + 6)
