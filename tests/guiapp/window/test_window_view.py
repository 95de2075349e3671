"""The window's look: text size and presentation mode, the diagram's layout, legend and bias
units, the settings header, the side panel's formulas and the colours of a dark palette."""
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem, QLabel

from engine.files import netfile
from engine import open_network
from tests.driver import go_to

ROOT = Path(__file__).resolve().parents[3]
DEEP = str(ROOT / "tests" / "data" / "3-4-4-2.json")


@pytest.fixture
def dark_palette():
    """The application in a dark palette for one test, then back to the palette it had."""
    from guiapp import colours

    app = QApplication.instance()
    before = QPalette(app.palette())
    app.setPalette(colours.dark_palette())
    yield
    app.setPalette(before)


def activate(qtbot, w) -> None:
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)


# -- text size and presentation mode -----------------------------------------------------------

def test_text_size_and_presentation_are_kept_across_a_restart(qtbot, make_window):
    w = make_window()
    base = QApplication.font().pointSizeF()
    diagram_before, panel_before = w.diagram.style.font.pointSizeF(), w.panel.now.font().pointSizeF()
    activate(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # View ▸ Larger text
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert w.model.text_scale == 125
    assert w.font().pointSizeF() == pytest.approx(base * 1.25)
    assert w.diagram.style.font.pointSizeF() == pytest.approx(diagram_before * 1.25)
    assert w.panel.now.font().pointSizeF() == pytest.approx(panel_before * 1.25)
    qtbot.keyClick(w, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)  # Smaller text
    assert w.model.text_scale == 110
    qtbot.keyClick(w, Qt.Key.Key_F5)  # presentation mode
    assert w.model.presentation and w.actions["presentation"].isChecked()
    assert w.font().pointSizeF() == pytest.approx(base * 1.1 * 1.5)
    assert not w.plot.isVisible() and not w.statusBar().isVisible() and not w.panel.steps.isVisible()
    assert w.splitter.orientation() == Qt.Orientation.Vertical  # the computation under the diagram
    assert w.diagram.isVisible() and w.panel.now.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # presentation's own text size
    assert w.model.presentation_scale == 110 and w.model.text_scale == 110
    w.close()

    from guiapp.window import MainWindow

    w2 = MainWindow(open_network("mazur"), "mazur")
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    assert w2.model.text_scale == 110 and w2.model.presentation and w2.model.presentation_scale == 110
    assert w2.actions["presentation"].isChecked() and not w2.plot.isVisible()
    assert w2.font().pointSizeF() == pytest.approx(base * 1.1 * 1.5)
    w2.actions["presentation"].trigger()  # back to the desk layout
    assert not w2.model.presentation and w2.plot.isVisible() and w2.statusBar().isVisible()
    assert w2.splitter.orientation() == Qt.Orientation.Horizontal and w2.panel.steps.isVisible()
    assert w2.font().pointSizeF() == pytest.approx(base * 1.1)
    w2.close()


def test_text_size_stays_within_its_range(window):
    m = window.model
    for _ in range(30):
        m.larger_text()
    assert m.text_scale == 300
    for _ in range(30):
        m.smaller_text()
    assert m.text_scale == 70
    assert window.diagram.labels_shown()


def test_the_diagram_zoom_has_keys_of_its_own(qtbot, window):
    w = window
    activate(qtbot, w)
    before = w.diagram.transform().m11()
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert w.diagram.transform().m11() == pytest.approx(before * 1.25)
    assert w.model.text_scale == 100


# -- the diagram ------------------------------------------------------------------------------

def test_clicking_the_middle_of_a_bias_unit_selects_it(qtbot, window):
    from guiapp.model.session import BiasUnitRef

    w = window
    b1 = w.diagram.bias_units[1]
    qtbot.mouseClick(w.diagram.viewport(), Qt.MouseButton.LeftButton, pos=w.diagram.mapFromScene(b1.scenePos()))
    assert w.model.selection == BiasUnitRef(1)
    assert w.diagram.scene().selectedItems() == [b1]
    assert not w.diagram.edges["b_h2"].isSelected() and not w.diagram.edges["b_h1"].isSelected()
    assert "bias unit b1" in w.panel.selected_title.text()
    text = w.panel.selected.toPlainText()
    assert "b_h1 = 0.35" in text and "b_h2 = 0.35" in text and "frozen" in text
    w.actions["edit_selected"].trigger()  # a bias unit's output is always 1: nothing to edit
    from guiapp.dialogs.editor import ValueEditor

    assert not [e for e in w.findChildren(ValueEditor) if e.isVisible()]


def test_the_legend_and_the_hint_are_widgets_in_the_views_corners(qtbot, make_window):
    w = make_window()
    d = w.diagram
    legend = d.findChild(QLabel, "legend")
    assert legend is d.legend and legend.parent() is d and legend.isVisible()  # on the view, over its viewport
    assert legend not in [getattr(item, "widget", lambda: None)() for item in d.scene().items()]
    text = legend.text()
    assert "green" in text and "selected" in text and "blue" in text and "vermillion" in text
    vp = d.viewport().geometry()
    geometry = legend.geometry()
    assert vp.contains(geometry) and geometry.left() - vp.left() <= 10 and vp.bottom() - geometry.bottom() <= 10
    d.zoom(1.5)  # zooming and scrolling move the scene, not the legend
    d.horizontalScrollBar().setValue(d.horizontalScrollBar().value() + 40)
    d.verticalScrollBar().setValue(d.verticalScrollBar().value() + 40)
    assert legend.geometry() == geometry
    # a network too large to read whole: the hint, top right
    six = netfile.parse({"layers": [8, 8, 8, 8, 8, 8], "activations": ["tanh"] * 4 + ["sigmoid"],
                         "loss": "half_sse", "seed": 3, "optimizer": {"name": "sgd", "learning_rate": 0.1},
                         "samples": [{"input": [0.1 * i for i in range(8)], "target": [0.5] * 8}]})
    big = make_window("6x8", six)
    hint = big.diagram.hint
    assert hint.isVisible() and hint.parent() is big.diagram
    vp = big.diagram.viewport().geometry()
    assert vp.contains(hint.geometry()) and hint.geometry().top() - vp.top() <= 10
    assert vp.right() - hint.geometry().right() <= 10
    assert not hint.geometry().intersects(big.diagram.legend.geometry())


def _boxes(w):
    d = w.diagram
    boxes = [(f"tag {n}", e.tag.sceneBoundingRect().adjusted(1, 1, -1, -1)) for n, e in d.edges.items()]
    for key, u in d.units.items():
        boxes += [(f"unit {key}", u.sceneBoundingRect()), (f"values {key}", u.values.sceneBoundingRect().adjusted(1, 1, -1, -1))]
    boxes += [(f"bias {l}", b.sceneBoundingRect()) for l, b in d.bias_units.items()]
    boxes.append(("eta", d.lr_tag.sceneBoundingRect().adjusted(1, 1, -1, -1)))
    return boxes


def _overlaps(w) -> list:
    """Pairs of boxes (tags, units, unit values) that intersect, but for a unit and its own values."""
    def own(a, b):
        return {a.split()[0], b.split()[0]} == {"unit", "values"} and a.split(" ", 1)[1] == b.split(" ", 1)[1]

    boxes = _boxes(w)
    return [(a, b) for i, (a, ra) in enumerate(boxes) for b, rb in boxes[i + 1:] if ra.intersects(rb) and not own(a, b)]


@pytest.mark.parametrize("name", ["mazur", "xor", "softmax", DEEP])
@pytest.mark.parametrize("size", [(1024, 700), (1400, 860)])
def test_every_tag_sits_on_its_edge_readable_and_clear_of_the_others(qtbot, make_window, name, size):
    w = make_window(name, size=size)
    d = w.diagram
    before = {n: e.tag.scenePos() for n, e in d.edges.items()}
    w.model.finish_iteration()  # every tag at its largest: values, gradients, w⁺
    assert {n: e.tag.scenePos() for n, e in d.edges.items()} == before  # the layout stays put
    from guiapp.diagram.events import MIN_TEXT_PX

    assert d.labels_shown() and d.text_px() >= MIN_TEXT_PX  # readable without zooming
    for n, e in d.edges.items():
        line, at = e.line(), e.tag.scenePos()
        cross = abs((at.x() - line.x1()) * line.dy() - (at.y() - line.y1()) * line.dx()) / line.length()
        assert cross < 0.5, f"{n}'s tag is off its edge"
    assert _overlaps(w) == []
    # the whole diagram is in view
    shown = d.mapToScene(d.viewport().rect()).boundingRect()
    assert shown.contains(d.scene().itemsBoundingRect().adjusted(8, 8, -8, -8))


def test_an_input_edited_to_a_long_number_gets_room(window):
    from guiapp.model.session import ValueRef

    window.model.write(ValueRef("input", (0, 0)), -0.000123456789123)
    assert window.diagram.units[(0, 0)].values.text() == "i1 = −0.000123456789"
    assert _overlaps(window) == []


def test_what_a_crowded_tag_leaves_out_shows_on_demand(qtbot, make_window):
    from guiapp.diagram.layout import NAMES
    from guiapp.model.session import ValueRef

    w = make_window(DEEP, size=(1024, 700))
    d = w.diagram
    assert d.level == NAMES
    assert d.edges["w5"].tag.shown_text() == "w5" and d.edges["w5"].tag.text().startswith("w5 ")
    w.model.set_selection(ValueRef("param", "w5"))
    callout = d.callouts["w5"]
    assert callout.isVisible() and callout.shown_text() == d.edges["w5"].tag.text()
    line, at = d.edges["w5"].line(), callout.scenePos()
    assert abs((at.x() - line.x1()) * line.dy() - (at.y() - line.y1()) * line.dx()) / line.length() < 0.5
    w.model.set_selection(None)
    assert "w5" not in d.callouts
    # the computation's own edges show their values
    go_to(w, lambda step: step.quantity == "net" and step.layer == 1 and step.unit == 0)
    assert {"w1", "w2", "w3", "b_h1.1"} <= set(d.callouts)
    # and the edge under the mouse
    w.model.go_to(-1)
    qtbot.mouseMove(d.viewport(), d.mapFromScene(d.edges["w7"].tag.scenePos()))
    qtbot.waitUntil(lambda: "w7" in d.callouts)


def test_a_negative_weight_is_dashed(window):
    from guiapp.model.session import ValueRef

    d = window.diagram
    window.model.write(ValueRef("param", "w2"), -0.2)
    assert d.edges["w2"].pen().style() == Qt.PenStyle.CustomDashLine
    assert d.edges["w1"].pen().style() == Qt.PenStyle.SolidLine


# -- the settings header ------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("xor", ["XOR", "2-3-1", "hidden tanh, output sigmoid", "loss binary cross-entropy", "η = 0.5",
             "momentum 0.9", "full batch of 4 samples", "biases learn", "simultaneous updates"]),
    ("softmax", ["Softmax: 3 classes", "2-4-3", "hidden tanh, output softmax", "loss cross-entropy", "η = 0.3",
                 "momentum 0", "mini-batches of 2 from 6 samples", "biases learn", "simultaneous updates"]),
    ("mazur", ["Worked example (Mazur 2015)", "loss ½ squared error", "biases frozen", "full batch of 1 sample"]),
])
def test_the_header_shows_the_networks_settings(make_window, name, expected):
    w = make_window(name)
    text = w.header.plain_text()
    for part in expected:
        assert part in text, part
    assert w.header.isVisible() and w.header.geometry().bottom() <= w.diagram.geometry().top()
    assert open_network(name).description in w.header.toolTip().replace("&quot;", '"')


