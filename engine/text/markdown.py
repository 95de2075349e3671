"""Text from a file or a user in Markdown (CommonMark and GitHub's, pandoc's and Jupyter's
dialects), shown as it is, never read as markup or maths.

`text` makes it one line (`plain.one_line`: no line break of any form can end a paragraph or
start a block), collapses each run of spaces to one (four at the start of a block would start
code), and puts a backslash before every character that is markup somewhere within a line
(INLINE: emphasis, code, links and images, raw HTML, entities, maths, table cells,
strikethrough, pandoc's superscripts, citations and attributes) and before the first character
where, at the start of a block, it would start one (a list item - + 1. 1), a thematic break, a
pandoc title; not the sign of a number such as -0.5, nor 0.5). CommonMark shows a backslash
before any ASCII punctuation as that character alone. A bare URL stays text, though GitHub's
renderer makes a link of it.
"""
from __future__ import annotations

import re

from engine.text.plain import one_line

INLINE = re.compile(r"([\\`*_\[\]<>&$~|#{}^@])")
# at the start of a block: a list item (- + or 1. 1) and a space), a thematic break (---), a pandoc title (%)
_BLOCK_START = re.compile(r"^( ?)(?:([-+=%])(?![\d.])|(\d{1,9})([.)])(?= |$))")
_SPACES = re.compile(r"  +")


def text(value: str) -> str:
    """Plain text that Markdown shows as it is, on one line, wherever it is put in a line (a
    paragraph, a heading, a table cell, emphasis)."""
    escaped = INLINE.sub(r"\\\1", _SPACES.sub(" ", one_line(value)))
    return _BLOCK_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else
                                                    m.group(3) + "\\" + m.group(4)), escaped, count=1)
