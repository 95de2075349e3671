"""Kept runs in the window (issue 20, item 5): Run ▸ Keep this run asks a name and keeps the run,
the loss curve overlays the kept runs with a legend, Run ▸ Kept runs removes one or all and hides
or shows them, each keep or removal one undo step; saved with the network and opened again; File
▸ Export ▸ Kept runs as CSV; names from a file shown as text."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine import load, loads, open_network
from engine.network import runs as kept
from engine.session import runs
from tests.helpers import preset_data


def network(preset: str, **optimizer):
    data = preset_data(preset)
    data["optimizer"].update(optimizer)
    return loads(json.dumps(data), preset)


def train(qtbot, w, n: int) -> None:
    w.model.train(n)
    qtbot.waitUntil(lambda: not w.model.busy, timeout=60_000)


def keep_dialog(w):
    from guiapp.dialogs.keeprun import KeepRunDialog

    w.actions["keep_run"].trigger()
    shown = [d for d in w.findChildren(KeepRunDialog) if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def keep(qtbot, w, name: str | None = None):
    """Run ▸ Keep this run, `name` typed (or the name proposed), OK."""
    dialog = keep_dialog(w)
    if name is not None:
        dialog.field.setText(name)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    return dialog


def curves(w) -> list[tuple[str, bytes, bytes]]:
    """The kept runs the loss curve shows: name, iterations and losses (as bytes)."""
    return [(name, np.asarray(x, dtype=np.float64).tobytes(), np.asarray(y, dtype=np.float64).tobytes())
            for name, x, y in w.plot.shown_runs()]


def expected(model_runs) -> list[tuple[str, bytes, bytes]]:
    return [(r.name, np.arange(1, len(r) + 1, dtype=np.float64).tobytes(), r.loss.tobytes()) for r in model_runs]


def legend(w) -> list[str]:
    """The legend's runs: this run and the kept runs (not the measures evaluated: accuracy), or
    nothing when it names no kept run."""
    legend = w.plot.legend
    runs = [label.item.toPlainText() for sample, label in legend.items if sample.item not in w.plot.measures.values()]
    return runs if legend.isVisible() and len(runs) > 1 else []


def test_keep_three_runs_compare_them_and_undo_each(qtbot, make_window):
    """Three runs, the network changed between them as a user does (Edit structure to 5 hidden
    units, which keeps the kept runs; Reset and Edit learning rate), each kept under its name."""
    from engine.files import design as designs
    from guiapp.model import commands

    w = make_window("xor", net=network("xor", momentum=0.0))
    train(qtbot, w, 40)
    dialog = keep_dialog(w)
    assert dialog.field.text() == runs.proposal(w.model.session, ()) == "lr 0.5"
    dialog.field.setText("SGD")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    (sgd,) = w.model.runs
    assert sgd.name == "SGD" and sgd.loss.tobytes() == w.model.session.history.values.tobytes()
    assert w.undo_stack.undoText() == "keep this run as “SGD”"
    assert curves(w) == expected(w.model.runs) and legend(w) == ["this run", "SGD"]

    design = designs.design_of(w.model.session.current_network())
    design.sizes[1] = 5
    w.network.change_structure(design, editing=True, keep=False)  # iteration 1 again, the kept run stays
    assert w.model.runs == (sgd,) and w.model.session.latest == 1
    train(qtbot, w, 60)
    keep(qtbot, w)  # the name proposed: the training settings are SGD's, the shape is not in it
    assert w.model.runs[1].name == "lr 0.5" and w.model.runs[1].settings.startswith("2-5-1 ")
    w.undo_stack.push(commands.Reset(w.model))
    w.undo_stack.push(commands.SetLearningRate(w.model, 2.0))
    train(qtbot, w, 30)
    keep(qtbot, w, "lr 2")
    names = [r.name for r in w.model.runs]
    assert names == ["SGD", "lr 0.5", "lr 2"] and [len(r) for r in w.model.runs] == [41, 61, 31]
    assert curves(w) == expected(w.model.runs)
    assert legend(w) == ["this run", *names]
    pens = [curve.opts["pen"] for curve in w.plot.kept]
    assert len({(p.color().name(), p.style()) for p in pens}) == 3 and Qt.PenStyle.SolidLine not in {
        p.style() for p in pens}  # each its own colour; dashed, this run's curve the only solid line

    count = w.undo_stack.count()
    w.actions["undo"].trigger()  # the third run: one step
    assert [r.name for r in w.model.runs] == names[:2] and curves(w) == expected(w.model.runs)
    w.actions["redo"].trigger()
    assert [r.name for r in w.model.runs] == names and w.undo_stack.count() == count


def test_a_name_taken_or_blank_is_refused_in_the_dialog(qtbot, make_window):
    w = make_window("xor")
    train(qtbot, w, 5)
    keep(qtbot, w, "SGD")
    dialog = keep(qtbot, w, "SGD ")
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == "“SGD” names kept run 1 already: give each run its own name."
    dialog.field.setText("   ")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.error.text() == "A run's name needs at least one visible character." and dialog.isVisible()
    dialog.reject()
    assert len(w.model.runs) == 1 and w.undo_stack.count() == 1


def three(w):
    kept_runs = ()
    for name, momentum in (("SGD", 0.0), ("momentum", 0.9), ("again", 0.5)):
        from engine import Session

        s = Session(network("xor", momentum=momentum))
        s.run(20)
        kept_runs = runs.keep(s, name, kept_runs)
    w.model.set_runs(kept_runs)
    return kept_runs


def test_remove_one_or_all_each_one_undo_step_and_hide_or_show_them(qtbot, make_window):
    w = make_window("xor")
    kept_runs = three(w)
    w.kept_runs.fill_runs_menu()
    removes = [a for a in w.runs_menu.actions() if a.objectName().startswith("removeRun:")]
    assert [a.text() for a in removes] == ["Remove “SGD”", "Remove “momentum”", "Remove “again”"]
    removes[1].trigger()
    assert w.model.runs == (kept_runs[0], kept_runs[2]) and w.undo_stack.undoText() == "remove kept run 2, “momentum”"
    assert legend(w) == ["this run", "SGD", "again"]
    w.actions["remove_all_runs"].trigger()
    assert w.model.runs == () and curves(w) == [] and legend(w) == []
    assert not w.actions["remove_all_runs"].isEnabled() and not w.actions["export_runs"].isEnabled()
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert w.model.runs == kept_runs and curves(w) == expected(kept_runs)

    w.actions["show_runs"].setChecked(False)  # Run ▸ Kept runs ▸ Show kept runs
    assert not w.model.runs_shown and curves(w) == [] and legend(w) == []
    w.actions["show_runs"].setChecked(True)
    assert curves(w) == expected(kept_runs)


def test_a_click_on_a_run_in_the_legend_hides_it(qtbot, make_window):
    w = make_window("xor")
    kept_runs = three(w)
    qtbot.wait(20)  # laid out
    sample = next(s for s, _ in w.plot.legend.items if s.item in w.plot.kept and s.item.run is kept_runs[1])
    view = w.plot.plot

    def click():
        scene = sample.mapToScene(sample.boundingRect().center())
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene))

    click()
    assert [name for name, *_ in curves(w)] == ["SGD", "again"]
    w.model.set_runs(kept_runs[:2])  # another change of the runs: the one hidden stays hidden
    assert [name for name, *_ in curves(w)] == ["SGD"]
    sample = next(s for s, _ in w.plot.legend.items if s.item in w.plot.kept and s.item.run is kept_runs[1])
    click()
    assert [name for name, *_ in curves(w)] == ["SGD", "momentum"]
    this = w.plot.legend.items[0][0]
    scene = this.mapToScene(this.boundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene))
    assert w.plot.curve.isVisible() and this.item.isVisible()  # this run's entry hides nothing, nor greys


def test_kept_runs_are_saved_and_opened_again(qtbot, make_window, tmp_path):
    w = make_window("xor")
    kept_runs = three(w)
    assert w.files.save_to(str(tmp_path / "runs.json"))  # at iteration 1
    train(qtbot, w, 3)
    assert w.files.save_to(str(tmp_path / "trained.json"))
    for name in ("runs.json", "trained.json"):
        back = load(tmp_path / name)
        assert len(back.runs) == 3 and all(a.same(b) for a, b in zip(back.runs, kept_runs))
    other = make_window("mazur")
    assert other.files.open_path(str(tmp_path / "runs.json"))
    assert len(other.model.runs) == 3 and all(a.same(b) for a, b in zip(other.model.runs, kept_runs))
    assert curves(other) == expected(other.model.runs) and legend(other) == ["this run", "SGD", "momentum", "again"]
    # one point of this run, its loss not computed yet: the view holds the kept runs, whatever that loss is
    assert len(other.model.session.history) == 1 and other.plot._current_loss() is None
    (x0, x1), (y0, y1) = other.plot.plot.getPlotItem().vb.viewRange()
    assert x1 >= 21 and y0 <= 0 and y1 >= max(r.loss.max() for r in kept_runs)
    assert other.files.open_path(str(tmp_path / "trained.json"))
    assert all(a.same(b) for a, b in zip(other.model.runs, kept_runs)) and other.model.session.iteration == 4


def test_new_network_leaves_the_kept_runs_behind_and_undo_brings_them_back(qtbot, make_window):
    from engine.files import design as designs

    w = make_window("xor")
    kept_runs = three(w)
    w.network.change_structure(designs.design_of(open_network("mazur")), editing=False, keep=False)
    assert w.model.runs == () and legend(w) == []
    w.actions["undo"].trigger()
    assert w.model.runs == kept_runs and curves(w) == expected(kept_runs)
    w.actions["redo"].trigger()
    assert w.model.runs == ()


def test_kept_runs_exported_as_csv_are_the_histories(qtbot, make_window, tmp_path):
    w = make_window("xor")
    kept_runs = three(w)
    path = tmp_path / "runs.csv"
    with qtbot.waitSignal(w.model.jobFinished, timeout=30_000):
        w.files.export_runs_to(str(path))
    out = io.StringIO()
    for _ in runs.runs_to(out, kept_runs):
        pass
    text = path.read_text(encoding="utf-8")
    assert text == out.getvalue()
    rows = [line.split(",") for line in text.splitlines()[1:]]
    for k, run in enumerate(kept_runs):
        mine = [row for row in rows if row[1] == run.name]
        assert [int(r[0]) for r in mine] == list(range(1, len(run) + 1))
        assert np.array([r[2] for r in mine], dtype=np.float64).tobytes() == run.loss.tobytes()


def test_keep_is_off_while_practising(qtbot, make_window):
    """A kept run holds this iteration's loss, which practice has not asked yet."""
    w = make_window("mazur")
    w.actions["practice"].setChecked(True)
    assert not w.actions["keep_run"].isEnabled()
    w.actions["practice"].setChecked(False)
    assert w.actions["keep_run"].isEnabled()


