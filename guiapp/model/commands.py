"""Undo commands: one per kind of edit, each holding the old and the new value.

An edit is made at the start of an iteration (it restarts that iteration, and in a past
iteration starts a new branch: the later iterations are discarded). Undo comes back to that
iteration as it was when the edit was made, with the timeline it had (the discarded
iterations too); redo comes back to it and puts the new value again: what was computed after
the edit (stepping on, training) was computed from it and goes with it. Each committed edit is
its own undo step, even of the same value in a row: one Undo takes back exactly one value typed.

Coming back restores a bookmark: the parameters, setup, loss history and recorded iterations
the session had there, nothing trained again, so it cannot diverge. If it fails all the same
(no memory left), the session is left as it was (`Session.restore` is all or nothing), the
command keeps the error in `failed`, and the window puts the undo stack back where it was
(`step_undo_stack`) and says why.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine import Session, TrainingDiverged

from guiapp.model.session import SessionModel, ValueRef


class Command(QUndoCommand):
    """An undo command whose undo or redo may fail and then changes nothing."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self.failed: Exception | None = None  # why the last undo or redo could not be done
        self.skip = False  # the next undo or redo only moves the stack back: nothing to do

    def redo(self):
        self._guarded(self.do)

    def undo(self):
        self._guarded(self.undo_it)

    def _guarded(self, action) -> None:
        if self.skip:
            self.skip = False
            return
        try:
            action()
        except (TrainingDiverged, MemoryError) as e:
            self.failed = e


def reason(error: Exception) -> str:
    """Why an undo or redo failed, as the message says it."""
    return "there is not enough memory" if isinstance(error, MemoryError) else str(error)


def step_undo_stack(stack: QUndoStack, forward: bool) -> Exception | None:
    """Undo (or redo) one command; if it fails, the stack is put back where it was (the
    session is unchanged) and the reason is returned."""
    if not (stack.canRedo() if forward else stack.canUndo()):
        return None
    command = stack.command(stack.index() if forward else stack.index() - 1)
    (stack.redo if forward else stack.undo)()
    error, command.failed = command.failed, None
    if error is not None:
        command.skip = True
        (stack.undo if forward else stack.redo)()
    return error


class SetValue(Command):
    def __init__(self, model: SessionModel, ref: ValueRef, new: float):
        super().__init__()
        self.model, self.ref = model, ref
        self.old, self.new = model.read(ref), new
        self.bookmark = model.bookmark()
        what = ref.describe(model.session)
        self.setText(f"set {what} to {new!r} (iteration {self.bookmark.iteration:,})")

    def do(self):
        self.model.restore(self.bookmark)
        self.model.write(self.ref, self.new)

    def undo_it(self):
        self.model.restore(self.bookmark)  # the old value, and the iterations the edit discarded


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


class Reset(Command):
    """Back to the network as it was opened; undo brings the session back."""

    def __init__(self, model: SessionModel):
        super().__init__("reset to the network as opened")
        self.model = model
        self.before = model.bookmark(whole=True)

    def do(self):
        self.model.reset()

    def undo_it(self):
        self.model.restore(self.before)


class SetSamples(Command):
    """New samples (the samples table, points by hand), or new test samples if `test`: the
    current iteration computed again with them, or, if they change the number of samples per
    iteration, the session started again at iteration 1. Undo brings the session back as it was."""

    def __init__(self, model: SessionModel, inputs, targets, text: str = "edit the samples", test: bool = False):
        super().__init__(text)
        self.model = model
        self.inputs, self.targets = np.array(inputs, dtype=np.float64), np.array(targets, dtype=np.float64)
        self.test = test
        self.before = model.bookmark()
        self.restarted = False

    def do(self):
        self.model.restore(self.before)
        self.restarted = self.model.set_samples(self.inputs, self.targets, self.test)

    def undo_it(self):
        self.model.restore(self.before)


class ChangeNetwork(Command):
    """Another network in place of this one (New network, Edit structure): a new session,
    at iteration 1, with `runs` as its kept runs (by default the kept runs stay: the same
    document). Undo brings back the previous session as it was (network, loss history,
    recorded iterations, iteration, kept runs); redo the new one at its start."""

    def __init__(self, model: SessionModel, net, source: str, text: str, runs=None):
        super().__init__(text)
        self.model = model
        self.old, self.old_source, self.old_runs = model.session, model.source, model.runs
        self.old_mark = model.bookmark(whole=True)
        self.new, self.new_source = Session(net), source
        self.new_runs = model.runs if runs is None else tuple(runs)

    def do(self):
        self.new.reset()  # redo: at its start again, whatever was done with it before the undo
        self.model.set_session(self.new, self.new_source)
        self.model.set_runs(self.new_runs)

    def undo_it(self):
        self.old.restore(self.old_mark)
        self.model.set_session(self.old, self.old_source)
        self.model.set_runs(self.old_runs)


class SetRuns(Command):
    """Keep a run, or remove kept runs: the document's kept runs before and after; the session
    is left as it is."""

    def __init__(self, model: SessionModel, runs, text: str):
        super().__init__(text)
        self.model, self.old, self.new = model, model.runs, tuple(runs)

    def do(self):
        self.model.set_runs(self.new)

    def undo_it(self):
        self.model.set_runs(self.old)


class SetUpdateOrder(Command):
    """Simultaneous or sequential: the current iteration computed again in that order; undo
    comes back to it as it was."""

    def __init__(self, model: SessionModel, order: str):
        super().__init__(f"update in {order} order (iteration {model.session.iteration:,})")
        self.model, self.order = model, order
        self.bookmark = model.bookmark()

    def do(self):
        self.model.restore(self.bookmark)
        self.model.set_update_order(self.order)

    def undo_it(self):
        self.model.restore(self.bookmark)
