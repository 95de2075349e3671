"""Characters in LaTeX maths that would otherwise be commands: a formula writer that meets a
character it has no rule for writes it with `math_char`, so that it is shown, never obeyed (%
would start a comment, \\ a command, # & $ ^ _ ~ { } are special)."""
from __future__ import annotations

MATH = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
        "_": r"\_", "^": r"\hat{}", "~": r"\sim "}  # ^ shown as a hat: a power is the writer's own


def math_char(ch: str) -> str:
    """One character as LaTeX maths shows it; a line break or other unprintable one as a space."""
    if ch in MATH:
        return MATH[ch]
    return ch if ch.isprintable() else " "