HOSTILE = "<b>bold</b> &amp; <img src=x>\n=cmd|' /C calc'!A0\t&Save"


def test_a_hostile_name_is_text_in_the_legend_the_menu_and_the_dialog(qtbot, make_window):
    w = make_window("xor")
    run = kept.Run.of(HOSTILE, f"settings {HOSTILE}", {"loss": [0.5, 0.25]})
    w.model.set_runs((run,))
    shown = kept.shown_name(HOSTILE)
    assert legend(w) == ["this run", shown[: 39] + "…"]  # shortened, never markup
    w.kept_runs.fill_runs_menu()
    (remove,) = [a for a in w.runs_menu.actions() if a.objectName().startswith("removeRun:")]
    assert len(shown) < 60 and remove.text() == "Remove “" + shown.replace("&", "&&") + "”"  # a menu's & is &&
    dialog = keep_dialog(w)
    dialog.field.setText(HOSTILE.replace("\n", " "))  # the name shown: taken
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText and shown in dialog.error.text()
    assert dialog.findChild(type(dialog.error), "keepRunPrompt").textFormat() == Qt.TextFormat.PlainText
    dialog.reject()


def test_the_legend_fits_the_plots_width(qtbot, make_window):
    w = make_window("xor", size=(1400, 860))
    three(w)
    qtbot.wait(20)
    assert w.plot.legend.columnCount == len(w.plot.legend.items) == 4 + len(w.plot.measures)  # one row along the top
    vb = w.plot.plot.getPlotItem().vb
    assert w.plot.legend.boundingRect().width() < vb.width()
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.plot.legend.columnCount < len(w.plot.legend.items))
    assert w.plot.legend.boundingRect().width() < vb.width()


