"""The learning-rate schedules, one module each (`base.Schedule` says what each one holds); this
package is their registry: `SCHEDULES` maps the names a network file's "schedule" gives to their
classes. Adding one is a module and its line here."""
from __future__ import annotations

from engine.concepts.schedules import exponential, step
from engine.concepts.schedules.base import Schedule

MODULES = (step, exponential)
SCHEDULES: dict[str, type[Schedule]] = {m.SCHEDULE.name: m.SCHEDULE for m in MODULES}

__all__ = ["SCHEDULES", "Schedule"]
