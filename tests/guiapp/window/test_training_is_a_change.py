"""Training is a change (issue 17, section 5, item 9): after training the title shows * and
Close, Open and New ask to save; saved at a past iteration, the file holds that iteration's
start and the window says the later iterations are not in it."""
import pytest

from engine.files import netfile
from guiapp.menus.file import Answer


@pytest.fixture
def asked(monkeypatch):
    """The save question, answered Cancel; what was asked."""
    questions = []

    def ask(parent, name, doing):
        questions.append(doing)
        return Answer.Cancel

    monkeypatch.setattr("guiapp.menus.file.ask_to_save", ask)
    return questions


def train(qtbot, w, n: int) -> None:
    w.train_count.setValue(n)
    w.actions["train"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)


def test_after_training_close_open_and_new_ask_to_save(qtbot, make_window, asked, monkeypatch):
    from guiapp.dialogs.structure import StructureDialog

    w = make_window("mazur")
    assert w.windowTitle().startswith("mazur — ")
    train(qtbot, w, 700)
    assert w.windowTitle().startswith("mazur * — ")
    assert not w.close() and w.isVisible()
    next(a for a in w.presets_menu.actions() if a.objectName() == "preset:xor").trigger()
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getOpenFileName",
                        lambda *a, **k: pytest.fail("the file dialog opened before the question"))
    w.actions["open"].trigger()
    w.actions["new_network"].trigger()
    assert asked == ["closing", "opening the preset xor", "opening another network", "making a new network"]
    assert w.model.session.latest == 701 and w.model.source == "mazur"  # nothing was discarded
    assert not [d for d in w.findChildren(StructureDialog) if d.isVisible()]


def test_a_step_into_the_next_iteration_is_a_change_and_moving_about_is_not(qtbot, make_window, asked):
    w = make_window("mazur")
    w.actions["finish_iteration"].trigger()
    w.actions["step_back"].trigger()
    assert "*" not in w.windowTitle()
    w.actions["finish_iteration"].trigger()
    w.actions["step"].trigger()  # into iteration 2: computed
    assert w.model.session.iteration == 2 and w.windowTitle().startswith("mazur * — ")


def test_undoing_an_edit_after_training_leaves_the_change(qtbot, make_window, asked):
    from guiapp.model import commands
    from guiapp.model.session import ValueRef

    w = make_window("mazur")
    w.undo_stack.push(commands.edit_command(w.model, ValueRef("param", "w1"), 0.5))
    train(qtbot, w, 20)
    w.actions["undo"].trigger()  # back to before the edit: the 20 iterations trained are gone, not saved
    assert w.undo_stack.index() == 0 and "*" in w.windowTitle()


def test_saving_at_a_past_iteration_says_what_the_file_holds(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = make_window("mazur")
    train(qtbot, w, 100)
    path = tmp_path / "past.json"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    w.timeline.box.setValue(37)
    w.actions["save_as"].trigger()
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert [b.windowTitle() for b in boxes] == ["Saved at a past iteration"]
    assert boxes[0].text() == (f"{path} holds the network as iteration 37 starts: iterations 38 to 101 are not in "
                               "it. Back to latest, then Save, to keep them.")
    boxes[0].close()
    assert netfile.load(path).state.iteration == 37
    assert w.windowTitle().startswith("past.json * — ")  # the later iterations are still to save
    w.actions["back_to_latest"].trigger()
    w.actions["save"].trigger()
    assert netfile.load(path).state.iteration == 101 and w.windowTitle().startswith("past.json — ")
    assert not [b for b in w.findChildren(QMessageBox) if b.isVisible()]
