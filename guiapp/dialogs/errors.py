"""Unexpected exceptions: logged, shown in a dialog, and the window keeps working."""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("backprop_stepper")


def log_file() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "backprop-stepper.log"


def handle(kind, value, tb) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    text = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error\n%s", text)
    app = QApplication.instance()
    parent = app.activeWindow() if app else None
    if issubclass(kind, MemoryError):
        title, said = "Not enough memory", ("There was not enough memory to finish what you asked for; closing "
                                            "other programs may make room.")
    else:
        title, said = "Unexpected error", f"Something went wrong: {kind.__name__}: {value}"
    box = QMessageBox(QMessageBox.Icon.Critical, title, f"{said}\n\nThe window keeps working; "
                      f"the details are in {log_file()}.", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("unexpectedError")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDetailedText(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def install() -> None:
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    sys.excepthook = handle
