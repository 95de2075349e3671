"""Data for the network from the window (issue 9, items 3 and 4): a generated data set and a
CSV file through their dialogs, samples exported, and every change of issue 9 undone and redone."""
import json

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from engine.files import csvdata, netfile
from tests.helpers import run_cli
from tests.guiapp.dialogs.test_structure_dialog import choose, dialog_of, ok, save
from tests.engine.session.test_torch_parity import train_and_compare


def shown_dialog(w, kind):
    found = [d for d in w.findChildren(kind) if d.isVisible()]
    assert len(found) == 1, f"no {kind.__name__} open"
    return found[0]


def build_2_4_1(qtbot, w) -> None:
    """New network: 2-4-1, tanh then sigmoid, bce."""
    w.actions["new_network"].trigger()
    d = dialog_of(w)
    d.unit_boxes[1].setValue(4)
    d.unit_boxes[2].setValue(1)
    choose(qtbot, d.activation_boxes[0], "tanh")
    choose(qtbot, d.loss, "bce")
    assert d.design.activations == ["tanh", "sigmoid"]
    ok(qtbot, d)


def test_a_2_4_1_network_on_generated_xor_equals_the_headless_file_and_pytorch(qtbot, make_window, tmp_path,
                                                                                   monkeypatch):
    from guiapp.dialogs.data import GenerateDialog

    w = make_window("mazur")
    build_2_4_1(qtbot, w)
    w.actions["generate_data"].trigger()
    g = shown_dialog(w, GenerateDialog)
    g.kind.setCurrentIndex(g.kind.findData("xor"))
    assert "200 samples of 2 inputs; targets: 2 classes, in this order: 0, 1" in g.result_text.text()
    ok(qtbot, g)
    s = w.model.session
    assert s.net.sizes == [2, 4, 1] and s.net.n_samples == 200 and s.iteration == 1
    save(w, monkeypatch, tmp_path / "dialog.json")
    r = run_cli("new", "--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor",
                "--samples", "200", "--noise", "0", "--seed", "0", "--out", str(tmp_path / "headless.json"))
    assert r.returncode == 0, r.stderr
    dialog_file = json.loads((tmp_path / "dialog.json").read_text())
    assert dialog_file == json.loads((tmp_path / "headless.json").read_text())
    train_and_compare(dialog_file, 1)


def test_samples_imported_from_a_csv_file(qtbot, make_window, tmp_path, monkeypatch):
    from guiapp.dialogs.data import ImportDialog

    path = tmp_path / "flowers.csv"
    path.write_text('length;width;"kind"\n1,5;0,25;rose\n2;0,5;tulip\n3,5;1;rose\n')
    w = make_window("xor")
    monkeypatch.setattr("guiapp.menus.network.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), ""))
    w.actions["import_csv"].trigger()
    d = shown_dialog(w, ImportDialog)
    assert "3 rows of 3 columns, separated by semicolons, decimal comma, a header row" in d.read_as.text()
    assert d.preview.item(0, 2).text() == "rose" and d.preview.verticalHeaderItem(0).text() == "2"
    d.targets.setText("kind")
    d.inputs.setText("length,nothing")
    assert not d.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "no column 'nothing'" in d.result_text.text()
    d.inputs.setText("1-2")
    d.scale.setCurrentIndex(d.scale.findData("minmax"))
    assert "classes, in this order: rose, tulip" in d.result_text.text()
    ok(qtbot, d)
    s = w.model.session
    assert s.net.sizes == [2, 3, 1] and s.iteration == 1  # xor's bce output: one unit for two classes
    np.testing.assert_array_equal(s.net.inputs, [[0.0, 0.0], [0.25, 1 / 3], [1.0, 1.0]])
    np.testing.assert_array_equal(s.net.targets, [[0.0], [1.0], [0.0]])
    assert "flowers.csv" in s.net.description and "rose, tulip" in s.net.description


def test_a_bad_csv_file_is_refused_with_its_line_and_nothing_changes(qtbot, make_window, tmp_path, monkeypatch):
    path = tmp_path / "bad.csv"
    path.write_text("x,y,t\n1,2,0\n3,4\n")
    w = make_window("xor")
    before = netfile.dumps(w.model.session.current_network())
    monkeypatch.setattr("guiapp.menus.network.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), ""))
    w.actions["import_csv"].trigger()
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert boxes and "line 3: 2 fields where line 1 has 3" in boxes[-1].text()
    assert boxes[-1].textFormat() == Qt.TextFormat.PlainText
    assert netfile.dumps(w.model.session.current_network()) == before and not w.undo_stack.canUndo()


def test_samples_exported_read_back_exactly(qtbot, make_window, tmp_path, monkeypatch):
    w = make_window("softmax")
    path = tmp_path / "s.csv"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    w.actions["export_samples"].trigger()
    net = w.model.session.net
    d = csvdata.select(csvdata.read(path), "1-2", "3-5")
    np.testing.assert_array_equal(d.inputs, net.inputs)
    np.testing.assert_array_equal(d.values, net.targets)


def test_every_change_is_undone_to_the_start_and_redone_exactly(qtbot, make_window, tmp_path, monkeypatch):
    """New network, Edit structure, a sample typed, a data set, a CSV file: undo walks back to
    the network opened, redo forward again, every network equal to the one it was."""
    from guiapp.dialogs.data import GenerateDialog, ImportDialog

    w = make_window("mazur")
    networks = [netfile.dumps(w.model.session.current_network())]

    def remember():
        networks.append(netfile.dumps(w.model.session.current_network()))

    build_2_4_1(qtbot, w)
    remember()
    w.actions["edit_structure"].trigger()
    d = dialog_of(w)
    qtbot.mouseClick(d.add_layer, Qt.MouseButton.LeftButton)
    ok(qtbot, d)
    remember()
    w.actions["samples"].trigger()
    table = w.network.samples_editor.table
    table.setData(table.index(0, 0), "1/4")
    remember()
    w.actions["generate_data"].trigger()
    g = shown_dialog(w, GenerateDialog)
    g.kind.setCurrentIndex(g.kind.findData("spiral"))
    g.samples.setValue(30)
    ok(qtbot, g)
    remember()
    path = tmp_path / "t.csv"
    path.write_text("a,b,c,t\n1,2,3,0.5\n4,5,6,0.25\n")
    monkeypatch.setattr("guiapp.menus.network.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), ""))
    w.actions["import_csv"].trigger()
    ok(qtbot, shown_dialog(w, ImportDialog))
    remember()
    assert w.model.session.net.sizes == [3, 4, 4, 1]
    assert w.undo_stack.count() == len(networks) - 1 == 5
    for k in range(len(networks) - 2, -1, -1):
        w.actions["undo"].trigger()
        assert netfile.dumps(w.model.session.current_network()) == networks[k], k
    for k in range(1, len(networks)):
        w.actions["redo"].trigger()
        assert netfile.dumps(w.model.session.current_network()) == networks[k], k
