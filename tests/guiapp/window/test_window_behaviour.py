"""The window behaves as a desktop application (issue 7, items 2, 3, 7, 9 and 11): progress
that shows, nothing lost without asking, controls that keep still and stay symmetric, an
editor whose messages are readable, help and about that say the right things."""
import re

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QMessageBox, QToolBar, QToolButton, QWidget

from engine.files import netfile, presets
from tests.driver import button, click, edit_value, message, open_editor


def start_value(w, name: str) -> float:
    s = w.model.session
    return s.start_value(s.parameter(name))


# -- 7. each committed edit is its own undo step ----------------------------------------------

def test_each_edit_is_its_own_undo_step(qtbot, window):
    w = window
    edit_value(qtbot, w, "w1", "1/2")
    edit_value(qtbot, w, "w1", "0,3")
    assert start_value(w, "w1") == 0.3
    assert w.undo_stack.count() == 2
    click(qtbot, w, "undo")
    assert start_value(w, "w1") == 0.5
    click(qtbot, w, "undo")
    assert start_value(w, "w1") == 0.15
    click(qtbot, w, "redo")
    assert start_value(w, "w1") == 0.5


# -- 7. Step and Step back are mirrors ---------------------------------------------------------

def test_step_and_step_back_are_symmetric(qtbot, window):
    w = window
    s = w.model.session
    last = len(s.steps) - 1
    click(qtbot, w, "finish_iteration")
    assert (s.iteration, s.cursor) == (1, last)
    click(qtbot, w, "step")
    assert (s.iteration, s.cursor) == (2, 0)
    assert "nothing computed yet" not in w.status.step.text()
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (1, last)
    click(qtbot, w, "step")
    click(qtbot, w, "step")
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (2, 0)
    # after training the iteration starts with nothing computed; its first step's mirror is
    # still the last step of the iteration before
    w.train_count.setValue(5)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy)
    assert (s.iteration, s.cursor) == (7, -1)
    click(qtbot, w, "step")
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (6, last)


def test_step_back_from_the_first_step_of_the_first_iteration_shows_nothing_computed(qtbot, window):
    w = window
    s = w.model.session
    click(qtbot, w, "step")
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (1, -1)
    assert not w.actions["step_back"].isEnabled()
    assert "nothing computed yet" in w.status.step.text()


# -- 2. progress that shows -------------------------------------------------------------------

PROGRESS = r"[\d,]+ of {total} {unit} · [\d,.]+/s · (\d+ h )?(\d+ min )?\d+ s left"


def test_training_shows_its_progress_with_stop_beside_it(qtbot, window):
    w = window
    job = w.findChild(QWidget, "jobProgress")
    assert not job.isVisible()
    w.train_count.setValue(100_000)
    click(qtbot, w, "train")
    assert job.isVisible() and w.status.job_bar.isVisible()
    text = w.findChild(QLabel, "jobText")
    pattern = "Training: " + PROGRESS.format(total="100,000", unit="iterations")
    qtbot.waitUntil(lambda: re.fullmatch(pattern, text.text()) is not None, timeout=10_000)
    assert 0 < w.status.job_bar.value() < w.status.job_bar.maximum() == 100_000
    # the status bar's Stop stops the training; step back reaches the iterations trained
    stop = w.findChild(QToolButton, "jobStop")
    assert stop.isVisible() and stop.isEnabled() and stop.text() == "Stop"
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    assert not w.model.busy and not job.isVisible()
    s = w.model.session
    stopped_at = s.iteration
    assert 1 < stopped_at < 100_001 and s.cursor == -1
    assert w.actions["step_back"].isEnabled() and button(w, "step_back").isEnabled()
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (stopped_at - 1, len(s.steps) - 1)


def test_exporting_a_trace_shows_its_progress(qtbot, window, tmp_path, monkeypatch):
    w = window
    w.train_count.setValue(3000)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)
    path = tmp_path / "trace.csv"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    seen = []
    text = w.findChild(QLabel, "jobText")
    w.model.jobProgress.connect(lambda done, total: seen.append((w.status.job_bar.isVisible(), text.text())))
    w.actions["export_trace"].trigger()
    assert w.findChild(QWidget, "jobProgress").isVisible()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)
    assert path.exists()
    pattern = "Exporting the trace: " + PROGRESS.format(total="3,001", unit="iterations")
    during = [shown_text for shown, shown_text in seen[:-1]]
    assert all(shown for shown, _ in seen)
    assert any(re.fullmatch(pattern, t) for t in during), during[:3]
    assert not w.findChild(QWidget, "jobProgress").isVisible()


