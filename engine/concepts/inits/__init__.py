"""The schemes a new network's start values are drawn by, one module each (`base.Init`); this
package is their registry: `INITS` maps their names (`python -m engine new --init NAME`, a design's
`init`) to them, in the order of the modules below. Adding one is a module and its line here."""
from __future__ import annotations

from engine.concepts.inits import he, pytorch, xavier, zeros
from engine.concepts.inits.base import Init

MODULES = (pytorch, xavier, he, zeros)
INITS: dict[str, Init] = {m.INIT.name: m.INIT for m in MODULES}
DEFAULT = pytorch.INIT  # what a network file's `seed` draws

__all__ = ["DEFAULT", "INITS", "Init"]
