"""Text from a file or a user, made safe to write anywhere: the rules every format's escaper
starts from.

A file can carry a line break in many forms: LF, CR, CRLF, VT, FF, the file, group and record
separators (U+001C–U+001E), NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR (U+2028,
U+2029): `str.splitlines` knows them all (LINE_BREAKS). A control character (ESC, NUL, …), a
format character (a right-to-left override, a zero-width space), a lone surrogate (which no
UTF-8 file can hold) or an unassigned code point is shown by its escape (\\x1b, \\u202e, \\ud800):
it is data to read, not something for a terminal, an editor or a renderer to obey.
"""
from __future__ import annotations

import re

# Every character str.splitlines() breaks a line at (CRLF counts as one break).
LINE_BREAKS = ("\r\n", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
# Patterns that re compiles where first used (and keeps): compiled here, they took 0.9 ms of every command's start
_BREAK = "|".join(map(re.escape, LINE_BREAKS))  # CRLF first: one break
_SPACES = r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"  # tab and the Unicode spaces (Zs)


def printable(text: str, limit: int | None = None) -> str:
    """Text as one line of printable characters: control and other unprintable characters
    escaped (a newline as \\n, an escape as \\x1b), at most `limit` characters (then …)."""
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "…"
    return out


def lines(text: str) -> list[str]:
    """The lines of `text`, split at every line break (LINE_BREAKS), each printable."""
    return [printable(re.sub(_SPACES, " ", line)) for line in str(text).splitlines()]


def one_line(text: str) -> str:
    """Text as one line of printable characters: each line break, tab or other space a space,
    anything else unprintable escaped. What every document shows of a text from outside."""
    text = str(text)
    if text.isprintable():  # the usual case, at once: no line break, tab or control character
        return text
    return printable(re.sub(_SPACES, " ", re.sub(_BREAK, " ", text)))
