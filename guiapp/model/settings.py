"""What the window remembers between runs (QSettings): geometry, toolbars, digits, text size,
presentation mode, whether the output map is shown, last folder, recent files.

Everything is stored under a version key: settings of another version are ignored."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtGui import QGuiApplication

from engine.network.numbers import whole_number

VERSION = 1


def store() -> QSettings:
    return QSettings("BackpropStepper", "Backprop Stepper")


def last_folder() -> str:
    return store().value("files/last_folder", os.path.expanduser("~"))


def remember_folder(path: str) -> None:
    """The folder of a file just opened or written: the next file dialog starts there."""
    store().setValue("files/last_folder", str(Path(path).resolve().parent))


RECENT_MAX = 10


def recent_files() -> list[str]:
    """The network files opened or saved last, the latest first."""
    value = store().value("files/recent", [])
    if isinstance(value, str):  # QSettings gives a one-element list back as a string
        value = [value]
    return [str(path) for path in value or []][:RECENT_MAX]


def _set_recent(paths: list[str]) -> None:
    store().setValue("files/recent", paths[:RECENT_MAX])


def remember_recent(path: str) -> None:
    """A network file just opened or saved: first in the recent files, at most RECENT_MAX kept."""
    path = str(Path(path).resolve())
    _set_recent([path] + [p for p in recent_files() if p != path])


def forget_recent(path: str | None = None) -> None:
    """Take a file (one that no longer exists) off the recent files; all of them if None."""
    _set_recent([] if path is None else [p for p in recent_files() if p != path])


DEFAULT_SIZE = (1400, 860)


def first_size(window) -> QSize:
    """The window's size the first time: DEFAULT_SIZE, or the screen's free area less room for
    the window's frame where that is smaller (a 1280×800 or 1366×768 laptop)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry() if screen is not None else None
    width, height = DEFAULT_SIZE
    if free is None or free.isEmpty():
        return QSize(width, height)
    return QSize(min(width, free.width() - 16), min(height, free.height() - 48))


def restore_window(window) -> None:
    """Geometry, toolbar state, digits, text size, presentation mode, the output map, unit maps, input features and regions of
    `window` (a MainWindow) as it was last closed."""
    s = store()
    if _whole(s, "settings_version", 0) != VERSION:
        window.resize(first_size(window))
        return
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    state = s.value("window/state")
    if isinstance(state, QByteArray):
        window.restoreState(state)
    window.model.set_digits(_whole(s, "view/digits", window.model.digits))
    window.model.set_text_scale(_whole(s, "view/text_scale", window.model.text_scale))
    window.model.set_presentation_scale(_whole(s, "view/presentation_text_scale", window.model.presentation_scale))
    window.model.set_presentation(s.value("view/presentation", False) in (True, "true"))
    window.actions["output_map"].setChecked(s.value("view/output_map", True) in (True, "true"))
    window.model.set_unit_maps(s.value("view/unit_maps", False) in (True, "true"))
    window.actions["input_features"].setChecked(s.value("view/input_features", False) in (True, "true"))
    window.model.set_discretize(s.value("view/discretize", False) in (True, "true"))


def _whole(s: QSettings, key: str, default: int) -> int:
    """A whole number the settings file holds, or `default` for anything else (a file edited by
    hand, or by another program)."""
    try:
        return whole_number(str(s.value(key, default)))
    except ValueError:
        return default


def save_window(window) -> None:
    s = store()
    s.setValue("settings_version", VERSION)
    geometry, bars = window.desk_state()  # as it is out of presentation mode
    s.setValue("window/geometry", geometry)
    s.setValue("window/state", bars)
    s.setValue("view/digits", window.model.digits)
    s.setValue("view/text_scale", window.model.text_scale)
    s.setValue("view/presentation_text_scale", window.model.presentation_scale)
    s.setValue("view/presentation", window.model.presentation)
    s.setValue("view/output_map", window.actions["output_map"].isChecked())
    s.setValue("view/unit_maps", window.model.unit_maps)
    s.setValue("view/input_features", window.actions["input_features"].isChecked())
    s.setValue("view/discretize", window.model.discretize)
    s.sync()
