"""The loss curve: the batch loss of every iteration, live while training (pyqtgraph).

The read-out above it shows the iteration under the mouse while the mouse is over the plot,
and the current iteration otherwise."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .model import SessionModel


class LossPlot(QWidget):
    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "iteration")
        self.plot.setLabel("left", "batch loss E")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.curve = self.plot.plot(pen=pg.mkPen("#1f6fb4", width=1.5))
        # Smooth with a million points: draw only what is in view, at most a few points per pixel.
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#f2a900", width=1.5))
        self.dot = pg.ScatterPlotItem(size=8, brush=pg.mkBrush("#f2a900"), pen=pg.mkPen("#7a5500"))
        self.plot.addItem(self.marker)
        self.plot.addItem(self.dot)
        self.log_scale = QCheckBox("log scale", objectName="logScale")
        self.log_scale.toggled.connect(self.set_log)
        self.readout = QLabel(objectName="readout")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._x = np.arange(1, 1025, dtype=np.float64)
        self._shown = -1
        self._hover: int | None = None  # the iteration under the mouse
        self._single = False
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.viewport().installEventFilter(self)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Loss</b>"))
        bar.addWidget(self.log_scale)
        bar.addStretch(1)
        bar.addWidget(self.readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot)
        model.changed.connect(self.refresh)
        model.networkReplaced.connect(self._network_replaced)
        model.digitsChanged.connect(self._update_readout)
        self.refresh()

    def _network_replaced(self) -> None:
        self._hover = None
        self.refresh()

    def set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self._shown = -1
        self.refresh()

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """What the curve shows: iterations and losses."""
        x, y = self.curve.xData, self.curve.yData  # all of it, not what the view clips to
        return (np.array([]), np.array([])) if x is None else (x, y)

    def refresh(self) -> None:
        history = self.model.session.history
        n = len(history)
        losses = history.values
        if self.log_scale.isChecked():
            # log10 of a zero loss is -inf: leave such points out rather than warn
            with np.errstate(divide="ignore", invalid="ignore"):
                losses = np.where(losses > 0, losses, np.nan)
        if n != self._shown or self.log_scale.isChecked():
            if len(self._x) < n:
                self._x = np.arange(1, 2 * n + 1, dtype=np.float64)
            finite = bool(np.isfinite(losses).all()) if self.log_scale.isChecked() else math.isfinite(losses[-1]) if n else True
            self.curve.setData(self._x[:n], losses, connect="all" if finite else "finite", skipFiniteCheck=finite)
            self._shown = n
        if n == 1 and np.isfinite(losses[0]):  # one point: show it above a zero baseline
            y0 = float(losses[0])
            if self.log_scale.isChecked():
                self.plot.setYRange(np.log10(y0) - 1, np.log10(y0) + 1)
            else:
                self.plot.setYRange(0, 1.25 * y0)
            self.plot.setXRange(0, 10)
            self._single = True
        elif n > 1 and self._single:  # more points: follow the data again
            self.plot.enableAutoRange()
            self._single = False
        current = self.model.session.iteration
        self.marker.setValue(current)
        if 0 < current <= n:
            y = float(history.values[current - 1])
            if self.log_scale.isChecked():
                y = float(np.log10(y)) if y > 0 else np.nan
            self.dot.setData([current], [y]) if np.isfinite(y) else self.dot.setData([], [])
        self._update_readout()

    def _mouse_moved(self, pos) -> None:
        n = len(self.model.session.history)
        vb = self.plot.getPlotItem().vb
        if not n or not vb.sceneBoundingRect().contains(pos):
            self._hover = None
        else:
            self._hover = int(min(max(round(vb.mapSceneToView(pos).x()), 1), n))
        self._update_readout()

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
            self.readout.setText(f"iteration {it:,}: loss {fmt(float(history.values[it - 1]))}")
        elif len(history):
            self.readout.setText(f"iteration {session.iteration:,} (current): loss {fmt(session.loss)}")
