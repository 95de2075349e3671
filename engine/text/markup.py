"""Text from a file or a user in HTML and in XML (SVG): character data or an attribute value
that shows the text as it is, never a tag, an entity or a script.

`text` makes it one line of printable characters (`plain.one_line`: a control character, which
XML 1.0 does not allow at all, is shown by its escape) and escapes & < > " ' (html.escape).
"""
from __future__ import annotations

import html

from engine.text.plain import one_line


def text(value: str) -> str:
    """Text for an HTML or XML text node or a quoted attribute value."""
    return html.escape(one_line(value), quote=True)
