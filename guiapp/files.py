"""Opening, saving and exporting, with their file dialogs and their messages.

Exports run as jobs of the model (`Export`), so the window keeps working while a long trace
is written; the status bar says when the file is there, a message when it could not be."""
from __future__ import annotations

import math
import os
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine import NetworkFileError, export, netfile, presets

from . import settings
from .jobs import Export


class Files(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window  # the MainWindow: parent of the dialogs, shows the messages
        self.model = window.model
        self.model.jobFinished.connect(self._job_finished)

    def _warn(self, title: str, text: str) -> None:
        self.window.show_message(title, text, QMessageBox.Icon.Warning)

    def _stem(self) -> str:
        return Path(self.model.source or "network").stem

    def _save_path(self, caption: str, name: str, types: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, caption, os.path.join(settings.last_folder(), name), types)
        return path

    # -- networks ---------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open network", settings.last_folder(),
                                              "Networks (*.json);;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        try:
            net = netfile.load(path)
        except NetworkFileError as e:
            self._warn("Cannot open the network", str(e))
            return False
        settings.remember_folder(path)
        self.model.replace(net, path)
        return True

    def open_preset(self, name: str) -> None:
        self.model.replace(netfile.load(presets.path(name)), name)

    def save(self) -> None:
        source = self.model.source
        if source and os.path.isfile(source):
            self.save_to(source)
        else:
            self.save_as()

    def save_as(self) -> None:
        path = self._save_path("Save network", self._stem() + ".json", "Networks (*.json)")
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> bool:
        net = self.model.session.current_network()
        if not all(map(math.isfinite, (v for a in net.weights + net.biases for v in a.ravel()))):
            self._warn("Cannot save", "Some parameters are not finite numbers (the training diverged); "
                       "undo or reset first.")
            return False
        try:
            netfile.save(net, path)
        except OSError as e:
            self._warn("Cannot save", f"{path} could not be written: {e.strerror or e}. No file was changed.")
            return False
        settings.remember_folder(path)
        self.model.set_source(path)
        self.window.undo_stack.setClean()
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    # -- exports ----------------------------------------------------------------------------
    def export_trace(self) -> None:
        path = self._save_path("Export trace", f"{self._stem()}-trace.csv", "CSV (*.csv)")
        if path:
            self.export_trace_to(path)

    def export_current_trace(self) -> None:
        name = f"{self._stem()}-trace-{self.model.session.iteration}.csv"
        path = self._save_path("Export trace of the current iteration", name, "CSV (*.csv)")
        if path:
            self.export_trace_to(path, current_only=True)

    def export_trace_to(self, path: str, current_only: bool = False) -> None:
        session = self.model.session
        last = session.iteration
        first = last if current_only else session.trace.first
        records = export.trace_snapshot(session.trace, first, last)
        settings.remember_folder(path)
        self.model.run_job(Export(path, "Exporting the trace"),
                           export.write_trace(path, session.net.copy(), session.layout, records))

    def export_history(self) -> None:
        path = self._save_path("Export loss history", f"{self._stem()}-loss.csv", "CSV (*.csv)")
        if path:
            self.export_history_to(path)

    def export_history_to(self, path: str) -> None:
        settings.remember_folder(path)
        losses = self.model.session.history.values.copy()
        self.model.run_job(Export(path, "Exporting the loss history", "losses"),
                           export.write_history(path, losses))

    def _job_finished(self, what) -> None:
        if isinstance(what, Export):
            self.window.statusBar().showMessage(f"Wrote {what.path}", 5000)