@pytest.mark.parametrize("log", [False, True])
def test_the_kept_curves_follow_the_log_scale(qtbot, make_window, log):
    w = make_window("xor")
    kept_runs = three(w)
    w.plot.log_scale.setChecked(log)
    assert curves(w) == expected(kept_runs)  # positive losses: the same points either way
    w.plot._mouse_moved(w.plot.plot.getPlotItem().vb.mapViewToScene(QPointF(5.0, 0.5)))  # nothing breaks


def test_kept_runs_are_drawn_as_this_runs_curve_is(qtbot, make_window):
    """Downsampled to the pixels and clipped to the view, as this run's curve: a kept run of
    100,000 losses drawn whole, dashed, took 40 ms a repaint (benchmarks/window_training.py
    --kept-runs 4)."""
    w = make_window("xor")
    three(w)
    assert w.plot.curve.opts["autoDownsample"] and w.plot.curve.opts["clipToView"]
    for curve in w.plot.kept:
        assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak" and curve.opts["clipToView"]


def shown_as(text: str) -> str:
    """What a tooltip shows of `text`: Qt renders it as HTML when it might be rich text."""
    from PySide6.QtGui import QTextDocument
    from PySide6.QtGui import Qt as QtGui

    if not QtGui.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_the_undo_texts_name_the_run_as_plain_text(qtbot, make_window):
    """Keeping and removing a run name it in the undo text; Edit ▸ Undo's menu entry, tooltip and
    status tip show the name as it is, whatever it holds (tags, entities, an ampersand)."""
    from guiapp.actions import SPECS, key_names

    w = make_window("xor")
    train(qtbot, w, 3)
    name = "<b>fast</b> & <i>slow</i> &amp; <br>"
    keep(qtbot, w, name)
    assert w.undo_stack.undoText() == f"keep this run as “{name}”"
    undo = w.actions["undo"]
    assert undo.text() == f"&Undo keep this run as “{name.replace('&', '&&')}”"  # a menu's & is a mnemonic
    keys = f" ({', '.join(key_names(SPECS['undo']))})"
    assert shown_as(undo.toolTip()) == f"Undo keep this run as “{name}”{keys}"
    assert undo.statusTip() == f"Undo keep this run as “{name}”{keys}"  # the status bar shows plain text
    w.kept_runs.remove_run(0)
    assert w.undo_stack.undoText() == f"remove kept run 1, “{name}”"
    assert shown_as(undo.toolTip()) == f"Undo remove kept run 1, “{name}”{keys}"
    w.actions["undo"].trigger()
    redo = w.actions["redo"]
    assert shown_as(redo.toolTip()) == f"Redo remove kept run 1, “{name}” ({', '.join(key_names(SPECS['redo']))})"
