"""Large networks in the window: the diagram folds a large layer into its first units and one
"… n more" unit, shows the units the current computation and the selection are about, keeps
its item count bounded, and leaves small networks as they were; the side panel and the sample
box stay exact for every unit and sample."""
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolTip

from engine.network import naming
from engine.files import netfile
from engine import open_network
from tests.driver import go_to

ROOT = Path(__file__).resolve().parents[3]
SPIRAL = str(ROOT / "tests" / "data" / "spiral-2-64-64-3.json")
DEEP = str(ROOT / "tests" / "data" / "3-4-4-2.json")


def spiral(make_window, size=(1400, 860)):
    return make_window(SPIRAL, open_network(SPIRAL), size=size)


def one_hidden_layer(n: int, samples: int = 2):
    """2-n-1, sigmoid, a seeded start."""
    return netfile.parse({"layers": [2, n, 1], "activations": ["tanh", "sigmoid"], "loss": "bce", "seed": 1,
                          "optimizer": {"name": "sgd", "learning_rate": 0.5},
                          "samples": [{"input": [0.01 * k, -0.02 * k], "target": [k % 2]} for k in range(samples)]})


# -- folding, plain -------------------------------------------------------------------------------

def test_fold_shows_the_first_units_and_puts_a_needed_unit_in_the_last_place():
    from guiapp.diagram.fold import LEAST_SHOWN, fold

    f = fold([2, 64, 64, 3], rows=5)
    assert f.shown == ((0, 1), (0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2))
    assert f.rows() == [2, 5, 5, 3] and f.hidden(1) == 60 and f.hidden(0) == 0
    # a unit the computation is about takes the last place; a second one the place before
    f = fold([2, 64, 64, 3], rows=5, needed={(1, 40)})
    assert f.shown[1] == (0, 1, 2, 40) and f.rows()[1] == 5 and f.row(1, 40) == 3 and f.row(1, 3) == 4
    f = fold([2, 64, 64, 3], rows=5, needed={(1, 40), (1, 50), (1, 1)})
    assert f.shown[1] == (0, 1, 40, 50) and f.hidden_spans(1) == [(2, 39), (41, 49), (51, 63)]
    # at least LEAST_SHOWN units however low the view; a layer of at most 8 units is never folded
    assert len(fold([2, 64, 3], rows=0).shown[1]) == LEAST_SHOWN
    assert fold([8, 8, 8], rows=0).folded is False
    # a layer the view has room for is shown whole; so is an expanded one
    assert fold([2, 12, 1], rows=12).folded is False
    assert fold([2, 64, 64, 3], rows=5, expanded={2}).shown[2] == tuple(range(64))


def test_a_layer_is_not_expanded_past_the_edges_the_diagram_draws():
    from guiapp.diagram.fold import MAX_EDGES, can_show_all, edge_count, fold

    assert can_show_all([2, 64, 64, 3]) and not can_show_all([60] * 16)
    f = fold([60] * 16, rows=5, expanded=set(range(16)))
    assert edge_count(f.shown) <= MAX_EDGES
    assert f.shown[0] == tuple(range(60)) and any(f.hidden(l) for l in range(16))  # from the input side


# -- folding in the window ------------------------------------------------------------------------

def test_a_large_layer_folds_into_its_first_units_and_one_more_unit(make_window):
    from guiapp.diagram.fold import LEAST_SHOWN

    w = spiral(make_window)
    d = w.diagram
    f = d.folding
    assert f.shown[0] == (0, 1) and f.shown[3] == (0, 1, 2) and 0 not in d.folds and 3 not in d.folds
    for layer in (1, 2):
        shown = len(f.shown[layer])
        assert LEAST_SHOWN <= shown <= 8 and f.shown[layer] == tuple(range(shown))
        assert d.folds[layer].text() == f"… {64 - shown} more" == d.folds[layer].values.text()
        tip = d.folds[layer].toolTip()
        assert f"{64 - shown} of the 64 units" in tip and "Click to show the layer whole" in tip
    assert set(d.units) == {(l, j) for l in range(4) for j in f.shown[l]}
    # the diagram is readable without zooming, whole in view, and nothing covers anything
    assert d.labels_shown() and not d.hint.isVisible()
    w.model.finish_iteration()
    assert overlaps(d) == []
    shown = d.mapToScene(d.viewport().rect()).boundingRect()
    assert shown.contains(d.scene().itemsBoundingRect().adjusted(8, 8, -8, -8))
    # a lower window shows fewer units, still readable
    low = spiral(make_window, size=(1024, 700))
    assert LEAST_SHOWN <= len(low.diagram.folding.shown[1]) < len(f.shown[1])
    assert low.diagram.labels_shown()


