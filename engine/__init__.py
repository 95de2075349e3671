"""Backprop Stepper's engine: exact float64 forward pass, backward pass and update of small
networks, every quantity recorded. numpy and the standard library only (tests/project/test_engine_imports.py).

Its packages are layers, each importing only those before it (tests/project/test_layers.py):
text, concepts, network, files, record, session, teaching, scripts, cli. Each package's docstring says
what it holds. This module names what most callers need; each name is imported when first
used (PEP 562), so that a command imports only the modules it needs."""
from __future__ import annotations

import importlib

# The version of Backprop Stepper, in this one place: the wheel's metadata (pyproject.toml reads it),
# `--version` of both commands and Help ▸ About.
__version__ = "0.1.0"
# The two programs an installation gives (pyproject.toml's scripts, the bundle's executables)
WINDOW_PROGRAM, HEADLESS_PROGRAM = "backprop-stepper", "backprop-engine"

_WHERE = {
    "NetworkFileError": "engine.files.netfile", "load": "engine.files.netfile", "loads": "engine.files.netfile",
    "save": "engine.files.netfile", "Network": "engine.network.network", "Setup": "engine.network.network",
    "open_network": "engine.files.presets", "Key": "engine.record.quantities",
    "Bookmark": "engine.session.session", "Progress": "engine.session.session", "Session": "engine.session.session",
    "TrainingDiverged": "engine.session.session",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # the next use finds it without this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
