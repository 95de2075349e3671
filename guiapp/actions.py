"""Every action of the window in one table: text, keys, tip, slot and whether it works while busy.

Adding an action is one line in ACTIONS (and its name in a menu or the toolbar below). The
slot is a function of the window that gives the method the action calls (`lambda w:
w.model.step`): a reference a reader, an editor or a linter can follow to the method, resolved
when the window makes its actions (a slot that does not exist stops the window from starting).
`set_enabled` is the one place the busy rule is applied.
"""
from __future__ import annotations

import enum
import html
from dataclasses import dataclass
from typing import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

Key = QKeySequence.StandardKey


class WhileBusy(enum.Enum):
    """Is the action enabled while a job (training, an export) runs?"""

    DISABLED = enum.auto()
    ENABLED = enum.auto()
    ONLY = enum.auto()  # enabled only then (Stop)

    def allows(self, busy: bool) -> bool:
        return {WhileBusy.DISABLED: not busy, WhileBusy.ENABLED: True, WhileBusy.ONLY: busy}[self]


OFF, ON, ONLY = WhileBusy.DISABLED, WhileBusy.ENABLED, WhileBusy.ONLY


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    slot: Callable[[QMainWindow], Callable]  # the window -> the method called; a checkable action's takes the new state
    keys: tuple = ()
    tip: str = ""
    while_busy: WhileBusy = OFF
    checkable: bool = False
    short: str = ""  # a button's text where the menu's would not fit (the timeline's)


