"""The loss functions, one module each (`base.Loss` says what each one holds); this package is
their registry: `LOSSES` maps the network file's names to them, in the order of the modules
below (the order messages and the window list them). Adding one is a module and its line here."""
from __future__ import annotations

from engine.concepts.losses import bce, cross_entropy, half_sse, mse
from engine.concepts.losses.base import Fused, Loss

MODULES = (half_sse, mse, bce, cross_entropy)
LOSSES: dict[str, Loss] = {m.LOSS.name: m.LOSS for m in MODULES}
DEFAULT = half_sse.LOSS  # the worked example's
# δ in one piece, by (output activation, loss): each owned by its loss
FUSED: dict[tuple[str, str], Fused] = {(l.fused.activation.name, l.name): l.fused for l in LOSSES.values()
                                       if l.fused is not None}

__all__ = ["DEFAULT", "FUSED", "LOSSES", "Fused", "Loss"]
