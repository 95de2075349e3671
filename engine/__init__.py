"""Backprop Stepper's engine: exact float64 forward pass, backward pass and update of small
networks, every quantity recorded. numpy and the standard library only (tests/test_engine_imports.py).

Its packages are layers, each importing only those before it (tests/test_layers.py):
text, concepts, network, files, record, session, teaching, scripts, cli. Each package's docstring says
what it holds. This module names what most callers need."""
from engine.files.netfile import NetworkFileError, load, loads, save
from engine.network.network import Network, Setup
from engine.files.presets import open_network
from engine.record.quantities import Key
from engine.session.session import Bookmark, Progress, Session, TrainingDiverged

__all__ = [
    "Bookmark", "Key", "Network", "NetworkFileError", "Progress", "Session", "Setup", "TrainingDiverged",
    "load", "loads", "open_network", "save",
]
