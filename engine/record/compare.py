"""Comparing two iterations: each value's change (Δ) since a reference iteration.

A `Comparison` holds the reference iteration's record (its own copy): the change of a weight
or bias is the value shown now (before its update, or after it once the stepper has shown
it) minus the value it had as the reference iteration started; the change of a unit's value
is taken for the same sample, when the reference's batch had it too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import naming
from engine.record.layout import Record
from engine.record.quantities import Key


@dataclass(frozen=True)
class Comparison:
    iteration: int
    record: Record

    @classmethod
    def of(cls, session, iteration: int) -> "Comparison":
        """Compare with `iteration` of the session's timeline, as it was computed."""
        rec = session.trace.record(iteration)
        if rec is None:
            raise IndexError(f"iteration {iteration:,} is not in the timeline")
        return cls(iteration, Record(rec.layout, rec.row.copy()))

    def still_in(self, session) -> bool:
        """Is the reference still an iteration of the session's timeline, as it was?"""
        if self.iteration not in session.trace or session.layout.keys != self.record.layout.keys:
            return False
        params, _ = session.trace.start(self.iteration)
        return params.theta.tobytes() == self.record["theta_before", 0].tobytes()

    def start_value(self, p: naming.Param) -> float:
        """The parameter's value as the reference iteration started."""
        return self.record.value(Key(p.kind + "_before", p.layer, p.unit, p.source))

    def parameter(self, session, p: naming.Param) -> float:
        """Δ of a weight or bias: its value shown now minus its value at the reference."""
        return session.parameter_value(p) - self.start_value(p)

    def unit(self, session, quantity: str, layer: int, unit: int, position: int) -> float | None:
        """Δ of a unit's value (net, out, δ ...) for the sample at `position` of the current
        batch; None while it is not computed yet, or if the reference's batch had not that sample."""
        now = session.value(quantity, layer, unit, None, position)
        if now is None:
            return None
        there = np.flatnonzero(self.record.samples == session.record.samples[position])
        if not there.size:
            return None
        return now - self.record.value(Key(quantity, layer, unit, sample=int(there[0])))
