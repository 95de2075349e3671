"""The loss curve: the batch loss of every iteration, live while training (pyqtgraph).

The read-out above it shows the iteration under the mouse while the mouse is over the plot,
and the current iteration otherwise; the current iteration's loss is marked (the dot, the
read-out) once the stepper has computed it. A click goes to the iteration under the mouse
(refused while practising); the iteration values are compared with (Δ), if any, is marked by
a dashed line. The range shows the whole curve: a range zoomed or dragged by hand is kept only
until the curve changes (more iterations, another history, the scale), or training would run
out of it unseen.

The document's kept runs (the model's `runs`) are drawn over it, each in its own Okabe–Ito
colour and dash pattern (this run's curve is the one solid line), with a legend naming them: a
click on a run's line in the legend hides or shows that run; Run ▸ Kept runs ▸ Show kept runs
hides or shows them all.

What training evaluates (guiapp.model.evaluation) is drawn with it: the test loss beside the
batch loss (on its axis), the accuracies on an axis of their own on the right (0 to 1), each with
its marks at the iterations evaluated and its entry in the legend; where evaluating costs more
than its share of training, it is done every k-th iteration and the bar says so. The read-out
gives each measure's value at the last iteration evaluated at or before the one it shows. The
current iteration's values appear once its loss is computed (practice reveals nothing early); the
best iteration of a training stopped by the test loss (patience) is marked with a dashed line."""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.concepts.formula import MINUS
from engine.session.evaluation import BUDGET

from guiapp import colours
from guiapp.model.session import SessionModel
from guiapp.plots.style import plot_font, style_axes
from guiapp.plots.readout import Readout


DASHES = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine, Qt.PenStyle.DashDotDotLine)
# each measure of an evaluation (engine.session.evaluation.MEASURES) by name: its colour and mark
MEASURE_LOOKS = {"test_loss": ("#D55E00", "o"), "accuracy": ("#009E73", "t"), "test_accuracy": ("#CC79A7", "s")}
OTHER_LOOK = ("#E69F00", "d")
MARKED_POINTS = 60  # evaluations drawn with their marks (more: a line only)
LEGEND_CHARACTERS = 40  # of a run's name in the legend (then …)
THIS_RUN = "this run"


