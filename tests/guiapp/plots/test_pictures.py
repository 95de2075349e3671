"""Pictures of the diagram and the loss curve, and the current computation as text (issue 10, item 3)."""
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from engine.files import netfile
from tests.helpers import ROOT


def svg_texts(path) -> str:
    root = ET.parse(path).getroot()  # it parses
    return " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))


@pytest.mark.parametrize("subject", ["diagram", "whole"])
def test_the_diagram_as_svg_and_png(qtbot, make_window, tmp_path, subject):
    from guiapp.menus import pictures

    w = make_window("mazur")
    svg = tmp_path / "d.svg"
    pictures.export_to(w, subject, str(svg), 0)
    texts = svg_texts(svg)
    for label in ("w1", "w5", "w8", "i1", "o2", "b1"):
        assert label in texts, label
    png = tmp_path / "d.png"
    pictures.export_to(w, subject, str(png), 1500)
    image = QImage(str(png))
    assert image.width() == 1500 and image.height() > 100
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]  # no temporary file left


def test_the_whole_diagram_holds_every_unit_when_zoomed_in(qtbot, make_window, tmp_path):
    from guiapp.menus import pictures

    w = make_window("xor")
    for _ in range(6):
        w.diagram.zoom_in()
    shown = pictures.diagram_source(w.diagram, fitted=False)
    whole = pictures.diagram_source(w.diagram, fitted=True)
    assert whole.contains(shown) or whole.width() > shown.width()
    for unit in w.diagram.units.values():
        assert whole.contains(unit.sceneBoundingRect())


@pytest.mark.parametrize("subject, width, label", [("loss", 1200, "iteration"), ("map", 800, "i1")])
def test_a_plot_as_png_and_svg(qtbot, make_window, tmp_path, subject, width, label):
    """The loss curve and the output map, as PNG at the width asked and as SVG with their axes' texts."""
    from guiapp.menus import pictures

    w = make_window("xor")
    w.model.train(30)
    qtbot.waitUntil(lambda: not w.model.busy)
    pictures.export_to(w, subject, str(tmp_path / "p.png"), width)
    assert QImage(str(tmp_path / "p.png")).width() == width
    pictures.export_to(w, subject, str(tmp_path / "p.svg"), 0)
    assert label in svg_texts(tmp_path / "p.svg")


def test_export_picture_through_the_dialog(qtbot, make_window, tmp_path, monkeypatch):
    w = make_window("softmax")
    path = tmp_path / "pic.png"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    w.actions["export_picture"].trigger()
    dialog = [d for d in QApplication.topLevelWidgets() if d.objectName() == "pictureDialog" and d.isVisible()][0]
    width = [c for c in dialog.findChildren(object) if c.objectName() == "pictureWidth"][0]
    width.setValue(900)
    dialog.accept()
    assert QImage(str(path)).width() == 900
    assert "Wrote" in w.statusBar().currentMessage()


def test_copies_to_the_clipboard(qtbot, make_window):
    w = make_window("mazur")
    w.actions["copy_computation"].trigger()
    assert "Nothing computed yet" in w.statusBar().currentMessage()
    s = w.model.session
    target = next(k for k, step in enumerate(s.steps) if step.quantity == "grad_w_sample" and step.layer == 2
                  and step.unit == 0 and step.source == 0)
    s.go_to(target)
    w.model.changed.emit()
    w.actions["copy_computation"].trigger()
    text = QApplication.clipboard().text()
    assert "∂E_total/∂w5" in text and "0.0821670406" in text and "0.74136507" in text
    w.actions["copy_diagram"].trigger()
    image = QApplication.clipboard().image()
    assert not image.isNull() and image.width() == int(2 * w.diagram.devicePixelRatioF() *
                                                       w.diagram.viewport().width())


def test_the_output_map_is_a_subject_where_the_network_has_two_inputs(qtbot, make_window):
    from guiapp.menus import pictures

    w = make_window("xor")
    dialog = pictures.PictureDialog(w)
    assert dialog.subject.findData("map") >= 0
    three = make_window(net=netfile.load(ROOT / "tests" / "data" / "3-4-4-2.json"))
    assert pictures.PictureDialog(three).subject.findData("map") == -1  # 3 inputs: no map to export


def test_the_current_computation_as_latex(qtbot, make_window):
    w = make_window("mazur")
    s = w.model.session
    target = next(k for k, step in enumerate(s.steps) if step.quantity == "grad_w_sample" and step.layer == 1
                  and step.unit == 0 and step.source == 0)  # ∂E/∂w1: a sum over two paths, several lines
    s.go_to(target)
    w.model.changed.emit()
    w.actions["copy_latex"].trigger()
    text = QApplication.clipboard().text()
    assert text.startswith("\\begin{aligned}") and text.endswith("\\end{aligned}")
    assert "\\frac{\\partial E_{total}}{\\partial w_{1}}" in text
    assert text.count("\\\\") == len(w.panel.current_lines()) - 1  # one line per step
    assert "= 0.000438567" in text  # ∂E_total/∂w1 (the article rounds it to 0.000438568)
