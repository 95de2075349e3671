"""The optimizers, one module each (`base.Optimizer` says what each one holds: its settings, what
it keeps and what it only shows, its update as code and as formulas, its mistakes, its script
source); this package is their registry: `OPTIMIZERS` maps the names a network file gives to their
classes, in the order of the modules below. Adding one is a module and its line here.

The registry (`MODULES`, `OPTIMIZERS`, `BUFFERS`, `SETTINGS`) is made when first asked for (PEP 562):
a network that uses the default, as every preset does, is read without importing the others
(`python -m engine presets` starts without them)."""
from __future__ import annotations

from engine.concepts.optimizers import sgd
from engine.concepts.optimizers.base import GRAD, LR, PARAM, Buffer, Optimizer, Ref, Slip, Update
from engine.concepts.setting import Setting

DEFAULT: Optimizer = sgd.OPTIMIZER()  # the worked example's: SGD without momentum


def _registry() -> dict:
    from engine.concepts.optimizers import adam, rmsprop
    modules = (sgd, adam, rmsprop)
    optimizers: dict[str, type[Optimizer]] = {m.OPTIMIZER.name: m.OPTIMIZER for m in modules}
    # every setting any optimizer has, by key, the first of each key (the command line's options)
    settings: dict[str, Setting] = {}
    for o in optimizers.values():
        for s in o.settings:
            settings.setdefault(s.key, s)
    return {"MODULES": modules, "OPTIMIZERS": optimizers, "SETTINGS": settings,
            # every buffer any optimizer may keep or show, by name (the record declares a quantity for each)
            "BUFFERS": {b.name: b for o in optimizers.values() for b in o.declared + o.shows}}


def __getattr__(name: str):
    if name in ("MODULES", "OPTIMIZERS", "BUFFERS", "SETTINGS"):
        globals().update(_registry())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BUFFERS", "DEFAULT", "GRAD", "LR", "OPTIMIZERS", "PARAM", "SETTINGS", "Buffer", "Optimizer", "Ref",
           "Setting", "Slip", "Update"]
