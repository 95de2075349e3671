"""The main window: diagram, loss curve, side panel, toolbar, menus and status bar."""
from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (QComboBox, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar,
                               QSlider, QSpinBox, QSplitter, QToolBar)

from engine import Network, NetworkFileError, TrainingDiverged, export, netfile, presets
from engine.formula import significant

from . import commands
from .actions import help_text, make_actions
from .diagram import DiagramView
from .editor import ValueEditor
from .jobs import Job
from .lossplot import LossPlot
from .model import SessionModel, ValueRef
from .panel import SidePanel

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
REFRESH_MS = 100  # while training, the views follow at this steady rate
DEFAULT_TRAIN = 1000


def settings() -> QSettings:
    return QSettings("BackpropStepper", "Backprop Stepper")


class MainWindow(QMainWindow):
    def __init__(self, net: Network, source: str = "mazur"):
        super().__init__()
        self.setObjectName("mainWindow")
        self.model = SessionModel(net, source, self)
        self.undo_stack = QUndoStack(self)
        self.job: Job | None = None
        self.job_kind = ""
        self.messages: list[tuple[str, str]] = []  # (title, text) of every message shown
        self.message_box: QMessageBox | None = None
        self.editor: ValueEditor | None = None
        self.digits = 9

        self.diagram = DiagramView(self.model)
        self.plot = LossPlot(self.model)
        self.panel = SidePanel(self.model)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.diagram)
        left.addWidget(self.plot)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setSizes([640, 190])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1020, 380])
        self.setCentralWidget(self.splitter)

        self.actions = make_actions(self)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.undo_action.setObjectName("undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(QKeySequence.StandardKey.Redo)
        self.redo_action.setObjectName("redo")
        self.play_timer = QTimer(self)
        self.play_timer.timeout.connect(self._play_tick)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.model.changed.emit)
        self._build_controls()
        self._build_menus()
        self._build_status()
        self._connect()

        self._restore_settings()
        self._network_replaced()
        self._update_state()

    # -- building ---------------------------------------------------------------------------
    def _build_controls(self) -> None:
        a = self.actions
        bar = QToolBar("Stepping", self, objectName="steppingBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("step_back", "step", "finish_phase", "finish_iteration", "play"):
            bar.addAction(a[name])
        self.speed = QSlider(Qt.Orientation.Horizontal, objectName="speed")
        self.speed.setRange(1, 60)
        self.speed.setValue(5)
        self.speed.setFixedWidth(110)
        self.speed.setToolTip("Play speed: computations per second")
        self.speed_label = QLabel()
        bar.addWidget(self.speed)
        bar.addWidget(self.speed_label)
        bar.addSeparator()
        self.train_count = QSpinBox(objectName="trainCount")
        self.train_count.setRange(1, 10_000_000)
        self.train_count.setValue(DEFAULT_TRAIN)
        self.train_count.setGroupSeparatorShown(True)
        self.train_count.setSuffix(" iterations")
        self.train_count.setToolTip("How many iterations Train runs")
        bar.addWidget(self.train_count)
        bar.addAction(a["train"])
        bar.addAction(a["stop"])
        self.progress = QProgressBar(objectName="progress")
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addWidget(self.progress)
        bar.addSeparator()
        bar.addAction(a["reset"])
        bar.addAction(self.undo_action)
        bar.addAction(self.redo_action)
        bar.addSeparator()
        self.sample_label = QLabel(" Sample: ")
        self.sample_box = QComboBox(objectName="sample")
        self.sample_box.setToolTip("Which sample of the batch the diagram shows")
        self.sample_label_action = bar.addWidget(self.sample_label)
        self.sample_box_action = bar.addWidget(self.sample_box)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        a = self.actions
        menu = self.menuBar().addMenu("&File")
        menu.addAction(a["open"])
        self.presets_menu = menu.addMenu("Open &preset")
        for name in presets.names():
            action = self.presets_menu.addAction(name)
            action.setObjectName(f"preset:{name}")
            action.triggered.connect(lambda checked=False, n=name: self.open_preset(n))
        menu.addAction(a["save"])
        menu.addAction(a["save_as"])
        menu.addSeparator()
        for name in ("export_trace", "export_trace_current", "export_history"):
            menu.addAction(a[name])
        menu.addSeparator()
        menu.addAction(a["quit"])
        menu = self.menuBar().addMenu("&Edit")
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.addSeparator()
        menu.addAction(a["edit_selected"])
        menu.addAction(a["edit_lr"])
        menu.addAction(a["reset"])
        menu = self.menuBar().addMenu("&Run")
        for name in ("step", "step_back", "finish_phase", "finish_iteration", "play", "train", "stop"):
            menu.addAction(a[name])
        menu = self.menuBar().addMenu("&View")
        for name in ("fit", "zoom_in", "zoom_out"):
            menu.addAction(a[name])
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(a["help_keys"])
        menu.addAction(a["about"])

    def _build_status(self) -> None:
        self.status_iteration = QLabel(objectName="statusIteration")
        self.status_phase = QLabel(objectName="statusPhase")
        self.status_step = QLabel(objectName="statusStep")
        self.status_loss = QLabel(objectName="statusLoss")
        bar = self.statusBar()
        bar.addWidget(self.status_iteration)
        bar.addWidget(self.status_phase)
        bar.addWidget(self.status_step, 1)
        bar.addPermanentWidget(self.status_loss)

    def _connect(self) -> None:
        a, m = self.actions, self.model
        a["step"].triggered.connect(m.step)
        a["step_back"].triggered.connect(m.step_back)
        a["finish_phase"].triggered.connect(m.finish_phase)
        a["finish_iteration"].triggered.connect(m.finish_iteration)
        a["play"].toggled.connect(self.set_playing)
        a["train"].triggered.connect(lambda: self.train(self.train_count.value()))
        a["stop"].triggered.connect(self.stop)
        a["reset"].triggered.connect(self.reset)
        a["open"].triggered.connect(self.open_dialog)
        a["save"].triggered.connect(self.save)
        a["save_as"].triggered.connect(self.save_as)
        a["export_trace"].triggered.connect(lambda: self.export_trace(current_only=False))
        a["export_trace_current"].triggered.connect(lambda: self.export_trace(current_only=True))
        a["export_history"].triggered.connect(self.export_history)
        a["quit"].triggered.connect(self.close)
        a["fit"].triggered.connect(self._fit)
        a["zoom_in"].triggered.connect(lambda: self.diagram.zoom(1.25))
        a["zoom_out"].triggered.connect(lambda: self.diagram.zoom(0.8))
        a["edit_selected"].triggered.connect(self.edit_selected)
        a["edit_lr"].triggered.connect(lambda: self.edit_value(ValueRef("lr")))
        a["help_keys"].triggered.connect(self.show_help)
        a["about"].triggered.connect(self.show_about)
        self.speed.valueChanged.connect(self._speed_changed)
        self._speed_changed(self.speed.value())
        self.sample_box.currentIndexChanged.connect(self._sample_changed)
        self.diagram.selectionMade.connect(self.panel.select)
        self.diagram.editRequested.connect(self.edit_value)
        self.panel.digitsChanged.connect(self.set_digits)
        m.changed.connect(self._update_state)
        m.networkReplaced.connect(self._network_replaced)
        m.problem.connect(lambda text: self.show_message("Training stopped", text, QMessageBox.Icon.Warning))
        self.undo_stack.cleanChanged.connect(self._update_title)

    # -- state ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.running

    def _update_state(self) -> None:
        session = self.model.session
        busy = self.busy
        training = busy and self.job_kind == "train"
        for name in ("step", "finish_phase", "finish_iteration", "train", "reset", "open", "edit_selected",
                     "edit_lr", "export_trace", "export_trace_current", "export_history", "save", "save_as"):
            self.actions[name].setEnabled(not busy)
        self.actions["step_back"].setEnabled(not busy and session.can_step_back())
        self.actions["play"].setEnabled(not busy)
        self.actions["stop"].setEnabled(busy)
        self.presets_menu.setEnabled(not busy)
        self.undo_action.setEnabled(not busy and self.undo_stack.canUndo())
        self.redo_action.setEnabled(not busy and self.undo_stack.canRedo())
        self.train_count.setEnabled(not busy)
        self.sample_box.setEnabled(not training)
        fmt = significant(self.digits)
        step = session.current_step
        self.status_iteration.setText(f"Iteration {session.iteration:,}")
        self.status_phase.setText(f"Phase: {session.phase}")
        self.status_step.setText(session.describe(step).text(fmt) if step else "nothing computed yet")
        self.status_loss.setText(f"Loss {fmt(session.loss)}")

    def _network_replaced(self) -> None:
        session = self.model.session
        self.sample_box.blockSignals(True)
        self.sample_box.clear()
        for k in session.record.samples:
            self.sample_box.addItem(f"{int(k) + 1}")
        self.sample_box.blockSignals(False)
        visible = session.layout.batch > 1
        self.sample_label_action.setVisible(visible)
        self.sample_box_action.setVisible(visible)
        self.undo_stack.clear()
        self._update_title()

    def _update_title(self) -> None:
        name = self.model.source or "untitled"
        marker = "" if self.undo_stack.isClean() else " *"
        self.setWindowTitle(f"{os.path.basename(name)}{marker} — Backprop Stepper")

    def _sample_changed(self, index: int) -> None:
        if index >= 0:
            self.diagram.set_sample(index)
            self.panel.set_sample(index)

    def set_digits(self, digits: int) -> None:
        self.digits = digits
        self.diagram.set_digits(digits)
        self.panel.set_digits(digits)
        self.plot.set_digits(digits)
        self._update_state()

    def _fit(self) -> None:
        self.diagram.auto_fit = True
        self.diagram.fit()

    # -- play -------------------------------------------------------------------------------
    def _speed_changed(self, value: int) -> None:
        self.play_timer.setInterval(int(1000 / value))
        self.speed_label.setText(f" {value}/s ")

    def set_playing(self, on: bool) -> None:
        self.actions["play"].setText("&Pause" if on else "&Play")
        if on:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def _play_tick(self) -> None:
        if self.busy:
            return
        self.model.step()

    # -- training ---------------------------------------------------------------------------
    def train(self, n: int) -> None:
        if self.busy:
            return
        self.actions["play"].setChecked(False)
        session = self.model.session
        self._start_job(session.train(n, chunk_seconds=0.01), "train", f"Training {n:,} iterations")

    def _start_job(self, generator, kind: str, text: str) -> None:
        self.job = Job(generator, self)
        self.job_kind = kind
        self.job.progress.connect(self._job_progress)
        self.job.finished.connect(self._job_done)
        self.job.cancelled.connect(self._job_done)
        self.job.failed.connect(self._job_failed)
        self.progress.setRange(0, 0)
        self.progress.setFormat(text + " %p%")
        self.progress.setToolTip(text)
        self.progress.show()
        self.job.start()
        if kind == "train":
            self.refresh_timer.start()
        self._update_state()

    def _job_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _job_done(self) -> None:
        kind = self.job_kind
        self.refresh_timer.stop()
        self.progress.hide()
        self.job.deleteLater()
        self.job = None
        self.job_kind = ""
        if kind == "train":
            self.model.changed.emit()
        self._update_state()
        if kind.startswith("export:"):
            self.statusBar().showMessage(f"Wrote {kind[7:]}", 5000)

    def _job_failed(self, error: Exception) -> None:
        kind = self.job_kind
        self._job_done()
        if isinstance(error, TrainingDiverged):
            session = self.model.session
            session.rewind_to_finite()
            self.model.changed.emit()
            self.show_message("Training stopped",
                              f"Training stopped: {error}. The window shows iteration {session.iteration:,}, "
                              "the last whose numbers are all finite; step through it to see them grow.",
                              QMessageBox.Icon.Warning)
        elif isinstance(error, OSError) and kind.startswith("export:"):
            path = kind[7:]
            self.show_message("Export failed", f"{path} could not be written: {error.strerror or error}. "
                              "No file was changed.", QMessageBox.Icon.Warning)
        else:
            log.error("%s failed", kind, exc_info=error)
            self.show_message("Unexpected error", f"{type(error).__name__}: {error}", QMessageBox.Icon.Critical)

    # -- edits ------------------------------------------------------------------------------
    def edit_selected(self) -> None:
        ref = self.diagram.selected_ref()
        if ref is None:
            self.statusBar().showMessage("Select a weight, a bias, an input or an output unit first", 4000)
            return
        self.edit_value(ref)

    def edit_value(self, ref: ValueRef) -> None:
        if self.busy:
            return
        self.actions["play"].setChecked(False)
        what = ref.describe(self.model.session)
        self.editor = ValueEditor(what, self.model.read(ref), self, positive=ref.kind == "lr")
        self.editor.accepted.connect(lambda: self._edited(ref, self.editor.value))
        self.editor.open()

    def _edited(self, ref: ValueRef, value: float) -> None:
        if value is None or value == self.model.read(ref):
            return
        self.undo_stack.push(commands.edit_command(self.model, ref, value))

    def reset(self) -> None:
        if not self.busy:
            self.actions["play"].setChecked(False)
            self.undo_stack.push(commands.Reset(self.model))

    # -- files ------------------------------------------------------------------------------
    def _folder(self) -> str:
        return settings().value("files/last_folder", os.path.expanduser("~"))

    def _remember_folder(self, path: str) -> None:
        settings().setValue("files/last_folder", str(Path(path).resolve().parent))

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open network", self._folder(), "Networks (*.json);;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        try:
            net = netfile.load(path)
        except NetworkFileError as e:
            self.show_message("Cannot open the network", str(e), QMessageBox.Icon.Warning)
            return False
        self._remember_folder(path)
        self.model.replace(net, path)
        return True

    def open_preset(self, name: str) -> None:
        if not self.busy:
            self.model.replace(netfile.load(presets.path(name)), name)

    def save(self) -> None:
        source = self.model.source
        if source and os.path.isfile(source):
            self.save_to(source)
        else:
            self.save_as()

    def save_as(self) -> None:
        start = os.path.join(self._folder(), Path(self.model.source or "network").stem + ".json")
        path, _ = QFileDialog.getSaveFileName(self, "Save network", start, "Networks (*.json)")
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> bool:
        net = self.model.session.current_network()
        if not all(map(math.isfinite, (v for a in net.weights + net.biases for v in a.ravel()))):
            self.show_message("Cannot save", "Some parameters are not finite numbers (the training diverged); "
                              "undo or reset first.", QMessageBox.Icon.Warning)
            return False
        try:
            netfile.save(net, path)
        except OSError as e:
            self.show_message("Cannot save", f"{path} could not be written: {e.strerror or e}. No file was changed.",
                              QMessageBox.Icon.Warning)
            return False
        self._remember_folder(path)
        self.model.source = path
        self.undo_stack.setClean()
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def export_trace(self, current_only: bool = False) -> None:
        if self.busy:
            return
        session = self.model.session
        stem = Path(self.model.source or "network").stem
        default = f"{stem}-trace-{session.iteration}.csv" if current_only else f"{stem}-trace.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export trace", os.path.join(self._folder(), default), "CSV (*.csv)")
        if path:
            self.export_trace_to(path, current_only)

    def export_trace_to(self, path: str, current_only: bool = False) -> None:
        session = self.model.session
        last = session.iteration
        first = last if current_only else session.trace.first
        records = export.trace_snapshot(session.trace, first, last)
        self._remember_folder(path)
        self._start_job(export.write_trace(path, session.net.copy(), session.layout, records), f"export:{path}",
                        f"Exporting {len(records):,} iterations")

    def export_history(self) -> None:
        if self.busy:
            return
        stem = Path(self.model.source or "network").stem
        path, _ = QFileDialog.getSaveFileName(self, "Export loss history",
                                              os.path.join(self._folder(), f"{stem}-loss.csv"), "CSV (*.csv)")
        if path:
            self.export_history_to(path)

    def export_history_to(self, path: str) -> None:
        self._remember_folder(path)
        losses = self.model.session.history.values.copy()
        self._start_job(export.write_history(path, losses), f"export:{path}", f"Exporting {len(losses):,} losses")

    # -- messages ---------------------------------------------------------------------------
    def show_message(self, title: str, text: str, icon=QMessageBox.Icon.Information) -> None:
        """A message that does not block: the window keeps working behind it."""
        self.messages.append((title, text))
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("message")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.message_box = box

    def show_help(self) -> None:
        self.show_message("Keyboard and mouse", help_text(self.actions, self.undo_action, self.redo_action))

    def show_about(self) -> None:
        self.show_message("About Backprop Stepper",
                          "Backprop Stepper shows every number of the forward pass, the backward pass and the "
                          "update of a small neural network, one computation at a time, exactly (float64).")

    # -- settings ---------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = settings()
        if int(s.value("settings_version", 0)) != SETTINGS_VERSION:
            self.resize(1400, 860)
            return
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        digits = int(s.value("view/digits", 9))
        if digits != self.digits:
            self.set_digits(digits)

    def save_settings(self) -> None:
        s = settings()
        s.setValue("settings_version", SETTINGS_VERSION)
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("view/digits", self.digits)
        s.sync()

    def closeEvent(self, event) -> None:
        self.stop()
        self.play_timer.stop()
        self.save_settings()
        super().closeEvent(event)
