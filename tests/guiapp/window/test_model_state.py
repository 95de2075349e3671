"""The model owns the state the views show (issue 18, item 3): one step is one change signal and
one refresh of each view; the views follow the model's signals and poll nothing; practice, the
loss curve's scale and playing are the model's; the actions are bound to callables."""
from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path

import pytest

from guiapp.diagram.view import DiagramView
from guiapp.model import commands
from guiapp.model.session import ValueRef
from guiapp.panels.side import SidePanel
from guiapp.panels.timeline import TimelineBar
from guiapp.plots.loss import LossPlot
from guiapp.window import MainWindow

GUIAPP = Path(__file__).resolve().parents[3] / "guiapp"


def _counting(monkeypatch, calls: Counter, cls, name: str) -> None:
    """Count the calls of cls.name (patched before the window connects its signals to it)."""
    original = getattr(cls, name)
    takes = inspect.signature(original).parameters.values()
    positional = None if any(p.kind is p.VAR_POSITIONAL for p in takes) else len(takes) - 1

    def counted(self, *args, **kwargs):  # a signal's arguments, as many as the method takes
        calls[f"{cls.__name__}.{name}"] += 1
        return original(self, *args[:positional], **kwargs)

    monkeypatch.setattr(cls, name, counted)


def _to_the_step_before_another_sample(w) -> None:
    """The cursor just before a computation about another sample than the one shown."""
    s = w.model.session
    shown = s.steps[0].sample
    n = next(n for n, step in enumerate(s.steps) if step.sample is not None and step.sample != shown)
    w.model.go_to(n - 1)
    assert w.model.sample == shown and s.steps[n].sample != shown


def test_one_step_is_one_change_and_one_refresh_of_each_view(qtbot, make_window, monkeypatch):
    calls = Counter()
    for cls, name in ((DiagramView, "refresh"), (DiagramView, "relayout"), (SidePanel, "refresh"),
                      (LossPlot, "refresh"), (TimelineBar, "follow"), (MainWindow, "_update_enabled")):
        _counting(monkeypatch, calls, cls, name)
    w = make_window("xor")  # four samples a batch: the steps go from one sample to the next
    assert w.plot.isVisible()  # made now, its refreshes counted too
    m = w.model
    _to_the_step_before_another_sample(w)
    signals = Counter()
    for name in ("changed", "sampleChanged", "networkReplaced", "possibleChanged", "practiceChanged"):
        getattr(m, name).connect(lambda *_, name=name: signals.update([name]))
    sample = m.sample
    calls.clear()
    w.actions["step"].trigger()
    assert m.sample != sample and w.sample_box.currentIndex() == m.sample  # the diagram follows the sample
    assert signals == {"changed": 1}, signals  # nothing else changed: what is possible stays
    assert calls == {"DiagramView.refresh": 1, "SidePanel.refresh": 1, "LossPlot.refresh": 1,
                     "TimelineBar.follow": 1}, calls  # no layout again, no enabled rules polled
    # the sample chosen by hand is said on its own, once, and each view refreshes once
    signals.clear()
    calls.clear()
    w.sample_box.setCurrentIndex((m.sample + 1) % w.sample_box.count())
    assert signals == {"sampleChanged": 1}, signals
    assert calls["DiagramView.refresh"] == 1 and calls["SidePanel.refresh"] == 1, calls


def test_the_enabled_rules_follow_what_the_model_says_is_possible(qtbot, make_window):
    w = make_window("mazur")
    m = w.model
    assert not w.actions["step_back"].isEnabled() and not m.possible.step_back
    with qtbot.waitSignal(m.possibleChanged) as said:
        w.actions["step"].trigger()  # now there is a computation to go back to
    assert said.args[0].step_back and w.actions["step_back"].isEnabled()
    with qtbot.assertNotEmitted(m.possibleChanged):
        w.actions["step"].trigger()  # and there still is
    w.actions["finish_iteration"].trigger()
    w.actions["step"].trigger()  # into the next iteration: the timeline has two
    assert m.possible.timeline and w.actions["go_to_iteration"].isEnabled()
    m.go_to_iteration(m.session.first)
    assert m.possible.past and w.actions["back_to_latest"].isEnabled()
    m.set_practising(True)
    assert m.possible.practising and not w.actions["back_to_latest"].isEnabled()
    assert not w.actions["step"].isEnabled() and not w.actions["play"].isEnabled()


