"""The graphics items of the network diagram: units, edges and their text tags.

Every item draws with the view's `Style`: its fonts (the window's text size) and colours (the
desktop's palette, see `colours`). The view changes the style and asks the items to update."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPainterPathStroker,
                           QPen)
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem, QStyle,
                               QStyleOptionGraphicsItem)

from guiapp.colours import Scheme
from guiapp.diagram.layout import BIAS_SCALE, PAD_X, PAD_Y
from guiapp.model.session import ValueRef

FAMILY = "DejaVu Sans"  # has every symbol the tags use (∂, δ, η, ⁺)
RADIUS_LINES = 1.45  # a unit's radius, in lines of text
PRESENTATION_RADIUS_LINES = 1.15  # in presentation mode, where the text is large: more room for the labels
NAME_MARGIN = 0.2  # lines of text between a unit's name and its circle, at least
MAP_SHARE = 0.84  # a unit map's diameter, of the circle's: the unit's fill shows as a ring around it
MAP_NAME_PX = 8.5  # a unit's name is drawn over its map only if its line is at least this high on screen
MAP_NAME_SIZE = 0.8  # the name over a map, of the tags' text size


@dataclass
class Style:
    font: QFont
    name_font: QFont
    colours: Scheme
    metrics: QFontMetricsF  # of `font`
    radius_lines: float = RADIUS_LINES

    @classmethod
    def of(cls, point_size: float, colours: Scheme, radius_lines: float = RADIUS_LINES) -> "Style":
        font = QFont(FAMILY)
        font.setPointSizeF(point_size)
        name_font = QFont(FAMILY)
        name_font.setPointSizeF(point_size * 1.2)
        name_font.setBold(True)
        return cls(font, name_font, colours, QFontMetricsF(font), radius_lines)

    def radius_lines_for(self, names) -> float:
        """Presentation mode's radius, in lines: PRESENTATION_RADIUS_LINES, or more (up to
        RADIUS_LINES) where the widest of these unit names needs it to stay inside its circle."""
        widest = max((QFontMetricsF(self.name_font).horizontalAdvance(name) for name in names), default=0.0)
        needed = (widest / 2 + NAME_MARGIN * self.metrics.height()) / self.metrics.height()
        return min(max(PRESENTATION_RADIUS_LINES, needed), RADIUS_LINES)

    def set_point_size(self, point_size: float) -> None:
        """The fonts at another size (the items drawn in this style must then be restyled)."""
        self.font.setPointSizeF(point_size)
        self.name_font.setPointSizeF(point_size * 1.2)
        self.metrics = QFontMetricsF(self.font)

    @property
    def radius(self) -> float:
        return self.radius_lines * self.metrics.height()

    def role(self, role: str) -> QColor:
        return getattr(self.colours, role)


class Tag(QGraphicsItem):
    """Lines of text on a rounded, slightly transparent box placed by its `anchor`: centred
    on its position, or beginning ("left") or ending ("right") there, or hanging below it ("top").

    `text()` is everything the tag holds; it draws `shown` of it (the view's level of detail
    may leave the gradient, or the values, to be shown on demand)."""

    def __init__(self, style: Style, parent=None, anchor: str = "center"):
        super().__init__(parent)
        self.style = style
        self._lines: list[tuple[str, str]] = []  # (text, colour role)
        self._shown: list[tuple[str, str]] = []
        self._rect = QRectF()
        self.anchor = anchor
        self.highlighted: str | None = None  # the colour role of its frame, if framed
        self.setZValue(3)

    @staticmethod
    def _roles(lines) -> list[tuple[str, str]]:
        return [(l, "text") if isinstance(l, str) else l for l in lines]

    def set_lines(self, lines: list, shown: list | None = None) -> None:
        """The lines held, each a text or (text, colour role), and those drawn (all if None)."""
        lines = self._roles(lines)
        shown = lines if shown is None else self._roles(shown)
        if lines == self._lines and shown == self._shown:
            return
        self._lines = lines
        self._shown = shown
        self.restyle()

    def restyle(self) -> None:
        """Size the box for the style's font."""
        self.prepareGeometryChange()
        fm = self.style.metrics
        lines = self._shown
        width = max((fm.horizontalAdvance(t) for t, _ in lines), default=0.0) + 2 * PAD_X
        height = fm.height() * len(lines) + 2 * PAD_Y if lines else 0.0
        x = {"left": 0.0, "right": -width}.get(self.anchor, -width / 2)
        y = 0.0 if self.anchor == "top" else -height / 2
        self._rect = QRectF(x, y, width, height)
        self.update()

    def text(self) -> str:
        return "\n".join(t for t, _ in self._lines)

    def shown_text(self) -> str:
        return "\n".join(t for t, _ in self._shown)

    def colour_of(self, line: int) -> QColor:
        return self.style.role(self._shown[line][1])

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._shown:
            return
        c = self.style.colours
        painter.setPen(QPen(self.style.role(self.highlighted), 2.0) if self.highlighted else Qt.PenStyle.NoPen)
        painter.setBrush(c.tag)
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setFont(self.style.font)
        fm = self.style.metrics
        y = self._rect.top() + PAD_Y + fm.ascent()
        for text, role in self._shown:
            painter.setPen(self.style.role(role))
            painter.drawText(QPointF(self._rect.left() + PAD_X, y), text)
            y += fm.height()


