"""Characters in LaTeX that would otherwise be commands: a formula writer writes each character of
a name in maths with `math_char`, and each character of words in a formula (\\text{…}) with
`text_char`, so that it is shown, never obeyed (% would start a comment, \\ a command, # & $ ^ _ ~
{ } are special)."""
from __future__ import annotations

MATH = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
        "_": r"\_", "^": r"\hat{}", "~": r"\sim "}  # ^ shown as a hat: a power is the writer's own
TEXT = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
        "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def math_char(ch: str) -> str:
    """One character as LaTeX maths shows it; a line break or other unprintable one as a space."""
    if ch in MATH:
        return MATH[ch]
    return ch if ch.isprintable() else " "


def text_char(ch: str) -> str:
    """One character of words in LaTeX text mode (inside \\text{…}), shown as it is."""
    if ch in TEXT:
        return TEXT[ch]
    return ch if ch.isprintable() else " "