def kept_pen(k: int, c: colours.Scheme):
    """The pen of kept run k (0-based): a colour of its own, and a dash pattern (runs 7 to 12 have
    the colours of 1 to 6 dashed another way), readable on the plot's background."""
    hue = QColor(colours.KEPT_RUNS[k % len(colours.KEPT_RUNS)])
    style = DASHES[(k // len(colours.KEPT_RUNS)) % len(DASHES)]
    return pg.mkPen(colours.readable(hue, c.plot_background, colours.LINE_CONTRAST), width=1.5, style=style)


def legend_text(label: str) -> str:
    """A run's name in the legend, which reads HTML: escaped, shortened."""
    if len(label) > LEGEND_CHARACTERS:
        label = label[: LEGEND_CHARACTERS - 1] + "…"
    return html.escape(label)


class _Pinned(pg.PlotDataItem):
    """The legend's entry for this run: its pen, not its curve, so that a click there hides nothing."""

    def setVisible(self, visible: bool) -> None:
        super().setVisible(True)


def ordinal(n: int) -> str:
    """2nd, 3rd, 4th, 11th, 21st, 1,024th."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def plain(value: float) -> str:
    """A tick label as a number is written: 0.001, 250, 1e−05 (no SI prefix, no 10^x)."""
    return f"{value:.6g}".replace("-", MINUS)


class IterationAxis(pg.AxisItem):
    """Iterations are whole numbers: ticks only at integers, written 1,000."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size) if spacing >= 1]
        return levels or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):
        return [f"{int(round(v)):,}" for v in values]


class LossAxis(pg.AxisItem):
    """Losses as plain numbers, on a linear or a log axis alike."""

    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            return [plain(10.0 ** v) for v in values]
        return [plain(round(v, 12)) for v in values]


class LossPlot(QWidget):
    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.plot = pg.PlotWidget(axisItems={"bottom": IterationAxis("bottom"), "left": LossAxis("left")})
        for side, label in (("bottom", "iteration"), ("left", "batch loss E")):
            axis = self.plot.getAxis(side)
            axis.enableAutoSIPrefix(False)  # no "(x0.001)" that changes as the curve falls
            axis.setLabel(label)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.curve = self.plot.plot()
        # Smooth with a million points: draw only what is in view, at most a few points per pixel.
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.marker = pg.InfiniteLine(angle=90, movable=False)
        self.reference = pg.InfiniteLine(angle=90, movable=False)  # the iteration compared with (Δ)
        self.reference.setVisible(False)
        self.dot = pg.ScatterPlotItem(size=8)
        self.hover_dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(None))
        self.plot.addItem(self.marker)
        self.plot.addItem(self.reference)
        self.plot.addItem(self.dot)
        self.plot.addItem(self.hover_dot)
        # the accuracies: their own view box over the plot's, on the right axis, 0 to 1
        item = self.plot.getPlotItem()
        self.fractions = pg.ViewBox(enableMenu=False)
        self.fractions.setMouseEnabled(False, False)
        self.fractions.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.scene().addItem(self.fractions)
        item.getAxis("right").linkToView(self.fractions)
        item.getAxis("right").setLabel("accuracy")
        item.getAxis("right").enableAutoSIPrefix(False)
        self.fractions.setXLink(item.vb)
        self.fractions.setYRange(0.0, 1.0, padding=0.02)
        item.vb.sigResized.connect(lambda *_: self.fractions.setGeometry(item.vb.sceneBoundingRect()))
        self.measures: dict[str, pg.PlotDataItem] = {}  # by name, made for the network's measures
        self.best = pg.InfiniteLine(angle=90, movable=False, label="best", labelOpts={"position": 0.9})
        self.best.setVisible(False)
        self.plot.addItem(self.best)
        self.every_note = ""  # what the plot says of how often the measures are evaluated
        self.every = pg.LabelItem("", justify="left")  # in the plot's bottom left corner
        self.every.setParentItem(item.vb)
        self.every.anchor(itemPos=(0, 1), parentPos=(0, 1), offset=(4, -2))
        self.legend: pg.LegendItem | None = None  # made by `_make_legend`
        self.this_run = _Pinned()
        self.kept: list[pg.PlotDataItem] = []  # the kept runs' curves, in the model's order
        self._hidden: set = set()  # runs hidden by a click in the legend
        self.log_scale = QCheckBox("log scale", objectName="logScale")  # the model's `log_scale`
        self.log_scale.setChecked(model.log_scale)
        self.log_scale.toggled.connect(model.set_log_scale)
        self.plot.setLogMode(y=model.log_scale)
        self.readout = Readout(objectName="readout")  # shortened on its left: its end holds the loss
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._x = np.arange(1, 1025, dtype=np.float64)
        self._shown: tuple = ()  # what the curve was last given: (count, last loss, buffer, log)
        self._hover: int | None = None  # the iteration under the mouse
        self._single = False
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.viewport().installEventFilter(self)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Loss</b>"))
        bar.addWidget(self.log_scale)
        bar.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot)
        model.textFactorChanged.connect(self._restyle)
        self._restyle()
        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self._network_replaced)
        model.digitsChanged.connect(self._update_readout)
        model.referenceChanged.connect(self._reference_changed)
        model.practiceChanged.connect(self._update_readout)
        model.runsChanged.connect(self._rebuild_runs)
        model.runsShownChanged.connect(self._show_runs)
        model.logScaleChanged.connect(self._log_changed)
        self._rebuild_runs()
        self._rebuild_measures()

    def _restyle(self, *_) -> None:
        """Colours from the desktop's palette (light or dark), axis text at the window's text size."""
        c = colours.scheme(self.palette())
        self.plot.setBackground(c.plot_background)
        font = plot_font(self.model.text_factor)
        style_axes((self.plot.getAxis("left"), self.plot.getAxis("bottom")), c, font)
        # room for the vertical axis label ("batch loss E") and a few ticks at any text size
        self.plot.setMinimumHeight(int(9 * QFontMetrics(font).height()))
        self.curve.setPen(pg.mkPen(c.plot_curve, width=1.5))
        self.this_run.setPen(self.curve.opts["pen"])
        for k, curve in enumerate(self.kept):
            curve.setPen(kept_pen(k, c))
        self._make_legend()
        self.marker.setPen(pg.mkPen(c.plot_marker, width=1.5))
        self.reference.setPen(pg.mkPen(c.plot_foreground, width=1.2, style=Qt.PenStyle.DashLine))
        for name, curve in self.measures.items():
            self._style_measure(name, curve, c)
        self.best.setPen(pg.mkPen(c.plot_foreground, width=1.2, style=Qt.PenStyle.DashDotLine))
        self.best.label.setColor(c.plot_foreground)
        self._label_measures()
        self.dot.setBrush(pg.mkBrush(c.plot_marker))
        self.dot.setPen(pg.mkPen(c.plot_foreground))
        self.hover_dot.setPen(pg.mkPen(c.plot_foreground, width=1.5))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()

    def _network_replaced(self) -> None:
        self._hover = None
        self._rebuild_measures()
        self.refresh()

    # -- evaluations ---------------------------------------------------------------------------------
    def _style_measure(self, name: str, curve: pg.PlotDataItem, c: colours.Scheme) -> None:
        hue, symbol = MEASURE_LOOKS.get(name, OTHER_LOOK)
        colour = colours.readable(QColor(hue), c.plot_background, colours.LINE_CONTRAST)
        curve.setPen(pg.mkPen(colour, width=1.5))
        curve.mark = symbol
        curve.setSymbol(symbol)
        curve.setSymbolSize(6)
        curve.setSymbolBrush(pg.mkBrush(colour))
        curve.setSymbolPen(pg.mkPen(colour))

    def _rebuild_measures(self) -> None:
        """A curve for each measure of the network: losses on the plot's axis, fractions on the right."""
        names, titles, fractions, _, _ = self.model.evaluation.shown(self.model.session)
        if list(self.measures) == names:
            return
        for curve in self.measures.values():
            if curve.getViewBox() is not None:
                curve.getViewBox().removeItem(curve)
        self.measures = {}
        c = colours.scheme(self.palette())
        for name, title, fraction in zip(names, titles, fractions):
            curve = pg.PlotDataItem()
            curve.title, curve.fraction = title, fraction
            self._style_measure(name, curve, c)
            (self.fractions.addItem if fraction else self.plot.addItem)(curve)
            self.measures[name] = curve
        self.plot.getPlotItem().showAxis("right", any(fractions))
        self._make_legend()

    def _shown_evaluations(self) -> tuple[np.ndarray, np.ndarray]:
        """The iterations evaluated the plot shows and their values: the current iteration's only
        once its loss is computed (as the batch loss's dot)."""
        _, _, _, iterations, values = self.model.evaluation.shown(self.model.session)
        session = self.model.session
        k = int(np.searchsorted(iterations, session.iteration))
        if k < len(iterations) and iterations[k] == session.iteration and self._current_loss() is None:
            iterations, values = np.delete(iterations, k), np.delete(values, k, axis=0)
        return iterations, values

    def _refresh_measures(self) -> None:
        self._rebuild_measures()
        iterations, values = self._shown_evaluations()
        log = self.model.log_scale
        x = iterations.astype(np.float64)
        for k, curve in enumerate(self.measures.values()):
            y = values[:, k] if len(values) else np.empty(0)
            if log and not curve.fraction:
                with np.errstate(invalid="ignore"):
                    y = np.where(y > 0, y, np.nan)
            curve.setSymbol(curve.mark if len(x) <= MARKED_POINTS else None)  # marks while they can be told apart
            curve.setData(x, y, connect="finite")
        evaluations = self.model.evaluation.evaluations
        every = 1 if evaluations is None else evaluations.every
        titles = ", ".join(curve.title for curve in self.measures.values())
        note = f"{titles[:1].upper()}{titles[1:]}: every {ordinal(every)} iteration" if every > 1 and len(x) else ""
        if note != self.every_note:
            self.every_note = note
            self._label_measures()
        best = self.model.evaluation.best
        self.best.setVisible(best is not None)
        if best is not None:
            self.best.setValue(best)

    def measure_text(self, iteration: int) -> str:
        """Each measure's value at the last iteration evaluated at or before `iteration`."""
        iterations, values = self._shown_evaluations()
        k = int(np.searchsorted(iterations, iteration, side="right")) - 1
        if k < 0 or not self.measures:
            return ""
        at = int(iterations[k])
        where = "" if at == iteration else f" (evaluated at {at:,})"
        return "".join(f" · {curve.title} {self.model.fmt(float(values[k, j]))}"
                       for j, curve in enumerate(self.measures.values())) + where

    def _log_changed(self, on: bool) -> None:
        """The model's scale: the box checked (no echo), the curves drawn on it."""
        self.log_scale.blockSignals(True)
        self.log_scale.setChecked(on)
        self.log_scale.blockSignals(False)
        self.plot.setLogMode(y=on)
        self._set_kept_data()
        self.refresh()

    # -- kept runs ---------------------------------------------------------------------------------
    def _rebuild_runs(self) -> None:
        """A curve and a legend entry for each kept run (after this run's)."""
        for curve in self.kept:
            self.plot.removeItem(curve)
        runs = self.model.runs
        self._hidden &= set(runs)
        c = colours.scheme(self.palette())
        self.kept = []
        for k, run in enumerate(runs):
            curve = pg.PlotDataItem(pen=kept_pen(k, c))
            curve.setZValue(-1)  # under this run's curve
            curve.run = run
            self.plot.addItem(curve)  # which gives it the plot's downsampling (none): this run's, after
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.kept.append(curve)
        self._make_legend()
        self._set_kept_data()
        self._show_runs()

    def _legend_columns(self, font) -> int:
        """As many entries side by side as the plot's width holds: a row along the top rather than
        a column over the curves."""
        names = [THIS_RUN] + [curve.title for curve in self.measures.values()] + \
            [legend_text(curve.run.label) for curve in self._legend_runs()]
        widest = max(QFontMetrics(font).horizontalAdvance(html.unescape(n)) for n in names) + 40  # the pen's sample
        return max(1, min(len(names), int((self.plot.getPlotItem().vb.width() - 24) // widest)))

    def _make_legend(self, restyled: bool = True) -> None:
        """The legend, made anew (pyqtgraph's does not shrink when its entries are laid out again):
        this run, then the measures evaluated, then each kept run (while they are shown), in the
        palette's colours at the window's text size. Unless `restyled`, only if its entries or
        their columns change."""
        c, font = colours.scheme(self.palette()), plot_font(self.model.text_factor)
        columns = self._legend_columns(font)
        measures = list(self.measures.values())
        kept = self._legend_runs()
        if self.legend is not None:
            same = [sample.item for sample, _ in self.legend.items] == [self.this_run, *measures, *kept]
            if same and not restyled and self.legend.columnCount == columns:
                return
            if self.legend.scene() is not None:
                self.legend.scene().removeItem(self.legend)
        self.legend = pg.LegendItem(offset=(-8, 6), colCount=columns, brush=c.tag_opaque,
                                    pen=pg.mkPen(c.plot_foreground, width=0.5), labelTextColor=c.plot_foreground,
                                    labelTextSize=f"{font.pointSizeF():.1f}pt", verSpacing=-4)
        self.legend.layout.setContentsMargins(4, 0, 6, 0)  # the style's 9 on each side: a row the text's height
        self.legend.setParentItem(self.plot.getPlotItem().vb)  # top right: the curves fall from the top left
        self.legend.sigSampleClicked.connect(self._legend_clicked)
        self.legend.addItem(self.this_run, THIS_RUN if kept or not measures else "batch loss")
        for curve in measures:
            self.legend.addItem(curve, html.escape(curve.title))
        for curve in kept:
            self.legend.addItem(curve, legend_text(curve.run.label))
        self.legend.setVisible(self._legend_shown())

    def _label_measures(self) -> None:
        """How often the measures are evaluated, when not every iteration (it would cost more
        than BUDGET of the training time), in the plot's corner."""
        c, font = colours.scheme(self.palette()), plot_font(self.model.text_factor)
        self.every.setText(html.escape(self.every_note), color=c.plot_foreground, size=f"{font.pointSizeF():.1f}pt")
        self.every.setToolTip(f"Evaluating every iteration would cost over {BUDGET:.0%} of the training time"
                              if self.every_note else "")

    def _legend_runs(self) -> list[pg.PlotDataItem]:
        """The kept runs the legend names: all of them while they are shown (one hidden by a click
        in the legend included, to be shown again there)."""
        return self.kept if self.model.runs_shown else []

    def _legend_shown(self) -> bool:
        return bool(self.measures) or bool(self._legend_runs())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._make_legend(restyled=False)

    def _set_kept_data(self) -> None:
        log = self.model.log_scale
        for curve in self.kept:
            losses = curve.run.loss
            if log:  # log10 of a loss that is not positive: left out
                with np.errstate(invalid="ignore"):
                    losses = np.where(losses > 0, losses, np.nan)
            curve.setData(np.arange(1, len(losses) + 1, dtype=np.float64), losses, connect="finite")

    def _legend_clicked(self, item) -> None:
        if item in self.kept:
            (self._hidden.discard if item.isVisible() else self._hidden.add)(item.run)

    def _show_runs(self, *_) -> None:
        shown = self.model.runs_shown
        for curve in self.kept:
            curve.setVisible(shown and curve.run not in self._hidden)
        self._make_legend(restyled=False)
        self.legend.setVisible(self._legend_shown())
        self._shown = ()  # the range may follow the kept runs
        self.refresh()

    def shown_runs(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """What the kept runs' curves show: each visible one's name, iterations and losses."""
        return [(curve.run.name, curve.xData, curve.yData) for curve in self.kept if curve.isVisible()]

    def _kept_range(self, y0: float | None) -> tuple[float, float, float] | None:
        """The last iteration and the lowest and highest loss (log10 on a log scale) of the
        kept runs shown, and of this run's one point `y0` if known; None if no kept run is shown."""
        shown = [curve for curve in self.kept if curve.isVisible()]
        if not shown:
            return None
        ys = [curve.yData for curve in shown]
        if y0 is not None:
            ys.append(np.array([y0]))
        y = np.concatenate(ys)
        if self.model.log_scale:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(np.where(y > 0, y, np.nan))
        y = y[np.isfinite(y)]
        last = max(len(curve.run) for curve in shown)
        return (last, float(y.min()), float(y.max())) if len(y) else (last, 0.0, 1.0)

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """What the curve shows: iterations and losses."""
        x, y = self.curve.xData, self.curve.yData  # all of it, not what the view clips to
        return (np.array([]), np.array([])) if x is None else (x, y)

    def refresh(self) -> None:
        history = self.model.session.history
        n = len(history)
        losses = history.values
        log = self.model.log_scale
        # Give the curve its data only when it changed: new losses, or the current one recomputed
        # (an edit), or another history (undo, open), or the scale.
        shown = (n, float(losses[-1]) if n else None, id(losses.base), log)
        changed = shown != self._shown
        if changed:
            if log:
                # log10 of a zero loss is -inf: leave such points out rather than warn
                with np.errstate(divide="ignore", invalid="ignore"):
                    losses = np.where(losses > 0, losses, np.nan)
            if len(self._x) < n:
                self._x = np.arange(1, 2 * n + 1, dtype=np.float64)
            x = self._x[:n]
            gaps = min(n, self.model.session.losses_not_kept)
            if gaps:  # a history saved thinned: the losses kept, joined (those not kept are NaN)
                drawn = np.ones(n, dtype=bool)
                drawn[:gaps] = np.isfinite(losses[:gaps])
                x, losses = x[drawn], losses[drawn]
            finite = bool(np.isfinite(losses).all()) if log else math.isfinite(losses[-1]) if len(losses) else True
            self.curve.setData(x, losses, connect="all" if finite else "finite", skipFiniteCheck=finite)
            self._shown = shown
        y0 = self._current_loss() if n == 1 else math.nan  # one point: the current iteration's
        kept = self._kept_range(y0 if y0 is None or math.isfinite(y0) else None) if n == 1 else None
        if kept is not None:  # one point and kept runs: their range, not told by the point's loss before it is computed
            last, low, high = kept
            self.plot.setXRange(0, max(last, 10))
            self.plot.setYRange(min(low, 0.0) if not log else low, high)
            self._single = True
        elif n == 1 and y0 is None:  # not computed yet: a range of its own would tell its size
            self.plot.setYRange(-1, 0) if log else self.plot.setYRange(0, 1)
            self.plot.setXRange(0, 10)
            self._single = True
        elif n == 1 and math.isfinite(y0) and (y0 > 0 or not log):  # one point: show it above a zero baseline
            if log:
                self.plot.setYRange(np.log10(y0) - 1, np.log10(y0) + 1)
            else:
                self.plot.setYRange(0, 1.25 * y0)
            self.plot.setXRange(0, 10)
            self._single = True
        elif n > 1 and (self._single or changed):  # more points, or other ones: the whole curve again
            self.plot.enableAutoRange()
            self._single = False
        current = self.model.session.iteration
        self.marker.setValue(current)
        y = self._current_loss()  # marked once the stepper has computed it
        if y is not None and self.model.log_scale:
            y = float(np.log10(y)) if y > 0 else np.nan
        self.dot.setData([current], [y]) if y is not None and np.isfinite(y) else self.dot.setData([], [])
        self._refresh_measures()
        self._update_readout()

    def _current_loss(self) -> float | None:
        """The current iteration's loss once the stepper has computed it (the cursor passed the
        loss phase), else None: the status bar and the diagram show it then too."""
        session = self.model.session
        return session.value("batch_loss", session.net.depth)

    def _mouse_moved(self, pos) -> None:
        n = len(self.model.session.history)
        vb = self.plot.getPlotItem().vb
        if not n or not vb.sceneBoundingRect().contains(pos):
            self._hover = None
        else:
            self._hover = int(min(max(round(vb.mapSceneToView(pos).x()), 1), n))
        self._update_readout()

    def _clicked(self, event) -> None:
        """A click (not a drag, which pans) goes to the iteration under the mouse."""
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        vb = self.plot.getPlotItem().vb
        if len(self.model.session.history) and vb.sceneBoundingRect().contains(event.scenePos()):
            self.model.go_to_iteration(round(vb.mapSceneToView(event.scenePos()).x()))

    def _reference_changed(self, iteration) -> None:
        self.reference.setVisible(iteration is not None)
        if iteration is not None:
            self.reference.setValue(iteration)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Leave and self._hover is not None:
            self._hover = None
            self._update_readout()
        return super().eventFilter(watched, event)

    def _update_readout(self) -> None:
        session, fmt = self.model.session, self.model.fmt
        history = session.history
        if self._hover is not None and self._hover <= len(history):
            it = self._hover
            loss = float(history.values[it - 1]) if it != session.iteration else self._current_loss()
            if loss is None:
                self.readout.setText(f"iteration {it:,} (current): loss not computed yet")
                self.hover_dot.setData([], [])
                return
            click = "" if self.model.practising else " (click to go there)"  # practice keeps the iteration
            if loss != loss and it < session.losses_not_kept + 1:
                self.readout.setText(f"iteration {it:,}: loss not kept (the file it was opened from held some iterations only){click}")
                self.hover_dot.setData([], [])
                return
            self.readout.setText(f"iteration {it:,}: loss {fmt(loss)}{self.measure_text(it)}{click}")
            y = loss if not self.model.log_scale else (math.log10(loss) if loss > 0 else math.nan)
            self.hover_dot.setData([it], [y]) if math.isfinite(y) else self.hover_dot.setData([], [])
            return
        self.hover_dot.setData([], [])
        if len(history):
            loss = self._current_loss()  # None until the forward pass computed it
            shown = "not computed yet" if loss is None else fmt(loss)
            latest = session.latest
            where = "current" if session.iteration == latest else f"current, of {latest:,}"
            measures = self.measure_text(session.iteration) if loss is not None else ""
            self.readout.setText(f"iteration {session.iteration:,} ({where}): loss {shown}{measures}")