class UnitItem(QGraphicsEllipseItem):
    """A unit (or a bias unit): a circle with its name, and a tag of values beside it; with a
    unit map (`set_map`), the map fills the circle within a ring of the unit's fill, and the
    name stands on a small box over it."""

    def __init__(self, style: Style, layer: int, unit: int | None, name: str, bias: bool = False):
        super().__init__()
        self.style = style
        self.layer, self.unit, self.name, self.bias = layer, unit, name, bias
        self.feeds = layer + 1 if bias else None  # a bias unit: the layer whose biases it carries
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(2)
        self.values = Tag(style, anchor="top")
        self.values.setParentItem(self)
        self.values.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, False)
        self._involved = self._current = False
        self._map: QImage | None = None
        self.restyle()

    @property
    def map_image(self) -> QImage | None:
        """The unit map drawn inside the circle, if any."""
        return self._map

    def set_map(self, image: QImage | None) -> None:
        if image is not self._map:
            self._map = image
            self.update()

    def restyle(self) -> None:
        r = self.style.radius * (BIAS_SCALE if self.bias else 1.0)
        self.setRect(-r, -r, 2 * r, 2 * r)
        if self.values.anchor == "top":
            self.values.setPos(0, r + 3)
        self.values.restyle()
        self.set_state(self._involved, self._current)

    @property
    def ref(self) -> ValueRef | None:
        """What double-clicking edits: an input, or the target of an output unit."""
        return getattr(self, "_ref", None)

    def set_ref(self, ref: ValueRef | None) -> None:
        self._ref = ref

    def set_state(self, involved: bool, current: bool) -> None:
        self._involved, self._current = involved, current
        c = self.style.colours
        if self.isSelected():
            pen = QPen(c.selected, 3.5)
        else:
            pen = QPen(c.highlight if involved else c.text, 3.0 if involved else 1.4)
        self.setPen(pen)
        self.setBrush(c.current_fill if current else (c.bias_fill if self.bias else c.unit_fill))
        self.values.highlighted = "highlight" if involved else None
        self.values.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        plain = QStyleOptionGraphicsItem(option)  # no dashed selection box: the pen shows it
        plain.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, plain, widget)
        painter.setFont(self.style.name_font)
        if self._map is None:
            painter.setPen(self.style.colours.text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.name)
            return
        rect = self.rect()
        side = rect.width() * MAP_SHARE
        inner = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)
        clip = QPainterPath()
        clip.addEllipse(inner)
        painter.save()
        painter.setClipPath(clip)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(inner, self._map)
        painter.restore()
        font = QFont(self.style.font)  # the name smaller, low in the circle: the map's middle shows
        font.setPointSizeF(font.pointSizeF() * MAP_NAME_SIZE)
        fm = QFontMetricsF(font)
        if fm.height() * painter.worldTransform().m11() < MAP_NAME_PX:  # too small to read: the map alone
            return
        painter.setFont(font)
        pad = 0.2 * fm.height()
        width = fm.horizontalAdvance(self.name) + 2 * pad
        bottom = rect.center().y() + side / 2
        box = QRectF(rect.center().x() - width / 2, bottom - 0.8 * fm.height(), width, fm.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.style.colours.tag)
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(self.style.colours.text)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.name)


