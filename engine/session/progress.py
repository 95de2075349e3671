"""How far a long piece of work (training, an export, a check) has come: what the engine's
generators yield, so that the window can show it and stop between two slices."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
