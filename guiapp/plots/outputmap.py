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

Decision regions (the Regions switch, the model's `discretize`; a plane only): each point in the
colour of the class the network gives it (`outputmap.regions`): for one output unit, the colour of
1 where the output is at least 0.5 and of 0 below; for a softmax layer, the winning class's own
colour (`colours.class_colour`), the samples in their class's, the colour bar naming the classes.

Points by hand: a click on the map adds a sample there (the point's coordinates at the grid's
precision) of the class chosen under the map (or, for one output unit, the target value typed
there; on a line, the target is where the click is) to the set chosen beside it (the samples or
the test samples); Shift+click removes the sample of that set nearest to the click. The map asks
for it (`samplesEdited`); the window makes it one undo step on the samples or the test samples
(`commands.SetSamples`). Refusals (training running, the last sample, a target the loss does not
take) are said in a sentence (`said`); the last test sample may go (then there are none).

Test samples (held out, never trained on) are drawn hollow: a ring in their target's colour (or
class's) inside a thin ring that shows on any colour; the map's extent takes them in too. The
samples a cell of the confusion matrix names (the model's `marked`) are circled.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QStackedWidget, QVBoxLayout,
                               QWidget)

from engine import Key
from engine.network import outputmap
from engine.network.network import samples_problems
from engine.network.numbers import parse_number
from engine.concepts.formula import MINUS
from engine.record.quantities import label

from guiapp import colours
from guiapp.plots.loss import plain
from guiapp.model.session import SessionModel, UnitRef
from guiapp.plots.style import plot_font, style_axes
from guiapp.plots.readout import Elide, Readout

PLANE_POINTS = 100  # grid points along each input of a plane (fewer for a large network)
LINE_POINTS = 400  # points of a curve
SETS = ("Samples", "Test samples")  # where a click adds a sample (the chooser beside the map)


class PlainAxis(pg.AxisItem):
    """Tick labels as numbers are written (0.25, −1), no SI prefix."""

    def tickStrings(self, values, scale, spacing):
        return [plain(round(v, 12)) for v in values]


def coordinate(value: float, step: float) -> tuple[float, str]:
    """`value` rounded to the precision of a grid step, as it is shown and as a number."""
    digits = max(1, min(17, math.floor(math.log10(max(abs(value), step))) - math.floor(math.log10(step)) + 1))
    text = f"{value:.{digits}g}"
    return float(text), text.replace("-", MINUS)


def class_map(k: int) -> pg.ColorMap:
    """A colour bar of k classes, each its own colour over [class − 0.5, class + 0.5] when the
    levels are (−0.5, k − 0.5)."""
    pos, colour = [], []
    for c in range(k):
        pos += [c / k, (c + 1) / k]
        colour += [colours.class_colour(c)] * 2
    return pg.ColorMap(pos, colour)


class OutputMap(QWidget):
    samplesEdited = Signal(object, object, str, bool)  # inputs, targets, what, test: new samples asked for by a click
    said = Signal(str)  # a sentence for the status bar (a click refused)

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
        self._classes = 0  # the colour bar's classes (decision regions of a softmax layer), 0: the scale

        self.title = QLabel("<b>Output map</b>")
        self.unit_box = QComboBox(objectName="outputUnit")
        self.unit_box.setToolTip("The output unit the map shows (or select an output unit in the diagram)")
        self.unit_box.activated.connect(self._unit_chosen)
        self.readout = Readout(Elide.ElideRight, objectName="outputReadout")  # a hover text: ElideLeft
        self.regions_box = QCheckBox("Regions", objectName="discretize")
        self.regions_box.setToolTip("Decision regions: each point in the colour of the class the network gives "
                                    "it (an output of at least 0.5 is 1; for softmax, the winning class)")
        self.regions_box.setChecked(model.discretize)  # the map may be made after the model's state is restored
        self.regions_box.toggled.connect(model.set_discretize)
        model.discretizeChanged.connect(self._discretize_changed)

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
        self.test_rings = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(None))  # what shows on any colour
        self.test_points = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(None))  # hollow: test samples
        self.marked = pg.ScatterPlotItem(size=20, brush=pg.mkBrush(None))  # a confusion matrix cell's samples
        for item in (self.image, self.curve, self.halo, self.points, self.test_rings, self.test_points, self.marked,
                     self.hover_dot):
            self.plot.addItem(item)
        self.colour_map = pg.colormap.get(colours.OUTPUT_MAP)
        self.bar = pg.ColorBarItem(colorMap=self.colour_map, interactive=False, colorMapMenu=False, width=14)
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self._bar_placed = True
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.viewport().installEventFilter(self)

        self.empty = QLabel(objectName="outputMapEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.empty)

        self.draw_row = QWidget(objectName="drawRow")  # what a click adds
        self.class_box = QComboBox(objectName="drawClass")
        self.class_box.setToolTip("The class of the samples a click on the map adds")
        self.target_edit = QLineEdit("1", objectName="drawTarget")
        self.target_edit.setToolTip("The target of the samples a click on the map adds (0.5, 1e-3, 1/2, 0,5)")
        self.target_edit.setMaximumWidth(QFontMetrics(self.font()).horizontalAdvance("−0.00000000") + 16)
        self.draw_label = QLabel("Click adds")
        self.set_box = QComboBox(objectName="drawSet")
        self.set_box.addItems(SETS)
        self.set_box.setToolTip("Where a click on the map adds a sample, and a Shift+click removes one: "
                                "the samples trained on, or the held-out test samples")
        self.draw_hint = Readout(Elide.ElideRight, objectName="drawHint")  # cut short where the map is narrow
        self.draw_hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.draw_hint.set_text("· Shift+click removes the nearest sample")
        row = QHBoxLayout(self.draw_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.draw_label)
        row.addWidget(self.class_box)
        row.addWidget(self.target_edit)
        row.addWidget(QLabel("to"))
        row.addWidget(self.set_box)
        row.addWidget(self.draw_hint, 1)

        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addWidget(self.unit_box)
        bar.addWidget(self.regions_box)  # here, not in the row below: that row is the map's least width
        bar.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack)
        layout.addWidget(self.draw_row)

        model.textFactorChanged.connect(self._restyle)
        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self._network_replaced)
        model.selectionChanged.connect(self.refresh)
        model.digitsChanged.connect(self._update_readout)
        model.practiceChanged.connect(self._update_readout)
        model.markedChanged.connect(self._draw_marked)
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
        self.test_rings.setPen(pg.mkPen(c.map_ring, width=1.2))
        self.marked.setPen(pg.mkPen(c.plot_marker, width=2.5))
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

    def _discretize_changed(self, on: bool) -> None:
        if self.regions_box.isChecked() != on:
            self.regions_box.blockSignals(True)
            self.regions_box.setChecked(on)
            self.regions_box.blockSignals(False)
        self.refresh()

    def _network_replaced(self) -> None:
        net = self.model.session.net
        names = [net.unit_name(net.depth, k) for k in range(net.sizes[-1])]
        if names != [self.unit_box.itemText(k) for k in range(self.unit_box.count())]:
            self.unit_box.clear()
            self.unit_box.addItems(names)  # plain text
            self._chosen = 0
        classes = [f"class {k + 1} ({name})" for k, name in enumerate(names)] if len(names) > 1 else []
        if classes != [self.class_box.itemText(k) for k in range(self.class_box.count())]:
            self.class_box.clear()
            self.class_box.addItems(classes)
        curve = net.raw_width == 1 and len(names) == 1  # the click's height is the target
        self.class_box.setVisible(bool(classes))
        self.target_edit.setVisible(not classes and not curve)
        self.draw_label.setText("Click adds a sample there (input, target)" if curve else "Click adds")
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
        regions = self.regions_shown()
        self.unit_box.setVisible(why is None and net.sizes[-1] > 1 and not (regions and self._softmax()))
        self.regions_box.setVisible(why is None and net.raw_width == 2)
        self.draw_row.setVisible(why is None)  # what a click does, and the Regions switch
        if why is not None:
            self.empty.setText(why)
            self.stack.setCurrentWidget(self.empty)
            self._dims, self._shown, self._samples = 0, None, None
            self.readout.set_text("")
            return
        self.stack.setCurrentWidget(self.plot)
        dims = net.raw_width  # the plane of the raw inputs (with features, x1 and x2)
        resolution = outputmap.resolution(net.sizes, PLANE_POINTS if dims == 2 else LINE_POINTS, dims=dims)
        theta = session.params.theta
        shown = self._shown
        if not (shown is not None and shown[0] is net and shown[1:4] == (unit, resolution, regions)
                and np.array_equal(shown[4], theta)):
            self._draw(unit, resolution, regions)
            self._shown = (net, unit, resolution, regions, theta.copy())
        self._update_readout()

    def regions_shown(self) -> bool:
        """Does the map show decision regions (asked for, and a plane)?"""
        return self.model.discretize and self.model.session.net.raw_width == 2

    def _softmax(self) -> bool:
        """Are the outputs the probabilities of classes (softmax)?"""
        net = self.model.session.net
        return net.activation(net.depth).class_probabilities

    def _draw(self, unit: int, resolution: int, regions: bool) -> None:
        session = self.model.session
        net = session.net
        dims = net.raw_width
        if dims != self._dims:
            self._set_dims(dims)
        bounds = outputmap.extent(self._all_inputs(net))
        classes = net.sizes[-1] if regions and self._softmax() else 0
        if classes:  # the winning class at each point, in its own colour
            units = [(net.depth, k) for k in range(classes)]
            values = outputmap.regions(outputmap.unit_grids(session.plan, session.params, units, bounds, resolution),
                                       softmax=True)
            scale = (-0.5, classes - 0.5)
        else:
            values = outputmap.grid(session.plan, session.params, unit, bounds, resolution)
            scale = outputmap.levels(net, values, net.targets[:, unit])
            if regions:
                values = outputmap.regions(values, softmax=False)
        if classes != self._classes:
            self._set_classes(classes)
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
        if drawn is None or drawn[0] is not net or drawn[1:] != (unit, scale, classes):
            self._draw_samples(unit, scale, classes)
            self._samples = (net, unit, scale, classes)

    @staticmethod
    def _all_inputs(net) -> np.ndarray:
        """The inputs of the samples and of the test samples."""
        return net.inputs if not net.n_test else np.concatenate([net.inputs, net.test_inputs])

    def _points(self, net, unit: int, test: bool) -> tuple[np.ndarray, np.ndarray]:
        """Where the samples (or the test samples) are drawn: their inputs on a plane; on a line,
        input and target."""
        x, t = (net.test_inputs, net.test_targets) if test else (net.inputs, net.targets)
        return (x[:, 0], x[:, 1]) if self._dims == 2 else (x[:, 0], t[:, unit])

    def _draw_marked(self, *_) -> None:
        """Circle the samples the model marks (a cell of the confusion matrix)."""
        net, marked = self.model.session.net, self.model.marked
        if not self._dims or marked is None:
            self.marked.setData([], [])
            return
        unit = self.unit()
        parts = [(self._points(net, unit, False), marked[0])]
        if net.n_test:
            parts.append((self._points(net, unit, True), marked[1]))
        xs = np.concatenate([p[0][rows] for p, rows in parts])
        ys = np.concatenate([p[1][rows] for p, rows in parts])
        self.marked.setData(xs, ys)

    def _set_classes(self, classes: int) -> None:
        """The colour bar of the classes' colours, each named (decision regions of a softmax
        layer), or (0) the output map's scale."""
        axis = self.bar.axis  # the scale's (the left one bears the name)
        if classes:
            self.bar.setColorMap(class_map(classes))
            axis.setTicks([[(k, str(k + 1)) for k in range(classes)], []])
        else:
            self.bar.setColorMap(self.colour_map)
            axis.setTicks(None)
        self._classes = classes

    def _draw_samples(self, unit: int, scale: tuple[float, float], classes: int = 0) -> None:
        """The samples (in their target's colour on a plane, or their class's in the decision
        regions of a softmax layer; at their target on a line), the test samples hollow, the
        colour scale and the name of the output."""
        net = self.model.session.net
        self._draw_test_samples(net, unit, scale, classes)
        self._draw_marked()
        targets = net.targets[:, unit]
        low, high = scale
        name = html.escape(label(net, Key("out", net.depth, unit)))
        if self._dims == 2:
            self.bar.setLevels(scale)
            x, y = net.inputs[:, 0], net.inputs[:, 1]
            if classes:
                won = np.argmax(net.targets, axis=1).tolist()
                brushes = {k: pg.mkBrush(colours.class_colour(k)) for k in set(won)}
                self.points.setData(x, y, brush=[brushes[k] for k in won], pen=self._ring)
                name = "class"
            else:
                brushes = {t: pg.mkBrush(self.colour_map.map((t - low) / (high - low), mode=pg.ColorMap.QCOLOR))
                           for t in set(targets.tolist())}  # one brush per colour: pyqtgraph draws each once
                self.points.setData(x, y, brush=[brushes[t] for t in targets.tolist()], pen=self._ring)
            self.halo.setData(x, y)
            self.bar.getAxis("left").setLabel(name)
        else:
            self.points.setData(net.inputs[:, 0], targets, brush=self._marker, pen=self._ring)
            self.plot.getAxis("left").setLabel(name)
            pad = 0.05 * (high - low)
            self.plot.setYRange(low - pad, high + pad, padding=0)

    def _draw_test_samples(self, net, unit: int, scale: tuple[float, float], classes: int) -> None:
        """The test samples as rings in their target's colour (their class's in a softmax layer's
        regions; the marker's on a line)."""
        if not net.n_test:
            self.test_points.setData([], [])
            self.test_rings.setData([], [])
            return
        x, y = self._points(net, unit, True)
        if self._dims == 2 and classes:
            pens = [pg.mkPen(colours.class_colour(k), width=2.5) for k in np.argmax(net.test_targets, axis=1).tolist()]
        elif self._dims == 2:
            low, high = scale
            pens = [pg.mkPen(self.colour_map.map((t - low) / (high - low), mode=pg.ColorMap.QCOLOR), width=2.5)
                    for t in net.test_targets[:, unit].tolist()]
        else:
            pens = pg.mkPen(self._marker.color(), width=2.5)
        self.test_points.setData(x, y, pen=pens)
        self.test_rings.setData(x, y)

    def _set_dims(self, dims: int) -> None:
        """Build the picture for a plane (image, colour bar) or a line (curve)."""
        names = [html.escape(name) for name in self.model.session.net.raw_names()[:dims]]
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
        regions, classes = self.regions_shown(), self.regions_shown() and self._softmax()
        if self._hover is None or self._shown is None:
            self.hover_dot.setData([], [])
            what = f"P(class {unit + 1})" if self._softmax() else name
            if regions:
                what = "The winning class" if classes else f"{name} ≥ {outputmap.THRESHOLD:g} → 1"
            self.readout.set_text(f"{what} as iteration {session.iteration:,} starts")
            return
        steps = [(hi - lo) / self._resolution for lo, hi in self._extent]
        where = ", ".join(f"{name} {coordinate(v, s)[1]}" for name, v, s in
                          zip(net.raw_names(), self._hover, steps))
        asked = range(net.sizes[-1]) if classes else [unit]
        if not all(self._answered(k) for k in asked):  # at a sample's inputs it would be a value practice asks
            self.readout.set_text(f"{where}: {'the class' if classes else name} once answered", Elide.ElideLeft)
            self.hover_dot.setData([], [])
            return
        if classes:
            outs = outputmap.unit_outputs(session.plan, session.params, [(net.depth, k) for k in asked],
                                          np.array([self._hover]))
            won = outputmap.regions(outs, softmax=True)[0]
            text = ("no class (NaN)" if won != won else
                    f"class {int(won) + 1} (P {self.model.fmt(float(outs[int(won), 0]))})")
            self.readout.set_text(f"{where}: {text}", Elide.ElideLeft)
            self.hover_dot.setData([self._hover[0]], [self._hover[1]])
            return
        value = float(outputmap.outputs(session.plan, session.params, unit, np.array([self._hover]))[0])
        region = f" → {outputmap.regions(np.array([value]), softmax=False)[0]:g}" if regions else ""
        self.readout.set_text(f"{where}: {name} {self.model.fmt(value)}{region}", Elide.ElideLeft)
        y = self._hover[1] if self._dims == 2 else value
        self.hover_dot.setData([self._hover[0]], [y]) if math.isfinite(y) else self.hover_dot.setData([], [])

    def _answered(self, unit: int) -> bool:
        """May the read-out give the output's number? Outside practice, always; practising,
        once the output unit's out of every sample of the iteration is answered."""
        session, depth = self.model.session, self.model.session.net.depth
        return all(self.model.reveals(Key("out", depth, unit, sample=k)) for k in range(session.layout.batch))

    # -- points by hand --------------------------------------------------------------------------
    def _clicked(self, event) -> None:
        """A click adds a sample there, Shift+click removes the nearest one."""
        if event.button() != Qt.MouseButton.LeftButton or not self._dims:
            return
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        event.accept()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.remove_nearest(point.x(), point.y())
        else:
            self.add_at(point.x(), point.y())

    def _refused(self) -> bool:
        if self.model.busy:
            self.said.emit("The samples cannot change while training runs: stop it first (Esc)")
        return self.model.busy

    def add_at(self, x: float, y: float) -> None:
        """Ask for a sample at the map's point (x, y) (its coordinates at the grid's precision):
        on a plane, inputs (x, y) and the class or target chosen; on a line, input x and, for
        one output unit, target y."""
        if not self._dims or self._refused():
            return
        net = self.model.session.net
        steps = [(hi - lo) / self._resolution for lo, hi in self._extent]
        where = [x, y][: self._dims]
        if not all(lo <= v <= hi for v, (lo, hi) in zip(where, self._extent)):
            return
        point = [coordinate(v, s)[0] for v, s in zip(where, steps)]
        if self._dims == 1 and net.sizes[-1] == 1:
            low, high = self.plot.getPlotItem().vb.viewRange()[1]
            target = [coordinate(y, (high - low) / self._resolution)[0]]
        else:
            target = self._target_chosen()
            if target is None:
                return
        test = self.to_test()
        old_inputs, old_targets = self._chosen_set()
        inputs, targets = np.vstack([old_inputs, [point]]), np.vstack([old_targets, [target]])
        problems = samples_problems(net, inputs, targets, test)
        if problems:
            self.said.emit(f"No sample added: {problems[0][2]}")
            return
        shown = ", ".join(coordinate(v, s)[1] for v, s in zip(where, steps))
        what = self.class_box.currentText() if net.sizes[-1] > 1 else f"target {self.model.fmt(target[0])}"
        self.samplesEdited.emit(inputs, targets, f"add a {'test ' if test else ''}sample at ({shown}) of {what}",
                                test)

    def to_test(self) -> bool:
        """Does a click add to (and Shift+click remove from) the test samples?"""
        return self.set_box.currentIndex() == 1

    def _chosen_set(self) -> tuple[np.ndarray, np.ndarray]:
        """The inputs and targets of the set chosen beside the map (the test samples: maybe none)."""
        net = self.model.session.net
        if not self.to_test():
            return net.inputs, net.targets
        if net.n_test:
            return net.test_inputs, net.test_targets
        return np.empty((0, net.raw_width)), np.empty((0, net.sizes[-1]))

    def _target_chosen(self) -> list[float] | None:
        """The target a click adds: the class chosen (one-hot), or the value typed for one
        output unit (None, said, if it is not a number)."""
        net = self.model.session.net
        if net.sizes[-1] > 1:
            return np.eye(net.sizes[-1])[max(self.class_box.currentIndex(), 0)].tolist()
        try:
            return [parse_number(self.target_edit.text())]
        except ValueError as e:
            self.said.emit(f"No sample added: the target {e}")
            return None

    def remove_nearest(self, x: float, y: float) -> None:
        """Ask for the samples without the one nearest to the map's point (x, y), distances
        measured in the map's own proportions (its extent, on a line its height too)."""
        if not self._dims or self._refused():
            return
        test = self.to_test()
        inputs, targets = self._chosen_set()
        if not test and len(inputs) <= 1:
            self.said.emit("No sample removed: it is the last one, and a network needs at least one")
            return
        if not len(inputs):
            self.said.emit("No test sample removed: there are none")
            return
        if self._dims == 2:
            spans = [hi - lo for lo, hi in self._extent]
            points = inputs
        else:
            low, high = self.plot.getPlotItem().vb.viewRange()[1]
            spans = [self._extent[0][1] - self._extent[0][0], high - low]
            points = np.stack([inputs[:, 0], targets[:, self.unit()]], axis=1)
        with np.errstate(all="ignore"):
            distance = np.hypot((points[:, 0] - x) / spans[0], (points[:, 1] - y) / spans[1])
        k = int(np.argmin(np.nan_to_num(distance, nan=np.inf)))
        inputs, targets = np.delete(inputs, k, axis=0), np.delete(targets, k, axis=0)
        self.samplesEdited.emit(inputs, targets, f"remove {'test ' if test else ''}sample {k + 1}", test)

    # -- what the tests read -------------------------------------------------------------------
    def shown_image(self) -> np.ndarray | None:
        """The array the image shows (a plane), or None."""
        return self.image.image if self._dims == 2 else None