def test_progress_text():
    from guiapp.model.jobs import duration, progress_text

    assert progress_text(12_345, 100_000, "iterations", 12_345 / 9_800) == \
        "12,345 of 100,000 iterations · 9,800/s · 9 s left"
    assert progress_text(0, 100, "losses", 0.0) == "0 of 100 losses"
    assert progress_text(100, 100, "losses", 2.0) == "100 of 100 losses · 50/s"
    assert [duration(s) for s in (0.2, 59.5, 61, 3600 * 2 + 125)] == ["1 s", "1 min 0 s", "1 min 1 s", "2 h 2 min"]


# -- 11. the status bar -----------------------------------------------------------------------

def test_status_bar_fields_are_separated_and_the_loss_waits_for_the_forward_pass(qtbot, window):
    w = window
    s = w.model.session
    assert w.status.iteration.text() == "Iteration 1"
    assert w.status.step.text() == "nothing computed yet"
    assert not w.status.phase.isVisible()  # no "Phase: start"
    assert w.status.loss.text() == "Loss not computed yet"
    for _ in range(3):
        click(qtbot, w, "step")
    assert w.status.phase.text() == "forward pass" and "Phase" not in w.status.phase.text()
    assert w.status.loss.text() == "Loss not computed yet"
    click(qtbot, w, "finish_phase")  # the forward pass
    assert w.status.loss.text() == "Loss not computed yet"
    click(qtbot, w, "finish_phase")  # the loss
    assert w.status.phase.text() == "loss"
    assert w.status.loss.text() == f"Loss {w.model.fmt(s.loss)}" == "Loss 0.298371109"
    # each field stands apart: a separating line between neighbours, none touching
    bar = w.statusBar()
    fields = [w.status.iteration, w.status.phase, w.status.step]
    lines = [f for f in bar.findChildren(QFrame, "statusSeparator") if f.isVisible()]
    for left, right in zip(fields, fields[1:]):
        gap = (left.geometry().right(), right.geometry().left())
        assert any(gap[0] < line.geometry().center().x() < gap[1] for line in lines), (left.text(), right.text())
    assert w.status.iteration.geometry().right() + 4 < w.status.phase.geometry().left()


def tip_text(widget) -> str:
    """A tooltip as the user reads it (the undo texts' are escaped rich text, spaces unbreakable)."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(widget.toolTip())
    return doc.toPlainText().replace("\xa0", " ")


def status_overlaps(w) -> list:
    """What the status bar draws over each other: two of its fields, or a message and a field
    (the message is drawn where the fields on the left stand)."""
    bar = w.statusBar()
    shown = [c for c in bar.findChildren(QWidget) if c.parentWidget() is bar and c.isVisible()]
    found = [(a.objectName(), b.objectName()) for i, a in enumerate(shown) for b in shown[i + 1:]
             if a.geometry().intersects(b.geometry())]
    if bar.currentMessage():
        left = [w.status.iteration, w.status.phase, w.status.step] + bar.findChildren(QFrame, "statusSeparator")[:2]
        found += [("message", f.objectName() or f.text()) for f in left if f.isVisible()]
    return found


def test_the_status_bar_never_draws_two_texts_over_each_other(qtbot, make_window):
    """Issue 17, 5.8: training ended while a message was shown ("The structure changed: …"),
    and the computation's field came back under the message, both drawn at once."""
    from tests.guiapp.dialogs.test_structure_dialog import dialog_of, ok

    w = make_window("xor", size=(1024, 700))
    click(qtbot, w, "step")
    assert status_overlaps(w) == []
    w.actions["edit_structure"].trigger()
    ok(qtbot, dialog_of(w))
    bar = w.statusBar()
    assert bar.currentMessage().startswith("The structure changed") and status_overlaps(w) == []
    w.train_count.setValue(20)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)
    QApplication.processEvents()
    assert bar.currentMessage() and status_overlaps(w) == []
    click(qtbot, w, "step")  # the fields change under the message
    assert bar.currentMessage() and status_overlaps(w) == []
    bar.clearMessage()  # the message goes: the fields come back, apart
    assert w.status.iteration.isVisible() and w.status.step.isVisible() and w.status.phase.isVisible()
    assert status_overlaps(w) == []