class EdgeItem(QGraphicsLineItem):
    """A weight (or a bias) drawn from its source unit to its target unit, with its tag. The
    sign shows twice: the colour, and a dashed line for a negative value."""

    def __init__(self, style: Style, ref: ValueRef):
        super().__init__()
        self.style = style
        self.ref = ref
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(1)
        self.tag = Tag(style)
        self.tag.edge = self
        self.value = 0.0
        self.largest = 1.0
        self.involved = False

    def place(self, start: QPointF, end: QPointF, tag_at: QPointF | None) -> None:
        """Between its units, its tag centred at `tag_at` on it (None: no room for the tag)."""
        self.setLine(start.x(), start.y(), end.x(), end.y())
        self.tag.setPos(tag_at if tag_at is not None else (start + end) / 2)
        path = QPainterPath(start)
        path.lineTo(end)
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        self._shape = stroker.createStroke(path)  # what a click or the mouse finds: made once per place

    def shape(self) -> QPainterPath:
        return getattr(self, "_shape", None) or super().shape()

    def set_style(self, value: float, largest: float, involved: bool) -> None:
        self.value, self.largest, self.involved = value, largest, involved
        c = self.style.colours
        colour = QColor(c.positive if value >= 0 else c.negative)
        width = 1.0 + 6.0 * (abs(value) / largest if largest > 0 else 0.0)
        if self.isSelected():
            colour, width = QColor(c.selected), max(width, 3.5)
        elif involved:
            colour = QColor(c.highlight)
            width = max(width, 3.0)
        else:
            colour.setAlpha(210)
        pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
        if value < 0:
            pen.setDashPattern([max(1.2, 9.0 / width), max(1.0, 5.0 / width)])  # about 9 px on, 5 off
        if pen != self.pen():  # a new pen moves the item in the scene's index: not for nothing
            self.setPen(pen)
        self.tag.highlighted = "selected" if self.isSelected() else "highlight" if involved else None
        self.tag.update()

    def restyle(self) -> None:
        self.set_style(self.value, self.largest, self.involved)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(self.pen())
        painter.drawLine(self.line())


class FoldItem(UnitItem):
    """The units of a layer the diagram leaves out, as one unit: "…" in its circle (dashed)
    and "… n more" beside it. Clicking it shows the layer whole; not selectable."""

    def __init__(self, style: Style, layer: int, hidden: int):
        super().__init__(style, layer, None, "…")
        self.hidden = hidden
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.values.set_lines([(self.text(), "muted")])

    def text(self) -> str:
        return f"… {self.hidden} more"

    def set_state(self, involved: bool, current: bool) -> None:
        super().set_state(involved, current)
        pen = self.pen()
        pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)


class BundleItem(QGraphicsLineItem):
    """The edges between two nodes of which one at least is a fold, drawn as one thin
    dotted line (orange when the current computation uses one of them); not selectable."""

    def __init__(self, style: Style):
        super().__init__()
        self.style = style
        self.setZValue(0.5)
        self.involved = False
        self.restyle()

    def set_involved(self, involved: bool) -> None:
        if involved != self.involved:
            self.involved = involved
            self.restyle()

    def restyle(self) -> None:
        c = self.style.colours
        colour = QColor(c.highlight if self.involved else c.muted)
        if not self.involved:
            colour.setAlpha(170)
        pen = QPen(colour, 2.5 if self.involved else 1.2, Qt.PenStyle.DotLine, Qt.PenCapStyle.FlatCap)
        self.setPen(pen)
