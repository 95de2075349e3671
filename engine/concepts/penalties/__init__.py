"""The penalties a network's "regularization" may add to its loss, one module each (`base.Penalty`
says what each one holds); this package is their registry: `PENALTIES` maps the kinds a network
file gives to their classes. Adding one is a module and its line here."""
from __future__ import annotations

from engine.concepts.penalties import l1, l2
from engine.concepts.penalties.base import Penalty, PenaltySlip

MODULES = (l2, l1)
PENALTIES: dict[str, type[Penalty]] = {m.PENALTY.name: m.PENALTY for m in MODULES}

__all__ = ["PENALTIES", "Penalty", "PenaltySlip"]
