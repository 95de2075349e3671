"""How the window's pyqtgraph plots (the loss curve, the trajectories, the output map) draw
their axes: in the palette's plot colours, at the window's text size."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from guiapp.colours import Scheme


def plot_font(text_factor: float) -> QFont:
    """The application's font at the window's text size."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * text_factor)
    return font


def style_axes(axes, c: Scheme, font: QFont) -> None:
    """Lines and tick text in the plot's foreground colour, ticks and labels in `font`."""
    for axis in axes:
        axis.setPen(pg.mkPen(c.plot_foreground))
        axis.setTextPen(pg.mkPen(c.plot_foreground))
        axis.setStyle(tickFont=font)
        axis.label.setFont(font)