def test_iteration_numbers_have_one_format(qtbot, window):
    w = window
    w.train_count.setValue(14_655)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)
    edit_value(qtbot, w, "w1", "0.5")
    assert w.status.iteration.text() == "Iteration 14,656"
    assert "iteration 14,656" in w.undo_stack.undoText()
    assert "iteration 14,656" in tip_text(button(w, "undo"))


# -- 11. help and about -----------------------------------------------------------------------

def help_rows(text: str) -> dict[str, str]:
    return dict(re.findall(r"<tr><td>(.*?)</td><td><b>(.*?)</b></td></tr>", text))


def shown_help(w):
    from guiapp.dialogs.help import TextDialog

    shown = [d for d in w.findChildren(TextDialog, "helpDialog") if d.isVisible()]
    assert shown, "the help is not shown"
    return shown[-1]


def test_help_lists_each_action_by_its_name_with_its_usual_keys(qtbot, window):
    from guiapp.actions import help_text

    w = window
    edit_value(qtbot, w, "w1", "0.5")  # Undo's text is now "Undo set w1 to 0.5 (iteration 1)"
    w.actions["help_keys"].trigger()
    dialog = shown_help(w)
    text = help_text()
    rows = help_rows(text)
    assert rows["Undo"] == "Ctrl+Z"
    assert rows["Step"] == "Right, F10" and rows["Step back"] == "Left, Shift+F10"
    assert rows["Quit"] == "Ctrl+Q"
    assert "Enter" in rows["Edit selected value"] and "F2" in rows["Edit selected value"]
    assert not any("set w1" in title for title in rows)
    assert "F14" not in text and "Undo, " not in text
    shown = dialog.browser.toPlainText()  # the rich text, laid out
    assert "Ctrl+Z" in shown and "<td>" not in shown and "Undo returns to the iteration" in shown
    dialog.close()


def test_the_help_fits_a_700_pixel_screen_and_scrolls(qtbot, window):
    """The keys and the mouse took a message box 1310 pixels tall, which could not scroll."""
    from PySide6.QtCore import QRect

    from PySide6.QtWidgets import QDialog

    w = window
    w.actions["help_keys"].trigger()
    dialog = [d for d in w.findChildren(QDialog) if d.isVisible() and d.windowTitle() == "Keyboard and mouse"][-1]
    screen = w.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= 0.85 * screen.height()
    size = dialog.fitting_size(QRect(0, 0, 1024, 700))  # on a 1024×700 screen: room for a title bar
    assert size.height() <= 700 - 80 and size.width() <= 1024
    bar = dialog.browser.verticalScrollBar()
    assert bar.maximum() > 0  # more text than room: it scrolls, to the last line
    bar.setValue(bar.maximum())
    bottom = dialog.browser.cursorForPosition(dialog.browser.viewport().rect().bottomLeft())
    assert bottom.block().text().startswith("Undo returns to the iteration")
    dialog.close()


def test_about_says_the_version_and_credits_the_article(qtbot, window):
    from guiapp.dialogs.about import version

    w = window
    w.actions["about"].trigger()
    box = message(w)
    text = box.text()
    assert re.search(r"version \d+\.\d+", text) and version() in text
    assert "M. Mazur" in text and "A Step by Step Backpropagation Example" in text and "2015" in text
    assert "mattmazur.com" in text
    box.close()


def test_messages_show_text_from_files_as_it_is(qtbot, window, tmp_path, monkeypatch):
    w = window
    bad = tmp_path / "<b>bold<b>.json"
    bad.write_text("{ not json")
    w.files.open_path(str(bad))
    box = message(w)
    assert box.textFormat() == Qt.TextFormat.PlainText and "<b>bold<b>.json" in box.text()
    box.close()


# -- 7. controls that keep still ---------------------------------------------------------------

def toolbar_geometry(w) -> list:
    bar = w.findChild(QToolBar, "steppingBar")
    return [bar.widgetForAction(a).geometry() for a in bar.actions() if bar.widgetForAction(a) is not None]


