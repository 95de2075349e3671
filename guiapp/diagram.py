"""The network diagram: units in columns, weights as edges with their names and values.

Drawn like the worked example's figure: inputs on the left, the bias unit of each layer
below the layer that feeds it. Edge colour shows the sign of a weight, width its size.
Every number comes from the session at the cursor: a unit shows net, out and then δ as
they are computed (of the sample the model shows), an edge its value (w⁺ once updated) and
its gradient once known. The elements of the current computation are highlighted. The
selection is the model's: a click writes it there, and the scene shows what the model holds.

Layout: with Δ between units and t = 1/(n+1) for a layer of n units, the tag of the edge
i→j sits on the edge at fraction t from the source. Sources are Δ apart and targets too,
so tags of one layer are spaced tΔ apart; Δ is chosen so that they never overlap.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QKeySequence, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QLabel

from engine import naming
from engine.quantities import parameter_of

from .diagram_items import FONT, GRADIENT, MUTED, TEXT, UNIT_RADIUS, EdgeItem, Tag, UnitItem
from .model import SessionModel, UnitRef, ValueRef

TAG_GAP = 4.0  # between two edge tags
MIN_SPACING = 112.0
MAX_FIT_SCALE = 1.6
DETAIL_SCALE = 0.5  # below this zoom the tags are too small to read: they hide until zoomed in


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
        self.units: dict[tuple[int, int], UnitItem] = {}
        self.bias_units: dict[int, UnitItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.lr_tag: Tag | None = None
        self.hint = QLabel("Zoomed out: labels hidden. Scroll the wheel over the diagram (or Ctrl +) to zoom in.",
                           self.viewport())
        self.hint.setStyleSheet("background: rgba(255, 248, 220, 230); padding: 3px; border: 1px solid #e0c070")
        self.hint.move(6, 6)
        self.hint.adjustSize()
        self.hint.hide()
        self.legend = QLabel(
            "<span style='color:#1f6fb4'>blue</span> / <span style='color:#d1495b'>red</span> edge: positive / "
            "negative weight, width: its size · <span style='color:#c08400'>amber</span>: in the current "
            "computation · <span style='color:#7b2cbf'>purple</span>: gradients, δ · double-click a weight, "
            "bias, input, output or η to type a value", self.viewport())
        self.legend.setObjectName("legend")
        self.legend.setStyleSheet("background: rgba(255, 255, 255, 215); color: #444; padding: 2px; font-size: 8pt")
        self.scene().selectionChanged.connect(self._scene_selection_changed)
        model.networkReplaced.connect(self.rebuild)
        model.changed.connect(self.refresh)
        model.sampleChanged.connect(self.refresh)
        model.digitsChanged.connect(self.rebuild)  # tags change width: the layout makes room for them
        model.selectionChanged.connect(self._show_selection)
        self.rebuild()

    # -- building ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        scene = self.scene()
        scene.blockSignals(True)
        scene.clear()
        scene.blockSignals(False)
        self.units, self.bias_units, self.edges = {}, {}, {}
        session = self.model.session
        sizes = session.net.sizes
        depth = len(sizes) - 1
        widest = max(sizes[1:])
        # edge tags of one layer are spacing/(n+1) apart and two lines (+ a gap) high
        tag_height = 2 * QFontMetricsF(FONT).height() + 4
        spacing = max(MIN_SPACING, (tag_height + TAG_GAP) * (widest + 1))
        # Horizontally, an edge tag at 1/(n+1) of its edge must clear the tags under the units.
        widths = self._tag_widths(len(session.net.parameters()))
        x = 0.0
        columns = [0.0]
        for l in range(1, depth + 1):
            t = 1.0 / (sizes[l] + 1)
            # inputs' tags are on their left; hidden units' hang below them
            clear = UNIT_RADIUS if l == 1 else widths["hidden"] / 2
            x += max(220.0, (clear + widths["edge"] / 2 + 12) / t)
            columns.append(x)

        def y_of(layer: int, j: int) -> float:
            return (j - (sizes[layer] - 1) / 2) * spacing

        for l in range(depth + 1):
            for j in range(sizes[l]):
                item = UnitItem(l, j, session.net.unit_name(l, j))
                item.setPos(columns[l], y_of(l, j))
                if l == 0:
                    item.set_ref(ValueRef("input", None))
                    item.values.anchor = "right"
                    item.values.setPos(-item.rect().width() / 2 - 6, 0)
                elif l == depth:
                    item.set_ref(ValueRef("target", None))
                    item.values.anchor = "left"
                    item.values.setPos(item.rect().width() / 2 + 6, 0)
                scene.addItem(item)
                self.units[(l, j)] = item
        for l in range(1, depth + 1):
            bias = UnitItem(l - 1, None, naming.bias_unit_name(l), bias=True)
            bias.setPos(columns[l - 1], y_of(l - 1, sizes[l - 1]))
            bias.values.set_lines(["1"])
            scene.addItem(bias)
            self.bias_units[l] = bias
            t = 1.0 / (sizes[l] + 1)
            for j in range(sizes[l]):
                end = self.units[(l, j)].pos()
                for i in range(sizes[l - 1]):
                    self._add_edge(naming.weight_name(sizes, l, j, i), self.units[(l - 1, i)].pos(), end, t)
                self._add_edge(naming.bias_name(sizes, l, j), bias.pos(), end, t)
        top = min(item.pos().y() for item in self.units.values()) - 50
        bottom = max(item.pos().y() for item in self.bias_units.values()) + 30
        self.lr_tag = Tag(anchor="left")
        self.lr_tag.ref = ValueRef("lr")
        left = columns[0] - UNIT_RADIUS - 10 - widths["input"]
        right = columns[-1] + UNIT_RADIUS + 10 + widths["output"]
        self.lr_tag.setPos(left, top)
        scene.addItem(self.lr_tag)
        self._show_selection(self.model.selection)  # and refresh
        # Room for the widest tags the units will show (values appear as they are computed).
        rect = QRectF(left - 10, top - 20, right - left + 20, bottom + 20 - (top - 20))
        scene.setSceneRect(rect.united(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)))
        self.auto_fit = True
        self.fit()

    def _tag_widths(self, n_params: int) -> dict[str, float]:
        """Widths of the widest tags of each kind, at the digits shown."""
        fm = QFontMetricsF(FONT)
        number = self.model.fmt(-0.0123456789012345678)
        texts = {"input": f"i9 = {number}", "hidden": f"out {number}", "output": f"target {number}",
                 "edge": f"∂E/∂w{n_params} {number}"}
        return {kind: fm.horizontalAdvance(text) + 10 for kind, text in texts.items()}

    def _add_edge(self, name: str, start: QPointF, end: QPointF, t: float) -> None:
        edge = EdgeItem(ValueRef("param", name), start, end, t)
        self.scene().addItem(edge)
        self.scene().addItem(edge.tag)
        self.edges[name] = edge

    # -- showing the session ------------------------------------------------------------------
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
            lines = [f"{p.name}{'⁺' if session.is_updated(p) else ''} {fmt(value)}"]
            grad = session.value("grad_" + p.kind, p.layer, p.unit, p.source)
            if grad is not None:
                lines.append((f"∂E/∂{p.name} {fmt(grad)}", GRADIENT))
            edge.tag.set_lines(lines)
            edge.set_style(value, largest, p.name in params)
        if self.lr_tag is not None:
            self.lr_tag.set_lines([f"η = {fmt(session.net.learning_rate)}   (learning rate)"])

    def _unit_lines(self, l: int, j: int, s: int) -> list:
        session, fmt = self.model.session, self.model.fmt
        if l == 0:
            return [f"{session.net.unit_name(0, j)} = {fmt(session.record['input', 0][s, j])}"]
        lines = []
        for quantity, name, colour in (("net", "net", TEXT), ("out", "out", TEXT), ("delta", "δ", GRADIENT)):
            v = session.value(quantity, l, j, None, s)
            lines.append((f"{name} {fmt(v)}", colour) if v is not None else (f"{name} ?", MUTED))
        if l == session.net.depth:
            lines.append(f"target {fmt(session.record['target', l][s, j])}")
            v = session.value("loss_term", l, j, None, s)
            lines.append(f"E {fmt(v)}" if v is not None else ("E ?", MUTED))
        return lines

    # -- view -------------------------------------------------------------------------------
    def fit(self) -> None:
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > MAX_FIT_SCALE:
            self.resetTransform()
            self.scale(MAX_FIT_SCALE, MAX_FIT_SCALE)
            self.centerOn(rect.center())
        self._apply_detail()

    def fit_to_window(self) -> None:
        """Fit now, and again whenever the view is resized, until zoomed by hand."""
        self.auto_fit = True
        self.fit()

    def zoom(self, factor: float) -> None:
        self.auto_fit = False
        self.scale(factor, factor)
        self._apply_detail()

    def zoom_in(self) -> None:
        self.zoom(1.25)

    def zoom_out(self) -> None:
        self.zoom(0.8)

    def labels_shown(self) -> bool:
        return self.transform().m11() >= DETAIL_SCALE

    def _apply_detail(self) -> None:
        shown = self.labels_shown()
        for edge in self.edges.values():
            edge.tag.setVisible(shown)
        for unit in self.units.values():
            unit.values.setVisible(shown)
        self.hint.setVisible(not shown)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.legend.setFixedWidth(self.viewport().width())
        self.legend.setWordWrap(True)
        self.legend.adjustSize()
        self.legend.move(0, self.viewport().height() - self.legend.height())
        if self.auto_fit:
            self.fit()

    def wheelEvent(self, event) -> None:
        self.zoom(1.15 ** (event.angleDelta().y() / 120))

    # -- picking ----------------------------------------------------------------------------
    def _item_for(self, selection):
        """The edge or unit of a selection (a parameter's ValueRef or a UnitRef)."""
        if isinstance(selection, ValueRef) and selection.kind == "param":
            return self.edges.get(selection.key)
        if isinstance(selection, UnitRef):
            return self.units.get((selection.layer, selection.unit))
        return None

    @staticmethod
    def selection_of(item):
        """What selecting this edge or unit selects in the model."""
        if isinstance(item, EdgeItem):
            return item.ref
        if isinstance(item, UnitItem) and not item.bias:
            return UnitRef(item.layer, item.unit)
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
        if event.matches(QKeySequence.StandardKey.ZoomIn):
            self.zoom_in()
            return
        if event.matches(QKeySequence.StandardKey.ZoomOut):
            self.zoom_out()
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
