"""Undo commands: one per kind of edit, each holding the old and the new value.

An edit is made at the start of an iteration (it restarts that iteration). Undo and redo
come back to that iteration as it was when the edit was made, then put the old or the new
value: what was computed after the edit (stepping on, training) was computed from it and
goes with it. Repeated edits of the same value in the same iteration merge into one.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from .model import SessionModel, ValueRef

_IDS = {"param": 1, "input": 2, "target": 3, "lr": 4}


class SetValue(QUndoCommand):
    def __init__(self, model: SessionModel, ref: ValueRef, new: float):
        super().__init__()
        self.model, self.ref = model, ref
        self.old, self.new = model.read(ref), new
        self.bookmark = model.bookmark()
        self._retitle()

    def _retitle(self):
        what = self.ref.describe(self.model.session)
        self.setText(f"set {what} to {self.new!r} (iteration {self.bookmark.iteration})")

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)

    def _apply(self, value: float):
        self.model.restore(self.bookmark)
        self.model.write(self.ref, value)

    def id(self) -> int:
        return _IDS[self.ref.kind]

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetValue) or other.ref != self.ref:
            return False
        if other.bookmark.iteration != self.bookmark.iteration:
            return False
        self.new = other.new
        self._retitle()
        return True


class SetParameter(SetValue):
    def __init__(self, model: SessionModel, name: str, new: float):
        super().__init__(model, ValueRef("param", name), new)


class SetInput(SetValue):
    def __init__(self, model: SessionModel, sample: int, unit: int, new: float):
        super().__init__(model, ValueRef("input", (sample, unit)), new)


class SetTarget(SetValue):
    def __init__(self, model: SessionModel, sample: int, unit: int, new: float):
        super().__init__(model, ValueRef("target", (sample, unit)), new)


class SetLearningRate(SetValue):
    def __init__(self, model: SessionModel, new: float):
        super().__init__(model, ValueRef("lr"), new)


def edit_command(model: SessionModel, ref: ValueRef, new: float) -> SetValue:
    if ref.kind == "param":
        return SetParameter(model, ref.key, new)
    if ref.kind == "input":
        return SetInput(model, *ref.key, new)
    if ref.kind == "target":
        return SetTarget(model, *ref.key, new)
    return SetLearningRate(model, new)


class Reset(QUndoCommand):
    """Back to the network as it was opened; undo brings the session back."""

    def __init__(self, model: SessionModel):
        super().__init__("reset to the network as opened")
        self.model = model
        self.before = model.bookmark(whole=True)

    def redo(self):
        self.model.reset()

    def undo(self):
        self.model.restore(self.before)