ACTIONS = (
    ActionSpec("open", "&Open network…", lambda w: w.files.open_dialog, (Key.Open,), "Open a network file (JSON)"),
    ActionSpec("save", "&Save network", lambda w: w.files.save,
               (Key.Save,), "Save the network as the current iteration starts"),
    ActionSpec("save_as", "Save network &as…", lambda w: w.files.save_as, (Key.SaveAs,)),
    ActionSpec("export_trace", "Export &trace (all recorded iterations)…", lambda w: w.files.export_trace,
               ("Ctrl+E",), "Write every quantity of the recorded iterations to CSV"),
    ActionSpec("export_trace_current", "Export trace of the &current iteration…",
               lambda w: w.files.export_current_trace, ("Ctrl+Shift+E",)),
    ActionSpec("export_history", "Export loss &history…", lambda w: w.files.export_history, ("Ctrl+H",),
               "Write iteration,loss to CSV"),
    ActionSpec("export_trajectories", "Export tra&jectories…", lambda w: w.files.export_trajectories,
               tip="Write the value, gradient and velocity of the parameters shown in the trajectories (or of "
                   "all) for every iteration kept, to CSV"),
    ActionSpec("export_runs", "&Kept runs as CSV…", lambda w: w.files.export_runs,
               tip="Write the loss history of every kept run to CSV: iteration,run,loss"),
    ActionSpec("export_picture", "Export &picture (PNG, SVG)…", lambda w: w.copies.export_picture,
               tip="The diagram or the loss curve as a PNG of a chosen width or as SVG"),
    ActionSpec("export_worked_example", "&Worked example (Markdown, HTML, PDF)…",
               lambda w: w.files.export_worked_example,
               tip="The current iteration written out as the worked example writes it: forward pass, total error, "
                   "each chain rule and update, with the window's digits"),
    ActionSpec("export_pytorch", "P&yTorch script…", lambda w: w.files.export_pytorch,
               tip="The network as the current iteration starts, as a Python script that builds it with torch.nn "
                   "and trains it with torch.optim.SGD, printing its loss history"),
    ActionSpec("export_numpy", "&NumPy script…", lambda w: w.files.export_numpy,
               tip="The network as the current iteration starts, as a Python script in plain NumPy (forward pass, "
                   "backward pass and update written out), printing its loss history"),
    ActionSpec("export_notebook", "J&upyter notebook…", lambda w: w.files.export_notebook,
               tip="The current iteration as a Jupyter notebook: the worked example's sections and formulas, NumPy "
                   "cells that compute and print each step, and PyTorch's autograd checking every gradient"),
    ActionSpec("quit", "&Quit", lambda w: w.close, ("Ctrl+Q",), while_busy=ON),
    ActionSpec("undo", "&Undo", lambda w: w.undo, (Key.Undo,), "Undo the last edit or reset"),
    ActionSpec("redo", "&Redo", lambda w: w.redo, (Key.Redo,), "Redo what was undone"),
    ActionSpec("step", "&Step", lambda w: w.model.step, ("Right", "F10"), "Compute one more quantity (→)"),
    ActionSpec("step_back", "Step &back", lambda w: w.model.step_back,
               ("Left", "Shift+F10"), "Go back one computation (←)"),
    ActionSpec("finish_phase", "Finish &phase", lambda w: w.model.finish_phase,
               ("Ctrl+Right",), "Run to the end of this phase"),
    ActionSpec("finish_iteration", "Finish &iteration", lambda w: w.model.finish_iteration, ("Ctrl+Shift+Right", "End"),
               "Run to the end of this iteration"),
    ActionSpec("play", "&Play", lambda w: w.model.set_playing,
               ("Space",), "Step by itself at the chosen speed; press again to pause",
               checkable=True),
    ActionSpec("train", "&Train", lambda w: w.train, ("Ctrl+T",),
               "Train the number of iterations set beside (from a past iteration: along the iterations trained "
               "first, as they were)"),
    ActionSpec("train_until_best", "Train &until the test loss stops improving…", lambda w: w.train_until_best, (),
               "Train up to the number of iterations set beside, stopping once the test loss has not reached a new "
               "minimum for the evaluations you give (patience, as `train --patience`); the best iteration is marked"),
    ActionSpec("go_to_iteration", "Go to ite&ration…", lambda w: w.timeline.focus_box, ("Ctrl+J",),
               "Type the iteration to go to (or drag the slider, or click the loss curve)"),
    ActionSpec("back_to_latest", "Back to &latest", lambda w: w.model.back_to_latest, ("Ctrl+End",),
               "Return to the latest iteration trained (going to a past one discards nothing)", short="Latest"),
    ActionSpec("compare", "&Compare with this iteration (Δ)", lambda w: w.set_comparing, ("Ctrl+D",),
               "Show each value with its change since the iteration shown now; go to another iteration "
               "to see how far they moved; uncheck to stop comparing", checkable=True, short="Compare Δ"),
    ActionSpec("trace_selected", "Show trajector&y of selected", lambda w: w.show_trajectory, ("Ctrl+Shift+T",),
               "The selected weight or bias (or a unit's weights and bias) over the iterations, under the loss "
               "curve", while_busy=ON),
    ActionSpec("stop", "St&op", lambda w: w.model.cancel_job,
               ("Escape",), "Stop training or an export", while_busy=ONLY),
    ActionSpec("practice", "P&ractice", lambda w: w.set_practice, ("Ctrl+P",),
               "You compute the next value; the application checks it and names the mistake", checkable=True),
    ActionSpec("gradient_check", "&Gradient check…", lambda w: w.gradient_check, ("Ctrl+G",),
               "Backprop's gradient of every parameter against central differences, for this iteration"),
    ActionSpec("sequential", "Se&quential update order (the article's)", lambda w: w.set_sequential,
               tip="Update each layer right after its backward pass, as the worked example's article did "
                   "(unchecked: simultaneous, as PyTorch); undoable", checkable=True),
    ActionSpec("keep_run", "&Keep this run…", lambda w: w.kept_runs.keep_run, ("Ctrl+K",),
               "Keep this run's loss history under a name, with its settings: the loss curve shows it beside "
               "the runs that follow, to compare them (undoable; saved with the network)"),
    ActionSpec("show_runs", "&Show kept runs", lambda w: w.model.set_runs_shown,
               tip="Show the kept runs on the loss curve, with a legend (a click on a run's line in the legend "
                   "hides or shows that run)", while_busy=ON, checkable=True),
    ActionSpec("remove_all_runs", "Remove &all kept runs", lambda w: w.kept_runs.remove_all_runs,
               tip="Remove every kept run (undoable)"),
    ActionSpec("reset", "&Reset", lambda w: w.reset, ("Ctrl+R",), "Back to the network as it was opened (undoable)"),
    ActionSpec("fit", "&Fit diagram", lambda w: w.diagram.fit_to_window, ("Ctrl+0",), "Fit the diagram to the window",
               while_busy=ON),
    ActionSpec("zoom_in", "Zoom &in", lambda w: w.diagram.zoom_in,
               ("Ctrl+Alt+=",), "Zoom the diagram in (or the wheel)",
               while_busy=ON),
    ActionSpec("zoom_out", "Zoom &out", lambda w: w.diagram.zoom_out,
               ("Ctrl+Alt+-",), "Zoom the diagram out (or the wheel)",
               while_busy=ON),
    ActionSpec("show_all_units", "Show &all units", lambda w: w.model.set_show_all, ("Ctrl+Shift+A",),
               "Every unit of every layer; off: a layer larger than the view has room for shows its first units "
               "and one “… n more” unit", while_busy=ON, checkable=True),
    ActionSpec("larger_text", "&Larger text", lambda w: w.model.larger_text, ("Ctrl+=", "Ctrl++"),
               "Make every text of the window larger (in presentation mode, the diagram's and the current "
               "computation's)", while_busy=ON),
    ActionSpec("smaller_text", "&Smaller text", lambda w: w.model.smaller_text, ("Ctrl+-",),
               "Make every text of the window smaller (in presentation mode, the diagram's and the current "
               "computation's)", while_busy=ON),
    ActionSpec("presentation", "&Presentation mode", lambda w: w.model.set_presentation, ("F5",),
               "Full screen, the diagram's labels large enough for the back of the room, the current computation "
               "under it; F5 again puts the window back as it was", while_busy=ON, checkable=True),
    ActionSpec("copy_diagram", "Copy &diagram as picture", lambda w: w.copies.copy_diagram, ("Ctrl+Shift+C",),
               "The diagram as shown, to the clipboard as an image", while_busy=ON),
    ActionSpec("copy_computation", "Copy current &computation as text", lambda w: w.copies.copy_computation,
               ("Ctrl+Alt+C",),
               "The side panel's current computation, symbols then numbers, to the clipboard", while_busy=ON),
    ActionSpec("output_map", "&Output map", lambda w: w.set_output_map_shown, ("Ctrl+Shift+M",),
               "The selected output unit over the inputs' plane, beside the loss curve", while_busy=ON,
               checkable=True),
    ActionSpec("confusion_matrix", "&Confusion matrix", lambda w: w.set_confusion_shown, ("Ctrl+Shift+K",),
               "For a loss that classifies: the samples of each true class by the class the network gives them, beside "
               "the output map; click a cell to circle its samples on the map", while_busy=ON, checkable=True),
    ActionSpec("unit_maps", "&Unit maps", lambda w: w.model.set_unit_maps, ("Ctrl+Shift+U",),
               "Inside every hidden and output unit, a small map of its output over the inputs' plane (a network of "
               "2 inputs); hover a unit to see it large", while_busy=ON, checkable=True),
    ActionSpec("input_features", "Input f&eatures", lambda w: w.set_features_shown, ("Ctrl+Shift+F",),
               "Chips over the diagram, one per feature of the raw inputs (x1², x1·x2, sin(x1) …): click one to "
               "make it an input unit or take it away (undoable)", while_busy=ON, checkable=True),
    ActionSpec("trajectories", "&Trajectories", lambda w: w.set_trajectories_shown, ("Ctrl+Shift+J",),
               "Parameters' values, gradients and velocities over the iterations, under the loss curve",
               while_busy=ON, checkable=True),
    ActionSpec("copy_latex", "Copy current computation as &LaTeX", lambda w: w.copies.copy_latex, ("Ctrl+Alt+L",),
               "The side panel's current computation as LaTeX (one aligned line per step), to the clipboard",
               while_busy=ON),
    ActionSpec("edit_selected", "&Edit selected value…", lambda w: w.edit_selected, ("F2",),
               "Type an exact value for the selected weight, bias or unit"),
    ActionSpec("edit_lr", "Edit &learning rate…", lambda w: w.edit_learning_rate, ("Ctrl+L",)),
    ActionSpec("new_network", "&New network…", lambda w: w.network.new_network, (Key.New,),
               "A network of your own: layers, activations, loss and settings (undoable)"),
    ActionSpec("edit_structure", "Edit &structure…", lambda w: w.network.edit_structure, ("Ctrl+Shift+L",),
               "Change the layers, activations, loss or settings of this network (undoable)"),
    ActionSpec("samples", "&Samples…", lambda w: w.network.show_samples, ("Ctrl+Shift+D",),
               "The samples as a table: type, paste, add, remove and reorder them (each change undoable)"),
    ActionSpec("generate_data", "&Generate a data set…", lambda w: w.network.generate,
               tip="XOR, circle, two clusters, spiral, or a function to fit: seeded and reproducible (undoable)"),
    ActionSpec("import_csv", "&Import samples from CSV…", lambda w: w.network.import_csv,
               tip="Samples from a CSV file: pick the input and target columns (undoable)"),
    ActionSpec("export_samples", "E&xport samples to CSV…", lambda w: w.network.export_samples,
               tip="Write the samples to a CSV file (a header row, exact numbers)"),
    ActionSpec("help_keys", "&Keyboard and mouse", lambda w: w.show_help, (Key.HelpContents,), while_busy=ON),
    ActionSpec("about", "&About Backprop Stepper", lambda w: w.show_about, while_busy=ON),
)