def test_the_toolbar_keeps_still(qtbot, make_window):
    w = make_window("xor")
    before = toolbar_geometry(w)
    click(qtbot, w, "play")
    qtbot.waitUntil(lambda: w.model.session.cursor >= 0)
    assert w.actions["play"].text().replace("&", "") == "Pause"
    assert toolbar_geometry(w) == before
    click(qtbot, w, "play")
    w.speed.setValue(60)
    w.speed.setValue(1)
    assert toolbar_geometry(w) == before
    edit_value(qtbot, w, "w1", "0.123456789012345")  # a long undo text
    assert "set w1 to 0.123456789012345" in w.actions["undo"].text()  # the menu says what
    assert button(w, "undo").text() == "Undo" and "set w1 to 0.123456789012345" in tip_text(button(w, "undo"))
    click(qtbot, w, "undo")
    assert button(w, "redo").text() == "Redo" and "set w1" in tip_text(button(w, "redo"))
    assert toolbar_geometry(w) == before


def test_everything_on_the_toolbar_shows_at_1024_pixels(qtbot, make_window):
    w = make_window("xor")
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024)
    bar = w.findChild(QToolBar, "steppingBar")
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    assert w.sample_box.isVisible() and bar.rect().contains(w.sample_box.geometry())
    assert bar.sizeHint().width() <= 1024 - 40  # some room left for wider fonts


def test_step_back_is_enabled_after_reset_then_undo(qtbot, window):
    w = window
    s = w.model.session
    w.train_count.setValue(30)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: not w.model.busy)
    assert button(w, "step_back").isEnabled()
    click(qtbot, w, "reset")
    assert s.iteration == 1 and not button(w, "step_back").isEnabled()
    click(qtbot, w, "undo")
    assert s.iteration == 31 and button(w, "step_back").isEnabled()
    click(qtbot, w, "step_back")
    assert (s.iteration, s.cursor) == (30, len(s.steps) - 1)


# -- 9. the value editor -----------------------------------------------------------------------

def assert_fully_visible(dialog) -> None:
    """Every label shown in the dialog is as large as its text needs, inside the dialog."""
    for label in dialog.findChildren(QLabel):
        if not label.isVisible():
            continue
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
            assert label.width() >= label.minimumSizeHint().width(), label.text()
        else:
            assert label.height() >= label.sizeHint().height() and label.width() >= label.sizeHint().width()
        assert dialog.rect().contains(label.geometry()), label.text()


def test_the_editor_takes_a_negative_weight(qtbot, window):
    w = window
    edit_value(qtbot, w, "w1", "-1e-3")
    assert start_value(w, "w1") == -1e-3 and open_editor(w) is None


@pytest.mark.parametrize("typed", ["-1e-3", "0", "1,5.2", "a long line of text that is not a number at all"])
def test_the_learning_rate_editor_refuses_with_a_readable_message(qtbot, window, typed):
    w = window
    w.actions["edit_lr"].trigger()
    editor = open_editor(w)
    assert "-1e-3" not in editor.prompt.text() and "1e-3" in editor.prompt.text()
    assert "positive" in editor.prompt.text()
    assert_fully_visible(editor)
    editor.field.selectAll()
    qtbot.keyClicks(editor.field, typed)
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert open_editor(w) is editor and editor.error.isVisible()
    assert ("positive" in editor.error.text()) == (typed in ("-1e-3", "0"))
    assert_fully_visible(editor)
    assert w.model.session.net.learning_rate == 0.5 and not w.undo_stack.canUndo()
    editor.reject()


def test_the_editor_shows_names_as_they_are(qtbot):
    from guiapp.dialogs.editor import ValueEditor

    editor = ValueEditor("<i>x</i>", 0.5)
    qtbot.addWidget(editor)
    assert "&lt;i&gt;x&lt;/i&gt;" in editor.prompt.text()


# -- 3. nothing lost without asking ------------------------------------------------------------

Answer = QMessageBox.StandardButton


@pytest.fixture
def answers(monkeypatch):
    """Answer the save question with the answers listed (in turn); records what was asked."""
    asked, given = [], []

    def ask(parent, name, doing):
        asked.append((name, doing))
        return given.pop(0)

    monkeypatch.setattr("guiapp.menus.file.ask_to_save", ask)
    return asked, given


