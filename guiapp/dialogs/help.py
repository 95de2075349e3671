"""Help ▸ Keyboard and mouse: the keys and the mouse (`actions.help_text`) in a page that
scrolls, as tall as its text or as the screen allows, whichever is less: on a 700-pixel
screen the whole dialog, title bar included, stays on it."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

SCREEN_SHARE = 0.8  # of the screen's free height and width, at most (the title bar and the desktop's panels take the rest)
TEXT_WIDTH = 56  # the text's width, in widths of "M" of the dialog's font (the key table's rows on one line)


class TextDialog(QDialog):
    """A page of rich text with a Close button; non-blocking (open it with open())."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None, object_name: str = "textDialog"):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.browser = QTextBrowser(objectName="text")
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(self.fitting_size())

    def fitting_size(self, screen: QRect | None = None) -> QSize:
        """As wide as TEXT_WIDTH, as tall as the text; neither more than SCREEN_SHARE of the
        screen's free room (`screen`: the dialog's screen by default; the text scrolls)."""
        screen = (self.parentWidget() or self).screen().availableGeometry() if screen is None else screen
        width = min(self.fontMetrics().horizontalAdvance("M") * TEXT_WIDTH, int(screen.width() * SCREEN_SHARE))
        document = self.browser.document()
        margins = self.layout().contentsMargins()
        frame = 2 * self.browser.frameWidth() + 2 * int(document.documentMargin())
        document.setTextWidth(width - margins.left() - margins.right() - frame)
        buttons = self.layout().itemAt(1).widget().sizeHint().height() + self.layout().spacing()
        height = int(document.size().height()) + frame + buttons + margins.top() + margins.bottom()
        return QSize(width, min(height, int(screen.height() * SCREEN_SHARE)))
