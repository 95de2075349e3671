"""Where a plot goes in the window before it is made.

pyqtgraph takes longer to import than the rest of the window takes to open, so the window is
painted first and its plots are made just after (`MainWindow.make_plots`). A `Place` stands in
the layout meanwhile: splitters size it, and showing or hiding it shows or hides the plot it
will hold. No pyqtgraph here."""
from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget


class Place(QWidget):
    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.widget: QWidget | None = None

    def put(self, widget: QWidget) -> QWidget:
        self.widget = widget
        self.layout().addWidget(widget)
        widget.show()  # at once: a widget added to a shown one is shown only by a later event
        return widget
