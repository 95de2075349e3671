"""The diagram's view and input: fitting and zooming (the labels hidden when too small to read),
and what the mouse and the keys do: a click selects (in the model), a double-click or Enter asks
to edit, ↑/↓ move the selection, a click on a fold shows its layer whole, the context menu folds
and unfolds; the scene's selection follows the model's. A part of DiagramView (a mixin)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QMenu, QToolTip

from engine.network import naming

from guiapp.diagram import fold as diagram_fold
from guiapp.diagram.fold import FOLD_ABOVE
from guiapp.diagram.items import EdgeItem, FoldItem, Tag, UnitItem
from guiapp.model.session import BiasUnitRef, UnitRef, ValueRef

MIN_TEXT_PX = 8.5  # tags smaller than this on screen are hidden until zoomed in


def neighbour(sizes, params: dict, selection, step: int, across: bool = False):
    """The selection moved by `step` units (↑ −1, ↓ +1): a unit to the unit above or below it;
    a weight to the weight from the unit above or below its source into the same unit (with
    `across`, from the same source into the unit above or below), a bias to the bias of the
    unit above or below. None past the end of a layer, or for anything else."""
    if isinstance(selection, UnitRef):
        j = selection.unit + step
        return UnitRef(selection.layer, j) if 0 <= j < sizes[selection.layer] else None
    if not (isinstance(selection, ValueRef) and selection.kind == "param" and selection.key in params):
        return None
    p = params[selection.key]
    if p.kind == "b":
        j = p.unit + step
        return ValueRef("param", naming.bias_name(sizes, p.layer, j)) if 0 <= j < sizes[p.layer] else None
    j, i = (p.unit + step, p.source) if across else (p.unit, p.source + step)
    if 0 <= j < sizes[p.layer] and 0 <= i < sizes[p.layer - 1]:
        return ValueRef("param", naming.weight_name(sizes, p.layer, j, i))
    return None


class ViewEvents:
    """DiagramView's zoom and its answers to the mouse and the keys."""

    # -- fit and zoom -------------------------------------------------------------------------------
    def fit(self) -> None:
        """The whole diagram, at the scale the layout was made for, centred above the legend."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        room_w, room_h = self._room()
        scale = min(room_w / rect.width(), room_h / rect.height(), 1.0)
        self.setTransform(QTransform.fromScale(scale, scale))
        # the legend covers the bottom of the view: centre the diagram in what is left
        below = (self.maximumViewportSize().height() - room_h) / scale
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
        for unit in (*self.units.values(), *self.folds.values()):
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
        if isinstance(owner, FoldItem) and event.button() == Qt.MouseButton.LeftButton:
            self._expand(owner.layer, event.globalPosition().toPoint())
            event.accept()
            return
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
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.model.selection is not None:
            across = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            moved = neighbour(self.model.session.net.sizes, self._params, self.model.selection,
                              -1 if event.key() == Qt.Key.Key_Up else 1, across)
            if moved is not None:
                self.model.set_selection(moved)
            event.accept()  # at the end of a layer too: the view does not scroll instead
            return
        super().keyPressEvent(event)

    def _expand(self, layer: int, at) -> None:
        """Show a folded layer whole, or say why it cannot be (at the screen point `at`)."""
        expanded = self.model.expanded | {layer}
        if self._fold(self._room(), expanded).hidden(layer):
            QToolTip.showText(at, f"The {self.folding.sizes[layer]} units of this layer are not shown whole: the "
                                  f"diagram would draw more than {diagram_fold.MAX_EDGES:,} edges. The side panel "
                                  "shows every number of a unit or weight selected (↑/↓ move the selection).", self)
            return
        self.model.set_expanded(expanded)

    def contextMenuEvent(self, event) -> None:
        """Over a fold: show its layer whole; over a unit of a large layer shown whole: fold
        it; everywhere: show every unit, or fold every large layer."""
        owner = self._owner(self.itemAt(event.pos()))
        model, sizes = self.model, self.model.session.net.sizes
        menu = QMenu(self)
        if isinstance(owner, FoldItem):
            menu.addAction(f"Show the {owner.hidden} folded units of this layer",
                           lambda: self._expand(owner.layer, event.globalPos()))
        elif isinstance(owner, UnitItem) and not owner.bias and owner.layer in model.expanded \
                and sizes[owner.layer] > FOLD_ABOVE:
            menu.addAction("Fold this layer", lambda: model.fold(owner.layer))
        show_all = menu.addAction("Show all units")
        show_all.setCheckable(True)
        show_all.setChecked(model.show_all)
        show_all.setEnabled(diagram_fold.can_show_all(sizes))
        show_all.toggled.connect(model.set_show_all)
        menu.exec(event.globalPos())
        menu.deleteLater()

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
        """Select what the model holds (without echoing it back; a folded unit or weight is
        shown first), and recolour."""
        if self.folding is not None and self._fold(self._room()) != self.folding:
            self.relayout(fit=self.auto_fit)  # selects it when built
            return
        self._select_item(selection)
        self.refresh()

    def _select_item(self, selection) -> None:
        item = self._item_for(selection)
        scene = self.scene()
        if scene.selectedItems() != ([item] if item is not None else []):
            scene.blockSignals(True)
            scene.clearSelection()
            if item is not None:
                item.setSelected(True)
            scene.blockSignals(False)
