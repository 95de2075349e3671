"""The cursor (a part of `session.Session`): the elementary computations of the iteration the session
is at, stepping through them and along the timeline, going to an iteration."""
from __future__ import annotations

import math

import numpy as np

from engine.network import naming
from engine.record.diverged import TrainingDiverged, diagnose
from engine.network.maths import Plan
from engine.network.network import Setup
from engine.record.quantities import Key
from engine.record.steps import build_steps, known_at, known_with, phase_end


class Stepper:
    """The cursor and the moves along the timeline (of a `Session`)."""

    # -- the cursor ---------------------------------------------------------------------
    @property
    def steps(self) -> list[Key]:
        """The computations of an iteration, in the order the stepper walks them."""
        if self._steps is None:
            self._steps = build_steps(self.net, self.layout)
            self._known_at = known_at(self._steps)
        return self._steps

    @property
    def current_step(self) -> Key | None:
        return self.steps[self.cursor] if self.cursor >= 0 else None

    @property
    def phase(self) -> str:
        step = self.current_step
        return step.phase if step else "start"

    def is_known(self, key: Key) -> bool:
        """Has the cursor reached the computation of this value?"""
        self.steps  # noqa: B018 (made on first use, with _known_at)
        n = self._known_at.get(key)
        if n is None:
            mean_of = known_with(self.layout, key)
            n = -1 if mean_of is None else self._known_at.get(mean_of, -1)
        return n <= self.cursor

    def value(self, quantity: str, layer: int, unit: int | None = None, source: int | None = None,
              sample: int | None = None) -> float | None:
        """A value of the current iteration (indices 0-based; sample = position in the
        batch), or None while the cursor has not reached its computation."""
        key = Key(quantity, layer, unit, source, sample)
        if not self.is_known(key):
            return None
        return self.record.value(key)

    def is_updated(self, p: naming.Param) -> bool:
        """Has the cursor passed the update of this parameter?"""
        if self.cursor < 0:
            return False
        new = self._known_at.get(Key(p.kind, p.layer, p.unit, p.source))
        return new is not None and new <= self.cursor

    def parameter_value(self, p: naming.Param) -> float:
        """The value the parameter has at the cursor: the new value once its update is shown."""
        quantity = p.kind if self.is_updated(p) else p.kind + "_before"
        return self.record.value(Key(quantity, p.layer, p.unit, p.source))

    def step(self) -> None:
        if self.cursor + 1 < len(self.steps):
            self.cursor += 1
        else:
            self._advance()
            self.cursor = 0

    def step_back(self) -> bool:
        """One computation back; False if there is nothing left to go back to.

        The mirror of `step`: from the first computation of an iteration it goes to the last
        of the previous one (where `step` from there came from), so "nothing computed yet" is
        passed over; it is reached only when the trace keeps no previous iteration."""
        previous = self.iteration - 1 in self.trace
        if self.cursor > 0 or (self.cursor == 0 and not previous):
            self.cursor -= 1
            return True
        if not previous:
            return False
        self.go_to_iteration(self.iteration - 1)
        self.cursor = len(self.steps) - 1
        return True

    @property
    def latest(self) -> int:
        """The last iteration of the timeline (the one training went on to, or an edit made)."""
        return len(self.history)

    @property
    def first(self) -> int:
        """The first iteration of the timeline the session can go to."""
        return self.trace.first or self.iteration

    def go_to_iteration(self, iteration: int) -> None:
        """Be at `iteration` of the timeline, at its start, exactly as it was computed (with
        the setup it was computed with): nothing is discarded, stepping on follows the
        timeline. A failure (no memory left) leaves the session as it was."""
        if iteration not in self.trace:
            raise IndexError(f"iteration {iteration:,} is not in the timeline ({self.first:,} to {self.latest:,})")
        params, setup = self.trace.start(iteration)
        self.trace.record(iteration)
        self.iteration, self.params = iteration, params
        self._take_setup(setup)
        self.cursor = -1

    def back_to_latest(self) -> None:
        self.go_to_iteration(self.latest)

    def _take_setup(self, setup: Setup) -> None:
        """The setup of the iteration the session is at (its record, a bookmark of it and an
        iteration computed from it all use the same one), with the plan of its update order."""
        if setup is self.net:
            return
        order_changed = setup.update_order != self.net.update_order
        self.net = setup
        self._batches = self._cycle_batches()
        if order_changed:
            self.plan = Plan(setup)
            self._steps, self._known_at = None, {}

    def can_step_back(self) -> bool:
        return self.cursor >= 0 or self.iteration - 1 in self.trace

    def finish_phase(self) -> None:
        if self.cursor == len(self.steps) - 1:
            self.step()
        self.cursor = phase_end(self.steps, self.cursor)

    def finish_iteration(self) -> None:
        if self.cursor == len(self.steps) - 1:
            self._advance()
        self.cursor = len(self.steps) - 1

    def go_to(self, cursor: int) -> None:
        if not -1 <= cursor < len(self.steps):
            raise IndexError(f"no step {cursor} in an iteration of {len(self.steps)} steps")
        self.cursor = cursor

    def _advance(self) -> None:
        """On to the next iteration of the timeline (computed now after the latest), unless
        this one's loss or update is not finite: no NaN or infinity ever reaches the parameters."""
        rec = self.record
        after = rec.params_after()
        if not (math.isfinite(rec.batch_loss) and np.isfinite(after.theta).all()):
            raise TrainingDiverged(self.iteration, rec.batch_loss, diagnose(self.net, rec))
        if self.iteration < self.latest:
            self.go_to_iteration(self.iteration + 1)  # as it was computed (an edit made there included)
            return
        self.params = after
        self.iteration += 1
        self._compute(essential=False)
