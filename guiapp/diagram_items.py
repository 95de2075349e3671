"""The graphics items of the network diagram: units, edges and their text tags."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem, QStyle,
                               QStyleOptionGraphicsItem)

from .model import ValueRef

POSITIVE = QColor("#1f6fb4")  # blue: positive weight
NEGATIVE = QColor("#d1495b")  # red: negative weight
HIGHLIGHT = QColor("#f2a900")  # amber: taking part in the current computation
CURRENT = QColor("#ffe8a3")  # fill of the unit being computed
SELECTED = QColor("#2a9d8f")  # teal: the selected element
UNIT_FILL = QColor("#ffffff")
BIAS_FILL = QColor("#eeeeee")
TEXT = QColor("#1b1b1b")
MUTED = QColor("#8a8a8a")
GRADIENT = QColor("#7b2cbf")  # purple: gradients and deltas

FONT = QFont("DejaVu Sans", 9)
NAME_FONT = QFont("DejaVu Sans", 11, QFont.Weight.Bold)
UNIT_RADIUS = 24.0


class Tag(QGraphicsItem):
    """Lines of text on a rounded, slightly transparent box placed by its `anchor`: centred
    on its position, or beginning ("left") or ending ("right") there, or hanging below it ("top")."""

    def __init__(self, parent=None, anchor: str = "center"):
        super().__init__(parent)
        self._lines: list[tuple[str, QColor]] = []
        self._rect = QRectF()
        self.anchor = anchor
        self.highlighted = False
        self.setZValue(3)

    def set_lines(self, lines: list[tuple[str, QColor] | str]) -> None:
        lines = [(l, TEXT) if isinstance(l, str) else l for l in lines]
        if lines == self._lines:
            return
        self.prepareGeometryChange()
        self._lines = lines
        fm = QFontMetricsF(FONT)
        width = max((fm.horizontalAdvance(t) for t, _ in lines), default=0.0) + 8
        height = fm.height() * len(lines) + 4 if lines else 0.0
        x = {"left": 0.0, "right": -width}.get(self.anchor, -width / 2)
        y = 0.0 if self.anchor == "top" else -height / 2
        self._rect = QRectF(x, y, width, height)
        self.update()

    def text(self) -> str:
        return "\n".join(t for t, _ in self._lines)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._lines:
            return
        painter.setPen(QPen(HIGHLIGHT, 1.5) if self.highlighted else Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setFont(FONT)
        fm = QFontMetricsF(FONT)
        y = self._rect.top() + 2 + fm.ascent()
        for text, colour in self._lines:
            painter.setPen(colour)
            painter.drawText(QPointF(self._rect.left() + 4, y), text)
            y += fm.height()


class UnitItem(QGraphicsEllipseItem):
    """A unit (or a bias unit): a circle with its name, and a tag of values beside it."""

    def __init__(self, layer: int, unit: int | None, name: str, bias: bool = False):
        r = UNIT_RADIUS * (0.75 if bias else 1.0)
        super().__init__(-r, -r, 2 * r, 2 * r)
        self.layer, self.unit, self.name, self.bias = layer, unit, name, bias
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, not bias)
        self.setZValue(2)
        self.setBrush(BIAS_FILL if bias else UNIT_FILL)
        self.values = Tag(anchor="top")
        self.values.setParentItem(self)
        self.values.setPos(0, r + 3)
        self.values.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, False)
        self.set_state(False, False)

    @property
    def ref(self) -> ValueRef | None:
        """What double-clicking edits: an input, or the target of an output unit."""
        return getattr(self, "_ref", None)

    def set_ref(self, ref: ValueRef | None) -> None:
        self._ref = ref

    def set_state(self, involved: bool, current: bool) -> None:
        if self.isSelected():
            pen = QPen(SELECTED, 3.0)
        else:
            pen = QPen(HIGHLIGHT if involved else TEXT, 3.0 if involved else 1.4)
        self.setPen(pen)
        self.setBrush(CURRENT if current else (BIAS_FILL if self.bias else UNIT_FILL))
        self.values.highlighted = involved
        self.values.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        plain = QStyleOptionGraphicsItem(option)  # no dashed selection box: the pen shows it
        plain.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, plain, widget)
        painter.setFont(NAME_FONT)
        painter.setPen(TEXT)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.name)


class EdgeItem(QGraphicsLineItem):
    """A weight (or a bias) drawn from its source unit to its target unit, with its tag."""

    def __init__(self, ref: ValueRef, start: QPointF, end: QPointF, label_t: float):
        super().__init__(start.x(), start.y(), end.x(), end.y())
        self.ref = ref
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(1)
        self.tag = Tag()
        self.tag.edge = self
        self.tag.setPos(start + (end - start) * label_t)
        self.magnitude = 0.0
        self.sign = 1.0
        self.involved = False

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(path)

    def set_style(self, value: float, largest: float, involved: bool) -> None:
        self.involved = involved
        colour = QColor(POSITIVE if value >= 0 else NEGATIVE)
        width = 1.0 + 6.0 * (abs(value) / largest if largest > 0 else 0.0)
        if self.isSelected():
            colour, width = QColor(SELECTED), max(width, 3.0)
        elif involved:
            colour = QColor(HIGHLIGHT)
            width = max(width, 3.0)
        elif not involved:
            colour.setAlpha(200)
        self.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        self.tag.highlighted = involved or self.isSelected()
        self.tag.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(self.pen())
        painter.drawLine(self.line())
