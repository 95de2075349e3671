"""The worked example of an iteration as a file: Markdown, HTML, or PDF (made from the HTML).

`write_steps` builds the document (`document`), writes it in the format asked for and hands
the text to `save`, yielding progress between the stages, so that the window can run it as a
job and the headless command straight through. A PDF is made from the HTML by Qt
(`guiapp.pdfdoc`): the engine never imports Qt, so `save` is given by the caller (the window
calls the converter itself, the headless command runs it as a program: `pdf_command`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterator

from engine.teaching import doc_html, doc_markdown, document
from engine.record.layout import Record
from engine.network.network import Setup
from engine.session.progress import Progress

FORMATS = {"md": "Markdown with LaTeX maths", "html": "one self-contained HTML file", "pdf": "PDF (made by Qt)"}
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
DIGITS = (3, 17)  # the window's range of significant digits
CONVERTER = "guiapp.pdfdoc"  # python -m guiapp.pdfdoc IN.html OUT.pdf


def format_of(path: str | os.PathLike) -> str | None:
    """The format a file name asks for by its suffix, or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def text_of(doc: document.Document, fmt: str) -> str:
    """The document as Markdown, or as HTML (also for a PDF, which is printed from it)."""
    return doc_markdown.render(doc) if fmt == "md" else doc_html.render(doc)


def write_steps(net: Setup, rec: Record, digits: int, fmt: str, save: Callable[[str], None]) -> Iterator[Progress]:
    """Build the document of `rec`, write it in `fmt` and `save` the text; yields progress."""
    doc = document.build(net, rec, digits)
    yield Progress(1, 3)
    text = text_of(doc, fmt)
    yield Progress(2, 3)
    save(text)
    yield Progress(3, 3)


def pdf_command(html_path: str, pdf_path: str) -> tuple[list[str], dict]:
    """The command (and its environment) that prints an HTML file to PDF with Qt, off screen,
    with the guiapp package that lies beside this engine: python -m guiapp.pdfdoc IN OUT. In a
    bundle (tools/bundle.py: `sys.frozen`) there is no python: its window program, beside this
    one, takes the same arguments (guiapp/__main__.py)."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    program = sys.executable
    if getattr(sys, "frozen", False):
        from engine import WINDOW_PROGRAM

        here = Path(sys.executable)
        program = str(here.with_name(WINDOW_PROGRAM + here.suffix))
    else:
        root = str(Path(__file__).resolve().parents[2])  # the folder that holds engine/ and guiapp/
        env["PYTHONPATH"] = os.pathsep.join([root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return [program, "-m", CONVERTER, html_path, pdf_path], env
