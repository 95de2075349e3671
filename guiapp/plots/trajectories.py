"""Trajectories: the value, gradient or an optimizer's buffer (the momentum buffer) of chosen parameters over
the iterations.

A pyqtgraph plot under the loss curve, on the same iteration axis (panning or zooming one
moves the other), one curve per parameter the model traces (Show trajectory of selected adds
the selected weight or bias, or a unit's weights and bias); the current iteration is marked
and hovering reads every traced parameter's numbers at the iteration under the mouse (practising,
the current iteration's gradient and velocity once answered). The
numbers are the engine's (`engine.session.trajectory`): every iteration while they fit in its
budget, one in 2, 4, ... beyond, which the plot says.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.record.quantities import Key

from guiapp import colours
from guiapp.plots.loss import IterationAxis, LossAxis
from guiapp.model.session import SessionModel
from guiapp.plots.style import plot_font, style_axes
from guiapp.plots.readout import Readout

PENS = colours.SERIES  # Okabe–Ito, as the diagram's colours: told apart by colour-blind eyes too


class TrajectoryPlot(QWidget):
    def __init__(self, model: SessionModel, loss_plot, parent=None):
        super().__init__(parent)
        self.setObjectName("trajectories")
        self.model = model
        self.plot = pg.PlotWidget(axisItems={"bottom": IterationAxis("bottom"), "left": LossAxis("left")})
        for side in ("bottom", "left"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.getAxis("bottom").setLabel("iteration")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setXLink(loss_plot.plot)  # one iteration axis for both
        self.legend = self.plot.addLegend(offset=(8, 4), colCount=len(PENS))  # one row, over the curves' start
        self.marker = pg.InfiniteLine(angle=90, movable=False)
        self.plot.addItem(self.marker)
        self.quantity = QComboBox(objectName="trajectoryQuantity")
        self.quantity.setToolTip("What the curves show for each parameter")
        self.add = QPushButton("Add", objectName="trajectoryAdd")
        self.add.setToolTip("Add the selected weight or bias, or the weights and bias of the selected unit")
        self.clear = QPushButton("Clear", objectName="trajectoryClear")
        self.note = QLabel(objectName="trajectoryNote")  # says when the rows are downsampled
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.readout = Readout(objectName="trajectoryReadout")
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._shown: tuple = ()
        self._hover: int | None = None
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Trajectories</b>"))
        bar.addWidget(self.quantity)
        bar.addWidget(self.add)
        bar.addWidget(self.clear)
        bar.addWidget(self.note)
        bar.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot)
        self.quantity.currentIndexChanged.connect(lambda _: self.refresh())
        self.add.clicked.connect(model.trace_selection)
        self.clear.clicked.connect(lambda: model.set_traced(()))
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.viewport().installEventFilter(self)
        model.tracedChanged.connect(self._rebuild)
        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self._network_replaced)
        model.digitsChanged.connect(lambda _: self._update_readout())
        model.textFactorChanged.connect(self._restyle)
        model.selectionChanged.connect(self._selection_changed)
        model.practiceChanged.connect(lambda _: self._update_readout())
        self._network_replaced()
        self._restyle()

    def _restyle(self, *_) -> None:
        c = colours.scheme(self.palette())
        self.plot.setBackground(c.plot_background)
        font = plot_font(self.model.text_factor)
        style_axes((self.plot.getAxis("left"), self.plot.getAxis("bottom")), c, font)
        self.plot.setMinimumHeight(int(7 * QFontMetrics(font).height()))
        self.marker.setPen(pg.mkPen(c.plot_marker, width=1.5))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()

    def _network_replaced(self) -> None:
        self.quantity.blockSignals(True)
        current = self.quantity.currentData()
        self.quantity.clear()
        for q in self.model.session.trajectories.quantities:  # value, gradient, the optimizer's buffers
            self.quantity.addItem(q, q)
        self.quantity.setCurrentIndex(max(0, self.quantity.findData(current)))
        self.quantity.blockSignals(False)
        self._hover = None
        self._rebuild()

    def _selection_changed(self, selection) -> None:
        self.add.setEnabled(bool(self.model.parameters_of(selection)))

    def _rebuild(self, *_) -> None:
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves = {}
        for k, name in enumerate(self.model.traced):
            curve = self.plot.plot(name=name, pen=pg.mkPen(PENS[k % len(PENS)], width=1.5))
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.curves[name] = curve
        self.clear.setEnabled(bool(self.curves))
        self._selection_changed(self.model.selection)
        self._shown = ()
        self.refresh()

    def index(self) -> dict[str, int]:
        """Each parameter's place in θ."""
        return {p.name: k for k, p in enumerate(self.model.session.net.parameters())}

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What the curve of `name` shows: iterations and values."""
        curve = self.curves[name]
        return (np.array([]), np.array([])) if curve.xData is None else (curve.xData, curve.yData)

    def refresh(self) -> None:
        if not self.isVisible() and self._shown:  # hidden: followed again when shown
            return
        session = self.model.session
        paths = session.trajectories
        quantity = self.quantity.currentData() or "value"
        shown = (len(paths), paths.stride, paths.first, id(paths._buf), quantity, tuple(self.curves))
        if shown != self._shown:
            self._shown = shown
            x = paths.iterations()
            index = self.index()
            for name, curve in self.curves.items():
                y = paths.column(quantity, index[name])
                finite = bool(np.isfinite(y).all())
                curve.setData(x, y, connect="all" if finite else "finite", skipFiniteCheck=finite)
            self.plot.getAxis("left").setLabel(quantity)
            self.note.setText(f"(one iteration in {paths.stride:,} kept)" if paths.downsampled else "")
            self.note.setToolTip("The trajectories of every parameter are kept within "
                                 f"{paths.max_rows * paths.columns * 8 / 2**20:.0f} MB: beyond, one iteration "
                                 f"in {paths.stride:,} is kept" if paths.downsampled else "")
        self.marker.setValue(session.iteration)
        self._update_readout()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._shown = ()
        self.refresh()

    def _mouse_moved(self, pos) -> None:
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(pos):
            self._hover = None
        else:
            self._hover = int(round(vb.mapSceneToView(pos).x()))
        self._update_readout()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Leave and self._hover is not None:
            self._hover = None
            self._update_readout()
        return super().eventFilter(watched, event)

    def row_at(self, iteration: int) -> int | None:
        """The row kept nearest `iteration`, or None if none is kept."""
        paths = self.model.session.trajectories
        if not len(paths):
            return None
        return int(min(max(round((iteration - paths.first) / paths.stride), 0), len(paths) - 1))

    def _update_readout(self) -> None:
        if not self.curves:
            self.readout.set_text("Select a weight, a bias or a unit, then Add", Qt.TextElideMode.ElideRight)
            return
        paths, fmt = self.model.session.trajectories, self.model.fmt
        j = self.row_at(self.model.session.iteration if self._hover is None else self._hover)
        if j is None:
            self.readout.set_text("")
            return
        iteration = int(paths.first + j * paths.stride)
        wanted = self.model.session.iteration if self._hover is None else self._hover
        index = self.index()
        session = self.model.session
        params = {p.name: p for p in session.net.parameters()}
        current = iteration == session.iteration  # practising: its gradient and velocity once answered
        parts = []
        for name in self.curves:
            p = params[name]
            numbers = [f"{name} {fmt(paths.column('value', index[name])[j])}"]
            if current and not self.model.reveals(Key("grad_" + p.kind, p.layer, p.unit, p.source)):
                numbers.append(f"∂E/∂{name} once answered")
            else:
                gradient = paths.column("gradient", index[name])[j]
                numbers.append(f"∂E/∂{name} " + ("not computed (frozen)" if gradient != gradient else fmt(gradient)))
            updated = not current or self.model.reveals(Key(p.kind, p.layer, p.unit, p.source))
            for buffer in session.net.optimizer.buffers:  # the momentum buffer v
                numbers.append(f"{buffer.text} {fmt(paths.column(buffer.name, index[name])[j])}" if updated
                               else f"{buffer.text} once answered")
            parts.append(", ".join(numbers))
        where = " (nearest kept)" if iteration != wanted else " (current)" if self._hover is None else ""
        self.readout.set_text(f"iteration {iteration:,}{where}: " + "; ".join(parts), Qt.TextElideMode.ElideRight)
