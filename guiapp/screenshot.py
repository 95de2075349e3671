"""Render the window to a PNG without a screen.

    python -m guiapp.screenshot OUT.png [NETWORK] [STEPS] [--size 1024x700] [--dark] [--presentation]
                                        [--text-scale PERCENT] [--select NAME] [--dialog NAME] [--train N]
                                        [--compare K] [--go-to K] [--trajectories NAMES]
                                        [--unit-maps [--hover UNIT]] [--discretize] [--features]
                                        [--confusion [--mark ROW,COLUMN]]

NETWORK is a preset name or a network file (default: mazur, the worked example). By default
the picture shows the network mid-way through the backward pass of its first iteration with
w1 selected (the README's picture, resources/screenshots/worked-example.png), at 1400×860 in the desktop's light palette. Uses Qt's
offscreen platform, with a screen of the picture's size (presentation mode fills it), unless a display
is asked for (QT_QPA_PLATFORM). With --dialog, the picture
is of that window (samples: the samples table; structure: Edit structure, structure-layers: the
same after Add a hidden layer three times; generate: a data set;
import: a CSV file of the network's samples; help: Help ▸ Keyboard and mouse) opened over the
main window. With --train N, the
window's Train runs N iterations first (the output map then shows what was learnt); then
--compare K goes to iteration K and compares with it (Δ), --go-to K goes to iteration K (after
--compare: else back to the latest), and --trajectories shows those parameters' trajectories
(names separated by commas). --unit-maps draws the unit maps (View ▸ Unit maps), --hover
UNIT (a unit's name: h3) shows that unit's map large as the mouse over it does, and
--discretize shows the output map's decision regions, --features the input features' chips
(View ▸ Input features). --confusion shows the confusion matrix (View ▸ Confusion matrix) and
--mark ROW,COLUMN clicks its cell (0-based), circling its samples.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from engine.cli.loader import WHOLE
from engine.network.numbers import whole_number


def render(out: str, network: str = "mazur", steps: int | None = None, width: int = 1400, height: int = 860,
           select: str | None = "w1", dark: bool = False, presentation: bool = False,
           text_scale: int | None = None, dialog: str | None = None, train: int = 0, compare: int | None = None,
           go_to: int | None = None, trajectories: str = "", practice: str | None = None, unit_maps: bool = False,
           hover: str | None = None, discretize: bool = False, features: bool = False, confusion: bool = False,
           mark: str | None = None) -> None:
    import tempfile

    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = offscreen_platform(width, height, tempfile.mkdtemp())

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    # The picture must not depend on, nor change, the user's remembered window and digits.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())

    from engine.files import presets

    from guiapp import colours
    from guiapp.model.session import ValueRef
    from guiapp.window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    if dark:
        app.setPalette(colours.dark_palette())
    window = MainWindow(presets.open_network(network), network)
    window.make_plots()  # laid out with the window, as the user sees them after its first paint
    if text_scale is not None:
        window.model.set_text_scale(text_scale)
    window.resize(width, height)  # (a resize would take a window out of full screen)
    window.model.set_presentation(presentation)
    window.model.set_unit_maps(unit_maps)
    window.model.set_discretize(discretize)
    window.actions["input_features"].setChecked(features)
    window.show()
    app.processEvents()
    if train:
        window.train_count.setValue(train)
        window.actions["train"].trigger()
        while window.model.busy:
            app.processEvents()
    if compare is not None:
        window.model.go_to_iteration(compare)
        window.model.set_reference(window.model.session.iteration)
        window.model.back_to_latest()
    if go_to is not None:
        window.model.go_to_iteration(go_to)
    if trajectories:
        window.model.set_traced(trajectories.split(","))
        window.actions["trajectories"].setChecked(True)
    session = window.model.session
    if steps is None:  # mid-way through the backward pass
        backward = [n for n, s in enumerate(session.steps) if s.phase == "backward"]
        steps = backward[len(backward) // 2] + 1
    if 0 < steps <= len(session.steps):  # within the first iteration: straight there
        window.model.go_to(steps - 1)
    else:
        for _ in range(steps):
            window.model.step()
    if select and select in window.diagram.edges:
        window.model.set_selection(ValueRef("param", select))
    app.processEvents()
    if practice:  # "LABEL=TYPED": practice mode, skipped to LABEL, TYPED checked
        label, typed = practice.split("=", 1)
        window.actions["practice"].trigger()
        box = window.practice_box
        while box.practice.current is not None and box.practice.current.label != label:
            window.model.practice_skip()
        box.field.setText(typed)
        box.check()
        app.processEvents()
    if confusion:
        window.actions["confusion_matrix"].setChecked(True)
        app.processEvents()
        if mark:
            row, column = (int(v) for v in mark.split(","))
            window.confusion.table.cellClicked.emit(row, column)
        app.processEvents()
    if hover:
        maps = window.diagram.unit_maps
        unit = next((item for item in window.diagram.units.values() if item.name == hover), None)
        if unit is not None:
            maps._show_popup(unit)
        app.processEvents()
    steps = window.panel.steps  # its rows are laid out in batches: wait (at most 5 s) until the current one shows
    deadline = time.monotonic() + 5
    while steps.centring and time.monotonic() < deadline:
        app.processEvents()
    shown = window
    if dialog is not None:
        shown = DIALOGS[dialog](window)
        shown.show()
        app.processEvents()
    shown.grab().save(out)
    window.undo_stack.setClean()
    window.close()


def offscreen_platform(width: int, height: int, folder: str) -> str:
    """Qt's offscreen platform with one screen of this size (presentation mode fills it), at
    96 dots per inch; its configuration is written in `folder`."""
    import json

    path = os.path.join(folder, "screen.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"screens": [{"name": "screen", "x": 0, "y": 0, "width": width, "height": height,
                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}],
                   "windowFrameMargins": False}, f)
    return f"offscreen:configfile={path}"


def _samples(window):
    window.network.show_samples()
    return window.network.samples_editor


def _structure(window):
    from guiapp.dialogs.structure import StructureDialog
    from engine.files.design import design_of

    net = window.model.session.net
    return StructureDialog(design_of(net), net.n_samples, window, editing=True, raw_inputs=net.raw_width)


def _structure_layers(window):
    """Edit structure after Add a hidden layer three times."""
    dialog = _structure(window)
    dialog.show()
    for _ in range(3):
        dialog.add_layer.click()
    return dialog


def _generate(window):
    from guiapp.dialogs.data import GenerateDialog

    return GenerateDialog(window.model.session.net.loss, parent=window)


def _import(window):
    import tempfile

    from engine.files import csvdata

    from guiapp.dialogs.data import ImportDialog

    path = os.path.join(tempfile.mkdtemp(), "samples.csv")
    csvdata.write_samples(path, window.model.session.net)
    return ImportDialog(csvdata.read(path), window.model.session.net.loss, window)


def _gradcheck(window):
    """Run ▸ Gradient check, its job done."""
    from PySide6.QtWidgets import QApplication

    window.gradient_check()
    while window.model.busy:
        QApplication.processEvents()
    return window.gradcheck_dialog


def _help(window):
    """Help ▸ Keyboard and mouse."""
    from PySide6.QtWidgets import QDialog

    window.show_help()
    return window.findChild(QDialog, "helpDialog")


DIALOGS = {"samples": _samples, "structure": _structure, "structure-layers": _structure_layers, "generate": _generate,
           "import": _import, "gradcheck": _gradcheck, "help": _help}


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (whole_number(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1024x700, found {text!r}") from None
    return width, height


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m guiapp.screenshot",
                                     description="Render the window to a PNG without a screen.")
    parser.add_argument("out", help="the PNG to write")
    parser.add_argument("network", nargs="?", default="mazur", help="a preset name or a network file (default: mazur)")
    parser.add_argument("steps", nargs="?", type=WHOLE, default=None,
                        help="computations to step through (default: to mid-way through the backward pass)")
    parser.add_argument("--size", type=_size, default=(1400, 860), help="window size, e.g. 1024x700 (default 1400x860)")
    parser.add_argument("--dark", action="store_true", help="a dark palette, as a desktop's dark theme")
    parser.add_argument("--presentation", action="store_true", help="presentation mode (F5)")
    parser.add_argument("--text-scale", type=WHOLE, default=None, help="text size in %% of the desktop's")
    parser.add_argument("--practice", metavar="LABEL=VALUE", default=None,
                        help="practice mode, skipped to LABEL, VALUE typed and checked")
    parser.add_argument("--dialog", choices=sorted(DIALOGS), default=None, help="render this window instead")
    parser.add_argument("--train", type=WHOLE, default=0, help="iterations to train first (default 0)")
    parser.add_argument("--select", default="w1", help="the weight or bias to select (default w1; '' for none)")
    parser.add_argument("--compare", type=WHOLE, default=None, help="compare with this iteration (Δ), after --train")
    parser.add_argument("--go-to", type=WHOLE, default=None, help="go to this iteration, after --train")
    parser.add_argument("--trajectories", default="", help="parameters whose trajectories to show: w5,w6")
    parser.add_argument("--unit-maps", action="store_true", help="draw the unit maps (View ▸ Unit maps)")
    parser.add_argument("--hover", metavar="UNIT", default=None, help="with --unit-maps: this unit's map large (h3)")
    parser.add_argument("--discretize", action="store_true", help="the output map's decision regions")
    parser.add_argument("--confusion", action="store_true", help="the confusion matrix (View ▸ Confusion matrix)")
    parser.add_argument("--mark", metavar="ROW,COLUMN", default=None,
                        help="with --confusion: click this cell (0-based), circling its samples on the output map")
    parser.add_argument("--features", action="store_true", help="the input features' chips (View ▸ Input features)")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    render(args.out, args.network, args.steps, *args.size, select=args.select or None, dark=args.dark,
           presentation=args.presentation, text_scale=args.text_scale, dialog=args.dialog, train=args.train,
           compare=args.compare, go_to=args.go_to, trajectories=args.trajectories, practice=args.practice,
           unit_maps=args.unit_maps, hover=args.hover, discretize=args.discretize,
           features=args.features, confusion=args.confusion, mark=args.mark)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
