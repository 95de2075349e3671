"""Unit maps (View ▸ Unit maps, issue 20): inside every hidden and output unit the diagram shows, a
small map of the unit's output over the plane of the network's two inputs; hovering a unit shows
its map large beside it, with its colour scale.

Every value is the engine's: `outputmap.unit_grids` computes all the units shown in one forward
pass on the output map's grid (the samples' range with a 10 % margin, 100×100 points, fewer for a
large network), with the parameters the current iteration starts from, so the maps follow
training live (at the rate the model refreshes the views) and time travel, and an output unit's
map is the output map's. A unit's colours are the output map's scale (`colours.map_image`) over
its own range (`outputmap.levels`): a bounded activation's whole range (sigmoid 0 to 1, tanh −1 to
1), the values shown on an unbounded side; an output unit's is the output map's exactly.

Practising, a unit's map shows only once the outputs of that unit for every sample of the
iteration are answered (`SessionModel.reveals`): before, the map would show them.

The view calls `refresh` when it has built its items (other units may be shown) and puts
`legend_text` in its legend; everything else is here: the model's signals, the mouse over the
viewport (an event filter), the large map (`MapPopup`, a child of the view over its viewport).
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from engine.concepts.formula import significant
from engine.network import outputmap
from engine.record.quantities import Key, label

from guiapp import colours
from guiapp.diagram.items import FoldItem, UnitItem

UNIT_POINTS = 100  # points along each input: the output map's grid
LARGE_LINES = 11  # the large map's side, in lines of text
BAR_LINES = 0.8  # the colour bar's width, in lines of text
FMT = significant(3)  # the numbers of the large map's scale and ranges


class UnitMaps(QObject):
    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.model = view.model
        self.grids: dict[tuple[int, int], np.ndarray] = {}  # the values of each map drawn (what the tests read)
        self.levels: dict[tuple[int, int], tuple[float, float]] = {}  # each map's colour scale
        self.images: dict[tuple[int, int], QImage] = {}
        self.bounds: list[tuple[float, float]] = []
        self._computed = None  # what the grids are of: (network, θ, units, resolution)
        self.popup = MapPopup(view)
        self.popup.hide()
        self.hovered: UnitItem | None = None
        model = self.model
        model.unitMapsChanged.connect(self._toggled)
        model.changed.connect(self.refresh)
        model.practiceChanged.connect(self.refresh)  # (another network: the view builds its units, then refreshes)
        view.viewport().installEventFilter(self)

    # -- what is shown ----------------------------------------------------------------------------
    def why_none(self) -> str | None:
        """Why the diagram has no unit maps although they are asked for (None: it has)."""
        n = self.model.session.net.raw_width  # with input features, the raw inputs x1 and x2
        if n == 2:
            return None
        return f"drawn for networks of 2 inputs; this one has {n}"

    def active(self) -> bool:
        return self.model.unit_maps and self.why_none() is None

    def units(self) -> list[tuple[int, int]]:
        """The hidden and output units the diagram shows (those of folded layers it leaves out)."""
        return sorted((l, j) for (l, j) in self.view.units if l >= 1)

    def revealed(self, unit: tuple[int, int]) -> bool:
        """May its map show? Outside practice always; practising, once its output of every
        sample of the iteration is answered."""
        if not self.model.practising:
            return True
        l, j = unit
        return all(self.model.reveals(Key("out", l, j, sample=k)) for k in range(self.model.session.layout.batch))

    def _toggled(self, on: bool) -> None:
        self.refresh()
        self.view._update_legend()
        self.view.relayout(fit=self.view.auto_fit)  # the legend's height may have changed: so has the room

    def refresh(self, *_) -> None:
        """The maps of the units shown, computed again if the parameters, the network or the
        units shown changed; each drawn in its unit if it may be shown."""
        items = self.view.units
        if not self.active():
            for item in items.values():
                item.set_map(None)
            self._hide_popup()
            self._computed = None
            self.grids, self.levels, self.images = {}, {}, {}
            return
        session = self.model.session
        net, units = session.net, self.units()
        resolution = outputmap.resolution(net.sizes, UNIT_POINTS, maps=max(len(units), 1), dims=2)
        done = self._computed
        if not (done is not None and done[0] is net and done[2:] == (tuple(units), resolution)
                and np.array_equal(done[1], session.params.theta)):
            self._compute(units, resolution)
            self._computed = (net, session.params.theta.copy(), tuple(units), resolution)
        for key, item in items.items():
            item.set_map(self.images.get(key) if key[0] >= 1 and self.revealed(key) else None)
        if self.hovered is not None:  # the large map follows, if its unit is still there (not built anew)
            if any(item is self.hovered for item in items.values()):
                self._show_popup(self.hovered)
            else:
                self._hide_popup()

    def _compute(self, units, resolution: int) -> None:
        session = self.model.session
        net = session.net
        self.bounds = outputmap.extent(net.inputs)
        grids = outputmap.unit_grids(session.plan, session.params, units, self.bounds, resolution) if units else []
        none = np.empty(0)
        scales = [outputmap.levels(net, grid, net.targets[:, j] if l == net.depth else none, layer=l)
                  for (l, j), grid in zip(units, grids)]
        images = colours.map_images(grids, scales) if units else []
        self.grids = dict(zip(units, grids))
        self.levels = dict(zip(units, scales))
        self.images = dict(zip(units, images))

    def legend_text(self) -> str:
        """What the maps are, for the diagram's legend (rich text), or "" when they are off."""
        if not self.model.unit_maps:
            return ""
        why = self.why_none()
        if why is not None:
            return f"Unit maps: {html.escape(why)}."
        net = self.model.session.net
        x, y = (html.escape(name) for name in net.raw_names())
        return (f"Unit maps: each unit's output over {x} (→) and {y} (↑), from dark blue (low) to yellow (high); "
                "hover a unit for its scale")

    # -- the large map ----------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove:
            item = self._unit_at(event.position().toPoint())
            if item is None:
                self._hide_popup()
            elif item is not self.hovered:
                self._show_popup(item)
        elif kind == QEvent.Type.Leave:
            self._hide_popup()
        return False

    def _unit_at(self, pos) -> UnitItem | None:
        """The unit under the viewport's point `pos`, if it shows a map."""
        item = self.view.itemAt(pos)
        while item is not None and not isinstance(item, UnitItem):
            item = item.parentItem()
        if item is None or isinstance(item, FoldItem) or item.bias or item.map_image is None:
            return None
        return item

    def _show_popup(self, item: UnitItem) -> None:
        key = (item.layer, item.unit)
        if item.map_image is None or key not in self.images or item.scene() is None:
            self._hide_popup()
            return
        self.hovered = item
        net = self.model.session.net
        self.popup.set_map(label(net, Key("out", *key)), self.images[key], self.levels[key], self.bounds,
                           net.raw_names(), net.inputs, self.model.text_factor)
        self.popup.place_beside(self.view.mapFromScene(item.sceneBoundingRect()).boundingRect())
        self.popup.show()
        self.popup.raise_()

    def _hide_popup(self) -> None:
        self.hovered = None
        self.popup.hide()


