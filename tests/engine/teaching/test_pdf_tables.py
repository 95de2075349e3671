"""The PDF worked example's tables fit the page with readable columns (issue 17, section 5 item 5).

The document is laid out as guiapp.pdfdoc prints it (`laid_out` on an A4 QPdfWriter) and its pages
are painted into images as `write_pdf` paints them: nothing may be drawn in the left and right
margins, no line in a table's cell may start inside a word (the first column of the article's tables
came out as "n/e/t/h/1"), and a table too wide for the page keeps every value beside its row's and its
column's names. Qt alone: no poppler, no browser.
"""
from __future__ import annotations

from collections import Counter

import pytest

from engine import Session, open_network
from engine.teaching import document, explain
from tests.helpers import ROOT, write_network

DEEP = {"layers": [2, 3, 3, 3, 2], "activations": ["tanh", "leaky_relu", "sigmoid", "linear"], "loss": "mse",
        "seed": 3, "optimizer": {"learning_rate": 0.2, "momentum": 0.5}, "batch_size": 1,
        "samples": [{"input": [0.5, -1.0], "target": [0.2, 0.7]}, {"input": [-0.3, 0.8], "target": [0.9, 0.1]}]}
WIDE = {"layers": [16, 2, 12], "activations": ["tanh", "sigmoid"], "loss": "mse", "seed": 5,  # 70 parameters
        "optimizer": {"learning_rate": 0.1}, "batch_size": 3,
        "samples": [{"input": [round(-0.37 * (k + 1) * (i + 1) ** 0.5, 4) for i in range(16)],
                     "target": [((k + j) % 3) / 2 for j in range(12)]} for k in range(3)]}
LONG_NAME = dict(DEEP, name="W" * 300, description="A description holding one unbroken word: " + "m" * 400)

CASES = {  # name: (network, iteration, digits)
    "mazur": ("mazur", 1, 9),
    "softmax": ("softmax", 2, 6),
    "xor": ("xor", 3, 9),
    "deep, 17 digits": (DEEP, 2, 17),
    "16 inputs and 12 outputs, 17 digits": (WIDE, 1, 17),
    "spiral 2-64-64-3, shortened": (str(ROOT / "tests" / "data" / "spiral-2-64-64-3.json"), 1, 9),
    "a 300-letter name": (LONG_NAME, 1, 9),
}
RENDER_DPI = 100  # the pages are painted at this resolution for the margin check
SLACK = 2  # pixels of the margin a letter's antialiased edge may touch


def html_of(tmp_path, network, iteration: int, digits: int) -> str:
    """The worked example of `iteration` as the PDF is printed from it."""
    source = str(write_network(tmp_path / "net.json", network)) if isinstance(network, dict) else network
    session = Session(open_network(source))
    session.run(iteration - 1)
    return explain.text_of(document.build(session.net, session.record, digits), "pdf")


def tables(frame):
    from PySide6.QtGui import QTextTable

    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            yield child
        yield from tables(child)


def cell_blocks(table, row: int, column: int):
    cell = table.cellAt(row, column)
    block, last = cell.firstCursorPosition().block(), cell.lastCursorPosition().block()
    while block.isValid():
        yield block
        if block == last:
            break
        block = block.next()


def cell_text(table, row: int, column: int) -> str:
    return "\n".join(b.text() for b in cell_blocks(table, row, column)).replace("\u200b", "")


def broken_words(doc) -> list[str]:
    """Each line of a table's cell that starts where Unicode allows no line break (inside a word)."""
    from PySide6.QtCore import QTextBoundaryFinder

    found = []
    for table in tables(doc.rootFrame()):
        for row in range(table.rows()):
            for column in range(table.columns()):
                for block in cell_blocks(table, row, column):
                    layout, text = block.layout(), block.text()
                    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
                    for n in range(1, layout.lineCount()):
                        start = layout.lineAt(n).textStart()
                        finder.setPosition(start)
                        if not finder.isAtBoundary():
                            found.append(f"{text[:start]}|{text[start:]}")
    return found


def entries(doc) -> Counter:
    """(the row's first cell, the column's first cell, the cell) for every cell of every table."""
    out = Counter()
    for table in tables(doc.rootFrame()):
        for row in range(table.rows()):
            for column in range(1, table.columns()):
                out[(cell_text(table, row, 0), cell_text(table, 0, column), cell_text(table, row, column))] += 1
    return out


def ink_in_margins(doc) -> list[str]:
    """Each page whose left or right margin has anything painted in it, as painted by pdfdoc."""
    from PySide6.QtGui import QImage, QPainter

    from guiapp import pdfdoc

    device = doc.documentLayout().paintDevice()
    scale = RENDER_DPI / device.logicalDpiX()
    frame, to_device = doc.rootFrame().frameFormat(), device.logicalDpiX() / 96
    width, height = doc.pageSize().width() * scale, doc.pageSize().height() * scale
    left = frame.leftMargin() * to_device * scale - SLACK
    right = width - frame.rightMargin() * to_device * scale + SLACK
    found = []
    for page in range(doc.pageCount()):
        image = QImage(int(width), int(height), QImage.Format.Format_RGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        try:
            painter.scale(scale, scale)
            pdfdoc.paint_page(doc, painter, page)
        finally:
            painter.end()
        for side, start, end in (("left", 0, int(left)), ("right", int(right) + 1, image.width())):
            strip = image.copy(start, 0, end - start, image.height())
            blank = QImage(strip.size(), strip.format())
            blank.fill(0xFFFFFFFF)
            if strip != blank:
                found.append(f"page {page + 1}, {side} margin")
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_every_table_fits_the_page_with_readable_columns(qapp, tmp_path, case):
    from PySide6.QtGui import QTextDocument

    from guiapp import pdfdoc

    text = html_of(tmp_path, *CASES[case])
    doc = pdfdoc.laid_out(text, pdfdoc.a4_writer(str(tmp_path / "unused.pdf")))
    assert doc.pageCount() > 1
    problems = {"painted in a margin": ink_in_margins(doc), "a cell's line starts inside a word": broken_words(doc)[:5]}
    assert problems == {"painted in a margin": [], "a cell's line starts inside a word": []}
    written = QTextDocument()
    written.setHtml(text)  # the tables as the HTML writes them
    assert entries(doc) == entries(written)