def test_seed_notebook_does_not_look_like_mazur(make_window):
    mazur, seed = make_window("mazur"), make_window("seed-notebook")
    assert mazur.header.plain_text() != seed.header.plain_text()
    assert "loss mean squared error" in seed.header.plain_text() and "biases learn" in seed.header.plain_text()
    assert "Seed notebook" in seed.windowTitle() and "Worked example" in mazur.windowTitle()
    entries = {a.objectName(): a for a in mazur.presets_menu.actions()}
    assert "Worked example (Mazur 2015)" in entries["preset:mazur"].text()
    assert "Seed notebook" in entries["preset:seed-notebook"].text()
    assert entries["preset:seed-notebook"].toolTip() == open_network("seed-notebook").description


def test_the_learning_rate_is_edited_from_the_header(qtbot, window):
    from guiapp.dialogs.editor import ValueEditor

    w = window
    w.header.linkActivated.emit("lr")
    qtbot.waitUntil(lambda: any(e.isVisible() for e in w.findChildren(ValueEditor)))
    editor = next(e for e in w.findChildren(ValueEditor) if e.isVisible())
    assert "learning rate" in editor.windowTitle()
    editor.field.setText("0.25")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert w.model.session.net.learning_rate == 0.25
    assert "η = 0.25" in w.header.plain_text()
    w.undo_stack.undo()
    assert "η = 0.5" in w.header.plain_text()