# Where the actions go: "|" is a separator; other names are the window's menus and widgets.
# Stop is not on the toolbar: while a job runs it stands beside its progress in the status bar.
MENUS = {
    "&File": "open recent presets save save_as | export | quit",
    "&Edit": "undo redo | copy_diagram copy_computation copy_latex | edit_selected edit_lr reset",
    "&Network": "new_network edit_structure | samples generate_data import_csv export_samples",
    "&Run": "step step_back finish_phase finish_iteration play train train_until_best stop | go_to_iteration back_to_latest compare "
            "| practice sequential gradient_check | keep_run kept_runs",
    "&View": "fit zoom_in zoom_out show_all_units | larger_text smaller_text presentation | output_map confusion_matrix "
             "unit_maps input_features trajectories trace_selected",
    "&Help": "help_keys about",
}
# Submenus, by the name a menu above gives them: their title and actions.
SUBMENUS = {"export": ("&Export", "export_worked_example | export_trace export_trace_current export_history "
                                  "export_trajectories export_runs export_picture | export_pytorch export_numpy export_notebook")}
TOOLBAR = ("step_back step finish_phase finish_iteration play speed | train_count train | "
           "reset undo redo | sample")
TIMELINE_BUTTONS = "back_to_latest compare"  # beside the timeline's box and slider, over the loss curve


