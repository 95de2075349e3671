"""The document: the engine's Session behind a QObject that says when it changed.

Views read everything from `model.session` (the engine) and listen to the signals; user
actions come back here (or through undo commands that call `write`). Nothing is computed here.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from engine import Network, Session, TrainingDiverged


@dataclass(frozen=True)
class ValueRef:
    """An editable value: a parameter ('param', name), an input or a target ('input' or
    'target', (sample, unit), 0-based), or the learning rate ('lr', None)."""

    kind: str
    key: object = None

    def describe(self, session: Session) -> str:
        if self.kind == "param":
            return self.key
        if self.kind == "lr":
            return "the learning rate η"
        sample, unit = self.key
        layer = 0 if self.kind == "input" else session.net.depth
        name = session.net.unit_name(layer, unit)
        what = name if self.kind == "input" else f"target_{name}"
        return what + (f" of sample {sample + 1}" if session.net.n_samples > 1 else "")


class SessionModel(QObject):
    changed = Signal()  # cursor moved or the current iteration was recomputed
    networkReplaced = Signal()  # another network (maybe another shape) was opened
    problem = Signal(str)  # something the user must be told (the loss became NaN ...)

    def __init__(self, net: Network, source: str = "", parent=None):
        super().__init__(parent)
        self.session = Session(net)
        self.source = source  # the file or preset it came from
        self.busy = False  # training or exporting: no stepping or editing

    # -- opening ----------------------------------------------------------------------------
    def replace(self, net: Network, source: str) -> None:
        self.session = Session(net)
        self.source = source
        self.networkReplaced.emit()
        self.changed.emit()

    # -- stepping ---------------------------------------------------------------------------
    def _move(self, action) -> None:
        try:
            action()
        except TrainingDiverged as e:
            self.problem.emit(str(e))
        self.changed.emit()

    def step(self):
        self._move(self.session.step)

    def step_back(self):
        self._move(self.session.step_back)

    def finish_phase(self):
        self._move(self.session.finish_phase)

    def finish_iteration(self):
        self._move(self.session.finish_iteration)

    def go_to(self, cursor: int):
        self._move(lambda: self.session.go_to(cursor))

    def at_last_step(self) -> bool:
        return self.session.cursor == len(self.session.steps) - 1

    # -- values and edits ---------------------------------------------------------------------
    def read(self, ref: ValueRef) -> float:
        s = self.session
        if ref.kind == "param":
            return s.start_value(s.parameter(ref.key))
        if ref.kind == "input":
            return float(s.net.inputs[ref.key])
        if ref.kind == "target":
            return float(s.net.targets[ref.key])
        return float(s.net.learning_rate)

    def write(self, ref: ValueRef, value: float) -> None:
        s = self.session
        if ref.kind == "param":
            s.set_parameter(s.parameter(ref.key), value)
        elif ref.kind == "input":
            s.set_input(*ref.key, value)
        elif ref.kind == "target":
            s.set_target(*ref.key, value)
        else:
            s.set_learning_rate(value)
        self.changed.emit()

    def bookmark(self, whole: bool = False):
        """Where the current iteration starts: what an undo command returns to."""
        return self.session.bookmark(whole)

    def restore(self, bookmark) -> None:
        self.session.restore(bookmark)
        self.changed.emit()

    # -- reset ----------------------------------------------------------------------------
    def reset(self) -> None:
        self.session.reset()
        self.changed.emit()