def changed_window(qtbot, make_window, name="mazur"):
    w = make_window(name)
    edit_value(qtbot, w, "w1", "0.25")
    assert w.windowTitle().startswith(f"{name} *")
    return w


def test_closing_an_unchanged_window_asks_nothing(qtbot, make_window, answers):
    w = make_window()
    assert w.close() and answers[0] == []


@pytest.mark.parametrize("answer", [Answer.Cancel, Answer.Discard, Answer.Save])
def test_quitting_a_changed_network_asks_to_save(qtbot, make_window, answers, answer, tmp_path, monkeypatch):
    asked, given = answers
    w = changed_window(qtbot, make_window)
    target = tmp_path / "saved.json"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    given.append(answer)
    w.actions["quit"].trigger()
    assert asked == [("mazur", "closing")]
    if answer == Answer.Cancel:
        assert w.isVisible() and not target.exists()
        w.undo_stack.setClean()
    else:
        assert not w.isVisible()
        assert target.exists() == (answer == Answer.Save)
    if answer == Answer.Save:
        assert netfile.load(target).weights[0][0, 0] == 0.25


def test_a_save_that_does_not_happen_cancels_the_quit(qtbot, make_window, answers, monkeypatch):
    asked, given = answers
    w = changed_window(qtbot, make_window)
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: ("", ""))
    given.append(Answer.Save)
    assert not w.close() and w.isVisible() and "*" in w.windowTitle()


@pytest.mark.parametrize("answer", [Answer.Cancel, Answer.Discard, Answer.Save])
def test_opening_over_a_changed_network_asks_to_save(qtbot, make_window, answers, answer, tmp_path, monkeypatch):
    asked, given = answers
    w = changed_window(qtbot, make_window)
    saved = tmp_path / "saved.json"
    other = tmp_path / "other.json"
    other.write_text(presets.path("xor").read_text())
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(saved), ""))
    chosen = []
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getOpenFileName",
                        lambda *a, **k: chosen.append(1) or (str(other), ""))
    given.append(answer)
    w.actions["open"].trigger()
    assert asked == [("mazur", "opening another network")]
    assert saved.exists() == (answer == Answer.Save)
    if answer == Answer.Cancel:  # no file dialog, nothing changed
        assert chosen == [] and w.model.session.net.sizes == [2, 2, 2] and start_value(w, "w1") == 0.25
    else:
        assert chosen == [1] and w.model.session.net.sizes == [2, 3, 1] and w.model.source == str(other)
        assert "*" not in w.windowTitle()


@pytest.mark.parametrize("answer", [Answer.Cancel, Answer.Discard, Answer.Save])
def test_opening_a_preset_over_a_changed_network_asks_to_save(qtbot, make_window, answers, answer, tmp_path,
                                                              monkeypatch):
    asked, given = answers
    w = changed_window(qtbot, make_window)
    saved = tmp_path / "saved.json"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(saved), ""))
    given.append(answer)
    next(a for a in w.presets_menu.actions() if a.objectName() == "preset:xor").trigger()
    assert asked == [("mazur", "opening the preset xor")]
    assert saved.exists() == (answer == Answer.Save)
    assert w.model.session.net.sizes == ([2, 2, 2] if answer == Answer.Cancel else [2, 3, 1])


def test_the_save_question_offers_save_discard_and_cancel(qtbot, make_window):
    """The real question (not replaced): its buttons, and Discard answers it."""
    w = changed_window(qtbot, make_window)
    seen = {}

    def answer():
        box = next(b for b in QApplication.topLevelWidgets()
                   if isinstance(b, QMessageBox) and b.objectName() == "saveQuestion" and b.isVisible())
        seen["buttons"] = box.standardButtons()
        seen["text"] = box.text()
        box.button(Answer.Discard).click()

    QTimer.singleShot(0, answer)
    next(a for a in w.presets_menu.actions() if a.objectName() == "preset:xor").trigger()
    assert seen["buttons"] == Answer.Save | Answer.Discard | Answer.Cancel
    assert "mazur" in seen["text"] and "preset xor" in seen["text"]
    assert w.model.session.net.sizes == [2, 3, 1]


