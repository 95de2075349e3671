"""The input features as chips over the diagram (View ▸ Input features), Playground's way: one
chip per feature the samples' raw inputs offer (x1, x2, x1², x2², x1·x2, sin(x1), …, in the
order `engine.concepts.features.palette` lists them), lit where the input layer has it. A
click turns it on or off: the window builds the network with that input layer (the other
inputs' weights kept), iteration 1 again, one undo step (`NetworkMenu.toggle_feature`).

The chips follow the network (another network, an undo) and are off while Edit structure
is (a job runs). More than MAX_CHIPS features (5 raw inputs or more) are not offered as chips:
the bar says to type them in Edit structure.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy, QToolButton, QWidget

from engine.concepts import features

from guiapp.model.session import SessionModel

MAX_CHIPS = 24  # 4 raw inputs offer 22


def chip_style(palette: QPalette) -> str:
    """A chip: a rounded outline halfway between the text's colour and the window's (seen on a
    light and a dark desktop alike), filled with the highlight where it is on."""
    text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    border = QColor((text.red() + window.red()) // 2, (text.green() + window.green()) // 2,
                    (text.blue() + window.blue()) // 2).name()
    return (f"QToolButton {{ border: 1px solid {border}; border-radius: 8px; padding: 1px 7px; }}"
            "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); "
            "border-color: palette(highlight); }")


class FlowLayout(QLayout):
    """Its widgets in rows, left to right, wrapping to the next row where the width ends (Qt's
    flow layout example): the chips never make the window wider."""

    def __init__(self, parent=None, spacing: int = 4):
        super().__init__(parent)
        self._items = []
        self.setSpacing(spacing)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in `rect` (or only measure): the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row = area.x(), area.y(), 0
        gap = self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            hint.setWidth(min(hint.width(), area.width()))  # a long note wraps to the width
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, row = area.x(), y + row + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            row = max(row, hint.height())
        return y + row - rect.y() + m.bottom()


class FeatureBar(QWidget):
    def __init__(self, model: SessionModel, toggle: Callable[[features.Feature], None], parent=None):
        super().__init__(parent, objectName="featureBar")
        self.model, self.toggle = model, toggle
        self.chips: dict[str, QToolButton] = {}  # by the feature's spelling (x1^2)
        self._offered: tuple = ()  # the features the chips are of
        self._raw = 0  # for this many raw inputs
        self.chip_row = row = FlowLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.title = QLabel("Input features:")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setToolTip("Click a feature to make it an input unit, or to take it away; the network starts "
                              "again at iteration 1 (Undo brings back the previous inputs)")
        row.addWidget(self.title)
        self.note = QLabel()  # instead of chips, for more than MAX_CHIPS
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        row.addWidget(self.note)
        model.networkReplaced.connect(self.follow)
        model.changed.connect(self.follow)
        self.follow()

    @staticmethod
    def offered(n: int) -> tuple:
        """The features the chips offer for n raw inputs (none past MAX_CHIPS: counted first,
        the palette of 256 raw inputs has 33,408)."""
        return features.palette(n) if 4 * n + n * (n - 1) // 2 <= MAX_CHIPS else ()

    def follow(self, *_) -> None:
        """Chips for the network's raw inputs, lit where its input layer has the feature."""
        net = self.model.session.net
        n = net.raw_width
        if n != self._raw:  # (the model changes at every step: the chips are made once per width)
            self._build(self.offered(n))
            self._raw = n
        offered = self._offered
        self.note.setText("" if offered else
                          f"the samples have {n} raw inputs: type the features in Network ▸ Edit structure")
        self.note.setVisible(not offered)
        on = {f.key() for f in net.features or features.plain(n)}
        for f in offered:
            chip = self.chips[f.spelling]
            chip.blockSignals(True)
            chip.setChecked(f.key() in on)
            chip.blockSignals(False)

    def _build(self, offered: tuple) -> None:
        for chip in self.chips.values():
            self.chip_row.removeWidget(chip)
            chip.deleteLater()
        self.chips = {}
        for f in offered:
            chip = QToolButton(objectName=f"feature:{f.spelling}")
            chip.setText(f.text)  # plain text: a tool button shows no markup
            chip.setCheckable(True)
            chip.setStyleSheet(chip_style(self.palette()))
            chip.setToolTip(f"{f.text} as an input unit (click: on or off; undoable)")
            chip.clicked.connect(lambda checked=False, f=f: self._clicked(f))
            self.chip_row.addWidget(chip)
            self.chips[f.spelling] = chip
        self.chip_row.removeWidget(self.note)  # the note, if shown, after the title
        self.chip_row.addWidget(self.note)
        self._offered = offered

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # a light or dark desktop
            for chip in self.chips.values():
                chip.setStyleSheet(chip_style(self.palette()))

    def _clicked(self, feature: features.Feature) -> None:
        self.toggle(feature)
        self.follow()  # refused (the last input): the chip shows the network's input layer again
