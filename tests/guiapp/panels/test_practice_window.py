"""Practice mode in the window (issue 11): the real box above the side panel, typed into."""
import pytest
from PySide6.QtCore import Qt

from engine import open_network
from tests.engine.teaching.test_mistakes import BY_HAND
from tests.engine.teaching.test_practice import PUBLISHED, four


def start(qtbot, w, phase=None):
    w.actions["practice"].trigger()
    box = w.practice_box
    assert box.isVisible() and box.practice is not None
    if phase is not None:
        box.filter.setCurrentIndex(box.filter.findData(phase))
    return box


def answer(qtbot, box, text: str) -> None:
    box.field.setFocus()
    box.field.selectAll()
    qtbot.keyClicks(box.field, text)
    qtbot.keyClick(box.field, Qt.Key.Key_Return)


@pytest.mark.parametrize("digits", [9, 4])
def test_the_worked_example_typed_step_by_step(qtbot, make_window, digits):
    w = make_window("mazur")
    box = start(qtbot, w)
    assert not w.actions["step"].isEnabled()  # stepping would reveal the value asked
    for label, text in PUBLISHED:
        assert box.question.text().startswith(f"{label} = "), (label, box.question.text())
        answer(qtbot, box, text if digits == 9 else four(text))
        assert box.verdict.text().lower().startswith("right"), (label, box.verdict.text())
    assert "is done" in box.question.text() and f"{len(PUBLISHED)} right ({len(PUBLISHED)} at the first try" \
        in box.score.text()
    s = w.model.session
    assert s.cursor == len(s.steps) - 1 and w.panel.steps.currentIndex().row() == s.cursor  # the views followed
    qtbot.mouseClick(box.buttons["next"], Qt.MouseButton.LeftButton)
    assert s.iteration == 2 and box.question.text().startswith("net_h1 = ")


@pytest.mark.parametrize("mistake, label, value", BY_HAND, ids=[f"{m}-{l}" for m, l, _ in BY_HAND])
def test_the_box_names_the_mistake(qtbot, make_window, mistake, label, value):
    w = make_window("mazur")
    box = start(qtbot, w)
    while not box.question.text().startswith(f"{label} = "):
        qtbot.mouseClick(box.buttons["skip"], Qt.MouseButton.LeftButton)
    s = w.model.session
    before = (s.cursor, s.record.row.copy())
    answer(qtbot, box, f"{value:.6e}")
    text = box.verdict.text()
    assert box.practice.exercises[-1].mistakes and mistake in box.practice.exercises[-1].mistakes, text
    assert s.cursor == before[0] and (s.record.row == before[1]).all()  # a wrong answer changes nothing
    assert box.question.text().startswith(f"{label} = ")


def test_an_unrelated_value_hint_reveal_filter_and_report(qtbot, make_window, tmp_path, monkeypatch):
    w = make_window("mazur")
    box = start(qtbot, w, phase="backward")
    assert box.question.text().startswith("∂E/∂out_o1 = ")
    answer(qtbot, box, "123.456")
    assert box.verdict.text().startswith("Not right. No mistake in the catalogue")
    qtbot.mouseClick(box.buttons["hint"], Qt.MouseButton.LeftButton)
    assert box.hint_text.text().startswith("Hint: ")
    qtbot.mouseClick(box.buttons["reveal"], Qt.MouseButton.LeftButton)
    assert box.question.text().startswith("∂out_o1/∂net_o1 = ")
    assert "1 revealed" in box.score.text()
    path = tmp_path / "report.md"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(box.export, Qt.MouseButton.LeftButton)
    report = path.read_text()
    assert r"∂E/∂out\_o1" in report and "revealed" in report  # Markdown: _ escaped
    w.actions["practice"].trigger()  # off: stepping again
    assert not box.isVisible() and w.actions["step"].isEnabled()


def test_the_chain_rule_of_the_selected_weight(qtbot, make_window):
    from guiapp.model.session import ValueRef
    from guiapp.panels.practice import CHAIN

    w = make_window("mazur")
    box = start(qtbot, w)
    box.filter.setCurrentIndex(box.filter.findData(CHAIN))  # nothing selected: said, and back to every value
    assert "Select a weight or bias" in box.verdict.text() and box.filter.currentData() is None
    w.model.set_selection(ValueRef("param", "w5"))
    box.filter.setCurrentIndex(box.filter.findData(CHAIN))
    asked = []
    while box.practice.current is not None:
        asked.append(box.practice.current.label)
        qtbot.mouseClick(box.buttons["reveal"], Qt.MouseButton.LeftButton)
    assert asked == ["∂E/∂out_o1", "∂out_o1/∂net_o1", "δ_o1", "∂E/∂w5", "w5⁺"]


def test_a_click_in_the_list_of_computations_does_not_move_practice(qtbot, make_window):
    """It moved the cursor past the value asked without counting anything (issue 17)."""
    w = make_window("mazur")
    box = start(qtbot, w)
    assert box.question.text().startswith("net_h1 = ")
    w.panel.steps.setCurrentIndex(w.panel.steps_model.index(9))  # a click on computation 10: E_o2
    assert w.model.session.cursor == -1 and not w.panel.steps.currentIndex().isValid()
    assert box.question.text().startswith("net_h1 = ") and box.practice.exercises == []


