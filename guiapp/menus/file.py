"""Opening, saving and exporting, with their file dialogs and their messages.

Before a changed network (the title marked *: an edit, or iterations computed by training or
stepping since it was opened or saved) is replaced or the window closed, the user is asked to
save, discard or cancel (`ask_to_save`). Saved at a past iteration, the file holds the network
as that iteration starts: the message says so, and the later iterations keep the title's *. Files opened or saved are remembered as
recent files. Exports run as jobs of the model (`Export`), so the window keeps working while
a long trace is written; the status bar says when the file is there, a message when it
could not be. Every file the window writes itself goes through `write` (the network, a script,
the samples, a picture, a practice report): written whole or not at all, and said in one way."""
from __future__ import annotations

import math
import os

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from engine import NetworkFileError
from engine.session import export, runs, trajectory
from engine.files import netfile, presets
from engine.scripts import pyexport
from engine.files.atomic import output_path, write_atomic
from engine.record.layout import Record
from engine.teaching import practice_report

from guiapp.model import settings
from guiapp.model.jobs import NOTHING_CHANGED, Export, not_written

Answer = QMessageBox.StandardButton


def ask_to_save(parent, name: str, doing: str) -> Answer:
    """Save, Discard or Cancel: the question before a changed network is replaced or closed."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Save changes?",
                      f"The network “{name}” has changes that are not saved. Save them before {doing}?",
                      Answer.Save | Answer.Discard | Answer.Cancel, parent)
    box.setObjectName("saveQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText("Discard loses the edits and the iterations trained since it was opened or saved.")
    box.setDefaultButton(Answer.Save)
    box.setEscapeButton(Answer.Cancel)
    return Answer(box.exec())


def ask_to_reveal(parent, iteration: int) -> bool:
    """Export while practising? The question before an export writes values practice has not
    asked yet; No by default."""
    box = QMessageBox(QMessageBox.Icon.Question, "Export while practising?",
                      f"Practice has not asked every value of iteration {iteration:,} yet, and this export writes "
                      "them. Export anyway?", Answer.Yes | Answer.No, parent)
    box.setObjectName("revealQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(Answer.No)
    box.setEscapeButton(Answer.No)
    return Answer(box.exec()) == Answer.Yes


def dropped_network(data) -> str | None:
    """The first network file (a .json file) among the files dragged, if any."""
    for url in data.urls() if data is not None and data.hasUrls() else []:
        path = url.toLocalFile() if url.isLocalFile() else ""
        if path.lower().endswith(".json") and os.path.isfile(path):
            return path
    return None


class Files(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window  # the MainWindow: parent of the dialogs, shows the messages
        self.model = window.model
        self.model.jobFinished.connect(self._job_finished)

    def _warn(self, title: str, text: str) -> None:
        self.window.show_message(title, text, QMessageBox.Icon.Warning)

    def stem(self) -> str:
        return self.model.stem

    def save_path(self, caption: str, name: str, types: str, export: bool = True) -> str:
        """The file chosen in a save dialog; for an export, "" (said) if it cannot be one."""
        path, _ = QFileDialog.getSaveFileName(self.window, caption, os.path.join(settings.last_folder(), name), types)
        return self.export_path(path, caption) if path and export else path

    def export_path(self, path: str, title: str) -> str:
        """`path`, or "" (said, titled `title`) when an export cannot be written there: the
        network file open in the window, or what is not a file (engine.files.atomic.output_path)."""
        source = self.model.source
        reads = {source: "the network file open in the window"} if source and os.path.isfile(source) else {}
        try:
            output_path(path, reads)
        except ValueError as e:
            self._warn(title, f"{path}: {e}. {NOTHING_CHANGED}")
            return ""
        return path

    def write(self, title: str, path: str, write, done: bool = True) -> bool:
        """Write a file the user asked for: `write(path)` writes it whole or not at all
        (engine.files.atomic). Written, its folder is remembered and, with `done`, the status bar
        says "Wrote path"; not written, one warning titled `title` says why (`not_written`).
        True if written."""
        try:
            write(path)
        except OSError as e:
            self._warn(title, not_written(path, e))
            return False
        settings.remember_folder(path)
        if done:
            self.window.statusBar().showMessage(f"Wrote {path}", 5000)
        return True

    # -- changes ----------------------------------------------------------------------------
    def maybe_save(self, doing: str) -> bool:
        """Before the network is replaced or the window closed: asks to save a changed network.
        True to go on (saved, or discarded), False to cancel (or the save did not happen)."""
        if self.window.undo_stack.isClean():
            return True
        answer = ask_to_save(self.window, os.path.basename(self.model.source or "untitled"), doing)
        if answer == Answer.Save:
            return self.save()
        return answer == Answer.Discard

    # -- drops ------------------------------------------------------------------------------
    def take_drops(self) -> None:
        """A network file dropped anywhere on the window opens it: the window takes drops, and
        so do the widgets that would keep a drop to themselves (the diagram's and the loss
        curve's views, the train count's field), through this event filter."""
        self.window.setAcceptDrops(True)
        for widget in [self.window] + self.window.findChildren(QWidget):
            if widget.acceptDrops():
                widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        path = dropped_network(event.mimeData())
        if path is None:
            return False  # not a network file: the widget's own business
        if self.model.busy:
            event.ignore()
            return True
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop:
            self.open_file(path)
        return True

    # -- networks ---------------------------------------------------------------------------
    def open_dialog(self) -> None:
        if not self.maybe_save("opening another network"):
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Open network", settings.last_folder(),
                                              "Networks (*.json);;All files (*)")
        if path:
            self.open_path(path)

    def open_file(self, path: str) -> bool:
        """Open a recent file or one dropped on the window: read first (a file that is missing or
        not a network is said so), then, for a changed network, ask to save."""
        if not os.path.isfile(path):
            settings.forget_recent(path)
            self._warn("Cannot open the network", f"{path} does not exist any more. It is taken off the "
                       "recent files.")
            return False
        net = self._load(path)
        if net is None or not self.maybe_save("opening another network"):
            return False
        return self._replace(net, path)

    def open_path(self, path: str) -> bool:
        """Open the network file at `path` in place of the current network, without asking."""
        net = self._load(path)
        if net is None:
            return False
        return self._replace(net, path)

    def _load(self, path: str):
        try:
            return netfile.load(path)
        except NetworkFileError as e:
            self._warn("Cannot open the network", str(e))
        except MemoryError:
            self._not_enough_memory(path)
        return None

    def _not_enough_memory(self, path: str) -> None:
        self._warn("Cannot open the network", f"There is not enough memory to open {path}. Nothing was changed; "
                   "closing other programs may make room.")

    def _replace(self, net, path: str) -> bool:
        if not self._open(net, path):
            return False
        settings.remember_folder(path)
        settings.remember_recent(path)
        return True

    def _open(self, net, source: str) -> bool:
        """Another document: its own undo history, nothing to save yet. False (said) if there
        is not enough memory for its session: the window keeps the network it had."""
        try:
            self.model.replace(net, source)
        except MemoryError:
            self._not_enough_memory(source)
            return False
        self.window.undo_stack.clear()
        return True

    def open_preset(self, name: str) -> None:
        if self.maybe_save(f"opening the preset {name}"):
            self._open(netfile.load(presets.path(name)), name)

    def save(self) -> bool:
        source = self.model.source
        if source and os.path.isfile(source):
            return self.save_to(source)
        return self.save_as()

    def save_as(self) -> bool:
        path = self.save_path("Save network", self.stem() + ".json", "Networks (*.json)", export=False)
        return bool(path) and self.save_to(path)

    def _finite_network(self, title: str):
        """The network as the current iteration starts (with its kept runs), or None (said) if
        training has made some of its parameters NaN or infinite."""
        net = self.model.document()
        if not all(map(math.isfinite, (v for a in net.weights + net.biases for v in a.ravel()))):
            self._warn(title, "Some parameters are not finite numbers (the training diverged); "
                       "undo or reset first.")
            return None
        return net

    def save_to(self, path: str) -> bool:
        net = self._finite_network("Cannot save")
        every = []  # what netfile.save says of the loss history it wrote (thinned or whole)
        try:
            if net is None or not self.write("Cannot save", path, lambda p: every.append(netfile.save(net, p)),
                                             done=False):
                return False
        except netfile.NetworkFileError as e:  # too large even with its loss history thinned: nothing written
            self._warn("Cannot save", f"{path}: the network file {e.problem}. {NOTHING_CHANGED}")
            return False
        settings.remember_recent(path)
        self.model.set_source(path)
        self.window.undo_stack.setClean()
        thinned = netfile.thinned_line(every[0])
        s = self.model.session
        if s.iteration < s.latest:  # what is not in the file is still a change (the title keeps its *)
            self.window.undo_stack.resetClean()
            later = f"iteration {s.latest:,} is" if s.latest == s.iteration + 1 else \
                f"iterations {s.iteration + 1:,} to {s.latest:,} are"
            self.window.show_message("Saved at a past iteration",
                                     f"{path} holds the network as iteration {s.iteration:,} starts: {later} not in "
                                     "it. Back to latest, then Save, to keep them." + (f" In it, {thinned}." if thinned else ""))
            return True
        self.window.statusBar().showMessage(f"Saved {path}" + (f": {thinned}" if thinned else ""),
                                            15000 if thinned else 5000)
        return True

    # -- exports ----------------------------------------------------------------------------
    def may_reveal(self) -> bool:
        """Before an export that writes the current iteration's values (the worked example, the
        trace, the loss history, the trajectories): while practising, unless every value of
        the iteration is answered, only if the user says so."""
        m, s = self.model, self.model.session
        if not m.practising or s.cursor == len(s.steps) - 1:
            return True
        return ask_to_reveal(self.window, s.iteration)

    def export_trace(self) -> None:
        if not self.may_reveal():
            return
        path = self.save_path("Export trace", f"{self.stem()}-trace.csv", "CSV (*.csv)")
        if path:
            self.export_trace_to(path)

    def export_current_trace(self) -> None:
        if not self.may_reveal():
            return
        name = f"{self.stem()}-trace-{self.model.session.iteration}.csv"
        path = self.save_path("Export trace of the current iteration", name, "CSV (*.csv)")
        if path:
            self.export_trace_to(path, current_only=True)

    def export_trace_to(self, path: str, current_only: bool = False) -> None:
        session = self.model.session
        last = session.iteration  # and the iterations before it (the latest `capacity` of them)
        first = last if current_only else max(session.first, last - session.trace.capacity + 1)
        records = export.trace_snapshot(session.trace, first, last)
        settings.remember_folder(path)
        self.model.run_job(Export(path, "Exporting the trace"),
                           export.write_trace(path, session.net.copy(), session.layout, records))

    def export_history(self) -> None:
        if not self.may_reveal():
            return
        path = self.save_path("Export loss history", f"{self.stem()}-loss.csv", "CSV (*.csv)")
        if path:
            self.export_history_to(path)

    def export_history_to(self, path: str) -> None:
        settings.remember_folder(path)
        losses = self.model.session.history.values.copy()
        penalties = self.model.session.penalty_history
        self.model.run_job(Export(path, "Exporting the loss history", "losses"),
                           export.write_history(path, losses, self.model.evaluation.of(self.model.session),
                                                trained=None if penalties is None else {"penalty": penalties.copy()}))

    def export_runs(self) -> None:
        """File ▸ Export ▸ Kept runs as CSV: every kept run's history, iteration,run,loss."""
        if not self.model.runs:
            self._warn("Export kept runs", "There are no kept runs: Run ▸ Keep this run keeps one.")
            return
        path = self.save_path("Export kept runs", f"{self.stem()}-runs.csv", "CSV (*.csv)")
        if path:
            self.export_runs_to(path)

    def export_runs_to(self, path: str) -> None:
        settings.remember_folder(path)
        self.model.run_job(Export(path, "Exporting the kept runs", "rows"), runs.write_runs(path, self.model.runs))

    def export_trajectories(self) -> None:
        if not self.may_reveal():
            return
        path = self.save_path("Export trajectories", f"{self.stem()}-trajectories.csv", "CSV (*.csv)")
        if path:
            self.export_trajectories_to(path)

    def export_trajectories_to(self, path: str) -> None:
        """The parameters the trajectories show (all of them if none), every iteration kept."""
        session = self.model.session
        params = session.net.parameters()
        names = list(self.model.traced) or [p.name for p in params]
        index = {p.name: k for k, p in enumerate(params)}
        paths = session.trajectories.snapshot()  # what training does meanwhile leaves it alone
        settings.remember_folder(path)
        self.model.run_job(Export(path, "Exporting the trajectories", "rows"),
                           trajectory.write_csv(path, paths, names, [index[n] for n in names]))

    WORKED_EXAMPLE_TYPES = {"html": "HTML, one file for any browser (*.html)", "pdf": "PDF, for printing (*.pdf)",
                            "md": "Markdown with LaTeX maths (*.md)"}

    def export_worked_example(self) -> None:
        """File ▸ Export ▸ Worked example: the current iteration, in the format of the file type."""
        if not self.may_reveal():
            return
        name = f"{self.stem()}-iteration-{self.model.session.iteration}.html"
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export worked example",
                                                   os.path.join(settings.last_folder(), name),
                                                   ";;".join(self.WORKED_EXAMPLE_TYPES.values()))
        if path:
            from engine.teaching import explain  # the documents' modules: when a document is asked for

            fmt = explain.format_of(path)
            if fmt is None:  # no suffix: the one of the type chosen
                fmt = next((f for f, text in self.WORKED_EXAMPLE_TYPES.items() if text == chosen), "html")
                path += "." + fmt
            if self.export_path(path, "Export worked example"):
                self.export_worked_example_to(path)

    def export_worked_example_to(self, path: str) -> None:
        """Write the worked example of the current iteration to `path` (.md, .html or .pdf) as a
        job, with the window's digits; atomically."""
        from engine.teaching import explain

        from guiapp import pdfdoc
        from guiapp.menus import pictures

        fmt = explain.format_of(path) or "html"
        session = self.model.session
        record = Record(session.layout, session.record.row.copy())

        def save(text: str) -> None:
            if fmt == "pdf":
                pictures.write_atomic(path, lambda temporary: pdfdoc.write_pdf(text, temporary))
            else:
                write_atomic(path, text)

        settings.remember_folder(path)
        self.model.run_job(Export(path, "Exporting the worked example", "stages"),
                           explain.write_steps(session.net.copy(), record, self.model.digits, fmt, save))

    # -- the network as a script ---------------------------------------------------------------
    def export_pytorch(self) -> None:
        self.export_script("pytorch")

    def export_numpy(self) -> None:
        self.export_script("numpy")

    def export_script(self, fmt: str) -> None:
        path = self.save_path(f"Export {pyexport.FORMATS[fmt]} script", f"{self.stem()}_{fmt}.py", "Python (*.py)")
        if path:
            self.export_script_to(path, fmt)

    def export_script_to(self, path: str, fmt: str) -> bool:
        """The network as the current iteration starts, as a script (engine.scripts.pyexport), written
        atomically."""
        net = self._finite_network("Cannot export the script")
        if net is None:
            return False
        text = pyexport.script(net, fmt, source=self.model.source, filename=os.path.basename(path))
        if not self.write("Cannot export the script", path, lambda p: write_atomic(p, text), done=False):
            return False
        start = pyexport.first_iteration(net)
        self.window.statusBar().showMessage(
            f"Wrote {path}: the {pyexport.FORMATS[fmt]} script trains {pyexport.DEFAULT_ITERATIONS} iterations "
            f"from iteration {start:,} (run: python3 {os.path.basename(path)})", 8000)
        return True

    # -- practice ---------------------------------------------------------------------------------
    def export_practice_report(self) -> None:
        """The practice box's Export report: what a teacher collects, Markdown or CSV by the
        file's name."""
        if self.model.practice is None:
            return
        path = self.save_path("Export practice report", f"{self.stem()}-practice-report.md",
                              "Markdown (*.md);;CSV (*.csv)")
        if path:
            self.export_practice_report_to(path)

    def export_practice_report_to(self, path: str) -> bool:
        practice = self.model.practice
        report = practice_report.csv_text if path.lower().endswith(".csv") else practice_report.markdown
        text = report(practice)
        if not self.write("Cannot export the practice report", path, lambda p: write_atomic(p, text)):
            return False
        self.model.practice_say(f"Wrote {path}.")  # in the box too, where the student looks
        return True

    # -- the current iteration as a Jupyter notebook ----------------------------------------------
    def export_notebook(self) -> None:
        """File ▸ Export ▸ Jupyter notebook: the current iteration retraced in NumPy, checked with PyTorch."""
        if not self.may_reveal():
            return
        name = f"{self.stem()}-iteration-{self.model.session.iteration}.ipynb"
        path = self.save_path("Export Jupyter notebook", name, "Jupyter notebooks (*.ipynb)")
        if path:
            self.export_notebook_to(path)

    def export_notebook_to(self, path: str) -> bool:
        """Write the notebook of the current iteration to `path` as a job, with the window's digits;
        atomically. False (said) if the iteration starts from parameters that are not finite."""
        from engine.scripts import notebook  # with the documents' modules: when a notebook is asked for

        if self._finite_network("Cannot export the notebook") is None:
            return False
        session = self.model.session
        why = notebook.problem(session.net)
        if why is not None:
            self._warn("Cannot export the notebook", f"{why[:1].upper()}{why[1:]}.")
            return False
        record = Record(session.layout, session.record.row.copy())
        settings.remember_folder(path)
        self.model.run_job(Export(path, "Exporting the notebook", "stages"),
                           notebook.write_steps(session.net.copy(), record, self.model.digits,
                                                lambda text: write_atomic(path, text)))
        return True

    def _job_finished(self, what) -> None:
        if isinstance(what, Export):
            self.window.statusBar().showMessage(f"Wrote {what.path}", 5000)
