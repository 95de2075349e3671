"""The output map: one output unit over the inputs' plane (two inputs: a coloured image with a
colour bar, the samples as points coloured by their target) or line (one input: the output
curve, the samples as points at their target), live while training and stepping (pyqtgraph).

Every value is the engine's (`engine.network.outputmap`: its forward pass on a grid, the extent, the
colour scale), with the parameters the current iteration starts from: stepping through an
iteration leaves the map as it is; it changes when the iteration moves on or a parameter is
edited. Hovering reads the output at the point under the mouse (practising, once the unit's
outputs of the iteration are answered). The unit shown is the output unit selected in the diagram, or else the one chosen
beside the title (the first by default). The map follows the model's signals (at the rate the
model refreshes the views while training) and does nothing while it is hidden. For another
number of inputs it says why it is empty.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from engine import Key
from engine.network import outputmap
from engine.concepts.formula import MINUS
from engine.record.quantities import label

from guiapp import colours
from guiapp.plots.loss import plain
from guiapp.model.session import SessionModel, UnitRef
from guiapp.plots.style import plot_font, style_axes
from guiapp.plots.readout import Elide, Readout

PLANE_POINTS = 100  # grid points along each input of a plane (fewer for a large network)
LINE_POINTS = 400  # points of a curve


class PlainAxis(pg.AxisItem):
    """Tick labels as numbers are written (0.25, −1), no SI prefix."""

    def tickStrings(self, values, scale, spacing):
        return [plain(round(v, 12)) for v in values]


def coordinate(value: float, step: float) -> tuple[float, str]:
    """`value` rounded to the precision of a grid step, as it is shown and as a number."""
    digits = max(1, min(17, math.floor(math.log10(max(abs(value), step))) - math.floor(math.log10(step)) + 1))
    text = f"{value:.{digits}g}"
    return float(text), text.replace("-", MINUS)


class OutputMap(QWidget):
    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.setObjectName("outputMap")
        self.model = model
        self._chosen = 0  # the output unit chosen beside the title (0-based)
        self._shown = None  # what the picture shows: (setup, unit, resolution, θ)
        self._samples = None  # what the samples are drawn for: (setup, unit, colour scale)
        self._extent: list[tuple[float, float]] = []
        self._hover: tuple[float, ...] | None = None  # the point under the mouse, as shown
        self._dims = 0  # inputs of the network the picture is built for (1, 2; 0: none)

        self.title = QLabel("<b>Output map</b>")
        self.unit_box = QComboBox(objectName="outputUnit")
        self.unit_box.setToolTip("The output unit the map shows (or select an output unit in the diagram)")
        self.unit_box.activated.connect(self._unit_chosen)
        self.readout = Readout(Elide.ElideRight, objectName="outputReadout")  # a hover text: ElideLeft

        self.plot = pg.PlotWidget(axisItems={"bottom": PlainAxis("bottom"), "left": PlainAxis("left")})
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)  # the map always shows the whole extent
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")  # grid[row = second input, column = first input]
        self.curve = pg.PlotDataItem()
        self.halo = pg.ScatterPlotItem(size=13, pen=pg.mkPen(None))  # a ring that shows on any colour
        self.points = pg.ScatterPlotItem(size=9)
        self.hover_dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(None))
        for item in (self.image, self.curve, self.halo, self.points, self.hover_dot):
            self.plot.addItem(item)
        self.colour_map = pg.colormap.get(colours.OUTPUT_MAP)
        self.bar = pg.ColorBarItem(colorMap=self.colour_map, interactive=False, colorMapMenu=False, width=14)
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self._bar_placed = True
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.viewport().installEventFilter(self)

        self.empty = QLabel(objectName="outputMapEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.empty)

        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addWidget(self.unit_box)
        bar.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack)

        model.textFactorChanged.connect(self._restyle)
        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self._network_replaced)
        model.selectionChanged.connect(self.refresh)
        model.digitsChanged.connect(self._update_readout)
        model.practiceChanged.connect(self._update_readout)
        self._restyle()
        self._network_replaced()

    # -- look ---------------------------------------------------------------------------------
    def _restyle(self, *_) -> None:
        """Colours from the desktop's palette (light or dark), text at the window's size, as the
        loss curve has them."""
        c = colours.scheme(self.palette())
        self.plot.setBackground(c.plot_background)
        font = plot_font(self.model.text_factor)
        style_axes((self.plot.getAxis("left"), self.plot.getAxis("bottom"), self.bar.axis), c, font)
        self.bar.axis.setWidth(int(QFontMetrics(font).horizontalAdvance(f"{MINUS}0.75") + 12))
        for side in ("left", "top", "bottom"):  # the bar's frame
            self.bar.getAxis(side).setPen(pg.mkPen(c.plot_foreground))
        line = QFontMetrics(font).height()
        self.plot.setMinimumHeight(int(9 * line))
        self.plot.getPlotItem().layout.setContentsMargins(1, line // 2, 1, 1)  # room for the top tick labels
        self.curve.setPen(pg.mkPen(c.plot_curve, width=1.5))
        self.halo.setBrush(pg.mkBrush(c.map_halo))
        self.hover_dot.setPen(pg.mkPen(c.plot_foreground, width=1.5))
        self._ring = pg.mkPen(c.map_ring, width=1.2)
        self._marker = pg.mkBrush(c.plot_marker)
        self._shown = self._samples = None  # drawn again in the new colours
        self.refresh()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()

    # -- following the model --------------------------------------------------------------------
    def unit(self) -> int:
        """The output unit shown: the selected one, or else the one chosen here."""
        net, selection = self.model.session.net, self.model.selection
        if isinstance(selection, UnitRef) and selection.layer == net.depth:
            return selection.unit
        return min(self._chosen, net.sizes[-1] - 1)

    def _unit_chosen(self, index: int) -> None:
        """The user picked an output unit here: it is shown, and selected in the diagram if an
        output unit was selected there (so that the two agree)."""
        self._chosen = index
        net, selection = self.model.session.net, self.model.selection
        if isinstance(selection, UnitRef) and selection.layer == net.depth:
            self.model.set_selection(UnitRef(net.depth, index))
        self.refresh()

    def _network_replaced(self) -> None:
        net = self.model.session.net
        names = [net.unit_name(net.depth, k) for k in range(net.sizes[-1])]
        if names != [self.unit_box.itemText(k) for k in range(self.unit_box.count())]:
            self.unit_box.clear()
            self.unit_box.addItems(names)  # plain text
            self._chosen = 0
        self._hover = None
        self._shown = self._samples = None
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self, *_) -> None:
        """Show the map of the current session, unless it shows it already (or is hidden)."""
        if not self.isVisible():
            return
        session = self.model.session
        net, unit = session.net, self.unit()
        if self.unit_box.currentIndex() != unit:
            self.unit_box.setCurrentIndex(unit)
        why = outputmap.why_empty(net)
        self.unit_box.setVisible(why is None and net.sizes[-1] > 1)
        if why is not None:
            self.empty.setText(why)
            self.stack.setCurrentWidget(self.empty)
            self._dims, self._shown, self._samples = 0, None, None
            self.readout.set_text("")
            return
        self.stack.setCurrentWidget(self.plot)
        dims = net.sizes[0]
        resolution = outputmap.resolution(net.sizes, PLANE_POINTS if dims == 2 else LINE_POINTS)
        theta = session.params.theta
        shown = self._shown
        if not (shown is not None and shown[0] is net and shown[1:3] == (unit, resolution)
                and np.array_equal(shown[3], theta)):
            self._draw(unit, resolution)
            self._shown = (net, unit, resolution, theta.copy())
        self._update_readout()

    def _draw(self, unit: int, resolution: int) -> None:
        session = self.model.session
        net = session.net
        dims = net.sizes[0]
        if dims != self._dims:
            self._set_dims(dims)
        bounds = outputmap.extent(net.inputs)
        values = outputmap.grid(session.plan, session.params, unit, bounds, resolution)
        scale = outputmap.levels(net, values, net.targets[:, unit])
        if dims == 2:
            self.image.setImage(values, autoLevels=False, levels=scale)
        else:
            self.curve.setData(outputmap.axis(*bounds[0], resolution), values)
        self._resolution = resolution
        if bounds != self._extent:
            (x0, x1), (y0, y1) = bounds[0], bounds[1] if dims == 2 else (0.0, 1.0)
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self.plot.setXRange(x0, x1, padding=0)
            if dims == 2:
                self.plot.setYRange(y0, y1, padding=0)
            self._extent = bounds
        drawn = self._samples  # while training, mostly the same: drawing them costs more than the map
        if drawn is None or drawn[0] is not net or drawn[1:] != (unit, scale):
            self._draw_samples(unit, scale)
            self._samples = (net, unit, scale)

    def _draw_samples(self, unit: int, scale: tuple[float, float]) -> None:
        """The samples (in their target's colour on a plane, at their target on a line), the
        colour scale and the name of the output."""
        net = self.model.session.net
        targets = net.targets[:, unit]
        low, high = scale
        name = html.escape(label(net, Key("out", net.depth, unit)))
        if self._dims == 2:
            self.bar.setLevels(scale)
            x, y = net.inputs[:, 0], net.inputs[:, 1]
            brushes = {t: pg.mkBrush(self.colour_map.map((t - low) / (high - low), mode=pg.ColorMap.QCOLOR))
                       for t in set(targets.tolist())}  # one brush per colour: pyqtgraph draws each once
            self.halo.setData(x, y)
            self.points.setData(x, y, brush=[brushes[t] for t in targets.tolist()], pen=self._ring)
            self.bar.getAxis("left").setLabel(name)
        else:
            self.points.setData(net.inputs[:, 0], targets, brush=self._marker, pen=self._ring)
            self.plot.getAxis("left").setLabel(name)
            pad = 0.05 * (high - low)
            self.plot.setYRange(low - pad, high + pad, padding=0)

    def _set_dims(self, dims: int) -> None:
        """Build the picture for a plane (image, colour bar) or a line (curve)."""
        names = [html.escape(self.model.session.net.unit_name(0, k)) for k in range(dims)]
        self.image.setVisible(dims == 2)
        self.halo.setVisible(dims == 2)
        self.curve.setVisible(dims == 1)
        layout = self.plot.getPlotItem().layout
        if dims == 2 and not self._bar_placed:
            layout.addItem(self.bar, 2, 5)  # where ColorBarItem.setImageItem puts it: right of the plot
        elif dims == 1 and self._bar_placed:
            layout.removeItem(self.bar)
        self._bar_placed = dims == 2
        self.bar.setVisible(dims == 2)
        self.plot.getAxis("bottom").setLabel(names[0])
        if dims == 2:
            self.plot.getAxis("left").setLabel(names[1])
        self._dims = dims
        self._extent = []

    # -- hover ----------------------------------------------------------------------------------
    def _mouse_moved(self, pos) -> None:
        vb = self.plot.getPlotItem().vb
        if not self._dims or not vb.sceneBoundingRect().contains(pos):
            self._hover = None
        else:
            point = vb.mapSceneToView(pos)
            where = [point.x(), point.y()][: self._dims]
            inside = all(lo <= v <= hi for v, (lo, hi) in zip(where, self._extent))
            steps = [(hi - lo) / self._resolution for lo, hi in self._extent]
            self._hover = tuple(coordinate(v, s)[0] for v, s in zip(where, steps)) if inside else None
        self._update_readout()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Leave and self._hover is not None:
            self._hover = None
            self._update_readout()
        return super().eventFilter(watched, event)

    def _update_readout(self, *_) -> None:
        """The input under the mouse and the output there (computed by the engine at exactly
        the coordinates shown); otherwise what the map shows."""
        session = self.model.session
        if not self._dims:
            return
        net, unit = session.net, self.unit()
        name = label(net, Key("out", net.depth, unit))
        if self._hover is None or self._shown is None:
            self.hover_dot.setData([], [])
            what = f"P(class {unit + 1})" if net.activation(net.depth).class_probabilities else name
            self.readout.set_text(f"{what} as iteration {session.iteration:,} starts")
            return
        steps = [(hi - lo) / self._resolution for lo, hi in self._extent]
        where = ", ".join(f"{net.unit_name(0, k)} {coordinate(v, s)[1]}" for k, (v, s) in
                          enumerate(zip(self._hover, steps)))
        if not self._answered(unit):  # at a sample's inputs it would be a value practice asks
            self.readout.set_text(f"{where}: {name} once answered", Elide.ElideLeft)
            self.hover_dot.setData([], [])
            return
        value = float(outputmap.outputs(session.plan, session.params, unit, np.array([self._hover]))[0])
        self.readout.set_text(f"{where}: {name} {self.model.fmt(value)}", Elide.ElideLeft)
        y = self._hover[1] if self._dims == 2 else value
        self.hover_dot.setData([self._hover[0]], [y]) if math.isfinite(y) else self.hover_dot.setData([], [])

    def _answered(self, unit: int) -> bool:
        """May the read-out give the output's number? Outside practice, always; practising,
        once the output unit's out of every sample of the iteration is answered."""
        session, depth = self.model.session, self.model.session.net.depth
        return all(self.model.reveals(Key("out", depth, unit, sample=k)) for k in range(session.layout.batch))

    # -- what the tests read -------------------------------------------------------------------
    def shown_image(self) -> np.ndarray | None:
        """The array the image shows (a plane), or None."""
        return self.image.image if self._dims == 2 else None

    def shown_curve(self) -> tuple[np.ndarray, np.ndarray]:
        return self.curve.xData, self.curve.yData
