"""The network diagram: units in columns, weights as edges with their names and values.

Drawn like the worked example's figure: inputs on the left, the bias unit of each layer
below the layer that feeds it. Edge colour shows the sign of a weight (a negative one is
dashed too), width its size. Every number comes from the session at the cursor: a unit shows
net, out and then δ as they are computed (of the sample the model shows), an edge its value
(w⁺ once updated) and its gradient once known. The elements of the current computation are
highlighted. The selection is the model's: a click writes it there, and the scene shows what
the model holds. Colours follow the desktop's palette (`colours`), text the window's size.

Layout (`diagram_layout`): the texts are drawn at the window's text size and the diagram is
laid out for the size of the view, so that it shows whole at a scale close to 1. Where the
edge tags cannot all find room with their value and gradient, they show less: first the value
alone, then the name alone. What a tag leaves out shows on demand, in a callout over it, for
the edges the current computation uses, the selected edge and the one under the mouse. A
network too large to read whole is shown whole, its labels hidden until zoomed in. The zoom
hint (top right) and the colour legend (bottom left) are widgets in the view's corners, not
scene items: they stay put when the diagram zooms or moves.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView, QLabel

from engine import naming
from engine.quantities import parameter_of

from . import colours, diagram_layout as layout
from .diagram_items import EdgeItem, Style, Tag, UnitItem
from .diagram_layout import FULL, NAMES, PAD_X, PAD_Y, VALUES
from .model import BiasUnitRef, SessionModel, UnitRef, ValueRef

MIN_TEXT_PX = 8.5  # tags smaller than this on screen are hidden until zoomed in
WORST_NUMBER = -0.0123456789012345678  # the widest number a tag is given room for, at any digits


def involvement(keys, sizes) -> tuple[set, set, set]:
    """(units, bias units, parameter names) taking part in a computation: those of the
    values it computes and reads (`Session.reads`)."""
    units, biases, params = set(), set(), set()
    depth = len(sizes) - 1
    for key in keys:
        p = parameter_of(sizes, key)
        if p is not None:
            params.add(p.name)
            units.add((p.layer, p.unit))
            if p.kind == "w":
                units.add((p.layer - 1, p.source))
            else:
                biases.add(p.layer)
        elif key.unit is not None:
            units.add((key.layer, key.unit))
        elif key.layer == depth:  # a sample's or the batch's loss: every output
            units |= {(depth, k) for k in range(sizes[depth])}
    return units, biases, params


class DiagramView(QGraphicsView):
    editRequested = Signal(object)  # a ValueRef

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.model = model
        self.auto_fit = True
        self.style = Style.of(self._point_size(), colours.scheme(self.palette()))
        self.units: dict[tuple[int, int], UnitItem] = {}
        self.bias_units: dict[int, UnitItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.callouts: dict[str, Tag] = {}  # what tags leave out, shown over them on demand
        self.lr_tag: Tag | None = None
        self.level = FULL  # how much the edge tags show (diagram_layout's levels)
        self.choice: layout.Choice | None = None
        self._planned_for = None  # the room the layout was made for
        self.hovered: str | None = None  # the edge under the mouse
        # children of the view, over its viewport: the viewport's own children would scroll with the scene
        self.hint = QLabel("Labels hidden: too small to read. Scroll the wheel over the diagram to zoom in.",
                           self, objectName="zoomHint")
        self.hint.hide()
        self.legend = QLabel(self, objectName="legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.scene().selectionChanged.connect(self._scene_selection_changed)
        model.networkReplaced.connect(self.rebuild)
        model.changed.connect(self._session_changed)
        model.sampleChanged.connect(self.refresh)
        model.digitsChanged.connect(self.rebuild)  # tags change width: the layout makes room for them
        model.textScaleChanged.connect(self._restyle)
        model.presentationChanged.connect(self._restyle)
        model.selectionChanged.connect(self._show_selection)
        self._recolour()
        self.rebuild()

    # -- style ------------------------------------------------------------------------------
    def _point_size(self) -> float:
        """The window's text size: the desktop's, times the factor chosen."""
        return QApplication.font().pointSizeF() * self.model.text_factor

    def _restyle(self, *_) -> None:
        self.style = Style.of(self._point_size(), self.style.colours)
        self.rebuild()

    def _recolour(self) -> None:
        """Colours from the palette: the scene's, the items', the legend's and the hint's."""
        c = colours.scheme(self.palette())
        self.style.colours = c
        self.setBackgroundBrush(c.background)
        box = f"background: {c.tag_opaque.name()}; color: {c.text.name()}; padding: 3px 5px;"
        self.legend.setStyleSheet(f"QLabel#legend {{ {box} border: 1px solid {c.muted.name()}; border-radius: 3px }}")
        self.hint.setStyleSheet(f"QLabel#zoomHint {{ background: {c.note_fill.name()}; color: {c.text.name()}; "
                                f"padding: 3px 5px; border: 1px solid {c.highlight.name()} }}")
        self._update_legend()
        for item in self.scene().items():
            if isinstance(item, (UnitItem, EdgeItem)):
                item.restyle()
            item.update()
        self.refresh()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._recolour()
        elif event.type() == QEvent.Type.FontChange:
            self._place_corners()

    def _update_legend(self) -> None:
        c = self.style.colours

        def word(role: str, text: str | None = None) -> str:
            colour = colours.readable(getattr(c, role), c.tag_opaque)
            return f"<b style='color:{colour.name()}'>{html.escape(text or c.names[role])}</b>"

        self.legend.setText(
            f"{word('positive', 'blue ——')} positive, {word('negative', 'vermillion - - -')} negative weight · "
            f"{word('highlight')}: used now · {word('selected')}: selected · {word('gradient')}: gradient, δ")
        demand = {VALUES: "An edge's gradient shows when the computation uses it, when it is selected and "
                          "under the mouse. ",
                  NAMES: "An edge's value and gradient show when the computation uses it, when it is selected "
                         "and under the mouse. "}
        self.legend.setToolTip(f"The width of an edge is the size of its weight. {demand.get(self.level, '')}"
                               "Double-click a weight, a bias, an input, an output or η to type a value.")
        self._place_corners()

    def _place_corners(self) -> None:
        """The legend in the bottom left corner of the viewport, the hint in the top right, in the
        window's text (a little smaller)."""
        vp = self.viewport().geometry()
        font = QFont(QApplication.font())
        font.setPointSizeF(self._point_size() * 0.9)
        for label in (self.legend, self.hint):
            label.setFont(font)
        self.legend.setWordWrap(False)
        self.legend.setMinimumWidth(0)
        self.legend.setMaximumWidth(16777215)
        natural = self.legend.sizeHint().width()
        self.legend.setWordWrap(natural > vp.width() - 12)
        self.legend.setFixedWidth(max(120, min(vp.width() - 12, natural)))
        self.legend.adjustSize()
        self.legend.move(vp.left() + 6, vp.bottom() - self.legend.height() - 5)
        self.hint.setMaximumWidth(max(120, vp.width() - 12))
        self.hint.setWordWrap(True)
        self.hint.adjustSize()
        self.hint.move(vp.right() - self.hint.width() - 5, vp.top() + 6)

    # -- building ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        scene = self.scene()
        scene.blockSignals(True)
        scene.clear()
        scene.blockSignals(False)
        self.units, self.bias_units, self.edges, self.callouts = {}, {}, {}, {}
        self._planned_for = None
        style, session = self.style, self.model.session
        self._data = (session.net.inputs.tobytes(), session.net.targets.tobytes())
        sizes = session.net.sizes
        depth = len(sizes) - 1
        r = style.radius
        for l in range(depth + 1):
            for j in range(sizes[l]):
                item = UnitItem(style, l, j, session.net.unit_name(l, j))
                if l == 0:
                    item.set_ref(ValueRef("input", None))
                    item.values.anchor = "right"
                    item.values.setPos(-r - 6, 0)
                elif l == depth:
                    item.set_ref(ValueRef("target", None))
                    item.values.anchor = "left"
                    item.values.setPos(r + 6, 0)
                scene.addItem(item)
                self.units[(l, j)] = item
        for l in range(1, depth + 1):
            bias = UnitItem(style, l - 1, None, naming.bias_unit_name(l), bias=True)
            bias.values.set_lines(["1"])
            scene.addItem(bias)
            self.bias_units[l] = bias
        for p in session.net.parameters():
            edge = EdgeItem(style, ValueRef("param", p.name))
            scene.addItem(edge)
            scene.addItem(edge.tag)
            self.edges[p.name] = edge
        self.lr_tag = Tag(style, anchor="left")
        self.lr_tag.ref = ValueRef("lr")
        self.lr_tag.setToolTip("The learning rate: double-click to type another")
        scene.addItem(self.lr_tag)
        self._show_selection(self.model.selection)  # and refresh: every tag gets its text
        self.auto_fit = True
        self.relayout()
        self._update_legend()

    def _texts(self, level: int) -> layout.Texts:
        """What the texts need at a level of detail, at the digits and text size shown."""
        net, fmt, fm = self.model.session.net, self.model.fmt, self.style.metrics
        width = fm.horizontalAdvance
        number = fmt(WORST_NUMBER)
        edges = {}
        for p in net.parameters():
            value, gradient = width(f"{p.name}⁺ {number}"), width(f"∂E/∂{p.name} {number}")
            edges[p.name] = {FULL: max(value, gradient), VALUES: value, NAMES: width(f"{p.name}⁺")}[level]
        inputs = max(width(f"{net.unit_name(0, j)} = {fmt(x)}") for row in net.inputs for j, x in enumerate(row))
        targets = max(width(f"target {fmt(t)}") for row in net.targets for t in row)
        output = max(width(f"net {number}"), targets)
        lr = width(f"η = {number}")
        return layout.Texts(line=fm.height(), radius=self.style.radius, input_width=inputs + 2 * PAD_X,
                            hidden_width=width(f"out {number}") + 2 * PAD_X, output_width=output + 2 * PAD_X,
                            edge_widths=edges, edge_lines=2 if level == FULL else 1,
                            corner=(lr + 2 * PAD_X, fm.height() + 2 * PAD_Y))

    def _room(self) -> tuple[float, float]:
        """The viewport, less the legend's corner at its bottom."""
        vp = self.viewport()
        return float(max(vp.width(), 50)), float(max(vp.height() - self.legend.height() - 10, 50))

    def relayout(self) -> None:
        """Lay the diagram out for the room the view has now (if not done already)."""
        room = self._room()
        if room == self._planned_for or not self.units:
            self.fit()
            return
        self._planned_for = room
        session = self.model.session
        sizes = session.net.sizes
        edges = layout.edges(sizes, naming.weight_name, naming.bias_name)
        self.choice = layout.choose(sizes, self._texts, room, edges)
        plan = self.choice.plan
        level_changed = self.choice.level != self.level
        self.level = self.choice.level
        for key, item in self.units.items():
            item.setPos(*plan.units[key])
        for l, item in self.bias_units.items():
            item.setPos(*plan.biases[l])

        def position(node) -> QPointF:
            layer, unit = node
            return QPointF(*(plan.biases[layer + 1] if unit is None else plan.units[node]))

        for e in edges:
            at = plan.tags.get(e.name)
            self.edges[e.name].place(position(e.source), position(e.target), QPointF(*at) if at else None)
        if self.lr_tag is not None:
            self.lr_tag.setPos(plan.corner[0], plan.corner[1] + self._texts(NAMES).corner[1] / 2)
        x0, y0, x1, y1 = plan.rect
        self.scene().setSceneRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        if level_changed:
            self._update_legend()
        self.refresh()
        self.fit()

    # -- showing the session ------------------------------------------------------------------
    def _session_changed(self) -> None:
        """The numbers moved; an edited input or target may need a wider tag than laid out for."""
        net = self.model.session.net
        data = (net.inputs.tobytes(), net.targets.tobytes())
        if data != self._data:
            self._data = data
            self._planned_for = None
            self.relayout()
        self.refresh()

    def refresh(self) -> None:
        session = self.model.session
        if not self.units or len(self.units) != sum(session.net.sizes):
            return
        sizes, fmt, s = session.net.sizes, self.model.fmt, self.model.sample
        step = session.current_step
        units, biases, params = involvement(session.reads(step) if step is not None else [], sizes)
        about_unit = step is not None and step.unit is not None and parameter_of(sizes, step) is None
        current = (step.layer, step.unit) if about_unit else None
        for (l, j), item in self.units.items():
            item.values.set_lines(self._unit_lines(l, j, s))
            item.set_state((l, j) in units, (l, j) == current)
        for l, bias in self.bias_units.items():
            bias.set_state(l in biases, False)
        largest = max((abs(session.parameter_value(p)) for p in session.net.parameters()), default=1.0)
        for p in session.net.parameters():
            edge = self.edges[p.name]
            value = session.parameter_value(p)
            name = f"{p.name}{'⁺' if session.is_updated(p) else ''}"
            lines = [f"{name} {fmt(value)}"]
            grad = session.value("grad_" + p.kind, p.layer, p.unit, p.source)
            if grad is not None:
                lines.append((f"∂E/∂{p.name} {fmt(grad)}", "gradient"))
            shown = {FULL: None, VALUES: lines[:1], NAMES: [name]}[self.level]
            edge.tag.set_lines(lines, shown)
            edge.set_style(value, largest, p.name in params)
        if self.lr_tag is not None:
            self.lr_tag.set_lines([f"η = {fmt(session.net.learning_rate)}"])
        self._update_callouts(params)

    def _update_callouts(self, involved: set | None = None) -> None:
        """Over each tag that leaves something out, for the edges used by the current
        computation, the selected edge and the edge under the mouse: the whole tag."""
        if involved is None:
            step = self.model.session.current_step
            involved = involvement(self.model.session.reads(step) if step is not None else [],
                                   self.model.session.net.sizes)[2]
        wanted = set()
        if self.level != FULL and self.labels_shown():
            selection = self.model.selection
            wanted = set(involved) | {self.hovered} - {None}
            if isinstance(selection, ValueRef) and selection.kind == "param":
                wanted.add(selection.key)
            wanted = {name for name in wanted
                      if name in self.edges and self.edges[name].tag.text() != self.edges[name].tag.shown_text()}
        for name in set(self.callouts) - wanted:
            self.scene().removeItem(self.callouts.pop(name))
            self.edges[name].tag.setOpacity(1.0)
        for name in wanted:
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
            callout.setPos(self._callout_position(self.edges[name], callout))

    def _callout_position(self, edge: EdgeItem, callout: Tag) -> QPointF:
        """On the edge, as near its tag as it can be without covering a unit or a unit's values."""
        line = edge.line()
        length_sq = max(line.dx() ** 2 + line.dy() ** 2, 1e-9)
        at = edge.tag.pos() - line.p1()
        t0 = (at.x() * line.dx() + at.y() * line.dy()) / length_sq
        box = callout.boundingRect()
        units = [u.sceneBoundingRect() for u in (*self.units.values(), *self.bias_units.values())]
        units += [u.values.sceneBoundingRect() for u in self.units.values() if u.values.isVisible()]
        for t in sorted((k / 40 for k in range(4, 37)), key=lambda t: abs(t - t0)):
            centre = line.pointAt(t)
            if not any(box.translated(centre).intersects(u) for u in units):
                return centre
        return edge.tag.pos()

    def _unit_lines(self, l: int, j: int, s: int) -> list:
        session, fmt = self.model.session, self.model.fmt
        if l == 0:
            return [f"{session.net.unit_name(0, j)} = {fmt(session.record['input', 0][s, j])}"]
        lines = []
        for quantity, name, role in (("net", "net", "text"), ("out", "out", "text"), ("delta", "δ", "gradient")):
            v = session.value(quantity, l, j, None, s)
            lines.append((f"{name} {fmt(v)}", role) if v is not None else (f"{name} ?", "muted"))
        if l == session.net.depth:
            lines.append(f"target {fmt(session.record['target', l][s, j])}")
            v = session.value("loss_term", l, j, None, s)
            lines.append(f"E {fmt(v)}" if v is not None else ("E ?", "muted"))
        return lines

    # -- view -------------------------------------------------------------------------------
    def fit(self) -> None:
        """The whole diagram, at the scale the layout was made for, centred above the legend."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        room_w, room_h = self._room()
        scale = min(room_w / rect.width(), room_h / rect.height(), 1.0)
        self.resetTransform()
        self.scale(scale, scale)
        # the legend covers the bottom of the view: centre the diagram in what is left
        below = (self.viewport().height() - room_h) / scale
        self.setSceneRect(rect.adjusted(0, 0, 0, below))
        self.centerOn(rect.center() + QPointF(0, below / 2))
        self._apply_detail()

    def fit_to_window(self) -> None:
        """Fit now, and again whenever the view is resized, until zoomed by hand."""
        self.auto_fit = True
        self.relayout()

    def zoom(self, factor: float) -> None:
        self.auto_fit = False
        self.scale(factor, factor)
        self._apply_detail()

    def zoom_in(self) -> None:
        self.zoom(1.25)

    def zoom_out(self) -> None:
        self.zoom(0.8)

    def text_px(self, scale: float | None = None) -> float:
        """The size of the tags' text on screen, in pixels (at the view's scale, or `scale`)."""
        scale = self.transform().m11() if scale is None else scale
        return self.style.font.pointSizeF() * self.logicalDpiY() / 72 * scale

    def labels_shown(self) -> bool:
        """Are the tags large enough to read: MIN_TEXT_PX, or near the text size chosen if smaller?"""
        return self.text_px() >= min(MIN_TEXT_PX, 0.85 * self.text_px(1.0))

    def _apply_detail(self) -> None:
        shown = self.labels_shown()
        for edge in self.edges.values():
            edge.tag.setVisible(shown)
        for unit in self.units.values():
            unit.values.setVisible(shown)
        if self.lr_tag is not None:
            self.lr_tag.setVisible(shown)
        self.hint.setVisible(not shown)
        self._update_callouts()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_corners()
        if self.auto_fit:
            self.relayout()

    def wheelEvent(self, event) -> None:
        self.zoom(1.15 ** (event.angleDelta().y() / 120))

    # -- picking ----------------------------------------------------------------------------
    def _item_for(self, selection):
        """The edge or unit of a selection (a parameter's ValueRef, a UnitRef or a BiasUnitRef)."""
        if isinstance(selection, ValueRef) and selection.kind == "param":
            return self.edges.get(selection.key)
        if isinstance(selection, UnitRef):
            return self.units.get((selection.layer, selection.unit))
        if isinstance(selection, BiasUnitRef):
            return self.bias_units.get(selection.layer)
        return None

    @staticmethod
    def selection_of(item):
        """What selecting this edge or unit selects in the model."""
        if isinstance(item, EdgeItem):
            return item.ref
        if isinstance(item, UnitItem):
            return BiasUnitRef(item.feeds) if item.bias else UnitRef(item.layer, item.unit)
        return None

    def _owner(self, item):
        """The unit or edge a clicked item stands for (a tag stands for its edge or unit)."""
        while item is not None:
            if isinstance(item, (UnitItem, EdgeItem)) or getattr(item, "ref", None) is not None:
                return getattr(item, "edge", item)
            if isinstance(item, Tag) and getattr(item, "edge", None) is not None:
                return item.edge
            item = item.parentItem()
        return None

    def mousePressEvent(self, event) -> None:
        owner = self._owner(self.itemAt(event.position().toPoint()))
        self._picked = owner is not None and bool(owner.flags() & owner.GraphicsItemFlag.ItemIsSelectable)
        if self._picked:
            self.model.set_selection(self.selection_of(owner))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        owner = self._owner(self.itemAt(event.position().toPoint()))
        hovered = owner.ref.key if isinstance(owner, EdgeItem) else None
        if hovered != self.hovered:
            self.hovered = hovered
            self._update_callouts()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self.hovered is not None:
            self.hovered = None
            self._update_callouts()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if getattr(self, "_picked", False):  # the press selected an item: not a drag, not a click on nothing
            self._picked = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        owner = self._owner(self.itemAt(event.position().toPoint()))
        ref = self._edit_ref(owner)
        if ref is not None and not self.model.busy:
            self.editRequested.emit(ref)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            ref = self.model.value_ref(self.model.selection)
            if ref is not None and not self.model.busy:
                self.editRequested.emit(ref)
                return
        super().keyPressEvent(event)

    def _edit_ref(self, owner) -> ValueRef | None:
        """What double-clicking this item edits (None if nothing)."""
        if owner is None:
            return None
        if isinstance(owner, UnitItem):
            return self.model.value_ref(self.selection_of(owner))
        return getattr(owner, "ref", None)

    def _scene_selection_changed(self) -> None:
        """The scene's selection changed by itself (a click on nothing clears it): tell the model,
        which answers through _show_selection."""
        selected = self.scene().selectedItems()
        selection = self.selection_of(selected[0]) if selected else None
        if selection != self.model.selection:
            self.model.set_selection(selection)
        else:
            self._show_selection(selection)

    def _show_selection(self, selection) -> None:
        """Select what the model holds (without echoing it back), and recolour."""
        item = self._item_for(selection)
        scene = self.scene()
        if scene.selectedItems() != ([item] if item is not None else []):
            scene.blockSignals(True)
            scene.clearSelection()
            if item is not None:
                item.setSelected(True)
            scene.blockSignals(False)
        self.refresh()
