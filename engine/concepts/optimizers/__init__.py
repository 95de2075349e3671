"""The optimizers, one module each (`base.Optimizer` says what each one holds: its settings, what
it keeps, its update as code and as formulas, its mistakes, its script source); this package is
their registry: `OPTIMIZERS` maps the names a network file gives to their classes, in the order
of the modules below. Adding one is a module and its line here."""
from __future__ import annotations

from engine.concepts.optimizers import sgd
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Setting, Slip, Update

MODULES = (sgd,)
OPTIMIZERS: dict[str, type[Optimizer]] = {m.OPTIMIZER.name: m.OPTIMIZER for m in MODULES}
DEFAULT: Optimizer = sgd.OPTIMIZER()  # the worked example's: SGD without momentum
# every buffer any optimizer may keep, by name (the record declares a quantity for each)
BUFFERS: dict[str, Buffer] = {b.name: b for o in OPTIMIZERS.values() for b in o.declared}

__all__ = ["BUFFERS", "DEFAULT", "GRAD", "LR", "OPTIMIZERS", "PARAM", "Buffer", "Optimizer", "Ref", "Setting",
           "Slip", "Update"]
