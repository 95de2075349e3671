"""Presentation mode's layout (View ▸ Presentation mode, F5): the window full screen, the diagram
above the current computation (PRESENTATION_SPLIT of the height), no loss curve, list of
computations or status bar; leaving it puts the window back as it was: its geometry, toolbars and
the sizes of its parts, once every part has left presentation (their least sizes in it would hold
the window larger). The text size is the model's; the model says when presentation changes."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer
from PySide6.QtWidgets import QSplitter

DESK_STRETCH = (3, 2)  # the diagram's column and the side panel, side by side
PRESENTATION_SPLIT = 0.8  # in presentation, the diagram's share of the height, above the current computation
PRESENTATION_STRETCH = (4, 1)  # and of what a resize adds or takes


@dataclass(frozen=True)
class Desk:
    """The window as it was before presentation mode, to be put back as it was."""

    geometry: QRect
    saved: QByteArray  # the geometry as the settings keep it
    bars: QByteArray  # the toolbars' state
    state: Qt.WindowState  # maximized, full screen ...
    sizes: dict  # of each splitter, by name


class PresentationLayout(QObject):
    """The main window's layout in and out of presentation mode."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._desk: Desk | None = None  # the window as it was before presentation mode
        self._back: Desk | None = None  # until the window has its size back
        self._split_pending = False  # presentation's split, until the window fills the screen

    def resized(self) -> None:
        """The window was resized: the sizes put back, or presentation's split made, once the
        window has its size."""
        if self._back is not None:
            QTimer.singleShot(0, self, self._put_splitters_back)
        if self._split_pending:
            QTimer.singleShot(0, self, self._split_for_presentation)

    def _splitters(self) -> dict[str, QSplitter]:
        w = self.window
        return {"splitter": w.splitter, "left": w.left, "bottom": w.bottom, "curves": w.curves}

    def changed(self, on: bool) -> None:
        """Presentation: full screen, large text, the diagram above the current computation; no
        loss curve, list of computations or status bar. Leaving it puts the window back as it
        was: its geometry, toolbars and the sizes of its parts (the text size is the model's)."""
        w = self.window
        if on == (self._desk is not None):
            return
        if on:
            self._back = None
            self._desk = Desk(w.geometry(), w.saveGeometry(), w.saveState(), w.windowState(),
                              {name: part.sizes() for name, part in self._splitters().items()})
        w.below.setVisible(not on)
        w.statusBar().setVisible(not on)
        w.splitter.setOrientation(Qt.Orientation.Vertical if on else Qt.Orientation.Horizontal)
        if on:
            for part, stretch in enumerate(PRESENTATION_STRETCH):
                w.splitter.setStretchFactor(part, stretch)
            w.setWindowState(w.windowState() | Qt.WindowState.WindowFullScreen)
            self._split_pending = True  # once the window fills the screen (now, or when the window system says)
            QTimer.singleShot(0, self, self._split_for_presentation)
            return
        self._split_pending = False
        desk, self._desk = self._desk, None
        for part, stretch in enumerate(DESK_STRETCH):
            w.splitter.setStretchFactor(part, stretch)
        # the window takes its geometry back once every part has left presentation (their least
        # sizes in it would hold the window larger), the splitters their sizes once the window has
        # its own size and every part its text size back (or when the window system gives it back)
        self._back = desk
        QTimer.singleShot(0, self, self._put_geometry_back)

    def _put_geometry_back(self) -> None:
        w = self.window
        desk = self._back
        if desk is None or self._desk is not None:  # presentation again meanwhile
            return
        w.setWindowState(desk.state)
        if not desk.state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            w.setGeometry(desk.geometry)
        w.restoreState(desk.bars)
        QTimer.singleShot(0, self, self._put_splitters_back)

    def _split_for_presentation(self) -> None:
        """The diagram PRESENTATION_SPLIT of the height, once the window fills the screen."""
        w = self.window
        screen = w.screen()
        if self._split_pending and screen is not None and w.size() == screen.geometry().size():
            self._split_pending = False
            total = sum(w.splitter.sizes())
            w.splitter.setSizes([round(total * PRESENTATION_SPLIT), total - round(total * PRESENTATION_SPLIT)])

    def _put_splitters_back(self) -> None:
        w = self.window
        desk = self._back
        if desk is not None and w.size() == desk.geometry.size():
            self._back = None
            for name, part in self._splitters().items():
                part.setSizes(desk.sizes[name])

    def desk_state(self) -> tuple[QByteArray, QByteArray]:
        """The window's geometry and toolbars' state out of presentation mode (what the settings
        remember)."""
        if self._desk is not None:
            return self._desk.saved, self._desk.bars
        return self.window.saveGeometry(), self.window.saveState()