class MapPopup(QWidget):
    """A unit's map, large: its name over it, the colour bar beside it with its ends and middle,
    the inputs' ranges under it, the samples as small rings."""

    def __init__(self, view):
        super().__init__(view)
        self.setObjectName("unitMapLarge")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.view = view
        self.title = ""
        self.image: QImage | None = None
        self.scale = (0.0, 1.0)
        self.bounds: list[tuple[float, float]] = [(0.0, 1.0), (0.0, 1.0)]
        self.names = ["", ""]
        self.samples = np.empty((0, 2))

    def set_map(self, title: str, image: QImage, scale, bounds, names, samples: np.ndarray, factor: float) -> None:
        self.title, self.image, self.scale, self.bounds, self.names = title, image, scale, bounds, names
        self.samples = samples
        font = QFont(QApplication.font())
        font.setPointSizeF(QApplication.font().pointSizeF() * factor * 0.9)
        self.setFont(font)
        line = QFontMetricsF(font).height()
        self._line = line
        self._side = LARGE_LINES * line
        fm = QFontMetricsF(font)
        ticks = max(fm.horizontalAdvance(FMT(v)) for v in (scale[0], scale[1], (scale[0] + scale[1]) / 2))
        self._bar = BAR_LINES * line
        pad = 0.5 * line
        self._pad = pad
        width = pad + self._side + pad + self._bar + pad / 2 + ticks + pad
        width = max(width, pad * 2 + max(fm.horizontalAdvance(t) for t in self._texts()))
        self.resize(int(width + 1), int(pad + line + pad / 2 + self._side + pad / 2 + 2 * line + pad + 1))
        self.update()

    def _texts(self) -> list[str]:
        (x0, x1), (y0, y1) = self.bounds
        return [f"{self.title} over {self.names[0]}, {self.names[1]}",
                f"{self.names[0]} → {FMT(x0)} … {FMT(x1)}", f"{self.names[1]} ↑ {FMT(y0)} … {FMT(y1)}"]

    def place_beside(self, unit) -> None:
        """To the right of the unit (a rect in the viewport's coordinates), or to its left where
        there is no room; within the view."""
        offset = self.view.viewport().geometry().topLeft()
        gap = 10
        x = unit.right() + gap
        if x + self.width() > self.view.viewport().width():
            x = unit.left() - gap - self.width()
        y = unit.center().y() - self.height() / 2
        x = min(max(0, x), max(0, self.view.viewport().width() - self.width()))
        y = min(max(0, y), max(0, self.view.viewport().height() - self.height()))
        self.move(int(x + offset.x()), int(y + offset.y()))

    def paintEvent(self, event) -> None:
        if self.image is None:
            return
        c = colours.scheme(self.view.palette())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(c.muted, 1))
        p.setBrush(c.tag_opaque)
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        line, pad, side = self._line, self._pad, self._side
        fm = QFontMetricsF(self.font())
        title, x_range, y_range = self._texts()
        p.setPen(c.text)
        p.drawText(QPointF(pad, pad + fm.ascent()), title)
        top = pad + line + pad / 2
        square = QRectF(pad, top, side, side)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(square, self.image)
        self._draw_samples(p, square, c)
        p.setPen(QPen(c.text, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(square)
        bar = QRectF(square.right() + pad, top, self._bar, side)
        strip = colours.map_image(np.linspace(self.scale[0], self.scale[1], colours.MAP_STEPS)[:, None], self.scale)
        p.drawImage(bar, strip)
        p.drawRect(bar)
        low, high = self.scale
        for value, y in ((high, bar.top()), ((low + high) / 2, bar.center().y()), (low, bar.bottom())):
            y_text = min(max(y + fm.ascent() / 2 - 1, top + fm.ascent()), bar.bottom())
            p.drawText(QPointF(bar.right() + pad / 2, y_text), FMT(value))
        p.drawText(QPointF(pad, square.bottom() + pad / 2 + fm.ascent()), x_range)
        p.drawText(QPointF(pad, square.bottom() + pad / 2 + line + fm.ascent()), y_range)
        p.end()

    def _draw_samples(self, p: QPainter, square: QRectF, c) -> None:
        """The samples where they lie on the plane: small rings, the text's colour in a halo of
        the background's (they show on any colour)."""
        (x0, x1), (y0, y1) = self.bounds
        xs = square.left() + (self.samples[:, 0] - x0) / (x1 - x0) * square.width()
        ys = square.bottom() - (self.samples[:, 1] - y0) / (y1 - y0) * square.height()
        r = max(1.5, 0.12 * self._line)
        for pen in (QPen(c.background, 2.2), QPen(c.text, 1.0)):
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            for x, y in zip(xs.tolist(), ys.tolist()):
                p.drawEllipse(QPointF(x, y), r, r)