def recent_actions(w) -> list:
    w.fill_recent_menu()
    return [a for a in w.recent_menu.actions() if a.objectName().startswith("recent:")]


def network_file(folder, name: str, preset: str = "xor"):
    path = folder / name
    path.write_text(presets.path(preset).read_text())
    return path


def test_open_recent(qtbot, window, tmp_path, monkeypatch):
    w = window
    assert recent_actions(w) == []
    files = [network_file(tmp_path, f"net{k} & co.json") for k in range(12)]
    for path in files:
        assert w.files.open_path(str(path))
    shown = recent_actions(w)
    assert len(shown) == 10  # at most ten, the latest first
    assert [a.toolTip() for a in shown] == [str(p.resolve()) for p in files[::-1][:10]]
    assert shown[0].text() == "&1 net11 && co.json"  # the name as it is, "&" not a mnemonic
    # saving puts the file first too
    saved = tmp_path / "saved.json"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(saved), ""))
    w.actions["save_as"].trigger()
    assert recent_actions(w)[0].toolTip() == str(saved.resolve())
    # opening one from the menu
    recent_actions(w)[3].trigger()
    assert w.model.source == str(files[9].resolve())
    assert recent_actions(w)[0].toolTip() == str(files[9].resolve())
    # a file gone: a message, and it is off the list
    files[8].unlink()
    gone = next(a for a in recent_actions(w) if a.toolTip() == str(files[8].resolve()))
    gone.trigger()
    box = message(w)
    assert "does not exist" in box.text() and str(files[8].resolve()) in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    assert str(files[8].resolve()) not in [a.toolTip() for a in recent_actions(w)]
    assert w.model.source == str(files[9].resolve())


def test_recent_files_are_remembered_between_runs(qtbot, make_window, tmp_path):
    w = make_window()
    path = network_file(tmp_path, "kept.json")
    w.files.open_path(str(path))
    w.close()
    w2 = make_window()
    assert [a.toolTip() for a in recent_actions(w2)] == [str(path.resolve())]