SPECS = {spec.name: spec for spec in ACTIONS}


def plain_text(spec: ActionSpec) -> str:
    """The action's text without its mnemonic and ellipsis: "Open network"."""
    return spec.text.replace("&", "").rstrip("…")


def key_names(spec: ActionSpec) -> list[str]:
    """The keys of an action as help and tooltips show them: of a standard key its first
    binding only (Ctrl+Z, not also F14 and the Undo key some keyboards have)."""
    names = []
    for key in spec.keys:
        sequences = QKeySequence.keyBindings(key)[:1] if isinstance(key, Key) else [QKeySequence(key)]
        names += [k.toString(QKeySequence.SequenceFormat.NativeText) for k in sequences]
    return names


def tooltip(name: str, tip: str | None = None) -> str:
    """The tooltip of an action: its tip (or `tip`) and its keys."""
    spec = SPECS[name]
    text = tip or spec.tip or plain_text(spec)
    keys = key_names(spec)
    return f"{text} ({', '.join(keys)})" if keys else text


def make_actions(window) -> dict[str, QAction]:
    """The window's actions, each connected to its slot."""
    actions = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(spec.name)
        keys = [QKeySequence(k) for k in spec.keys]
        if keys:
            action.setShortcuts(keys)
        action.setToolTip(tooltip(spec.name))
        action.setStatusTip(action.toolTip())
        if spec.short:
            action.setIconText(spec.short)
        slot = spec.slot(window)
        if spec.checkable:
            action.setCheckable(True)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda checked=False, slot=slot: slot())
        actions[spec.name] = action
    return actions


