"""File ▸ Export picture and Edit's copies: the diagram or the loss curve as a PNG or SVG file
(written by `Files.write`, the one file-writing helper), the diagram to the clipboard as an image,
the side panel's current computation as text or LaTeX. The pictures module (pyqtgraph's exporters)
is imported when first asked for."""
from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication

from guiapp.model import settings


class Copies(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window  # the MainWindow: parent of the dialogs, its views pictured

    def export_picture(self) -> None:
        from guiapp.menus import pictures

        chooser = pictures.PictureDialog(self.window)
        chooser.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.dialog.accepted.connect(lambda: self._export_picture(chooser.subject.currentData(),
                                                                    chooser.width.value()))
        chooser.dialog.open()

    def _export_picture(self, subject: str, width: int) -> None:
        from PySide6.QtWidgets import QFileDialog

        from guiapp.menus import pictures

        name = f"{self.window.files.stem()}-{'loss' if subject == 'loss' else 'diagram'}.png"
        path, _ = QFileDialog.getSaveFileName(self.window, "Export picture", os.path.join(settings.last_folder(), name),
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if path and self.window.files.export_path(path, "Cannot export the picture"):
            self.window.files.write("Cannot export the picture", path,
                                    lambda p: pictures.export_to(self.window, subject, p, width))

    def copy_diagram(self) -> None:
        from guiapp.menus import pictures

        ratio = self.window.diagram.devicePixelRatioF()
        diagram = self.window.diagram
        pictures.copy_image(pictures.diagram_image(diagram, int(2 * ratio * diagram.viewport().width())))
        self.window.statusBar().showMessage("The diagram is on the clipboard", 4000)

    def copy_latex(self) -> None:
        text = self.window.panel.current_latex()
        QApplication.clipboard().setText(text)
        self.window.statusBar().showMessage("The current computation is on the clipboard as LaTeX" if text else
                                     "Nothing computed yet: step first", 4000)

    def copy_computation(self) -> None:
        text = self.window.panel.current_text()
        QApplication.clipboard().setText(text)
        self.window.statusBar().showMessage("The current computation is on the clipboard" if text else
                                     "Nothing computed yet: step first", 4000)
