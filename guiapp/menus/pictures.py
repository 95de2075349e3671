"""Pictures of the window's views for slides and handouts: the diagram (as shown, or the whole
network fitted), the loss curve and the output map, as PNG at a chosen width or as SVG, or the
diagram copied to the clipboard as an image.

The diagram is a QGraphicsScene: it is rendered again at the size asked for (text and lines
stay sharp), and to SVG by Qt's SVG generator (text stays text). The loss curve is a
pyqtgraph plot: its own exporters do the same.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from engine.text.plain import one_line

MAX_PIXELS = 8000  # the largest side of an exported picture, in pixels
FORMATS = ("png", "svg")


def diagram_source(view, fitted: bool) -> QRectF:
    """The part of the scene a picture of the diagram shows: what the view shows, or every item."""
    if fitted:
        return view.scene().itemsBoundingRect().adjusted(-12, -12, 12, 12)
    return view.mapToScene(view.viewport().rect()).boundingRect()


def _size_for(source: QRectF, width: int) -> QSize:
    width = max(16, min(MAX_PIXELS, int(width)))
    height = max(16, min(MAX_PIXELS, round(width * source.height() / max(source.width(), 1e-9))))
    return QSize(width, height)


def _paint(view, painter: QPainter, target: QRectF, source: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, view.backgroundBrush() if view.backgroundBrush().style() != Qt.BrushStyle.NoBrush
                     else view.palette().base())
    view.scene().render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)


def diagram_image(view, width: int, fitted: bool = False) -> QImage:
    """The diagram at `width` pixels wide (the height follows)."""
    source = diagram_source(view, fitted)
    size = _size_for(source, width)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(view.palette().base().color())
    painter = QPainter(image)
    try:
        _paint(view, painter, QRectF(0, 0, size.width(), size.height()), source)
    finally:
        painter.end()
    return image


def diagram_svg(view, path: str, fitted: bool = False, title: str = "") -> None:
    """The diagram as SVG; `title` the network's name. Qt escapes & < > " in a title but writes a
    control character as it is, which no XML reader accepts, and leaves out an empty title: the name
    is made one line of printable characters first (a blank one gives the default)."""
    title = one_line(title) if title.strip() else "Backprop Stepper diagram"
    view_svg(view, path, diagram_source(view, fitted), title)


def view_svg(view, path: str, source: QRectF, title: str) -> None:
    """The part `source` of a graphics view's scene as SVG, at its size (text stays text)."""
    size = _size_for(source, source.width())
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    generator.setResolution(view.logicalDpiX())  # as on screen: pyqtgraph sizes some items in device pixels
    painter = QPainter(generator)
    try:
        _paint(view, painter, QRectF(0, 0, size.width(), size.height()), source)
    finally:
        painter.end()


def plot_export(plot_widget, path: str | None, width: int = 1600) -> QImage | None:
    """The loss curve (a pyqtgraph PlotWidget) to `path` (.png at `width` by pyqtgraph's
    exporter, or .svg by Qt's generator: pyqtgraph's own SVG exporter fails on Qt 6 paths),
    or, with no path, as an image."""
    import pyqtgraph.exporters as exporters

    if path is not None and path.lower().endswith(".svg"):
        view_svg(plot_widget, path, plot_widget.sceneRect(), "Backprop Stepper loss curve")
        return None
    exporter = exporters.ImageExporter(plot_widget.getPlotItem())
    exporter.parameters()["width"] = max(16, min(MAX_PIXELS, int(width)))
    if path is None:
        return exporter.export(toBytes=True)
    exporter.export(path)
    return None


def save_image(image: QImage, path: str) -> None:
    def write(temporary: str) -> None:
        if not image.save(temporary, "PNG"):
            raise OSError("the image could not be encoded as PNG")
    write_atomic(path, write)


def copy_image(image: QImage) -> None:
    QGuiApplication.clipboard().setImage(image)


def write_atomic(path: str, write) -> None:
    """`write(temporary_path)`, then the file renamed to `path`: a failure leaves no partial
    file and any file at `path` as it was. The temporary name keeps the extension (exporters
    choose the format by it)."""
    folder, name = os.path.split(os.path.abspath(path))
    stem, ext = os.path.splitext(name)
    temporary = os.path.join(folder, f".{stem}.part{ext}")
    try:
        write(temporary)
        if not os.path.isfile(temporary):
            raise OSError("the exporter wrote no file")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


# -- the dialog ---------------------------------------------------------------------------------------
SUBJECTS = {"diagram": "the diagram, as shown", "whole": "the whole diagram, fitted", "loss": "the loss curve",
            "map": "the output map"}


class PictureDialog:
    """File ▸ Export picture: what (the diagram as shown or fitted, the loss curve), the width
    of a PNG in pixels; the format follows the file name (.png or .svg)."""

    def __init__(self, window):
        from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox

        self.window = window
        self.dialog = QDialog(window, objectName="pictureDialog")
        self.dialog.setWindowTitle("Export picture")
        self.subject = QComboBox(objectName="pictureSubject")
        from engine.network.outputmap import why_empty

        for key, text in SUBJECTS.items():
            if key != "map" or why_empty(window.model.session.net) is None:  # a map only where there is one
                self.subject.addItem(text, key)
        self.width = QSpinBox(objectName="pictureWidth")
        self.width.setRange(16, MAX_PIXELS)
        self.width.setSuffix(" px")
        self.width.setValue(min(MAX_PIXELS, 2 * max(window.diagram.viewport().width(), 640)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.dialog.accept)
        buttons.rejected.connect(self.dialog.reject)
        form = QFormLayout(self.dialog)
        form.addRow("&Picture of", self.subject)
        form.addRow("&Width of a PNG", self.width)
        form.addRow(buttons)


LOSS_FIGURE = (800, 450)  # the loss curve's picture: 16:9, in logical pixels (a PNG is scaled to its width)


def loss_figure(window):
    """The loss curve on its own, at LOSS_FIGURE's size: a view of the window's model (the
    same curve, axes and colours as the window's), not shown."""
    from guiapp.plots.loss import LossPlot

    figure = LossPlot(window.model)
    figure.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # laid out and painted, never seen
    figure.setFont(window.font())  # its scale is the model's
    figure.resize(*LOSS_FIGURE)
    figure.show()
    QGuiApplication.processEvents()
    figure.refresh()
    QGuiApplication.processEvents()
    return figure


def export_to(window, subject: str, path: str, width: int) -> None:
    """Write the picture of `subject` ("diagram", "whole" or "loss") to `path` (.svg, else PNG)."""
    svg = path.lower().endswith(".svg")
    if subject == "loss":
        figure = loss_figure(window)
        try:
            write_atomic(path, lambda temporary: plot_export(figure.plot, temporary, width))
        finally:
            figure.close()
            figure.deleteLater()
    elif subject == "map":
        if not window.output_map.isVisible():  # hidden, it computes nothing: shown, it is up to date
            window.actions["output_map"].setChecked(True)
            QGuiApplication.processEvents()
        plot = window.output_map.plot
        if svg:
            write_atomic(path, lambda temporary: view_svg(plot, temporary, plot.sceneRect(),
                                                          "Backprop Stepper output map"))
        else:
            write_atomic(path, lambda temporary: plot_export(plot, temporary, width))
    elif svg:
        title = window.model.session.net.name
        write_atomic(path, lambda temporary: diagram_svg(window.diagram, temporary, subject == "whole", title))
    else:
        save_image(diagram_image(window.diagram, width, subject == "whole"), path)
