"""What every command shares: the network it reads (a file or a preset), the numbers its options
take (read by engine.network.numbers, bounded), its output paths checked before any work, and a
progress line on a terminal."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from engine.files import presets
from engine.files.atomic import output_path
from engine.files.netfile import NetworkFileError, load
from engine.network.network import Network
from engine.network.numbers import parse_number, whole_number


def _option(parse, name: str):
    """An argparse type that reads an option's text with `parse`: a refusal is its one line."""
    def read(text: str):
        try:
            return parse(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    read.__name__ = name
    return read


WHOLE = _option(whole_number, "whole number")  # an option's count, size or seed: 12, -3
NUMBER = _option(parse_number, "number")  # an option's value: 0.5, 1e-3, 1/2, 0,5


def listed(parse, name: str):
    """An argparse type for a comma-separated list read item by item with `parse`: 2,4,1."""
    def read(text: str) -> list:
        items = []
        for item in text.split(","):
            try:
                items.append(parse(item.strip()))
            except ValueError as e:
                raise argparse.ArgumentTypeError(f"expected a comma-separated list of {name}s: {e}") from None
        return items
    read.__name__ = f"list of {name}s"
    return read


def load_network(spec: str, update_order: str | None = None) -> Network:
    net = load(presets.resolve(spec))
    if update_order:
        net.update_order = update_order
    return net


def output_paths(args, reads: dict[str, str]) -> dict[str, Path]:
    """Where each output goes, checked before any work (engine.files.atomic.output_path): a
    regular file (a symbolic link is written through) in a writable folder, each output its
    own file, none of the files the command reads (`reads`: path -> what it is, as the refusal
    says: "the network file being trained")."""
    paths: dict[str, Path] = {}
    owners: dict[str, str] = {}
    for option in ("trace", "history", "trajectories", "out", "output"):
        given = getattr(args, option, None)
        if given is None:
            continue
        flag = f"--{option}"
        try:
            path = output_path(given, reads)
        except ValueError as e:
            raise NetworkFileError(given or '""', flag, str(e)) from None
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise NetworkFileError(given, flag, f"the folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise NetworkFileError(given, flag, f"the folder {folder} is not writable")
        real = os.path.realpath(path)
        if real in owners:
            raise NetworkFileError(given, flag, f"is also the file of {owners[real]}; give each output its own file")
        owners[real] = flag
        paths[flag] = path
    return paths


class TerminalProgress:
    """A one-line progress report on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=None, unit: str = "iteration", at_least: int = 10_000):
        stream = sys.stderr if stream is None else stream  # the one at the time (a test's capture changes it)
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


def session_at(net: Network, iteration: int | None, doing: str):
    """A session of `net` trained to the start of `iteration` (--iteration; None: the network's
    next one), for explain, export --format notebook and maps; None, said in one line ("iteration
    K cannot be `doing`: ..."), if training diverged before it. NetworkFileError, before any work,
    for an iteration out of range. (The session's modules are imported here, when one is asked for:
    `presets` starts without them.)"""
    from engine.cli.terminal import say
    from engine.session.session import MAX_ITERATIONS, Session, TrainingDiverged

    first = 1 if net.state is None else net.state.iteration
    k = first if iteration is None else iteration
    if not first <= k <= MAX_ITERATIONS:
        raise NetworkFileError("--iteration", "value", f"must be from {first:,} (the network's next iteration) to "
                               f"{MAX_ITERATIONS:,}, found {k:,}")
    session = Session(net)
    try:
        session.run(k - first)
    except TrainingDiverged as e:
        say(f"error: iteration {k:,} cannot be {doing}: {e}", file=sys.stderr)
        return None
    return session