def test_practice_at_a_past_iteration_asks_its_numbers(qtbot, make_window):
    """Trained 100 iterations, at iteration 37 (the timeline is off while practising): a wrong
    answer, then the right one by iteration 37's numbers, the ones a session trained 36
    iterations computes."""
    from engine import Session

    w = make_window("mazur")
    w.train_count.setValue(100)
    w.actions["train"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy, timeout=20_000)
    w.timeline.box.setValue(37)
    box = start(qtbot, w)
    answer(qtbot, box, "0")
    assert box.verdict.text().startswith("Not right")
    w.timeline.box.setValue(60)  # off: nothing moves
    s = w.model.session
    assert (s.iteration, s.cursor) == (37, -1) and box.question.text().startswith("net_h1 = ")
    by_hand = Session(open_network("mazur"))
    by_hand.run(36)
    by_hand.step()
    answer(qtbot, box, repr(by_hand.value("net", 1, 0, sample=0)))
    assert box.verdict.text().lower().startswith("right"), box.verdict.text()
    assert s.iteration == 37 and s.cursor == 0


def test_an_edit_where_practice_stands_is_judged_by_the_new_numbers(qtbot, make_window):
    """Found by the random-action test: practising net_h1 at the start of iteration 1, a hint
    asked, then w1 edited (the iteration starts again where practice stood): the box judges
    the next answer by the edited network's net_h1, not the one it had before."""
    from guiapp.model import commands
    from guiapp.model.session import ValueRef

    w = make_window("mazur")
    box = start(qtbot, w)
    qtbot.mouseClick(box.buttons["hint"], Qt.MouseButton.LeftButton)  # the exercise of net_h1 begins
    s = w.model.session
    before = s.record.value(box.practice.current.key)
    w.undo_stack.push(commands.edit_command(w.model, ValueRef("param", "w1"), 0.5))
    s = w.model.session
    assert s.cursor == -1 and box.question.text().startswith("net_h1 = ")
    now = s.record.value(box.practice.current.key)
    assert now != before
    answer(qtbot, box, repr(now))
    assert box.verdict.text().lower().startswith("right"), box.verdict.text()


def test_the_views_follow_practice_after_an_edit(qtbot, make_window):
    """Practising the backward pass, an edit starts the iteration again: practice moves the
    cursor on to the first value it asks, and the list of computations shows it there."""
    from guiapp.model import commands
    from guiapp.model.session import ValueRef

    w = make_window("mazur")
    start(qtbot, w, "backward")
    s = w.model.session
    assert s.cursor == 10 and w.panel.steps.currentIndex().row() == 10  # E_total computed, ∂E/∂out_o1 asked
    w.undo_stack.push(commands.edit_command(w.model, ValueRef("param", "w1"), 0.5))
    s = w.model.session
    assert s.cursor == 10 and w.panel.steps.currentIndex().row() == 10
    assert w.practice_box.question.text().startswith("∂E/∂out_o1 = ")


# -- the box speaks words (issue 17, section 5, item 12) -------------------------------------------

def test_mistakes_are_named_by_what_they_are(qtbot, make_window):
    from engine.teaching.mistakes import CATALOGUE

    w = make_window("mazur")
    box = start(qtbot, w, phase="backward")
    answer(qtbot, box, "-0.74136507")  # ∂E/∂out_o1 with its sign reversed
    assert box.practice.exercises[-1].mistakes == ["sign_flipped"]
    text = box.score.text()
    assert CATALOGUE["sign_flipped"].title in text and "(1×)" in text and "sign_flipped" not in text


def test_another_filter_keeps_the_score(qtbot, make_window):
    w = make_window("mazur")
    box = start(qtbot, w)
    answer(qtbot, box, "0.3775")
    answer(qtbot, box, "0.593269992")
    assert box.score.text().startswith("2 right (2 at the first try")
    box.filter.setCurrentIndex(box.filter.findData("backward"))
    assert box.question.text().startswith("∂E/∂out_o1 = ")
    assert box.score.text().startswith("2 right (2 at the first try") and len(box.practice.exercises) == 2
    box.filter.setCurrentIndex(box.filter.findData(None))
    assert box.score.text().startswith("2 right (2 at the first try")


def test_export_report_proposes_a_file_name(qtbot, make_window, tmp_path, monkeypatch):
    w = make_window("mazur")
    box = start(qtbot, w)
    proposed = []
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName",
                        lambda parent, caption, name, types: proposed.append(name) or ("", ""))
    qtbot.mouseClick(box.export, Qt.MouseButton.LeftButton)
    assert len(proposed) == 1 and proposed[0].endswith("/mazur-practice-report.md")


def test_the_first_hint_adds_to_what_the_box_shows(qtbot, make_window):
    w = make_window("mazur")
    box = start(qtbot, w)
    question = box.question.text()
    qtbot.mouseClick(box.buttons["hint"], Qt.MouseButton.LeftButton)
    hint = box.hint_text.text()
    assert hint.removeprefix("Hint: ") not in question
    assert hint == "Hint: net_h1 = w1·i1 + w2·i2 + b_h1, with w1 = 0.15, i1 = 0.05, w2 = 0.2, i2 = 0.1, b_h1 = 0.35"
    qtbot.mouseClick(box.buttons["hint"], Qt.MouseButton.LeftButton)
    assert box.hint_text.text() == "Hint: net_h1 = w1·i1 + w2·i2 + b_h1 = 0.15·0.05 + 0.2·0.1 + 0.35"


# -- the keys after practice (issue 17, section 5, item 7) -----------------------------------------

def test_after_practice_the_keys_step_the_diagram(qtbot, make_window):
    from PySide6.QtWidgets import QApplication

    w = make_window("mazur")
    with qtbot.waitActive(w):
        w.activateWindow()
    box = start(qtbot, w)
    answer(qtbot, box, "0.3775")
    assert QApplication.focusWidget() is box.field
    qtbot.keyClick(box.field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P: practice off
    assert box.practice is None and not box.isVisible()
    assert QApplication.focusWidget() is w.diagram
    cursor = w.model.session.cursor
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # → steps
    assert w.model.session.cursor == cursor + 1