def test_names_from_a_file_are_shown_as_plain_text(make_window):
    data = {"name": "<b>bold</b> & <i>co</i>", "description": "<img src=x> a & b", "layers": [1, 1],
            "activations": ["sigmoid"], "loss": "half_sse", "seed": 1, "optimizer": {"name": "sgd", "learning_rate": 0.5},
            "samples": [{"input": [1.0], "target": [0.0]}]}
    w = make_window("odd.json", netfile.parse(data))
    assert "<b>bold</b> & <i>co</i>" in w.header.plain_text()
    assert "<b>bold</b> & <i>co</i>" in w.windowTitle()
    assert "&lt;img src=x&gt; a &amp; b" in w.header.toolTip()


# -- the side panel -----------------------------------------------------------------------------

def _line_ends(browser) -> list[str]:
    """The text of every line the document is laid out in (word joiners left in)."""
    doc = browser.document()
    doc.setTextWidth(browser.viewport().width())
    doc.documentLayout().documentSize()
    lines = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines.append(block.text()[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    return lines


def test_formulas_break_only_between_terms(qtbot, make_window):
    from guiapp.model.session import ValueRef
    from guiapp.panels.side import WORD_JOINER

    w = make_window(size=(1024, 700))
    go_to(w, lambda step: step.quantity == "grad_w_sample" and step.layer == 1 and step.unit == 0)
    w.model.set_selection(ValueRef("param", "w1"))
    for browser in (w.panel.now, w.panel.selected):
        lines = _line_ends(browser)
        wrapped = [(a, b) for a, b in zip(lines, lines[1:]) if a and not a.endswith("\n")]
        assert len(lines) > 4
        for a, b in zip(lines, lines[1:]):
            # a line ends at a space (a break between terms), or its paragraph ends there
            assert a.endswith((" ", "\u2029")) or b == "" or a == lines[-1] or _paragraph_end(browser, a), (a, b)
        assert wrapped
        text = browser.document().toRawText()
        for word in text.replace("\u2029", " ").replace("\u00a0", " ").split(" "):
            plain = word.replace(WORD_JOINER, "")
            if len(plain) > 1 and any(c in plain for c in "∂_/·"):  # a symbol, not a word of a sentence
                assert word == WORD_JOINER.join(plain), word  # every symbol held together
    # what the panel says (and copies) has no joiners in it
    assert "∂E_total/∂w1 = ∂E_total/∂out_h1 × ∂out_h1/∂net_h1 × ∂net_h1/∂w1" in w.panel.selected.toPlainText()


def _paragraph_end(browser, line_text: str) -> bool:
    block = browser.document().begin()
    while block.isValid():
        if block.text().endswith(line_text):
            return True
        block = block.next()
    return False


def test_unbreakable_joins_symbols_and_breaks_at_operators():
    from guiapp.panels.side import NBSP, WORD_JOINER, unbreakable

    j = WORD_JOINER.join
    assert unbreakable("∂E/∂w1 = a·b + c × d") == (f"{j('∂E/∂w1')}{NBSP}= {j('a·b')} +{NBSP}c ×{NBSP}d")
    assert unbreakable("x < y & z") == f"x{NBSP}&lt;{NBSP}y{NBSP}&amp;{NBSP}z"


def test_the_selected_box_gives_its_room_away_when_empty(qtbot, window):
    from guiapp.model.session import ValueRef

    w = window
    w.model.set_selection(None)
    empty = w.panel.middle.height()
    assert not w.panel.selected.isVisible() and empty <= 3 * w.panel.selected_title.sizeHint().height()
    go_to(w, lambda step: step.quantity == "grad_w_sample" and step.layer == 1 and step.unit == 0)
    w.model.set_selection(ValueRef("param", "w1"))
    assert w.panel.selected.isVisible() and w.panel.middle.height() > 4 * empty
    # the current computation is shown whole, without scrolling
    assert w.panel.now.verticalScrollBar().maximum() == 0


@pytest.mark.parametrize("name", ["softmax", "xor"])
def test_a_fused_delta_explains_itself(make_window, name):
    w = make_window(name)
    s = w.model.session
    note = s.net.fused.note
    depth = s.net.depth
    go_to(w, lambda step: step.quantity == "dE_dout" and step.layer == depth)
    text = w.panel.now.toPlainText()
    assert "not used" in text and note[1:] in text
    go_to(w, lambda step: step.quantity == "delta" and step.layer == depth)
    text = w.panel.now.toPlainText()
    assert text.splitlines()[1].startswith("δ_o1 = ") and note[1:] in text and "in one piece" in text


def test_an_unfused_delta_has_no_note(window):
    go_to(window, lambda step: step.quantity == "delta" and step.layer == 2)
    assert "in one piece" not in window.panel.now.toPlainText()


# -- colours --------------------------------------------------------------------------------------

def _text_contrasts(scheme):
    from guiapp.colours import contrast

    on = scheme.tag_opaque
    return {name: contrast(colour, on) for name, colour in scheme.text_colours().items()} | {
        "text on the view": contrast(scheme.text, scheme.background),
        "unit name on the current unit": contrast(scheme.text, scheme.current_fill),
        "unit name on a bias unit": contrast(scheme.text, scheme.bias_fill),
        "note on its box": contrast(scheme.note, scheme.note_fill)}


def test_the_light_palette_keeps_text_readable(window):
    scheme = window.diagram.style.colours
    assert not scheme.dark
    assert min(_text_contrasts(scheme).values()) >= 4.5


def test_a_dark_palette_recolours_the_diagram_and_panel(qtbot, make_window, dark_palette):
    from guiapp import colours

    w = make_window("softmax")
    d = w.diagram
    scheme = d.style.colours
    assert scheme.dark
    assert d.backgroundBrush().color().lightness() < 60
    assert scheme.text.lightness() > 200
    low = {k: round(v, 2) for k, v in _text_contrasts(scheme).items() if v < 4.5}
    assert low == {}
    # the items draw with it
    w.model.step()
    unit = d.units[(1, 0)]
    assert unit.values.colour_of(0) == scheme.text
    assert colours.contrast(unit.values.colour_of(0), scheme.tag_opaque) >= 4.5
    assert d.edges["w1"].pen().color().rgb() in (scheme.positive.rgb(), scheme.negative.rgb(), scheme.highlight.rgb())
    assert w.panel.colours.dark and w.panel.steps_model.colours.dark
    # back to light: everything follows again
    QApplication.instance().setPalette(QApplication.style().standardPalette())
    qtbot.waitUntil(lambda: not d.style.colours.dark)
    assert d.backgroundBrush().color().lightness() > 200


def test_sign_colours_stay_apart_for_colour_blind_eyes(qapp):
    """Positive and negative weights differ in lightness as well as hue, and in line style."""
    from guiapp import colours

    for palette in (QApplication.style().standardPalette(), colours.dark_palette()):
        s = colours.scheme(palette)
        assert s.positive.hue() != s.negative.hue()
        assert colours.contrast(s.positive, s.background) >= 3 and colours.contrast(s.negative, s.background) >= 3
        assert abs(s.positive.hue() - s.negative.hue()) > 120  # blue against vermillion


def test_a_bias_unit_is_selectable_in_the_scene(window):
    b = window.diagram.bias_units[2]
    assert b.flags() & QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
    assert window.diagram.selection_of(b).layer == 2


