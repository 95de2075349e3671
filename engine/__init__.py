"""Backprop Stepper's engine: exact float64 forward pass, backward pass and SGD update of
small networks, every quantity recorded. numpy and the standard library only."""
from .netfile import NetworkFileError, load, loads, save
from .network import Network, Setup
from .presets import open_network
from .quantities import Key
from .session import Bookmark, Progress, Session, TrainingDiverged

__all__ = [
    "Bookmark", "Key", "Network", "NetworkFileError", "Progress", "Session", "Setup", "TrainingDiverged",
    "load", "loads", "open_network", "save",
]
