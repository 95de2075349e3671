"""A worked-example document printed to PDF by Qt's own PDF writer (no TeX, no browser).

The engine writes the document as HTML (engine.teaching.doc_html) in the subset of HTML and CSS that
Qt's rich text understands; this module lays it out in a QTextDocument on the A4 pages of a
QPdfWriter (`laid_out`) and paints the pages with their numbers (`paint_page`, `write_pdf`). The
figure, an SVG in a data: URI, is drawn by QtSvg at three times its size so that it stays sharp on
paper.

Lines break between words only, so that a table's column is at least as wide as its longest word
(Qt's default breaks anywhere, and squeezed a column to one letter a line). A table whose columns
do not fit the text's width that way is cut into tables of fewer columns, each repeating the first
(the rows' names); a word longer than a line (a network's name can be) may break anywhere.

The window calls `write_pdf`; the headless command (which never imports Qt) runs this module
as a program: python -m guiapp.pdfdoc IN.html OUT.pdf (status 0, or 2 with one line).
"""
from __future__ import annotations

import base64
import html as _html
import os
import re
import sys

SHARPNESS = 3  # the figure's pixels per logical pixel
MARGIN_MM = 16  # around the text on every side; the page's number is in the bottom margin
ZERO_WIDTH_SPACE = "\u200b"
_IMAGES = re.compile(r'src="(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+))" width="(\d+)" height="(\d+)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _figure_images(doc, text: str) -> None:
    """Each SVG figure of the HTML, drawn and handed to the document under its own data: URI."""
    from PySide6.QtCore import QByteArray, QRectF, QUrl
    from PySide6.QtGui import QImage, QPainter, QTextDocument
    from PySide6.QtSvg import QSvgRenderer

    for uri, data, width, height in _IMAGES.findall(text):
        renderer = QSvgRenderer(QByteArray(base64.b64decode(data)))
        image = QImage(int(width) * SHARPNESS, int(height) * SHARPNESS, QImage.Format.Format_ARGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        try:
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
        finally:
            painter.end()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(uri), image)


def a4_writer(path: str):
    """A QPdfWriter of A4 pages writing to `path`."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)  # the document's frame has them
    return writer


def laid_out(text: str, device):
    """The HTML `text` in a QTextDocument laid out on the pages of `device` (lengths in its pixels)."""
    doc = _document(text)
    cuts = [(table, parts) for table in _tables(doc) if len(parts := _parts(table, device)) > 1]
    for table, parts in reversed(cuts):  # before the layout (each edit of a laid-out document lays it out again)
        _cut(doc, table, parts)
    _paginated(doc, device)
    _break_long_words(doc)
    return doc


def _document(text: str):
    """The HTML `text` in a QTextDocument, not laid out yet."""
    from PySide6.QtGui import QFont, QTextDocument, QTextOption

    doc = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    option = doc.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    _figure_images(doc, text)
    doc.setHtml(text)
    return doc


def _paginated(doc, device):
    """`doc` laid out on the pages of `device`, the text `MARGIN_MM` from each edge."""
    from PySide6.QtCore import QSizeF

    doc.documentLayout().setPaintDevice(device)  # the fonts' metrics and the lengths at the device's resolution
    frame = doc.rootFrame().frameFormat()
    frame.setMargin(MARGIN_MM / 25.4 * 96)  # in pixels of 96 per inch, as every length of the HTML
    doc.rootFrame().setFrameFormat(frame)
    doc.setPageSize(QSizeF(device.width(), device.height()))
    return doc


def _tables(doc) -> list:
    from PySide6.QtGui import QTextTable

    return [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]


def _to_device(doc) -> float:
    """Device pixels per pixel of the HTML (96 per inch)."""
    return doc.documentLayout().paintDevice().logicalDpiX() / 96


def _whole(table):
    """The whole `table` as a QTextDocumentFragment."""
    from PySide6.QtGui import QTextCursor

    cursor = table.cellAt(0, 0).firstCursorPosition()
    cursor.setPosition(table.cellAt(table.rows() - 1, table.columns() - 1).lastPosition(),
                       QTextCursor.MoveMode.KeepAnchor)
    return cursor.selection()


def _parts(table, device) -> list[list[int]]:
    """The columns (after the first) of each table that `table` is to be cut into so that each fits
    the text's width with every column as wide as its longest word: the first column and as many of
    the next as fit. Measured on a page of its own."""
    from PySide6.QtGui import QTextCursor

    if table.columns() < 3:
        return [list(range(1, table.columns()))]
    page = _document("")
    QTextCursor(page).insertFragment(_whole(table))
    _paginated(page, device)
    (alone,) = _tables(page)
    layout, to_device = page.documentLayout(), _to_device(page)
    frame, margin = page.rootFrame().frameFormat(), alone.format().rightMargin() * to_device
    text_left = frame.leftMargin() * to_device
    text_width = page.pageSize().width() - (frame.leftMargin() + frame.rightMargin()) * to_device
    width = layout.frameBoundingRect(alone).width()  # with the table's margins
    if width <= text_width + 1:
        return [list(range(1, table.columns()))]
    # Too wide: Qt gave each column its least width. The left edges of the cells' text measure them.
    lefts = [layout.blockBoundingRect(alone.cellAt(0, c).firstCursorPosition().block()).left()
             for c in range(alone.columns())]
    widths = [b - a for a, b in zip(lefts, lefts[1:] + [text_left + width - margin])]
    room = text_width - (lefts[0] - text_left) - margin
    parts, used = [[]], widths[0]
    for c in range(1, table.columns()):
        if parts[-1] and used + widths[c] > room:
            parts.append([])
            used = widths[0]
        parts[-1].append(c)
        used += widths[c]
    return parts


def _cut(doc, table, parts: list[list[int]]) -> None:
    """`table` followed by copies of itself, one for each part but the first; each keeps the first
    column and its part's columns."""
    from PySide6.QtGui import QTextCursor

    copy, columns = _whole(table), table.columns()
    cursor = QTextCursor(doc)
    for part in reversed(parts[1:]):  # each copy right after the table: the last part's first
        at = table.lastPosition() + 1
        cursor.setPosition(at)
        cursor.insertFragment(copy)
        cursor.setPosition(at + 1)
        _keep(cursor.currentTable(), columns, part)
    _keep(table, columns, parts[0])


def _keep(table, columns: int, part: list[int]) -> None:
    """Only the first column and those of `part` left in `table` (of `columns` columns)."""
    for c in reversed(range(1, columns)):
        if c not in part:
            table.removeColumns(c, 1)


def _break_long_words(doc) -> None:
    """A word wider than the text (lines break between words only) gets a zero-width space after
    each of its letters, so that it breaks where the line ends. (Only outside the tables, whose
    words are the engine's.)"""
    from PySide6.QtCore import QTextBoundaryFinder
    from PySide6.QtGui import QTextCursor

    to_device, frame = _to_device(doc), doc.rootFrame().frameFormat()
    text_width = doc.pageSize().width() - (frame.leftMargin() + frame.rightMargin()) * to_device
    positions = []
    block = doc.begin()
    while block.isValid():
        layout, text, fmt = block.layout(), block.text(), block.blockFormat()
        room = text_width - (fmt.leftMargin() + fmt.rightMargin() + max(fmt.textIndent(), 0)) * to_device
        if layout.minimumWidth() > room and QTextCursor(block).currentTable() is None:
            finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
            for n in range(layout.lineCount()):
                line = layout.lineAt(n)
                if line.naturalTextWidth() <= room:
                    continue
                finder.setPosition(line.textStart())
                end = line.textStart() + line.textLength()
                while (at := finder.toNextBoundary()) != -1 and at < end:
                    if not text[at - 1].isspace() and not text[at].isspace():
                        positions.append(block.position() + at)
        block = block.next()
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()  # one layout after all the insertions
    for at in reversed(positions):
        cursor.setPosition(at)
        cursor.insertText(ZERO_WIDTH_SPACE)
    cursor.endEditBlock()


def paint_page(doc, painter, page: int) -> None:
    """Page `page` (from 0) of the laid-out `doc`, with its number, on the painter (in the device's pixels)."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetricsF, QPalette

    size = doc.pageSize()
    view = QRectF(0, page * size.height(), size.width(), size.height())
    frame = doc.rootFrame().frameFormat()
    scale = _to_device(doc)
    painter.save()
    try:
        painter.translate(0, -view.top())
        painter.setClipRect(view)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = view
        context.palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
        doc.documentLayout().draw(painter, context)
        painter.setClipping(False)
        font = QFont(doc.defaultFont())
        font.setPixelSize(round(font.pointSizeF() * 96 * scale / 72))  # in the layout's pixels, whatever the painter's
        painter.setFont(font)
        number, metrics = str(page + 1), QFontMetricsF(font)
        x = size.width() - frame.rightMargin() * scale - metrics.horizontalAdvance(number)
        y = size.height() - frame.bottomMargin() * scale + metrics.ascent() + 5 * 96 * scale / 72
        painter.drawText(QPointF(x, y + view.top()), number)
    finally:
        painter.restore()


def write_pdf(text: str, path: str) -> int:
    """Print the HTML `text` to a PDF file at `path` (A4); returns the number of pages."""
    from PySide6.QtGui import QPainter

    writer = a4_writer(path)
    title = _TITLE.search(text)
    writer.setTitle(_html.unescape(title.group(1)) if title else "Worked example")
    writer.setCreator("Backprop Stepper")
    doc = laid_out(text, writer)
    painter = QPainter(writer)
    try:
        for page in range(doc.pageCount()):
            if page:
                writer.newPage()
            paint_page(doc, painter, page)
    finally:
        painter.end()
    return doc.pageCount()


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m guiapp.pdfdoc IN.html OUT.pdf", file=sys.stderr)
        return 2
    source, out = args
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        with open(source, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print(f"error: {source}: cannot be read: {e.strerror or e}", file=sys.stderr)
        return 2
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # fonts and images need one
    write_pdf(text, out)
    del app
    if not os.path.isfile(out) or os.path.getsize(out) == 0:
        print(f"error: {out}: Qt wrote no PDF", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