def drag_events(target, paths):
    """A drag of these files entering `target` and their drop there (keep the mime data alive
    as long as the events)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(target.rect().center())
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    return data, enter, drop


def test_a_network_file_dropped_on_the_window_opens_it(qtbot, window, tmp_path):
    w = window
    path = network_file(tmp_path, "dropped.json")
    text = tmp_path / "notes.txt"
    text.write_text("not a network")
    data, enter, drop = drag_events(w, [text])
    QApplication.sendEvent(w, enter)
    assert not enter.isAccepted()
    data, enter, drop = drag_events(w, [text, path])
    QApplication.sendEvent(w, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(w, drop)
    assert drop.isAccepted()
    assert w.model.source == str(path) and w.model.session.net.sizes == [2, 3, 1]
    assert w.windowTitle().startswith("dropped.json")


@pytest.mark.parametrize("where", ["diagram", "plot", "train_count"])
def test_a_network_file_dropped_on_a_view_opens_it_too(qtbot, window, tmp_path, where):
    """The views that take drops themselves (a graphics view, a text field) leave network files
    to the window."""
    w = window
    target = {"diagram": w.diagram.viewport(), "plot": w.plot.plot.viewport(),
              "train_count": w.train_count.lineEdit()}[where]
    path = network_file(tmp_path, "dropped.json")
    data, enter, drop = drag_events(target, [path])
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, drop)
    assert w.model.source == str(path) and w.model.session.net.sizes == [2, 3, 1]
    assert w.train_count.value() == 1000


def test_a_drop_over_a_changed_network_asks_first(qtbot, make_window, answers, tmp_path):
    asked, given = answers
    w = changed_window(qtbot, make_window)
    path = network_file(tmp_path, "dropped.json")
    for answer in (Answer.Cancel, Answer.Discard):
        given.append(answer)
        data, enter, drop = drag_events(w, [path])  # Qt delivers a drop only after its drag entered
        QApplication.sendEvent(w, enter)
        QApplication.sendEvent(w, drop)
        if answer == Answer.Cancel:
            assert asked == [("mazur", "opening another network")] and w.model.session.net.sizes == [2, 2, 2]
    assert w.model.session.net.sizes == [2, 3, 1]


def test_the_status_bar_never_widens_the_window(qtbot, make_window):
    w = make_window("xor")
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024)
    for _ in range(len(w.model.session.steps)):  # long formulas: cut at the edge, with a tooltip
        click(qtbot, w, "step")
        assert w.statusBar().minimumSizeHint().width() <= 1024, w.status.step.text()
    assert w.status.step.toolTip() == w.status.step.text()
    w.train_count.setValue(10_000_000)
    click(qtbot, w, "train")
    text = w.findChild(QLabel, "jobText")
    qtbot.waitUntil(lambda: "left" in text.text(), timeout=10_000)
    assert not w.status.step.isVisible()  # the progress takes the computation's room
    assert w.statusBar().minimumSizeHint().width() <= 1024 and w.width() == 1024
    w.model.cancel_job()
    assert w.status.step.isVisible()


def test_escape_stops_training_without_a_toolbar_stop(qtbot, window):
    w = window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.train_count.setValue(10_000_000)
    click(qtbot, w, "train")
    qtbot.waitUntil(lambda: w.model.session.iteration > 1)
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert not w.model.busy and button(w, "step_back").isEnabled()


def test_an_undo_that_cannot_be_done_changes_nothing_and_says_why(qtbot, make_window):
    """Issue 8, 7(a), in the window: Finish iteration, Step (iteration 2); target o2 = 1e308
    (iteration 2's loss is infinite); η = 0.1; Step back into iteration 1; Undo works (it goes
    back to iteration 2 with η = 0.5). Then an undo that cannot be carried out leaves the
    session and the undo stack exactly as they were, with a message."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from guiapp.model import commands

    w = make_window("mazur")
    s = w.model.session
    w.actions["finish_iteration"].trigger()
    w.actions["step"].trigger()
    assert s.iteration == 2
    w.undo_stack.push(commands.edit_command(w.model, commands.ValueRef("target", (0, 1)), 1e308))
    w.undo_stack.push(commands.edit_command(w.model, commands.ValueRef("lr"), 0.1))
    w.actions["step_back"].trigger()
    assert s.iteration == 1
    w.actions["undo"].trigger()
    assert (s.iteration, s.net.learning_rate, w.undo_stack.index()) == (2, 0.5, 1)
    # an undo that fails part way (no memory left to compute the record of the iteration it
    # comes back to)
    before = (s.iteration, s.cursor, s.params.theta.tolist(), s.history.values.tolist(), w.undo_stack.index())
    rebuild, calls = s._rebuild, []

    def fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError()
        return rebuild(*args, **kwargs)

    s._rebuild = fail_once
    w.actions["undo"].trigger()
    assert calls  # failed, then the session was put back as it was
    assert (s.iteration, s.cursor, s.params.theta.tolist(), s.history.values.tolist(), w.undo_stack.index()) == before
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert boxes and "cannot be undone: there is not enough memory" in boxes[-1].text()
    assert "Nothing was changed" in boxes[-1].text()


@pytest.mark.parametrize("preset, unit, typed, reason", [
    ("xor", 0, "-1", "needs targets in [0, 1]"),
    ("xor", 0, "1.5", "needs targets in [0, 1]"),
    ("softmax", 1, "1", "a probability vector summing to 1"),  # sample 1 is one-hot on another class
])
def test_the_editor_refuses_a_target_the_network_file_refuses(qtbot, make_window, preset, unit, typed, reason):
    """What is edited can be saved and opened again: a target follows the file's rules."""
    from guiapp.model.session import UnitRef

    w = make_window(preset)
    s = w.model.session
    before = s.net.targets.copy()
    w.model.set_selection(UnitRef(s.net.depth, unit))
    w.actions["edit_selected"].trigger()
    editor = open_editor(w)
    editor.field.selectAll()
    qtbot.keyClicks(editor.field, typed)
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert open_editor(w) is editor and reason in editor.error.text()
    assert_fully_visible(editor)
    editor.reject()
    assert np.array_equal(s.net.targets, before) and not w.undo_stack.canUndo()
    with pytest.raises(ValueError, match=re.escape(reason)):  # nor does the engine take it
        s.set_target(0, unit, float(typed))
    assert np.array_equal(s.net.targets, before)
