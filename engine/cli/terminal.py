"""What the headless command prints, and the statuses it exits with."""
from __future__ import annotations

import os
import sys

# 0 done; 1 a gradient check failed; these; 130 and 128 + N for Ctrl+C and signal N
EXIT_BAD_INPUT, EXIT_DIVERGED, EXIT_WRITE, EXIT_MEMORY = 2, 3, 4, 5


def say(*args, file=None, **kwargs) -> None:
    """print, except that a reader that went away (`... | head`) is not an error: the rest of
    the output goes nowhere and the command finishes its work (its files are still written)."""
    stream = sys.stdout if file is None else file
    try:
        print(*args, file=stream, **kwargs)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # what is still to be printed, and the flush at exit, go nowhere
        os.close(devnull)
