"""Which units of each layer the diagram shows (plain data, no Qt).

A layer of at most FOLD_ABOVE units is always shown whole, as is any layer the view has
room for. A larger layer is folded: it shows its first units, as many as the view's height
holds at a readable scale (`rows`, at least LEAST_SHOWN), and one "… n more" unit standing
for the rest, last in its column. The user may show a layer whole (the model's `expanded`),
as long as the diagram then draws at most MAX_EDGES edges (each is an item of the scene,
restyled at every step: 4,547 edges take about 0.5 s a step; the largest network accepted
has 54,900).

A folded unit the current computation or the selection is about is shown all the same, in
the place of the last of the first units (so the column keeps its height and the layout its
place): stepping through a layer of 64 units shows each unit in turn, in the same row.

Edges between shown units are drawn one by one; those to or from a fold are drawn as one
bundle per pair of nodes (a node: a shown unit, a fold or a bias unit)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.network import naming

FOLD_ABOVE = 8  # a layer of at most this many units is never folded
LEAST_SHOWN = 2  # a folded layer shows at least this many of its units
MAX_EDGES = 5000  # a layer is shown whole on request only if the diagram then draws at most this many edges


def edge_count(shown) -> int:
    """The edges between the units shown (weights and biases)."""
    return sum((len(shown[l - 1]) + 1) * len(shown[l]) for l in range(1, len(shown)))


@dataclass(frozen=True)
class Folding:
    sizes: tuple[int, ...]
    shown: tuple[tuple[int, ...], ...]  # per layer, the units shown, ascending

    def hidden(self, layer: int) -> int:
        """How many units of the layer the fold stands for (0: the layer is shown whole)."""
        return self.sizes[layer] - len(self.shown[layer])

    @property
    def folded(self) -> bool:
        return any(self.hidden(l) for l in range(len(self.sizes)))

    def rows(self) -> list[int]:
        """Rows of each layer's column: its units shown and its fold."""
        return [len(s) + (1 if self.hidden(l) else 0) for l, s in enumerate(self.shown)]

    def row(self, layer: int, unit: int) -> int:
        """The row of a unit: its own if shown, else its layer's fold's."""
        shown = self.shown[layer]
        try:
            return shown.index(unit)
        except ValueError:
            return len(shown)

    def is_shown(self, layer: int, unit: int) -> bool:
        return unit in self.shown[layer]

    def hidden_units(self, layer: int) -> list[int]:
        shown = set(self.shown[layer])
        return [j for j in range(self.sizes[layer]) if j not in shown]

    def hidden_spans(self, layer: int) -> list[tuple[int, int]]:
        """The hidden units as (first, last) runs, 0-based."""
        spans: list[tuple[int, int]] = []
        for j in self.hidden_units(layer):
            if spans and spans[-1][1] == j - 1:
                spans[-1] = (spans[-1][0], j)
            else:
                spans.append((j, j))
        return spans

    # -- nodes: where an edge starts and ends ------------------------------------------------
    def node(self, layer: int, unit: int | None) -> tuple[int, int | None]:
        """(layer, row) of a unit, of its layer's fold if hidden; (layer, None): the bias unit
        of the next layer, drawn in this layer's column."""
        return (layer, None) if unit is None else (layer, self.row(layer, unit))

    def ends(self, p: naming.Param) -> tuple[tuple, tuple]:
        """The (source, target) nodes of a parameter's edge, or of the bundle it is drawn in."""
        return self.node(p.layer - 1, p.source), self.node(p.layer, p.unit)

    def bundles(self, l: int) -> list[tuple[tuple, tuple]]:
        """The (source, target) nodes of the bundles into layer l: one of them a fold."""
        rows = self.rows()
        sources = [(l - 1, row) for row in range(rows[l - 1])] + [(l - 1, None)]
        targets = [(l, row) for row in range(rows[l])]
        fold_in, fold_out = len(self.shown[l - 1]), len(self.shown[l])
        return [(s, t) for s in sources for t in targets
                if (s[1] == fold_in and self.hidden(l - 1)) or (t[1] == fold_out and self.hidden(l))]

    # -- what a fold and a bundle say -------------------------------------------------------
    def hidden_names(self, layer: int) -> str:
        """The names of a layer's folded units, as runs: "h1.3–h1.29, h1.31–h1.64"."""
        def name(j: int) -> str:
            return naming.unit_name(self.sizes, layer, j)

        return ", ".join(name(a) if a == b else f"{name(a)}–{name(b)}" for a, b in self.hidden_spans(layer))

    def fold_tip(self, layer: int) -> str:
        return (f"{self.hidden_names(layer)}: {self.hidden(layer)} of the {self.sizes[layer]} units of this layer, "
                "folded into one to keep the diagram readable. Their edges are drawn as one dotted line to each unit "
                "they join (hover over it for what it stands for); a unit the current computation or the selection "
                "is about is shown all the same. Click to show the layer whole (View ▸ Show all units: every layer). "
                "The side panel shows every number exactly.")

    def bundle_tip(self, source: tuple, target: tuple) -> str:
        def units(node) -> tuple[int, str]:
            layer, row = node
            if row is None:
                return 1, f"the bias unit {naming.bias_unit_name(layer + 1)}"
            if row < len(self.shown[layer]):
                return 1, naming.unit_name(self.sizes, layer, self.shown[layer][row])
            return self.hidden(layer), f"the {self.hidden(layer)} folded units {self.hidden_names(layer)}"

        n_from, text_from = units(source)
        n_to, text_to = units(target)
        what = "biases" if source[1] is None else "weights"
        return (f"{n_from * n_to:,} {what} from {text_from} into {text_to}, drawn as one dotted line. "
                "Select a unit to read them in its formulas; show the folded layer whole to see each edge.")


def fold(sizes, rows: int, expanded=frozenset(), needed=()) -> Folding:
    """The units to show: `rows` is how many units a column has room for, `expanded` the
    layers to show whole (from the input side, while the edges stay within MAX_EDGES),
    `needed` the (layer, unit) pairs that must be shown."""
    shown = []
    for l, n in enumerate(sizes):
        if n <= max(FOLD_ABOVE, rows):
            shown.append(tuple(range(n)))
            continue
        units = list(range(max(LEAST_SHOWN, rows - 1)))  # one row for the fold
        wanted = sorted({j for layer, j in needed if layer == l})
        for j in wanted:
            if j in units:
                continue
            spare = [k for k in units if k not in wanted]
            if spare:  # the guest takes the place of the last unit not needed
                units.remove(spare[-1])
            units.append(j)
        shown.append(tuple(sorted(units)))
    for l in sorted(expanded):
        if 0 <= l < len(sizes):
            whole = shown[:l] + [tuple(range(sizes[l]))] + shown[l + 1:]
            if edge_count(whole) <= MAX_EDGES:
                shown = whole
    return Folding(tuple(sizes), tuple(shown))


def can_show_all(sizes) -> bool:
    return edge_count([range(n) for n in sizes]) <= MAX_EDGES