def set_enabled(actions: dict[str, QAction], busy: bool, possible: dict[str, bool]) -> None:
    """Enable each action by its busy rule and, for those listed in `possible`, whether it
    can do anything now (step back at the very start, undo with nothing done)."""
    for spec in ACTIONS:
        actions[spec.name].setEnabled(spec.while_busy.allows(busy) and possible.get(spec.name, True))


# Keys that work where a widget has the focus, not through the action: the help lists them too.
WIDGET_KEYS = {"edit_selected": ["Enter in the diagram"]}
DIAGRAM_KEYS = (("Select the unit above or below (a weight: from the unit above or below)", "Up, Down in the diagram"),
                ("Select the weight into the unit above or below", "Shift+Up, Shift+Down in the diagram"))


def help_text() -> str:
    """Keys (each action by its own name, not its current text) and mouse use, as rich text."""
    rows = []
    for spec in ACTIONS:
        keys = ", ".join(key_names(spec) + WIDGET_KEYS.get(spec.name, []))
        if keys:
            rows.append(f"<tr><td>{html.escape(plain_text(spec))}</td><td><b>{html.escape(keys)}</b></td></tr>")
    for text, keys in DIAGRAM_KEYS:
        rows.append(f"<tr><td>{html.escape(text)}</td><td><b>{html.escape(keys)}</b></td></tr>")
    mouse = (
        "<p><b>Mouse</b>: click a weight, bias or unit to see its chain-rule breakdown; double-click a "
        "weight, bias, input unit (its input), output unit (its target) or the η tag (the learning rate) "
        "to type an exact value (0.5, -1e-3, .5, 1/2 or 0,5; η must be positive), or select it and press "
        "Enter. Click a “… n more” unit to show its layer whole (right-click a unit to fold it again). "
        "Wheel zooms the diagram, dragging moves it. Hover over the loss curve to read iteration and "
        "loss (click it to go to that iteration), over the trajectories to read every parameter shown, over "
        "the output map to read the inputs and the output there; click the output map to add a sample there "
        "(Shift+click removes the nearest); with unit maps, hover a unit to see its map large; with View ▸ "
        "Input features, click a feature over the diagram to make it an input unit or take it away; click a "
        "computation in the list to go there. Drop a network file (.json) on the window to "
        "open it.</p>"
        "<p><b>Going to a past iteration</b> (the box or the slider over the loss curve, or a click on it) "
        "discards nothing: Back to latest returns. An edit there starts a new branch, and the later "
        "iterations are discarded.</p>"
        "<p><b>Undo</b> returns to the iteration an edit was made in, as it was then, with the iterations "
        "it discarded.</p>"
    )
    return "<table cellspacing=6>" + "".join(rows) + "</table>" + mouse

