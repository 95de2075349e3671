"""A worked-example document printed to PDF by Qt's own PDF writer (no TeX, no browser).

The engine writes the document as HTML (engine.teaching.doc_html) in the subset of HTML and CSS that
Qt's rich text understands; this module lays it out in a QTextDocument on the pages of an A4
QPdfWriter (`laid_out`) and paints the pages with their numbers (`write_pdf`). The figure, an SVG
in a data: URI, is drawn by QtSvg at three times its size so that it stays sharp on paper.

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
WRITER_MARGIN_MM = 16  # the writer's page margins
FRAME_MARGIN_PX = int(2 / 2.54 * 96)  # and 2 cm more around the text (at 96 px per inch), as QTextDocument.print_ adds
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
    writer.setPageMargins(QMarginsF(*(WRITER_MARGIN_MM,) * 4), QPageLayout.Unit.Millimeter)
    return writer


def laid_out(text: str, device):
    """The HTML `text` in a QTextDocument laid out on the pages of `device` (lengths in its pixels)."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QFont, QTextDocument

    doc = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    _figure_images(doc, text)
    doc.setHtml(text)
    doc.documentLayout().setPaintDevice(device)  # the fonts' metrics and the lengths at the device's resolution
    frame = doc.rootFrame().frameFormat()
    frame.setMargin(FRAME_MARGIN_PX)
    doc.rootFrame().setFrameFormat(frame)
    doc.setPageSize(QSizeF(device.width(), device.height()))
    return doc


def paint_page(doc, painter, page: int) -> None:
    """Page `page` (from 0) of the laid-out `doc`, with its number, on the painter (in the device's pixels)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPalette

    size = doc.pageSize()
    view = QRectF(0, page * size.height(), size.width(), size.height())
    scale = doc.documentLayout().paintDevice().logicalDpiY() / 96
    painter.save()
    try:
        painter.translate(0, -view.top())
        painter.setClipRect(view)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = view
        context.palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
        doc.documentLayout().draw(painter, context)
        painter.setClipping(False)
        painter.setFont(QFont(doc.defaultFont()))
        number = str(page + 1)
        x = size.width() - FRAME_MARGIN_PX * scale - painter.fontMetrics().horizontalAdvance(number)
        y = size.height() - FRAME_MARGIN_PX * scale + painter.fontMetrics().ascent() + 5 * 96 * scale / 72
        painter.drawText(round(x), round(y + view.top()), number)
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
