"""Text from a file is shown as plain text everywhere (issue 8, item 5): markup in a key, a
value, a name, a description or a file name never becomes an image, a link or a heading."""
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from tests.helpers import preset_data, write_network

MARKUP = "<img src='/tmp/x.png'><a href='https://example.org'>link</a><h1>big</h1>"


def message_boxes():
    return [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]


def assert_plain(box: QMessageBox):
    assert box.textFormat() == Qt.TextFormat.PlainText, box.text()
    for label in box.findChildren(QLabel):
        if "<img" in label.text() or "<a " in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText


@pytest.mark.parametrize("where", ["key", "activation", "loss", "name_type"])
def test_a_refused_file_with_markup_is_reported_as_plain_text(qtbot, window, tmp_path, where):
    data = preset_data("mazur")
    if where == "key":
        data[MARKUP] = 1
    elif where == "activation":
        data["activations"][0] = MARKUP
    elif where == "loss":
        data["loss"] = MARKUP
    else:
        data["name"] = [MARKUP]
    path = write_network(tmp_path / "bad.json", data)
    for box in message_boxes():
        box.close()
    window.files.open_path(str(path))
    boxes = message_boxes()
    assert boxes, "no message"
    assert "<img" in boxes[-1].text()  # shown as it is, escaped nowhere but never rendered
    assert_plain(boxes[-1])


def test_a_name_description_and_file_name_with_markup_are_shown_as_text(qtbot, window, tmp_path):
    data = preset_data("mazur")
    data["name"] = MARKUP
    data["description"] = MARKUP
    folder = tmp_path / "<b>folder<b>"
    folder.mkdir()
    path = write_network(folder / "<i>net<i>.json", data)
    assert window.files.open_path(str(path))
    assert "<i>net<i>.json" in window.windowTitle()  # a window title is never rich text
    for label in window.findChildren(QLabel):
        if "<img" in label.text() or "<i>net" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    json.dumps(data)
