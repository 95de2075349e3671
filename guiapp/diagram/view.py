"""The network diagram: units in columns, weights as edges with their names and values.

Drawn like the worked example's figure: inputs on the left, the bias unit of each layer
below the layer that feeds it. Edge colour shows the sign of a weight (a negative one is
dashed too), width its size. Every number comes from the session at the cursor: a unit shows
net, out and then δ as they are computed (of the sample the model shows), an edge its value
(w⁺ once updated) and its gradient once known. The elements of the current computation are
highlighted. The selection is the model's: a click writes it there, and the scene shows what
the model holds. Colours follow the desktop's palette (`colours`), text the window's size.

Layout (`diagram_layout`): the texts are drawn at the window's text size and the diagram is
laid out for the size of the view, so that it shows whole at a scale close to 1: once per
size of the view without its scrollbars (fitted, it has none; zoomed by hand, they come and go
without a new layout). Where the
edge tags cannot all find room with their value and gradient, they show less: first the value
alone, then the name alone. What a tag leaves out shows on demand, in a callout over it, for
the edges the current computation uses, the selected edge and the one under the mouse. A
network too large to read whole is shown whole, its labels hidden until zoomed in. The zoom
hint (top right) and the colour legend (bottom left) are widgets in the view's corners, not
scene items: they stay put when the diagram zooms or moves.

Large layers (`diagram_fold`): a layer of more than 8 units, more than the view's height holds
at FOLD_SCALE, shows its first units (as many as fit, at least 2) and one "… n more" unit for
the rest; its edges are drawn as one dotted line ("bundle") to each node they join. A click on
it (or View ▸ Show all units) shows the layer whole; right-click folds it again. A folded unit
the current computation or the selection is about takes the place of the last of the first
units, so the column keeps its rows and the layout its place. Between two layers joined by
more than TAGS_PER_GAP edges, edge tags show only in callouts. ↑/↓ move the selection to the
unit (or weight) above or below, folded or not; the side panel shows every number.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView

from engine.network import naming
from engine.record.quantities import parameter_of

from guiapp import colours
from guiapp.diagram import fold as diagram_fold, layout
from guiapp.diagram.callouts import Callouts
from guiapp.diagram.content import concerned, edge_text, involvement, lr_line, unit_lines
from guiapp.diagram.events import ViewEvents
from guiapp.diagram.fold import Folding
from guiapp.diagram.items import RADIUS_LINES, BundleItem, EdgeItem, FoldItem, Style, Tag, UnitItem
from guiapp.diagram.layout import FULL, NAMES, PAD_X, PAD_Y, VALUES
from guiapp.diagram.legend import Corners
from guiapp.diagram.unitmaps import UnitMaps
from guiapp.model.session import SessionModel, UnitRef, ValueRef

WORST_NUMBER = -0.0123456789012345678  # the widest number a tag is given room for, at any digits
MEASURED = 1000  # distinct values of an input (or of the targets) whose texts are measured; more: the widest any can be
WIDEST = (-8.888888888888888e-300, -0.0008888888888888888, -8.888888888888888e+300, WORST_NUMBER)  # at any digits
FOLD_SCALE = 0.85  # a folded layer shows as many units as the view's height holds at this scale
TAGS_PER_GAP = 24  # between two layers joined by more edges than this, tags show only on demand
PRESENTATION_LABELS = 0.025  # presentation mode: the labels' least size, as a share of the screen's height
PRESENTATION_LEAST_SCALE = 0.97  # presentation mode: a level of detail is shown at this scale or larger
SMALLER_LABELS = 3  # presentation mode, a diagram too large at the text size asked: smaller sizes tried


class DiagramView(ViewEvents, Callouts, Corners, QGraphicsView):
    """The diagram, its parts by job: building and laying out here; what it writes in
    `content` (no Qt); fitting, zooming, the mouse and the keys in `events`; the callouts in
    `callouts`; the legend and the zoom hint in `legend`."""

    editRequested = Signal(object)  # a ValueRef

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        # no index: edges are long diagonals, and every change of a pen moved one in a BSP tree
        # (seconds for a few thousand edges); finding the item under the mouse is quick without
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.model = model
        self.auto_fit = True
        self.style = Style.of(self._point_size(), colours.scheme(self.palette()))
        self.folding: Folding | None = None  # the units shown (see diagram_fold)
        self.units: dict[tuple[int, int], UnitItem] = {}  # the units shown
        self.folds: dict[int, FoldItem] = {}  # a folded layer's "… n more" unit
        self.bias_units: dict[int, UnitItem] = {}
        self.edges: dict[str, EdgeItem] = {}  # the parameters between units shown
        self.bundles: dict[tuple, BundleItem] = {}  # (source, target) nodes, one of them a fold
        self._untagged: set[str] = set()  # edges whose tags show on demand only (a crowded pair of layers)
        self._params: dict[str, naming.Param] = {}
        self._first_update = None  # the iteration's first update step
        self._slot_names: dict[tuple, str] = {}  # the edge laid out in each (source, target) slot
        self.callouts: dict[str, Tag] = {}  # what tags leave out, shown over them on demand
        self.lr_tag: Tag | None = None
        self.level = FULL  # how much the edge tags show (diagram_layout's levels)
        self.choice: layout.Choice | None = None
        self._planned_for = None  # the room the layout was made for
        self.hovered: str | None = None  # the edge under the mouse
        self._make_corners()
        self.scene().selectionChanged.connect(self._scene_selection_changed)
        model.networkReplaced.connect(self.rebuild)
        model.changed.connect(self._session_changed)
        model.sampleChanged.connect(self.refresh)
        model.digitsChanged.connect(self.rebuild)  # tags change width: the layout makes room for them
        model.referenceChanged.connect(self.rebuild)  # a line for Δ, a wider out
        model.textFactorChanged.connect(self._restyle)
        model.selectionChanged.connect(self._show_selection)
        model.expandedChanged.connect(self._follow)
        self.unit_maps = UnitMaps(self)  # View ▸ Unit maps (it follows the model after the view)
        self._recolour()
        self.rebuild()

    @property
    def auto_fit(self) -> bool:
        """Fitted to the view (laid out again at each size), until zoomed by hand."""
        return self._auto_fit

    @auto_fit.setter
    def auto_fit(self, on: bool) -> None:
        # Fitted, the diagram needs no scrollbars; were they allowed, one showing for a rounding
        # of the fit would shrink the viewport, lay the diagram out again and hide it, and so on.
        self._auto_fit = on
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

    # -- style ------------------------------------------------------------------------------
    def _window_point_size(self) -> float:
        """The window's text size: the desktop's, times the factor chosen."""
        return QApplication.font().pointSizeF() * self.model.text_factor

    def _point_size(self, presentation_scale: int | None = None) -> float:
        """The labels' size asked for: the window's text size; in presentation mode, the text an
        audience reads, large enough for the labels to be at least PRESENTATION_LABELS of the
        screen's height (times presentation's own text size, or `presentation_scale`) at the
        least scale the layout is shown at (`_present` may make them smaller if the diagram
        would not fit)."""
        if not self.model.presentation:
            return self._window_point_size()
        scale = (self.model.presentation_scale if presentation_scale is None else presentation_scale) / 100
        screen = self.screen()
        px = PRESENTATION_LABELS * screen.geometry().height() * scale if screen is not None else 0.0
        return max(self._window_point_size() * scale, px / PRESENTATION_LEAST_SCALE * 72 / self.logicalDpiY())

    def _radius_lines(self) -> float:
        """A unit's radius in lines of text; in presentation mode as small as the names allow."""
        if not self.model.presentation:
            return RADIUS_LINES
        net = self.model.session.net
        return self.style.radius_lines_for(net.unit_name(l, j) for l, n in enumerate(net.sizes) for j in range(n))

    def _least_scale(self) -> float | None:
        """The least scale a level of detail may be shown at (None: the layout's own)."""
        return PRESENTATION_LEAST_SCALE if self.model.presentation else None

    def _restyle(self, *_) -> None:
        self.style = Style.of(self._point_size(), self.style.colours)
        self.rebuild()

    def _recolour(self) -> None:
        """Colours from the palette: the scene's, the items', the legend's and the hint's."""
        c = colours.scheme(self.palette())
        self.style.colours = c
        self.setBackgroundBrush(c.background)
        self._colour_corners(c)
        for item in self.scene().items():
            if isinstance(item, (UnitItem, EdgeItem, BundleItem)):
                item.restyle()
            item.update()
        self.refresh()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._recolour()
        elif event.type() == QEvent.Type.FontChange:
            self._place_corners()

    # -- building ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Everything again (another network, text size or digits), fitted to the view."""
        session = self.model.session
        self._params = {p.name: p for p in session.net.parameters()}
        self._first_update = next((step for step in session.steps if step.phase == "update"), None)
        self._samples_version = self.model.samples_version  # the samples' values laid out for
        self.style.radius_lines = self._radius_lines()
        self._widths = {}  # of the units' values in each text size, measured once (see _value_widths)
        self.folding = None
        self._planned_for = None
        self.auto_fit = True
        self.relayout()
        self._update_legend()

    def _build(self, folding: Folding) -> None:
        """The scene's items for the units the folding shows: units, folds, bias units, an edge
        for each parameter between two of them, a bundle for the edges to or from a fold."""
        scene = self.scene()
        scene.blockSignals(True)
        scene.clear()
        scene.blockSignals(False)
        self.units, self.folds, self.bias_units, self.edges, self.bundles, self.callouts = {}, {}, {}, {}, {}, {}
        self.folding = folding
        style, net = self.style, self.model.session.net
        sizes = net.sizes
        depth = len(sizes) - 1
        r = style.radius

        def add_unit(item: UnitItem, l: int) -> None:
            if l == 0:
                item.values.anchor = "right"
                item.values.setPos(-r - 6, 0)
            elif l == depth:
                item.values.anchor = "left"
                item.values.setPos(r + 6, 0)
            scene.addItem(item)

        for l, shown in enumerate(folding.shown):
            for j in shown:
                item = UnitItem(style, l, j, net.unit_name(l, j))
                if l in (0, depth):
                    item.set_ref(ValueRef("input" if l == 0 else "target", None))
                if l == 0 and net.features:  # named by its feature even where the labels are hidden
                    item.setToolTip(html.escape(f"{net.input_name(j)}, computed from the sample's raw inputs", quote=False))
                add_unit(item, l)
                self.units[(l, j)] = item
            if folding.hidden(l):
                fold = FoldItem(style, l, folding.hidden(l))
                fold.setToolTip(folding.fold_tip(l))
                add_unit(fold, l)
                self.folds[l] = fold
        for l in range(1, depth + 1):
            bias = UnitItem(style, l - 1, None, naming.bias_unit_name(l), bias=True)
            bias.values.set_lines(["1"])
            scene.addItem(bias)
            self.bias_units[l] = bias
        self._untagged = set()
        tagged = {l: (len(folding.shown[l - 1]) + 1) * len(folding.shown[l]) <= TAGS_PER_GAP
                  for l in range(1, depth + 1)}
        weights = [(l, naming.weight_name(sizes, l, j, i)) for l in range(1, depth + 1)
                   for j in folding.shown[l] for i in folding.shown[l - 1]]
        biases = [(l, naming.bias_name(sizes, l, j)) for l in range(1, depth + 1) for j in folding.shown[l]]
        for l, name in weights + biases:  # the engine's order (which edge is drawn over which)
            edge = EdgeItem(style, ValueRef("param", name))
            scene.addItem(edge)
            if tagged[l]:
                scene.addItem(edge.tag)
            else:  # shown in a callout on demand; the tag keeps the text
                self._untagged.add(name)
            self.edges[name] = edge
        for l in range(1, depth + 1):
            for source, target in folding.bundles(l):
                bundle = BundleItem(style)
                bundle.setToolTip(folding.bundle_tip(source, target))
                scene.addItem(bundle)
                self.bundles[source, target] = bundle
        self.lr_tag = Tag(style, anchor="left")
        self.lr_tag.ref = ValueRef("lr")
        self.lr_tag.setToolTip("The learning rate: double-click to type another")
        scene.addItem(self.lr_tag)
        self._select_item(self.model.selection)
        self.unit_maps.refresh()  # the units shown have maps

    def _heights(self, style: Style | None = None) -> layout.Texts:
        """The texts' heights alone (what the number of rows that fit depends on), in `style`
        (the view's by default)."""
        style = style or self.style
        fm = style.metrics
        lr = fm.horizontalAdvance(f"η = {self.model.fmt(WORST_NUMBER)}")
        return layout.Texts(line=fm.height(), radius=style.radius, input_width=0.0, hidden_width=0.0,
                            output_width=0.0, edge_widths={}, corner=(lr + 2 * PAD_X, fm.height() + 2 * PAD_Y))

    def _texts(self, level: int, slots, style: Style | None = None) -> layout.Texts:
        """What the texts need at a level of detail, at the digits and text size shown: the
        tags of the edges in `slots` ((source, target) nodes), the values of the units (of
        every unit of a layer, folded or not, and every sample: the layout stays put when
        another unit takes the place of the last one shown); in `style` (the view's by default)."""
        style = style or self.style
        net, fmt, fm, f = self.model.session.net, self.model.fmt, style.metrics, self.folding
        sizes = net.sizes
        width = fm.horizontalAdvance
        number = fmt(WORST_NUMBER)

        comparing = self.model.reference is not None

        def tag_width(name: str) -> float:
            value, gradient = width(f"{name}⁺ {number}"), width(f"∂E/∂{name} {number}")
            change = width(f"Δ{name} {number}") if comparing else 0.0  # the number has its sign
            return {FULL: max(value, gradient, change), VALUES: max(value, change), NAMES: width(f"{name}⁺")}[level]

        edges = {}
        for slot in slots:
            name = self._slot_names[slot]
            l = slot[1][0]
            widest = tag_width(name)
            if f.hidden(l - 1) or f.hidden(l):  # any of the layer's names may come to stand here
                last = (naming.weight_name(sizes, l, sizes[l] - 1, sizes[l - 1] - 1) if slot[0][1] is not None
                        else naming.bias_name(sizes, l, sizes[l] - 1))
                widest = max(widest, tag_width(last))
            edges[slot] = widest
        folds = {l: width(self.folds[l].text()) for l in self.folds}
        depth = len(sizes) - 1
        inputs, hidden, output = self._value_widths(style)
        input_width = max(inputs, folds.get(0, 0.0))
        output = max(output, folds.get(depth, 0.0))
        hidden = max([hidden] + [w for l, w in folds.items() if 0 < l < depth])
        heights = self._heights(style)
        return layout.Texts(line=heights.line, radius=heights.radius, input_width=input_width + 2 * PAD_X,
                            hidden_width=hidden + 2 * PAD_X, output_width=output + 2 * PAD_X,
                            edge_widths=edges, edge_lines={FULL: 2 + comparing, VALUES: 1 + comparing, NAMES: 1}[level],
                            corner=heights.corner)

    def _value_widths(self, style: Style) -> tuple[float, float, float]:
        """The widest values of an input (of every sample), of a hidden unit and of an output
        (its target of every sample) in `style`, measured once for the data, digits and text
        size shown. The texts of at most MEASURED distinct values of each input (and of the
        targets) are measured; where there are more, the widest text any number can take."""
        key = style.font.key()
        if key not in self._widths:
            net, fmt, width = self.model.session.net, self.model.fmt, style.metrics.horizontalAdvance
            number = fmt(WORST_NUMBER)
            comparing = self.model.reference is not None

            def widest(prefix: str, values) -> float:
                bits = np.sort(np.ascontiguousarray(values, dtype=np.float64).view(np.int64), axis=None)  # −0 apart from 0
                first = np.ones(bits.size, dtype=bool)  # distinct values (np.unique imports numpy.ma: 9 ms of CPU)
                first[1:] = bits[1:] != bits[:-1]
                bits = bits[first]
                return max(width(f"{prefix}{fmt(x)}") for x in (bits.view(np.float64) if len(bits) <= MEASURED
                                                                 else WIDEST))

            values = net.input_layer()  # with input features: each sample's features (i3 = x1² = 0.09)
            inputs = max(widest(f"{net.input_name(j)} = ", values[:, j]) for j in range(net.sizes[0]))
            out = width(f"out {number}" + (f" Δ{number}" if comparing else ""))  # the change has its sign
            output = max(width(f"net {number}"), out, widest("target ", net.targets.ravel()))
            self._widths[key] = inputs, out, output
        return self._widths[key]

    def _room(self) -> tuple[float, float]:
        """The viewport without scrollbars (the layout does not follow them: see auto_fit),
        less the legend's corner at its bottom."""
        vp = self.maximumViewportSize()
        return float(max(vp.width(), 50)), float(max(vp.height() - self.legend.height() - 10, 50))

    def _needed(self) -> set[tuple[int, int]]:
        """The units that must be shown: those the current computation and the selection are about."""
        session, sizes = self.model.session, self.model.session.net.sizes
        step = session.current_step
        needed = concerned(sizes, step) if step is not None else set()
        selection = self.model.selection
        if isinstance(selection, UnitRef):
            needed.add((selection.layer, selection.unit))
        elif isinstance(selection, ValueRef) and selection.kind == "param" and selection.key in self._params:
            needed |= concerned(sizes, self._params[selection.key])
        return needed

    def _fold(self, room: tuple[float, float], expanded=None) -> Folding:
        """The units to show in this room: what a column holds at FOLD_SCALE (a row for its
        bias unit), the layers expanded by the user (or `expanded`), the units needed."""
        rows = layout.rows_that_fit(self._heights(), room[1] / FOLD_SCALE) - 1
        expanded = self.model.expanded if expanded is None else expanded
        return diagram_fold.fold(self.model.session.net.sizes, rows, expanded, self._needed())

    def relayout(self, fit: bool = True) -> None:
        """Fold and lay the diagram out for the room the view has now (if not done already),
        refresh it, and fit it to the view (with `fit`). The layout is made for the rows of
        each column: another unit in the place of the last one shown leaves it as it is."""
        if not self._params:
            return
        room = self._room()
        folding = self._fold(room)
        built = folding != self.folding
        if built:
            had_folds = bool(self.folds), bool(self._untagged)
            self._build(folding)
            if had_folds != (bool(self.folds), bool(self._untagged)):
                self._update_legend()
        planned = (room, tuple(folding.rows()))
        if planned != self._planned_for:
            self._planned_for = planned
            self._plan(room)
            self._place()
        elif built:
            self._place()
        self.refresh()
        if fit:
            self.fit()
        else:
            self._apply_detail()

    def _plan(self, room: tuple[float, float]) -> None:
        """The layout of the rows shown, its tags sized for any unit that may stand in them."""
        f, sizes = self.folding, self.folding.sizes
        tagged = []
        self._slot_names = {}
        for l in range(1, len(sizes)):  # layer by layer, each source's edges together (the order tags are placed in)
            for i in list(f.shown[l - 1]) + [None]:
                for j in f.shown[l]:
                    name = naming.weight_name(sizes, l, j, i) if i is not None else naming.bias_name(sizes, l, j)
                    if name not in self._untagged:
                        slot = f.node(l - 1, i), f.node(l, j)
                        self._slot_names[slot] = name
                        tagged.append(layout.Edge(slot, *slot))
        slots = [e.name for e in tagged]
        least = self._least_scale()
        if least is None:
            self.choice = layout.choose(f.rows(), lambda level: self._texts(level, slots), room, tagged)
        else:
            self._present(room, slots, tagged, least)
        if self.choice.level != self.level:
            self.level = self.choice.level
            self._update_legend()

    def _present(self, room, slots, tagged, least: float) -> None:
        """Presentation mode's plan: the labels at the size asked, shown at `least` scale or
        larger if the diagram fits (see `layout.choose`). If it does not, they are made smaller,
        down to presentation's usual size, as far as that shows them larger on screen: a larger
        text size never shows the labels smaller. (A folded layer keeps the size asked: the
        units shown depend on it.)"""
        f = self.folding

        def choice(size: float) -> layout.Choice:
            style = Style.of(size, self.style.colours, self.style.radius_lines)
            return layout.choose(f.rows(), lambda level: self._texts(level, slots, style), room, tagged, least)

        asked = self._point_size()
        size, self.choice = asked, choice(asked)
        usual = self._point_size(presentation_scale=100)
        if self.choice.scale < least - 0.01 and usual < asked and not any(f.hidden(l) for l in range(len(f.sizes))):
            tried = [(asked, self.choice)]
            for k in range(1, SMALLER_LABELS + 1):  # evenly between the size asked and the usual
                candidate = asked - (asked - usual) * k / SMALLER_LABELS
                tried.append((candidate, choice(candidate)))
            def shown(t) -> float:  # the labels' size on screen
                return t[0] * t[1].scale

            best = max(shown(t) for t in tried)
            # shown as large, within 2 %: the most detailed, then the largest
            size, self.choice = min((t for t in tried if shown(t) >= 0.98 * best), key=lambda t: (t[1].level, -shown(t)))
        if size != self.style.font.pointSizeF():
            self.style.set_point_size(size)
            for item in self.scene().items():
                if isinstance(item, (UnitItem, Tag)):
                    item.restyle()

    def _place(self) -> None:
        """The items where the plan puts their rows."""
        plan, f = self.choice.plan, self.folding
        for (l, j), item in self.units.items():
            item.setPos(*plan.units[(l, f.row(l, j))])
        for l, item in self.folds.items():
            item.setPos(*plan.units[(l, len(f.shown[l]))])
        for l, item in self.bias_units.items():
            item.setPos(*plan.biases[l])

        def position(node) -> QPointF:
            layer, row = node
            return QPointF(*(plan.biases[layer + 1] if row is None else plan.units[node]))

        for name, edge in self.edges.items():
            source, target = self.folding.ends(self._params[name])
            at = plan.tags.get((source, target))
            edge.place(position(source), position(target), QPointF(*at) if at else None)
        for (source, target), bundle in self.bundles.items():
            a, b = position(source), position(target)
            bundle.setLine(a.x(), a.y(), b.x(), b.y())
        if self.lr_tag is not None:
            self.lr_tag.setPos(plan.corner[0], plan.corner[1] + self._heights().corner[1] / 2)
        x0, y0, x1, y1 = plan.rect
        self.scene().setSceneRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    # -- showing the session ------------------------------------------------------------------
    def _session_changed(self) -> None:
        """The numbers moved; an edited input or target (the model's `samples_version`) may need
        a wider tag than laid out for, and the current computation may be about a folded unit."""
        if self.model.samples_version != self._samples_version:
            self._samples_version = self.model.samples_version
            self._widths = {}
            self._planned_for = None
            self.relayout(fit=self.auto_fit)
        else:
            self._follow()

    def _follow(self) -> None:
        """Fold again if the units to show changed (then lay out again), else refresh."""
        if self.folding is not None and self._fold(self._room()) != self.folding:
            self.relayout(fit=self.auto_fit)
        else:
            self.refresh()

    def _largest(self) -> float:
        """The largest size of a parameter shown (before the update, and after once it is shown)."""
        session = self.model.session
        record = session.record
        largest = float(np.max(np.abs(record["theta_before", 0]), initial=0.0))
        if self._first_update is not None and session.is_known(self._first_update):
            largest = max(largest, float(np.max(np.abs(record["theta", 0]), initial=0.0)))
        return largest if np.isfinite(largest) else 1.0

    def refresh(self) -> None:
        session = self.model.session
        if self.folding is None or self.folding.sizes != tuple(session.net.sizes):
            return
        fmt, s, f, reference = self.model.fmt, self.model.sample, self.folding, self.model.reference
        sizes = f.sizes
        step = session.current_step
        units, biases, params = involvement(session.reads(step) if step is not None else [], sizes)
        about_unit = step is not None and step.unit is not None and parameter_of(sizes, step) is None
        current = (step.layer, step.unit) if about_unit else None
        for (l, j), item in self.units.items():
            item.values.set_lines(unit_lines(session, fmt, reference, l, j, s))
            item.set_state((l, j) in units, (l, j) == current)
        for l, fold in self.folds.items():
            fold.set_state(any(u[0] == l and not f.is_shown(*u) for u in units), False)
        for l, bias in self.bias_units.items():
            bias.set_state(l in biases, False)
        largest = self._largest()
        for name, edge in self.edges.items():
            p = self._params[name]
            text = edge_text(session, fmt, reference, p, self.level, name in self._untagged)
            edge.tag.set_lines(text.lines, text.shown)
            edge.set_style(text.value, largest, p.name in params)
        bundled = {f.ends(self._params[name]) for name in params if name not in self.edges}
        for key, bundle in self.bundles.items():
            bundle.set_involved(key in bundled)
        if self.lr_tag is not None:
            self.lr_tag.set_lines([lr_line(session, fmt)])
        self._update_callouts(params)