def overlaps(d) -> list:
    """Pairs of boxes (units, folds, their values, shown tags) that intersect, but for a unit and its own values."""
    boxes = [(f"tag {n}", e.tag.sceneBoundingRect().adjusted(1, 1, -1, -1)) for n, e in d.edges.items()
             if e.tag.shown_text()]
    for key, u in [*d.units.items(), *d.folds.items()]:
        boxes += [(("unit", key), u.sceneBoundingRect()), (("values", key), u.values.sceneBoundingRect().adjusted(1, 1, -1, -1))]
    boxes += [(("bias", l), b.sceneBoundingRect()) for l, b in d.bias_units.items()]
    return [(a, b) for i, (a, ra) in enumerate(boxes) for b, rb in boxes[i + 1:]
            if ra.intersects(rb) and not (isinstance(a, tuple) and isinstance(b, tuple) and a[1] == b[1])]


def test_the_edges_of_a_fold_are_bundles_that_say_what_they_stand_for(make_window):
    w = spiral(make_window)
    d = w.diagram
    f = d.folding
    shown = len(f.shown[1])
    fold_1, fold_2 = (1, shown), (2, len(f.shown[2]))
    tip = d.bundles[fold_1, (2, 0)].toolTip()
    assert tip.startswith(f"{64 - shown} weights from the {64 - shown} folded units h1.{shown + 1}–h1.64 into h2.1")
    assert d.bundles[fold_1, fold_2].toolTip().startswith(f"{(64 - shown) * (64 - len(f.shown[2])):,} weights")
    assert d.bundles[(1, None), fold_2].toolTip().startswith(f"{64 - len(f.shown[2])} biases from the bias unit b2")
    assert all((source, target) not in d.bundles for source in [(0, 0), (0, 1), (0, None)] for target in [(1, 0)])
    # a bundle the current computation uses is highlighted: net_h2.1 reads out_h1.k of every unit
    go_to(w, lambda step: step.quantity == "net" and step.layer == 2 and step.unit == 0)
    assert d.bundles[fold_1, (2, 0)].involved and not d.bundles[fold_1, (2, 1)].involved
    assert d.folds[1].pen().color() == d.style.colours.highlight


@pytest.mark.long  # the default run keeps within its 4 minutes: `-m long` runs it
def test_a_click_on_the_fold_shows_the_layer_whole_and_it_folds_back(qtbot, make_window):
    w = spiral(make_window)
    d, m = w.diagram, w.model
    fold = d.folds[1]
    qtbot.mouseClick(d.viewport(), Qt.MouseButton.LeftButton, pos=d.mapFromScene(fold.scenePos()))
    assert m.expanded == {1} and 1 not in d.folds and 2 in d.folds
    assert sorted(j for l, j in d.units if l == 1) == list(range(64))
    assert not w.actions["show_all_units"].isChecked()
    w.actions["show_all_units"].trigger()  # View ▸ Show all units
    assert m.show_all and w.actions["show_all_units"].isChecked()
    assert not d.folds and not d.bundles and len(d.units) == 2 + 64 + 64 + 3
    assert set(d.edges) == {p.name for p in m.session.net.parameters()}
    m.step()  # the window keeps stepping with every edge drawn
    assert d.units[(1, 0)].pen().color() == d.style.colours.highlight
    m.fold(2)  # the context menu's "Fold this layer": that layer only
    assert m.expanded == {0, 1, 3} and 2 in d.folds and 1 not in d.folds
    assert not w.actions["show_all_units"].isChecked()
    w.actions["show_all_units"].trigger()
    w.actions["show_all_units"].trigger()
    assert m.expanded == frozenset() and set(d.folds) == {1, 2}
    # another network opens folded
    m.set_expanded({1})
    m.replace(open_network(SPIRAL), SPIRAL)
    assert m.expanded == frozenset() and set(d.folds) == {1, 2}


