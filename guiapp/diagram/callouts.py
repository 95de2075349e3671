"""The diagram's callouts: where an edge's tag leaves something out (a crowded diagram shows the
value alone, or the name alone, or nothing between crowded layers), the whole tag shows over it,
on the edge, for the edges the current computation uses, the selected edge and the one under
the mouse, placed clear of the units and of each other. A part of DiagramView (a mixin)."""
from __future__ import annotations

from PySide6.QtCore import QPointF

from guiapp.diagram.content import involvement
from guiapp.diagram.items import EdgeItem, Tag
from guiapp.diagram.layout import FULL
from guiapp.model.session import ValueRef


class Callouts:
    """DiagramView's callouts: `self.callouts` maps an edge's name to the Tag shown over it."""

    def _update_callouts(self, involved: set | None = None) -> None:
        """Over each tag that leaves something out, for the edges used by the current
        computation, the selected edge and the edge under the mouse: the whole tag."""
        if involved is None:
            step = self.model.session.current_step
            involved = involvement(self.model.session.reads(step) if step is not None else [],
                                   self.model.session.net.sizes)[2]
        wanted = set()
        if (self.level != FULL or self._untagged) and self.labels_shown():
            selection = self.model.selection
            wanted = set(involved) | {self.hovered} - {None}
            if isinstance(selection, ValueRef) and selection.kind == "param":
                wanted.add(selection.key)
            wanted = {name for name in wanted
                      if name in self.edges and self.edges[name].tag.text() != self.edges[name].tag.shown_text()}
        for name in set(self.callouts) - wanted:
            self.scene().removeItem(self.callouts.pop(name))
            self.edges[name].tag.setOpacity(1.0)
        placed = []
        for name in sorted(wanted, key=lambda n: n != self.hovered):  # the one under the mouse first
            tag = self.edges[name].tag
            tag.setOpacity(0.0)  # the callout says it all; the tag would peek out from under it
            callout = self.callouts.get(name)
            if callout is None:
                callout = self.callouts[name] = Tag(self.style)
                callout.edge = self.edges[name]
                callout.setZValue(6)
                self.scene().addItem(callout)
            callout.set_lines([(t, r) for t, r in tag._lines])
            callout.highlighted = tag.highlighted or "text"
            callout.setPos(self._callout_position(self.edges[name], callout, placed))
            placed.append(callout.sceneBoundingRect())

    def _callout_position(self, edge: EdgeItem, callout: Tag, placed: list) -> QPointF:
        """On the edge, as near its tag as it can be without covering a unit, a unit's values
        or the callouts `placed` before it (failing that, clear of the units at least)."""
        line = edge.line()
        length_sq = max(line.dx() ** 2 + line.dy() ** 2, 1e-9)
        at = edge.tag.pos() - line.p1()
        t0 = (at.x() * line.dx() + at.y() * line.dy()) / length_sq
        box = callout.boundingRect()
        units = [u.sceneBoundingRect() for u in (*self.units.values(), *self.folds.values(), *self.bias_units.values())]
        units += [u.values.sceneBoundingRect() for u in (*self.units.values(), *self.folds.values())
                  if u.values.isVisible()]
        fractions = sorted((k / 40 for k in range(4, 37)), key=lambda t: abs(t - t0))
        for obstacles in (units + placed, units):
            for t in fractions:
                centre = line.pointAt(t)
                if not any(box.translated(centre).intersects(u) for u in obstacles):
                    return centre
        return edge.tag.pos()
