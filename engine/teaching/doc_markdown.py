"""A worked-example document (`document.Document`) as Markdown with LaTeX maths.

Formulas are `$…$` inline and `$$…$$` displays (aligned: symbols, then numbers, then the
result), which GitHub, Jupyter and pandoc render; the figure is an image with a data: URI (the
document is one file). Text, the network file's (its name and description) and the document's
own, is written by engine.text.markdown: one line, never read as markup or maths.
"""
from __future__ import annotations

import base64

from engine.concepts import render as typeset
from engine.concepts.tokens import Sum, Token, terms
from engine.teaching.blocks import Block, Derivation, Document, Figure, Heading, Math, Paragraph, Table
from engine.text.markdown import text as escape

TERMS_PER_LINE = 4  # a long sum breaks after this many terms


def inline(parts) -> str:
    return "".join(typeset.markdown(p.token, p.fmt) if isinstance(p, Math) else escape(p) for p in parts)


def split_terms(token: Token, per: int = TERMS_PER_LINE) -> list[Token]:
    """A formula cut into lines of at most `per` terms of its outermost sum."""
    parts = terms(token)
    if len(parts) <= per + 1:
        return [token]
    return [Sum(tuple(parts[k : k + per])) if len(parts[k : k + per]) > 1 else parts[k]
            for k in range(0, len(parts), per)]


def derivation(d: Derivation) -> str:
    rows = []
    for n, step in enumerate(d.steps):
        for m, piece in enumerate(split_terms(step)):
            lead = (typeset.latex(d.lhs, d.fmt) + " &= ") if n == 0 and m == 0 else "&= " if m == 0 else r"&\quad + "
            rows.append(lead + typeset.latex(piece, d.fmt))
    if not rows:
        rows = [typeset.latex(d.lhs, d.fmt)]
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"


def table(t: Table) -> str:
    def cell(c) -> str:
        return inline((c,)) if c != "" else " "

    lines = ["| " + " | ".join(cell(c) for c in t.head) + " |"]
    aligns = t.numeric or (False,) * len(t.head)
    lines.append("|" + "|".join("---:" if right else "---" for right in aligns) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in t.rows]
    return "\n".join(lines)


def svg_base64(f: Figure) -> str:
    return base64.b64encode(f.svg.encode("utf-8")).decode("ascii")


def figure(f: Figure, src: str | None = None) -> str:
    """The figure as an image (a data: URI, or `src`: a notebook's attachment:NAME) and its caption."""
    src = src or f"data:image/svg+xml;base64,{svg_base64(f)}"
    return f"![The network]({src})\n\n*{escape(f.caption)}*"


def block(b: Block) -> str:
    """One block as Markdown (no line break before or after it)."""
    if isinstance(b, Heading):
        return "#" * b.level + " " + escape(b.text)
    if isinstance(b, Paragraph):
        return ("> " if b.note else "") + inline(b.parts)
    if isinstance(b, Derivation):
        return derivation(b)
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Figure):
        return figure(b)
    raise TypeError(f"not a block: {b!r}")


def title(doc: Document) -> str:
    return f"# {escape(doc.title)}"


def render(doc: Document) -> str:
    return "\n\n".join([title(doc)] + [block(b) for b in doc.blocks]) + "\n"
