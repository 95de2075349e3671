"""New network and Edit structure (issue 9, item 1), through the real dialog."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit

from engine import Session, open_network
from engine.files import netfile
from engine.network.maths import Params
from tests.helpers import run_cli


def dialog_of(w):
    from guiapp.dialogs.structure import StructureDialog

    shown = [d for d in w.findChildren(StructureDialog) if d.isVisible()]
    assert len(shown) == 1, "the dialog did not open"
    return shown[0]


def choose(qtbot, combo: QComboBox, value: str) -> None:
    """Pick an entry of a combo box by keyboard, as a user does (disabled entries cannot be)."""
    index = combo.findData(value)
    assert combo.model().item(index).isEnabled(), combo.model().item(index).toolTip()
    combo.setFocus()
    combo.setCurrentIndex(index)


def ok(qtbot, dialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button.isEnabled(), dialog.problem.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_number(qtbot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)


def save(w, monkeypatch, path) -> None:
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    w.actions["save_as"].trigger()


def edit(qtbot, w, ref, text: str) -> None:
    """Select a value and type it into the value editor, as with Enter in the diagram."""
    from guiapp.dialogs.editor import ValueEditor

    w.model.set_selection(ref)
    w.actions["edit_selected"].trigger()
    editor = [e for e in w.findChildren(ValueEditor) if e.isVisible()][0]
    editor.field.selectAll()
    qtbot.keyClicks(editor.field, text)
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)


def test_the_worked_example_built_from_an_empty_new_network(qtbot, make_window, tmp_path, monkeypatch):
    from guiapp.model.session import UnitRef, ValueRef

    w = make_window("xor")
    w.actions["new_network"].trigger()
    d = dialog_of(w)
    assert [b.value() for b in d.unit_boxes] == [2, 2, 2]  # New network offers the worked example's shape
    qtbot.mouseClick(d.train_biases, Qt.MouseButton.LeftButton)  # frozen biases, as in the article
    type_number(qtbot, d.learning_rate, "1/2")
    ok(qtbot, d)
    s = w.model.session
    assert s.net.sizes == [2, 2, 2] and not s.net.train_biases and s.iteration == 1 and w.model.source == ""
    save(w, monkeypatch, tmp_path / "dialog.json")
    run_cli("new", "--layers", "2,2,2", "--activations", "sigmoid,sigmoid", "--loss", "half_sse",
            "--learning-rate", "0.5", "--frozen-biases", "--seed", "0", "--out", str(tmp_path / "headless.json"))
    assert json.loads((tmp_path / "dialog.json").read_text()) == json.loads((tmp_path / "headless.json").read_text())
    # the article's numbers, typed into the diagram and the samples table
    mazur = open_network("mazur")
    for p in s.net.parameters():
        layer, kind = p.layer - 1, p.kind
        value = mazur.weights[layer][p.unit, p.source] if kind == "w" else mazur.biases[layer][p.unit]
        edit(qtbot, w, ValueRef("param", p.name), repr(float(value)))
    edit(qtbot, w, UnitRef(0, 0), "0.05")
    edit(qtbot, w, UnitRef(0, 1), "0.10")
    edit(qtbot, w, UnitRef(2, 0), "0.01")
    edit(qtbot, w, UnitRef(2, 1), "0.99")
    save(w, monkeypatch, tmp_path / "worked.json")
    built = netfile.load(tmp_path / "worked.json")
    reference = Session(mazur)
    mine = Session(built)
    np.testing.assert_array_equal(mine.record.row, reference.record.row)  # every number of iteration 1
    assert mine.loss == pytest.approx(0.298371109, abs=5e-10)  # the article's E_total
    from tests.engine.session.test_torch_parity import train_and_compare

    train_and_compare(json.loads((tmp_path / "worked.json").read_text()), 2)  # and PyTorch's


def test_options_that_do_not_go_together_are_disabled_with_the_reason(qtbot, make_window):
    w = make_window("mazur")
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    hidden, output = d.activation_boxes
    softmax = hidden.findData("softmax")
    assert not hidden.model().item(softmax).isEnabled()
    assert "output layer only" in hidden.model().item(softmax).toolTip()
    # cross-entropy is offered: choosing it makes the output layer softmax
    choose(qtbot, d.loss, "cross_entropy")
    assert d.design.activations[-1] == "softmax" and output.currentData() == "softmax"
    # and choosing a sigmoid output again takes a loss that goes with it
    choose(qtbot, output, "sigmoid")
    assert d.design.loss != "cross_entropy"
    # bce needs a sigmoid output: with tanh it is offered, and choosing it makes the output sigmoid
    choose(qtbot, output, "tanh")
    choose(qtbot, d.loss, "bce")
    assert d.design.activations[-1] == "sigmoid"
    # a softmax output of one unit is not offered
    choose(qtbot, d.loss, "cross_entropy")
    d.unit_boxes[-1].setValue(1)
    assert not d.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "at least 2 units" in d.problem.text()
    d.reject()


def test_edit_structure_keeps_values_starts_again_and_undo_brings_everything_back(qtbot, make_window):
    w = make_window("mazur")
    w.model.train(10)
    qtbot.waitUntil(lambda: not w.model.busy)
    s0 = w.model.session
    before = (s0.iteration, s0.params.theta.copy(), s0.history.values.copy())
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    qtbot.mouseClick(d.add_layer, Qt.MouseButton.LeftButton)
    assert [b.value() for b in d.unit_boxes] == [2, 2, 2, 2]
    d.unit_boxes[1].setValue(3)
    assert d.start_keep.isChecked()
    ok(qtbot, d)
    s = w.model.session
    assert s.net.sizes == [2, 3, 2, 2] and s.iteration == 1
    assert "starts at iteration 1" in w.statusBar().currentMessage()
    np.testing.assert_array_equal(s.params.weights[0][:2], Params(s0.params.shapes, before[1]).weights[0])
    np.testing.assert_array_equal(s.net.inputs, s0.net.inputs)
    w.actions["undo"].trigger()
    s = w.model.session
    assert s.net.sizes == [2, 2, 2] and s.iteration == before[0]
    np.testing.assert_array_equal(s.params.theta, before[1])
    np.testing.assert_array_equal(s.history.values[: before[0] - 1], before[2][: before[0] - 1])
    w.actions["redo"].trigger()
    assert w.model.session.net.sizes == [2, 3, 2, 2]



def test_problems_are_said_in_the_dialogs_words(qtbot, make_window):
    """Issue 17: the dialog said `sizes[2]: …`, the network file's name of the field."""
    w = make_window("softmax")
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    d.unit_boxes[-1].setValue(1)
    assert d.problem.text() == "Output layer: a softmax output layer needs at least 2 units"
    d.unit_boxes[-1].setValue(3)
    type_number(qtbot, d.learning_rate, "-1")
    assert d.problem.text() == "Learning rate η: must be positive, found -1.0"
    d.reject()
    from guiapp.dialogs.structure import in_words

    assert [in_words(f, d.design) for f in ("sizes[0]", "sizes[1]", "activations[0]", "activations[1]", "batch_size")] \
        == ["Inputs", "Hidden layer 1", "Hidden layer 1", "Output layer", "Batch size"]


