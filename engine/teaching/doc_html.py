"""A worked-example document (`document.Document`) as one self-contained HTML file.

Nothing is fetched: no script, no font, no style sheet from elsewhere; the figure is an SVG
image in a data: URI. Maths is plain HTML with sub- and superscripts (`engine.concepts.render.html`), and
the markup keeps to what Qt's rich text understands too (tables, paragraphs, a style sheet of
simple rules), so that guiapp.pdfdoc prints this same HTML to PDF. Text, the network file's (its
name and description) and the document's own, is written by engine.text.markup: one line, shown
as it is.
"""
from __future__ import annotations

import base64
import re

from engine.concepts import render as typeset
from engine.teaching.blocks import Derivation, Document, Figure, Heading, Math, Paragraph, Table
from engine.text.markup import text as escape

PAGE_WIDTH = 600  # px: the widest figure, so that it fits an A4 page's text width when printed

STYLE = """
html { font-size: 11pt; max-width: 52em; margin: 2em auto; padding: 0 1em; }  /* in a browser; Qt gives a body's margins to each of its blocks */
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; font-size: 11pt; color: #1a1a1a; margin: 0;
       line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 0.4em 0; }
h2 { font-size: 15pt; margin: 1.4em 0 0.3em 0; color: #0b4f7c; border-bottom: 1px solid #c8d8e4; }
h3 { font-size: 12.5pt; margin: 1.1em 0 0.2em 0; color: #0b4f7c; }
p { margin: 0.45em 0; }
p.note { background-color: #f3f6f9; color: #333333; padding: 4px 8px; font-size: 10pt; }
table.eq { margin: 2px 0 2px 0; border-collapse: collapse; }
table.eq td { padding: 1px 4px 1px 0; vertical-align: top; }
td.lhs { text-align: right; white-space: nowrap; }
table.data { border-collapse: collapse; margin: 0.5em 0 0.8em 0; font-size: 10pt; }
table.data th { background-color: #e8eef3; text-align: left; padding: 3px 8px; border: 1px solid #c8d0d8; }
table.data td { padding: 2px 8px; border: 1px solid #d8dde2; }
td.num { text-align: right; white-space: nowrap; font-size: 9.5pt;
         font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
p.caption { font-size: 9.5pt; color: #555555; }
p.figure { line-height: 100%; margin: 1em 0 0.2em 0; }
img { max-width: 100%; height: auto; }
"""


def inline(parts) -> str:
    return "".join(typeset.html(p.token, p.fmt) if isinstance(p, Math) else escape(p) for p in parts)


def derivation(d: Derivation) -> str:
    indent = 28 * d.depth
    rows = []
    steps = d.steps or (None,)
    for n, step in enumerate(steps):
        lhs = typeset.html(d.lhs, d.fmt) if n == 0 else ""
        right = "" if step is None else "= " + typeset.html(step, d.fmt)
        rows.append(f'<tr><td class="lhs">{lhs}</td><td>{right}</td></tr>')
    return f'<table class="eq" style="margin-left: {indent}px">' + "".join(rows) + "</table>"


def table(t: Table) -> str:
    numeric = t.numeric or (False,) * len(t.head)
    head = "".join(f"<th>{inline((c,))}</th>" for c in t.head)
    rows = []
    for row in t.rows:
        cells = "".join(f'<td class="num" align="right" nowrap>{inline((c,))}</td>' if right else f"<td>{inline((c,))}</td>"
                        for c, right in zip(row, numeric))
        rows.append(f"<tr>{cells}</tr>")
    return (f'<table class="data" cellspacing="0" cellpadding="3"><thead><tr>{head}</tr></thead>'  # printed again on each page
            f'<tbody>{"".join(rows)}</tbody></table>')


def _size(svg: str) -> tuple[float, float]:
    m = re.search(r'width="([\d.]+)" height="([\d.]+)"', svg)
    return float(m.group(1)), float(m.group(2))


def figure(f: Figure) -> str:
    data = base64.b64encode(f.svg.encode("utf-8")).decode("ascii")
    w, h = _size(f.svg)
    scale = min(1.0, PAGE_WIDTH / w)
    return (f'<p class="figure" style="line-height: 100%"><img src="data:image/svg+xml;base64,{data}" width="{w * scale:.0f}" height="{h * scale:.0f}" '
            f'alt="The network"></p><p class="caption">{escape(f.caption)}</p>')


def render(doc: Document) -> str:
    body = [f"<h1>{escape(doc.title)}</h1>"]
    for b in doc.blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{escape(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            body.append(f'<p class="note">{inline(b.parts)}</p>' if b.note else f"<p>{inline(b.parts)}</p>")
        elif isinstance(b, Derivation):
            body.append(derivation(b))
        elif isinstance(b, Table):
            body.append(table(b))
        elif isinstance(b, Figure):
            body.append(figure(b))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(doc.title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
