"""Text from a file or a user in a generated Python script: only in comment lines after two
fixed first lines (or, where a script needs the text as a value, in a string literal written
with repr, which escapes every character that could end it or the line).

Python reads a comment on line 1 or 2 that matches ENCODING_DECLARATION as the file's source
encoding (PEP 263): a network named `coding: unicode_escape` on line 1 would have the rest of
the file decoded as unicode_escape, so that a literal \\n in its description became a real line
break and the code after it a line that runs. So every script starts with FIRST_LINE, which
declares UTF-8 (the encoding scripts are written in), and a second line of the writer's own;
the text from outside comes after them, one comment line per line of it, in printable
characters only (`plain.lines`: every form of line break ends a comment line, nothing else can).
"""
from __future__ import annotations

import re
import textwrap

from engine.text.plain import lines

FIRST_LINE = "# -*- coding: utf-8 -*-"
# PEP 263's pattern of an encoding declaration, as Python applies it to lines 1 and 2
ENCODING_DECLARATION = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def comment(text: str, width: int = 100) -> str:
    """Text as comment lines of at most `width` characters (a longer word stays whole), one or
    more per line of the text, in printable characters only."""
    out = []
    for line in lines(text) or [""]:
        wrapped = textwrap.wrap(line, width - 2, break_long_words=False, break_on_hyphens=False) or [""]
        out += [f"# {part}".rstrip() for part in wrapped]
    return "\n".join(out)


def header(second_line: str, *texts: str | None, width: int = 100) -> str:
    """A script's opening comment: FIRST_LINE, `second_line` (the writer's own words, one line
    that names no text from outside), then each of `texts` as comment lines (None: left out)."""
    if "\n" in second_line or len(second_line) > width - 2 or ENCODING_DECLARATION.match("#" + second_line):
        raise ValueError(f"a script's second line must be one line of its writer's own: {second_line!r}")
    return "\n".join([FIRST_LINE, f"# {second_line}"] + [comment(t, width) for t in texts if t is not None])