def test_the_diagram_reads_the_samples_only_when_their_version_changes(qtbot, make_window, monkeypatch):
    calls = Counter()
    _counting(monkeypatch, calls, DiagramView, "relayout")
    w = make_window("mazur")
    m = w.model
    version = m.samples_version
    calls.clear()
    for _ in range(5):
        w.actions["step"].trigger()
    w.actions["finish_iteration"].trigger()
    assert m.samples_version == version and calls["DiagramView.relayout"] == 0
    w.undo_stack.push(commands.edit_command(m, ValueRef("param", "w1"), 0.5))  # a weight: the samples stay
    assert m.samples_version == version and calls["DiagramView.relayout"] == 0
    w.undo_stack.push(commands.edit_command(m, ValueRef("input", (0, 0)), -0.000123456789123))  # wider: laid out again
    assert m.samples_version == version + 1 and calls["DiagramView.relayout"] == 1
    w.undo_stack.undo()
    assert m.samples_version == version + 2 and calls["DiagramView.relayout"] == 2


# The only timers of the views, each with what it is for; the model owns Play's and a job's.
VIEW_TIMERS = {
    "panels/timeline.py": "the slider's drag gathered into one move once the events are served (not a poll)",
}


@pytest.mark.parametrize("path", sorted(p.relative_to(GUIAPP).as_posix() for p in GUIAPP.rglob("*.py")
                                        if p.parent.name != "model"))
def test_no_view_polls(path):
    """Outside the model, no timer but those listed (single shots to wait for the event loop
    are not polls), and no view compares the session's arrays to find out whether they changed:
    the model's signals (and `samples_version`) say it."""
    text = (GUIAPP / path).read_text()
    timers = re.findall(r"QTimer\(", text)
    assert not timers or path in VIEW_TIMERS, f"{path} makes a timer: a view follows the model's signals"
    assert ".tobytes()" not in text, f"{path} compares arrays: the model says when the samples change"


def test_practice_log_scale_and_playing_are_the_models(qtbot, make_window):
    w = make_window("mazur")
    m = w.model
    assert w.plot is not None
    # the loss curve's scale: the box writes it to the model, and shows the model's
    w.plot.log_scale.setChecked(True)
    assert m.log_scale and w.plot.plot.getPlotItem().ctrl.logYCheck.isChecked()
    m.set_log_scale(False)
    assert not w.plot.log_scale.isChecked() and not w.plot.plot.getPlotItem().ctrl.logYCheck.isChecked()
    # playing: the action asks the model, which steps by itself; practice stops it
    w.actions["play"].trigger()
    assert m.playing and w.actions["play"].isChecked() and w.actions["play"].text() == "&Pause"
    cursor = m.session.cursor
    qtbot.waitUntil(lambda: m.session.cursor > cursor, timeout=3000)
    m.set_practising(True)
    assert not m.playing and not w.actions["play"].isChecked() and w.actions["practice"].isChecked()
    # practice: the model asks, checks and moves the cursor; the box only shows it
    p = m.practice
    assert p is not None and w.practice_box.practice is p and w.practice_box.isVisible()
    asked = p.current
    wrong = m.practice_check("12345")
    assert wrong == "wrong" and p.current == asked and m.practice_said.startswith("Not right.")
    assert w.practice_box.verdict.text() == m.practice_said
    cursor = m.session.cursor
    m.practice_reveal()
    assert m.session.cursor > cursor and p.current != asked and "1 revealed" in w.practice_box.score.text()
    m.set_practising(False)
    assert m.practice is None and not w.practice_box.isVisible() and not w.actions["practice"].isChecked()


def test_every_action_is_bound_to_a_callable():
    """A reader or a tool follows an action to the method it calls: no slot is a string."""
    from guiapp.actions import ACTIONS

    for spec in ACTIONS:
        assert callable(spec.slot) and not isinstance(spec.slot, str), spec.name
        assert inspect.signature(spec.slot).parameters.keys() == {"w"}, spec.name


def test_one_sentence_for_a_file_not_written():
    """"… could not be written … No file was changed." is written once, in guiapp.model.jobs."""
    hits = [p for p in GUIAPP.rglob("*.py") if "No file was changed" in p.read_text()]
    assert [p.relative_to(GUIAPP).as_posix() for p in hits] == ["model/jobs.py"]



def test_the_screenshot_practises_through_the_model(tmp_path):
    """`python -m guiapp.screenshot --practice LABEL=VALUE` skips to LABEL with the model's Skip."""
    import os
    import subprocess
    import sys

    out = tmp_path / "practice.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-m", "guiapp.screenshot", str(out), "mazur", "0", "--size", "800x600",
                           "--practice", "net_h2=0.3925"], cwd=GUIAPP.parent, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000
