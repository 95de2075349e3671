"""Every action of the window, made in one place, with its keys and its place in the help."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class Spec:
    name: str
    text: str
    keys: tuple = ()
    tip: str = ""


SPECS = (
    Spec("open", "&Open network…", (Key.Open,), "Open a network file (JSON)"),
    Spec("save", "&Save network", (Key.Save,), "Save the network as the current iteration starts"),
    Spec("save_as", "Save network &as…", (Key.SaveAs,)),
    Spec("export_trace", "Export &trace (all recorded iterations)…", ("Ctrl+E",),
         "Write every quantity of the recorded iterations to CSV"),
    Spec("export_trace_current", "Export trace of the &current iteration…", ("Ctrl+Shift+E",)),
    Spec("export_history", "Export loss &history…", ("Ctrl+H",), "Write iteration,loss to CSV"),
    Spec("quit", "&Quit", (Key.Quit,)),
    Spec("step", "&Step", ("Right", "F10"), "Compute one more quantity (→)"),
    Spec("step_back", "Step &back", ("Left", "Shift+F10"), "Go back one computation (←)"),
    Spec("finish_phase", "Finish &phase", ("Ctrl+Right",), "Run to the end of this phase"),
    Spec("finish_iteration", "Finish &iteration", ("Ctrl+Shift+Right", "End"), "Run to the end of this iteration"),
    Spec("play", "&Play", ("Space",), "Step by itself at the chosen speed; press again to pause"),
    Spec("train", "&Train", ("Ctrl+T",), "Train the number of iterations set beside"),
    Spec("stop", "St&op", ("Escape",), "Stop training or an export"),
    Spec("reset", "&Reset", ("Ctrl+R",), "Back to the network as it was opened (undoable)"),
    Spec("fit", "&Fit diagram", ("Ctrl+0",), "Fit the diagram to the window"),
    Spec("zoom_in", "Zoom &in", (Key.ZoomIn,)),
    Spec("zoom_out", "Zoom &out", (Key.ZoomOut,)),
    Spec("edit_selected", "&Edit selected value…", ("F2",), "Type an exact value for the selected weight, bias or unit"),
    Spec("edit_lr", "Edit &learning rate…", ("Ctrl+L",)),
    Spec("help_keys", "&Keyboard and mouse", (Key.HelpContents,)),
    Spec("about", "&About Backprop Stepper"),
)


def make_actions(parent) -> dict[str, QAction]:
    actions = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        keys = [QKeySequence(k) for k in spec.keys]
        if keys:
            action.setShortcuts(keys)
        tip = spec.tip or spec.text.replace("&", "").rstrip("…")
        if keys:
            tip += f" ({', '.join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        actions[spec.name] = action
    actions["play"].setCheckable(True)
    return actions


def help_text(actions: dict[str, QAction], undo: QAction, redo: QAction) -> str:
    rows = []
    for action in [*actions.values(), undo, redo]:
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        if keys:
            rows.append(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{keys}</b></td></tr>")
    mouse = (
        "<p><b>Mouse</b>: click a weight, bias or unit to see its chain-rule breakdown; double-click a "
        "weight, bias, input unit (its input), output unit (its target) or the η tag (the learning rate) "
        "to type an exact value (0.5, -1e-3, .5, 1/2 or 0,5). Wheel zooms the diagram, dragging moves it. "
        "Hover over the loss curve to read iteration and loss; click a computation in the list to go there.</p>"
        "<p><b>Undo</b> returns to the iteration an edit was made in, as it was then.</p>"
    )
    return "<table cellspacing=6>" + "".join(rows) + "</table>" + mouse
