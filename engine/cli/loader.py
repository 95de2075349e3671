"""What every command shares: the network it reads (a file or a preset), its output paths checked
before any work, and a progress line on a terminal."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from engine.files import presets
from engine.files.atomic import output_path
from engine.files.netfile import NetworkFileError, load
from engine.network.network import Network


def load_network(spec: str, update_order: str | None = None) -> Network:
    net = load(presets.resolve(spec))
    if update_order:
        net.update_order = update_order
    return net


def output_paths(args, network: str, reading: str = "being trained") -> dict[str, Path]:
    """Where each output goes, checked before any work: a regular file (a symbolic link is
    written through) in a writable folder, each output its own file, none the network read
    (the network file `reading`, as the refusal says)."""
    paths: dict[str, Path] = {}
    owners: dict[str, str] = {}
    source = os.path.realpath(network) if os.path.exists(network) else None
    for option in ("trace", "history", "trajectories", "out", "output"):
        given = getattr(args, option, None)
        if not given:
            continue
        flag = f"--{option}"
        try:
            path = output_path(given)
        except ValueError as e:
            raise NetworkFileError(given, flag, str(e)) from None
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise NetworkFileError(given, flag, f"the folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise NetworkFileError(given, flag, f"the folder {folder} is not writable")
        real = os.path.realpath(path)
        if real in owners:
            raise NetworkFileError(given, flag, f"is also the file of {owners[real]}; give each output its own file")
        if real == source:
            raise NetworkFileError(given, flag, f"is the network file {reading}; give another path")
        owners[real] = flag
        paths[flag] = path
    return paths


class TerminalProgress:
    """A one-line progress report on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=sys.stderr, unit: str = "iteration", at_least: int = 10_000):
        self.total, self.stream, self.unit = total, stream, unit
        self.active = stream.isatty() and total >= at_least
        self.started = time.perf_counter()
        self.shown = 0.0

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if self.active and now - self.shown > 0.2:
            self.shown = now
            self.stream.write(f"\r  {self.unit} {done:,} of {self.total:,} ({100 * done / self.total:.0f}%)")
            self.stream.flush()

    def finish(self) -> None:
        if self.active:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
