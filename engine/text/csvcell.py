"""Text from a file or a user in a CSV file's text cell: one line, and never a formula.

A spreadsheet reads a cell that starts with = + - @ (or a tab or a carriage return) as a
formula, which can run commands (=cmd|' /C calc'!A0) or fetch data: such a cell starts with an
apostrophe instead, unless it is a plain number (-0.5 stays a number). Every line break a file
can carry is a space (`plain.one_line`), so that no reader splits a row.

The practice report's CSV writes its typed answers (and labels) with `text`, the kept runs' CSV
its runs' names (engine.session.runs). The other CSV files (trace, loss history, trajectories,
samples) hold numbers and the engine's own names only: no text from a file or a user reaches them
(tests/engine/teaching/test_generated_text.py checks it).
"""
from __future__ import annotations

import re

from engine.text.plain import one_line

FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def text(value: str) -> str:
    """A text cell's content: one line, never read as a formula."""
    cell = one_line(value)
    if cell.startswith(FORMULA_STARTERS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
