"""Backprop Stepper's engine: exact float64 forward pass, backward pass and SGD update of
small networks, every quantity recorded. numpy and the standard library only."""
from .netfile import NetworkFileError, load, loads, save
from .network import Network
from .presets import open_network
from .session import Progress, Session, TrainingDiverged

__all__ = [
    "Network", "NetworkFileError", "Progress", "Session", "TrainingDiverged",
    "load", "loads", "open_network", "save",
]
