"""The samples table (issue 9, item 2), driven as a user does: typing in cells, the buttons,
copy and paste; every change one undo step, nothing applied while a cell is invalid."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from engine import open_network


def open_samples(qtbot, w):
    w.actions["samples"].trigger()
    editor = w.network.samples_editor
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)  # the window typed into, as for a user
    return editor


def type_into(qtbot, editor, row: int, column: int, text: str) -> None:
    """Select a cell, type over it and press Enter, as a user does."""
    view = editor.view
    view.setFocus()
    view.setCurrentIndex(editor.table.index(row, column))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    fields = [f for f in view.viewport().findChildren(QLineEdit) if f.isVisible()]
    assert len(fields) == 1, "no cell editor opened"
    field = fields[0]
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)  # Qt commits a cell after the key


def press(qtbot, editor, name: str) -> None:
    qtbot.mouseClick(editor.findChild(QPushButton, f"samples:{name}"), Qt.MouseButton.LeftButton)


def test_the_table_shows_the_samples_with_unit_names(qtbot, make_window):
    w = make_window("xor")
    editor = open_samples(qtbot, w)
    t = editor.table
    assert t.column_names() == ["i1", "i2", "target o1"]
    net = open_network("xor")
    assert t.rowCount() == net.n_samples
    shown = [[float(t.data(t.index(r, c))) for c in range(3)] for r in range(t.rowCount())]
    np.testing.assert_array_equal(shown, np.hstack([net.inputs, net.targets]))


def test_a_typed_cell_is_one_undo_step_and_exact(qtbot, make_window):
    w = make_window("xor")
    s = w.model.session
    w.model.train(3)
    qtbot.waitUntil(lambda: not w.model.busy)
    editor = open_samples(qtbot, w)
    type_into(qtbot, editor, 1, 0, "1/3")
    assert s.net.inputs[1, 0] == 1 / 3 and s.iteration == 4 and w.undo_stack.index() == 1
    assert editor.table.data(editor.table.index(1, 0)) == repr(1 / 3)
    type_into(qtbot, editor, 2, 1, "0,25")
    assert s.net.inputs[2, 1] == 0.25 and w.undo_stack.index() == 2
    w.actions["undo"].trigger()
    assert s.net.inputs[2, 1] == open_network("xor").inputs[2, 1]
    assert editor.table.data(editor.table.index(2, 1)) == repr(float(open_network("xor").inputs[2, 1]))


@pytest.mark.parametrize("preset, row, column, typed, reason", [
    ("xor", 0, 2, "-1", "needs targets in [0, 1]"),
    ("xor", 0, 0, "abc", "is not a number"),
    ("softmax", 0, 3, "0.5", "summing to 1"),
])
def test_an_invalid_cell_is_marked_and_the_network_waits(qtbot, make_window, preset, row, column, typed, reason):
    w = make_window(preset)
    s = w.model.session
    before = (s.net.inputs.copy(), s.net.targets.copy())
    editor = open_samples(qtbot, w)
    type_into(qtbot, editor, row, column, typed)
    t = editor.table
    assert reason in (t.data(t.index(row, column), Qt.ItemDataRole.ToolTipRole) or "")
    assert t.data(t.index(row, column), Qt.ItemDataRole.BackgroundRole) is not None
    assert editor.problem.isVisible() and reason in editor.problem.text() and f"sample {row + 1}" in editor.problem.text().lower()
    assert not w.undo_stack.canUndo()
    np.testing.assert_array_equal(s.net.inputs, before[0])
    np.testing.assert_array_equal(s.net.targets, before[1])


def test_a_probability_vector_changed_in_two_cells_is_applied_once_valid(qtbot, make_window):
    """Softmax: [1, 0, 0] to [0, 1, 0] takes two cells; the first leaves the table invalid."""
    w = make_window("softmax")
    s = w.model.session
    editor = open_samples(qtbot, w)
    type_into(qtbot, editor, 0, 2, "0")
    assert not w.undo_stack.canUndo() and editor.problem.isVisible()
    type_into(qtbot, editor, 0, 3, "1")
    assert not editor.problem.isVisible() and w.undo_stack.index() == 1
    np.testing.assert_array_equal(s.net.targets[0], [0.0, 1.0, 0.0])


def test_rows_added_duplicated_moved_removed_and_everything_undone_and_redone(qtbot, make_window):
    w = make_window("xor")
    s = w.model.session
    w.model.train(5)
    qtbot.waitUntil(lambda: not w.model.busy)
    editor = open_samples(qtbot, w)
    view = editor.view
    states = [(s.iteration, s.net.inputs.copy(), s.net.targets.copy(), s.params.theta.copy())]

    def remember():
        states.append((s.iteration, s.net.inputs.copy(), s.net.targets.copy(), s.params.theta.copy()))

    view.setCurrentIndex(editor.table.index(1, 0))
    press(qtbot, editor, "add")  # a new sample after sample 2: another batch, iteration 1 again
    assert s.net.n_samples == 5 and s.iteration == 1 and "starts again at iteration 1" in w.statusBar().currentMessage()
    np.testing.assert_array_equal(s.net.inputs[2], [0.0, 0.0])
    np.testing.assert_array_equal(s.params.theta, states[0][3])  # from the current values
    remember()
    type_into(qtbot, editor, 2, 0, "0.5")
    remember()
    view.setCurrentIndex(editor.table.index(2, 0))
    press(qtbot, editor, "duplicate")
    assert s.net.n_samples == 6
    np.testing.assert_array_equal(s.net.inputs[3], [0.5, 0.0])
    remember()
    view.setCurrentIndex(editor.table.index(0, 0))
    press(qtbot, editor, "down")
    np.testing.assert_array_equal(s.net.inputs[1], open_network("xor").inputs[0])
    remember()
    view.selectRow(5)
    view.setCurrentIndex(editor.table.index(5, 0))
    press(qtbot, editor, "remove")
    assert s.net.n_samples == 5
    remember()
    assert w.undo_stack.index() == 5

    def same(state):
        assert s.iteration == state[0]
        np.testing.assert_array_equal(s.net.inputs, state[1])
        np.testing.assert_array_equal(s.net.targets, state[2])
        np.testing.assert_array_equal(s.params.theta, state[3])
        t = editor.table
        shown = np.array([[float(t.data(t.index(r, c))) for c in range(3)] for r in range(t.rowCount())])
        np.testing.assert_array_equal(shown, np.hstack([state[1], state[2]]))

    for state in reversed(states[:-1]):
        w.actions["undo"].trigger()
        same(state)
    for state in states[1:]:
        w.actions["redo"].trigger()
        same(state)


def test_paste_a_block_from_a_spreadsheet_and_copy_it_out(qtbot, make_window):
    w = make_window("xor")
    s = w.model.session
    editor = open_samples(qtbot, w)
    QGuiApplication.clipboard().setText("0.1\t0.2\t1\r\n0,3\t1/4\t0\r\n0.5\t0.6\t1\r\n")
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.table.index(3, 0))
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert s.net.n_samples == 6 and w.undo_stack.index() == 1  # one step
    np.testing.assert_array_equal(s.net.inputs[3:], [[0.1, 0.2], [0.3, 0.25], [0.5, 0.6]])
    np.testing.assert_array_equal(s.net.targets[3:, 0], [1.0, 0.0, 1.0])
    editor.view.selectionModel().clearSelection()
    editor.view.selectRow(4)
    qtbot.keyClick(editor.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "0.3\t0.25\t0.0\n"
    # a block too wide: nothing changes, the reason is shown
    QGuiApplication.clipboard().setText("1\t2\t3\t4\n")
    editor.view.setCurrentIndex(editor.table.index(0, 1))
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert w.undo_stack.index() == 1 and "4 columns wide" in editor.problem.text()


def test_the_last_sample_cannot_be_removed(qtbot, make_window):
    w = make_window("mazur")
    editor = open_samples(qtbot, w)
    editor.view.setCurrentIndex(editor.table.index(0, 0))
    press(qtbot, editor, "remove")
    assert w.model.session.net.n_samples == 1 and "at least one sample" in editor.problem.text().lower()
    assert not w.undo_stack.canUndo()


def counted_parses(monkeypatch) -> list:
    """Every cell the samples table reads, as it reads it."""
    from guiapp.dialogs import samples

    read, parse = [], samples.parse_number
    monkeypatch.setattr(samples, "parse_number", lambda text: read.append(text) or parse(text))
    return read


@pytest.mark.parametrize("text, words", [
    ("0\t1\n" * 200_000, "the block pasted holds 400,000 cells; a paste may hold at most 20,000 (import a CSV "
                          "file instead); nothing was pasted"),
    ("\t" * 20_000, "holds 20,001 cells"),
    ("0\r" * 20_001, "holds 20,001 cells"),
    ("1" * 5_000_000, "the text pasted is 5,000,000 characters; a paste may have at most 1,048,576"),
])
def test_a_paste_too_large_is_refused_before_a_cell_is_read(qtbot, make_window, monkeypatch, text, words):
    """Pasting millions of rows blocked the window (split, then every cell parsed, then the table)."""
    w = make_window("xor")
    editor = open_samples(qtbot, w)
    read = counted_parses(monkeypatch)
    QGuiApplication.clipboard().setText(text)
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.table.index(0, 0))
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert read == [] and words in editor.table.problem and "\n" not in editor.table.problem
    assert editor.problem.isVisible() and editor.problem.text() == editor.table.problem[:1].upper() + editor.table.problem[1:] + "."
    assert editor.table.rowCount() == 4 and w.model.session.net.n_samples == 4 and not w.undo_stack.canUndo()


def test_a_paste_of_the_most_cells_is_applied_reading_each_cell_once(qtbot, make_window, monkeypatch):
    """What keeps it quick, counted: each cell of the table read once, one undo step."""
    from guiapp.dialogs.samples import MAX_PASTE_CELLS

    w = make_window("softmax")  # 2 inputs, 3 targets; batches of 2
    editor = open_samples(qtbot, w)
    rows, before = MAX_PASTE_CELLS // 5, w.model.session.net.n_samples
    QGuiApplication.clipboard().setText("".join(f"{k % 7 / 8}\t0.5\t0\t1\t0\n" for k in range(rows)))
    read = counted_parses(monkeypatch)
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.table.index(0, 0))  # over the samples, then rows are added
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    s = w.model.session
    assert editor.table.problem == "" and s.net.n_samples == rows > before and w.undo_stack.index() == 1
    assert len(read) == 5 * rows  # the table's cells, each once
    np.testing.assert_array_equal(s.net.inputs[:, 0], [k % 7 / 8 for k in range(rows)])
