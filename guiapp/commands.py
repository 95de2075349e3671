"""Undo commands: one per kind of edit, each holding the old and the new value.

An edit is made at the start of an iteration (it restarts that iteration). Undo and redo
come back to that iteration as it was when the edit was made, then put the old or the new
value: what was computed after the edit (stepping on, training) was computed from it and
goes with it. Each committed edit is its own undo step, even of the same value in a row:
one Undo takes back exactly one value typed.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from .model import SessionModel, ValueRef


class SetValue(QUndoCommand):
    def __init__(self, model: SessionModel, ref: ValueRef, new: float):
        super().__init__()
        self.model, self.ref = model, ref
        self.old, self.new = model.read(ref), new
        self.bookmark = model.bookmark()
        what = ref.describe(model.session)
        self.setText(f"set {what} to {new!r} (iteration {self.bookmark.iteration:,})")

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)

    def _apply(self, value: float):
        self.model.restore(self.bookmark)
        self.model.write(self.ref, value)


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