def test_adding_hidden_layers_grows_the_dialog_and_squeezes_nothing(qtbot, make_window):
    """Issue 17, 5.6: after Add a hidden layer the dialog grew to its least size only (the seed
    field was squeezed to 15 pixels, too low to use) and the labels of the rows it replaced
    were painted under the new ones."""
    from PySide6.QtWidgets import QApplication, QLabel

    w = make_window("mazur")
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    fields = lambda: [d.seed, d.batch, d.learning_rate, *d.optimizer.boxes.values(), d.test_fraction, d.init, d.loss, d.order,  # noqa: E731
                      *d.unit_boxes, *d.activation_boxes]
    before = d.height()
    for added in range(1, 14):
        qtbot.mouseClick(d.add_layer, Qt.MouseButton.LeftButton)
        QApplication.processEvents()
        squeezed = [f.objectName() for f in fields() if f.height() < f.sizeHint().height()]
        assert not squeezed, f"{added} layers added: squeezed {squeezed}"
        shown = [label.text() for label in d.layers_box.findChildren(QLabel) if label.isVisible()]
        assert shown == ["Inputs"] + [f"Hidden layer {k}" for k in range(1, added + 2)] + ["Output layer"]
        if added == 2:
            assert d.height() > before  # it grew, with the rows whole
    assert not d.add_layer.isEnabled()  # 16 layers: the most a network has
    screen = d.screen().availableGeometry()
    assert d.frameGeometry().height() <= screen.height()  # still on the screen: the layers scroll
    bar = d.layers_scroll.verticalScrollBar()
    assert bar.isVisible() and bar.value() == bar.maximum()  # at the new layer and the outputs
    d.reject()