def test_stepping_into_a_folded_unit_shows_it_in_the_last_place(make_window):
    w = spiral(make_window)
    d = w.diagram
    f = d.folding
    last = f.shown[1][-1]
    place, fold_place, more = d.units[(1, last)].scenePos(), d.folds[1].scenePos(), d.folds[1].text()
    go_to(w, lambda step: step.quantity == "net" and step.layer == 1 and step.unit == 40)
    assert (1, 40) in d.units and (1, last) not in d.units
    unit = d.units[(1, 40)]
    assert unit.isVisible() and unit.scenePos() == place and unit.brush().color() == d.style.colours.current_fill
    assert d.folds[1].scenePos() == fold_place and d.folds[1].text() == more  # the same rows: nothing moved
    assert unit.values.text().startswith("net ")
    assert "net_h1.41" in w.panel.now.toPlainText()
    go_to(w, lambda step: step.quantity == "net" and step.layer == 1 and step.unit == 41)
    assert (1, 41) in d.units and (1, 40) not in d.units and d.units[(1, 41)].scenePos() == place
    # a gradient between two folded units: both shown, its edge drawn and highlighted
    sizes = w.model.session.net.sizes
    name = naming.weight_name(sizes, 2, 30, 50)
    go_to(w, lambda step: step.quantity == "grad_w_sample" and step.layer == 2 and step.unit == 30 and step.source == 50)
    assert (2, 30) in d.units and (1, 50) in d.units and d.edges[name].involved
    assert d.edges[name].pen().color() == d.style.colours.highlight
    # the list of computations (the side panel) leads there too
    row = next(n for n, step in enumerate(w.model.session.steps)
               if step.quantity == "grad_w_sample" and step.layer == 2 and step.unit == 60 and step.source == 20)
    w.panel.steps.setCurrentIndex(w.panel.steps_model.index(row))
    assert w.model.session.cursor == row
    assert (2, 60) in d.units and (1, 20) in d.units and d.edges[naming.weight_name(sizes, 2, 60, 20)].involved


