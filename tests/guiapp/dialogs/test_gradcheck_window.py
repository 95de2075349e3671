"""Run ▸ Gradient check (issue 12, item 3): the table of every parameter, worst first, sortable,
a row selecting its parameter; the same numbers as engine.session.gradcheck for the current iteration."""
import pytest
from PySide6.QtCore import Qt

from engine.session.gradcheck import gradcheck


def run_check(qtbot, w):
    w.actions["gradient_check"].trigger()
    dialog = w.gradcheck_dialog
    qtbot.waitUntil(lambda: dialog.result is not None and not w.model.busy)
    return dialog


@pytest.mark.parametrize("preset", ["mazur", "xor", "softmax"])
def test_the_table_holds_the_engines_check_of_the_current_iteration(qtbot, make_window, preset):
    w = make_window(preset)
    w.model.train(3)
    qtbot.waitUntil(lambda: not w.model.busy)
    s = w.model.session
    dialog = run_check(qtbot, w)
    want = gradcheck(s.current_network(), s.iteration)
    table = dialog.table
    assert table.rowCount() == len(s.net.parameters())
    errors = [table.item(r, 3).value for r in range(table.rowCount())]
    assert errors == sorted(errors, reverse=True)  # worst first
    by_name = {c.name: c for c in want.checks}
    for r in range(table.rowCount()):
        c = by_name[table.item(r, 0).text()]
        assert (table.item(r, 1).value, table.item(r, 2).value) == (c.backprop, c.numeric)
    assert f"iteration {s.iteration}" in dialog.summary.text().lower() and "passed" in dialog.summary.text()


@pytest.mark.parametrize("preset", ["xor", "softmax"])
def test_the_table_equals_the_headless_gradcheck_of_the_saved_network(qtbot, make_window, tmp_path, preset):
    """Trained 37 iterations (softmax: the batch of iteration 37 is its first of three), saved:
    `python -m engine gradcheck` of the file prints, digit for digit, the table's numbers."""
    from tests.helpers import run_cli

    w = make_window(preset)
    w.model.train(36)
    qtbot.waitUntil(lambda: not w.model.busy)
    assert w.model.session.iteration == 37
    dialog = run_check(qtbot, w)
    path = tmp_path / "trained.json"
    assert w.files.save_to(str(path))
    done = run_cli("gradcheck", path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith(", iteration 37") and lines[1].split()[0] == "parameter"
    printed = {name: (backprop, numeric, error) for name, backprop, numeric, error in
               (line.split() for line in lines[2:-1])}
    table = dialog.table
    assert len(printed) == table.rowCount()
    for r in range(table.rowCount()):
        name = table.item(r, 0).text()
        assert printed[name] == (repr(table.item(r, 1).value), repr(table.item(r, 2).value), table.item(r, 3).text())


def test_sorting_and_selecting_a_row_selects_the_parameter(qtbot, make_window):
    from guiapp.model.session import ValueRef

    w = make_window("mazur")
    dialog = run_check(qtbot, w)
    table = dialog.table
    table.sortItems(0, Qt.SortOrder.AscendingOrder)
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert names == sorted(names)
    row = names.index("w5")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(row, 1)).center())
    assert w.model.selection == ValueRef("param", "w5")
    assert float(table.item(row, 1).text().replace("−", "-")) == pytest.approx(0.0821670406, abs=5e-11)  # the article's
