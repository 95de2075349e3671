"""The optimizers, one module each (`base.Optimizer` says what each one holds: its settings, what
it keeps and what it only shows, its update as code and as formulas, its mistakes, its script
source); this package is their registry: `OPTIMIZERS` maps the names a network file gives to their
classes, in the order of the modules below. Adding one is a module and its line here."""
from __future__ import annotations

from engine.concepts.optimizers import adam, rmsprop, sgd
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Slip, Update
from engine.concepts.setting import Setting

MODULES = (sgd, adam, rmsprop)
OPTIMIZERS: dict[str, type[Optimizer]] = {m.OPTIMIZER.name: m.OPTIMIZER for m in MODULES}
DEFAULT: Optimizer = sgd.OPTIMIZER()  # the worked example's: SGD without momentum
# every buffer any optimizer may keep or show, by name (the record declares a quantity for each)
BUFFERS: dict[str, Buffer] = {b.name: b for o in OPTIMIZERS.values() for b in o.declared + o.shows}
# every setting any optimizer has, by key, the first of each key (the command line's options)
SETTINGS: dict[str, Setting] = {}
for _o in OPTIMIZERS.values():
    for _s in _o.settings:
        SETTINGS.setdefault(_s.key, _s)

__all__ = ["BUFFERS", "DEFAULT", "GRAD", "LR", "OPTIMIZERS", "PARAM", "SETTINGS", "Buffer", "Optimizer", "Ref",
           "Setting", "Slip", "Update"]