@pytest.mark.long  # the default run keeps within its 4 minutes: `-m long` runs it
def test_the_keyboard_selects_a_folded_units_weight(qtbot, make_window):
    from guiapp.model.session import UnitRef, ValueRef

    w = spiral(make_window)
    d, m = w.diagram, w.model
    sizes = m.session.net.sizes
    m.set_selection(ValueRef("param", naming.weight_name(sizes, 2, 0, 0)))  # h1.1 → h2.1
    d.setFocus()
    for _ in range(39):
        qtbot.keyClick(d, Qt.Key.Key_Down)  # from the unit below
    name = naming.weight_name(sizes, 2, 0, 39)  # h1.40 → h2.1
    assert m.selection == ValueRef("param", name)
    assert (1, 39) in d.units and d.edges[name].isSelected() and d.scene().selectedItems() == [d.edges[name]]
    assert f"Selected: {name}" in w.panel.selected_title.text()
    assert "out_h1.40" in w.panel.selected.toPlainText()
    qtbot.keyClick(d, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # into the unit below
    name = naming.weight_name(sizes, 2, 1, 39)
    assert m.selection == ValueRef("param", name) and d.edges[name].isSelected()
    # a unit, up to the first of its layer and no further
    m.set_selection(UnitRef(2, 2))
    for _ in range(4):
        qtbot.keyClick(d, Qt.Key.Key_Up)
    assert m.selection == UnitRef(2, 0) and d.units[(2, 0)].isSelected()
    m.set_selection(UnitRef(2, 62))
    qtbot.keyClick(d, Qt.Key.Key_Down)
    qtbot.keyClick(d, Qt.Key.Key_Down)
    assert m.selection == UnitRef(2, 63) and (2, 63) in d.units and d.units[(2, 63)].isSelected()
    assert "Selected: h2.64" in w.panel.selected_title.text()


def test_the_diagram_stays_small_however_large_the_layer(make_window):
    counts = []
    for n in (16, 64, 256):
        w = make_window(f"2-{n}-1", one_hidden_layer(n))
        counts.append(len(w.diagram.scene().items()))
        assert len(w.diagram.units) < 12
    assert counts[0] == counts[1] == counts[2] < 120
    assert len(spiral(make_window).diagram.scene().items()) < 250


@pytest.mark.parametrize("name", ["mazur", "xor", "softmax", DEEP])
@pytest.mark.parametrize("size", [(1024, 700), (1400, 860)])
def test_small_networks_are_not_folded(make_window, name, size):
    w = make_window(name, size=size)
    d = w.diagram
    net = w.model.session.net
    assert not d.folding.folded and not d.folds and not d.bundles and not d._untagged
    assert set(d.units) == {(l, j) for l, n in enumerate(net.sizes) for j in range(n)}
    assert set(d.edges) == {p.name for p in net.parameters()}
    assert all(edge.tag.scene() is d.scene() for edge in d.edges.values())
    assert w.actions["show_all_units"].isEnabled() and not w.actions["show_all_units"].isChecked()


def test_the_largest_network_opens_folded_and_is_not_shown_whole(qtbot, make_window):
    from guiapp.diagram.fold import MAX_EDGES

    w = make_window("largest", netfile.parse({
        "layers": [60] * 16, "activations": ["sigmoid"] * 15, "loss": "half_sse", "seed": 1,
        "optimizer": {"name": "sgd", "learning_rate": 0.5},
        "samples": [{"input": [0.01 * k for k in range(60)], "target": [0.5] * 60}]}))
    d = w.diagram
    assert set(d.folds) == set(range(16)) and len(d.scene().items()) < 1500
    assert not w.actions["show_all_units"].isEnabled()
    qtbot.mouseClick(d.viewport(), Qt.MouseButton.LeftButton, pos=d.mapFromScene(d.folds[5].scenePos()))
    assert w.model.expanded == {5} and 5 not in d.folds and len(d.edges) < 1500  # one layer: a few hundred edges
    w.model.set_expanded({3, 4, 5})  # three layers side by side: 7,320 edges between them, too many
    assert 3 not in d.folds and 4 not in d.folds and 5 in d.folds and len(d.edges) <= MAX_EDGES  # from the inputs
    qtbot.mouseClick(d.viewport(), Qt.MouseButton.LeftButton, pos=d.mapFromScene(d.folds[5].scenePos()))
    assert w.model.expanded == {3, 4, 5} and 5 in d.folds  # refused, with a tooltip that says why
    assert "would draw more than 5,000 edges" in QToolTip.text()


# -- the side panel and the sample box -------------------------------------------------------------

def test_the_panel_shows_every_input_of_a_unit_exactly_and_scrolls(make_window):
    from guiapp.model.session import UnitRef

    w = spiral(make_window)
    m = w.model
    m.finish_iteration()
    m.set_selection(UnitRef(2, 63))  # h2.64: 64 inputs, folded
    text = w.panel.selected.toPlainText()
    sizes = m.session.net.sizes
    for i in range(64):
        assert f"{naming.weight_name(sizes, 2, 63, i)}·out_h1.{i + 1}" in text
    s = m.sample
    net = m.session.record["net", 2][s, 63]
    assert "net_h2.64 = " in text and m.fmt(net) in text
    assert w.panel.selected.verticalScrollBar().maximum() > 0  # scrollable
    w.panel.selected.verticalScrollBar().setValue(w.panel.selected.verticalScrollBar().maximum())


def test_the_sample_box_lists_hundreds_of_samples(make_window):
    data = netfile.to_dict(open_network(SPIRAL))
    data.update(layers=[2, 64, 3], activations=["tanh", "softmax"], batch_size=None, seed=2)
    del data["weights"], data["biases"]
    w = make_window("wide", netfile.parse(data))
    box = w.sample_box
    assert box.count() == 300 and box.itemText(299) == "300" and box.isVisibleTo(w)
    box.setCurrentIndex(299)
    assert w.model.sample == 299
    x = w.model.session.net.inputs[299, 0]
    assert w.diagram.units[(0, 0)].values.text() == f"i1 = {w.model.fmt(x)}"
