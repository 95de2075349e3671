"""The main window: layout and wiring of the settings header, diagram, loss curve, trajectories,
output map, side panel, toolbars (stepping; the timeline), menus and status bar; the text size
of all of them; the presentation layout is `presentation` (guiapp.presentation).

What the views show lives in the model (`SessionModel`); the actions and their busy rule in
`actions`; opening, saving and exporting in `files` (guiapp.menus.file), the Network menu in
`network`, the kept runs in `kept_runs`, Export picture and the copies in `copies`; what is
remembered in `settings`.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer
from PySide6 import QtGui
from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import (QApplication, QComboBox, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSlider,
                               QSpinBox, QSplitter, QToolBar, QToolButton, QVBoxLayout, QWidget)

from engine import Network
from engine.files import presets

from guiapp.model import commands, settings
from guiapp.actions import MENUS, SUBMENUS, TIMELINE_BUTTONS, TOOLBAR, help_text, make_actions, set_enabled, tooltip
from guiapp.diagram.view import DiagramView
from guiapp.diagram.fold import can_show_all
from guiapp.dialogs.editor import ValueEditor
from guiapp.menus.copies import Copies
from guiapp.menus.file import Files
from guiapp.panels.confusion import ConfusionPanel
from guiapp.panels.header import SettingsHeader
from guiapp.panels.features import FeatureBar
from guiapp.model.session import PLAY_SPEEDS, Problem, SessionModel, ValueRef
from guiapp.menus.network import NetworkMenu
from guiapp.menus.runs import RunsMenu
from guiapp.plots.place import Place
from guiapp.presentation import DESK_STRETCH, PresentationLayout
from guiapp.panels.side import SidePanel
from guiapp.panels.practice import PracticeBox
from guiapp.panels.status import StatusBar
from guiapp.panels.timeline import TimelineBar

DEFAULT_TRAIN = 1000
TOOLBAR_LEAST = 0.7  # the toolbar's text may be made this much smaller than the desktop's to fit the window
# Off while practising: each would move past the value asked or show the whole iteration's values.
PRACTICE_OFF = ("step", "finish_phase", "finish_iteration", "play", "train", "train_until_best", "gradient_check",
                "keep_run")
DEFAULT_PATIENCE = 10  # evaluations without a new minimum of the test loss, offered first


class MainWindow(QMainWindow):
    def __init__(self, net: Network, source: str = "mazur"):
        super().__init__()
        self.setObjectName("mainWindow")
        self.presentation = PresentationLayout(self)  # presentation mode's layout, and the way back
        self.model = SessionModel(net, source, self)
        self.undo_stack = QUndoStack(self)
        self.files = Files(self)
        self.network = NetworkMenu(self)
        self.kept_runs = RunsMenu(self)  # Run ▸ Keep this run, Run ▸ Kept runs
        self.copies = Copies(self)  # Export picture, the copies to the clipboard
        self.gradcheck_dialog = None  # made when first asked for
        self.header = SettingsHeader(self.model)
        self.feature_bar = FeatureBar(self.model, self.network.toggle_feature)  # View ▸ Input features
        self.feature_bar.hide()
        self.diagram = DiagramView(self.model)
        # The plots' places: the plots are made after the window's first paint (`make_plots`)
        self.places = {name: Place(f"{name}Place") for name in ("plot", "trajectories", "output_map")}
        self.timeline = TimelineBar(self.model)
        self.panel = SidePanel(self.model)
        self.practice_box = PracticeBox(self.model)
        self.places["trajectories"].hide()  # hidden before any layout sizes it (the practice box hides itself)
        self.actions = make_actions(self)
        self._build_layout()
        self._build_controls()
        self._build_menus()
        self._build_toolbar()
        self._build_status()
        self._connect()
        self.actions["output_map"].setChecked(True)  # unless the settings say otherwise

        self.files.take_drops()
        settings.restore_window(self)
        self._apply_text_size()
        self._presentation_changed(self.model.presentation)
        self._network_replaced()

    # -- building ---------------------------------------------------------------------------
    def make_plots(self) -> None:
        """The loss curve, the trajectories and the output map, in their places: just after the
        window's first paint (pyqtgraph's import takes longer than the rest of the window), or
        as soon as one of them is asked for."""
        if self.places["plot"].widget is not None:
            return
        from guiapp.plots.loss import LossPlot
        from guiapp.plots.outputmap import OutputMap
        from guiapp.plots.trajectories import TrajectoryPlot

        loss = self.places["plot"].put(LossPlot(self.model))
        self.places["trajectories"].put(TrajectoryPlot(self.model, loss))
        output_map = self.places["output_map"].put(OutputMap(self.model))
        output_map.samplesEdited.connect(self.network.change_samples)  # points by hand: one undo step each
        output_map.said.connect(lambda text: self.statusBar().showMessage(text, 6000))

    @property
    def plot(self):
        self.make_plots()
        return self.places["plot"].widget

    @property
    def trajectories(self):
        self.make_plots()
        return self.places["trajectories"].widget

    @property
    def output_map(self):
        self.make_plots()
        return self.places["output_map"].widget

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.places["plot"].widget is None:  # the first paint: the plots as soon as it is on the screen
            QTimer.singleShot(0, self.make_plots)

    def _build_layout(self) -> None:
        network = QWidget(objectName="network")
        column = QVBoxLayout(network)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.feature_bar)
        column.addWidget(self.diagram, 1)
        self.bottom = QSplitter(Qt.Orientation.Horizontal, objectName="bottom")  # the loss curve, the output map
        self.curves = QSplitter(Qt.Orientation.Vertical, objectName="curves")  # the loss, the trajectories under it
        self.curves.addWidget(self.places["plot"])
        self.curves.addWidget(self.places["trajectories"])
        self.bottom.addWidget(self.curves)
        self.bottom.addWidget(self.places["output_map"])
        self.confusion = ConfusionPanel(self.model)
        self.confusion.hide()  # View ▸ Confusion matrix
        self.confusion.said.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.bottom.addWidget(self.confusion)
        self.bottom.setStretchFactor(0, 3)
        self.bottom.setStretchFactor(1, 2)
        self.bottom.setSizes([600, 400])  # the loss curve's read-out whole at 1024 wide
        self.left = left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(network)
        self.below = below = QWidget(objectName="below")  # the way to any iteration, over the curves and the map
        column = QVBoxLayout(below)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.timeline)
        self.timeline.entered.connect(self.diagram.setFocus)  # → then steps through the iteration gone to
        column.addWidget(self.bottom, 1)
        left.addWidget(below)
        left.setStretchFactor(0, 5)
        left.setStretchFactor(1, 1)
        left.setSizes([600, 200])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        right = QWidget(objectName="rightColumn")
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.practice_box)
        column.addWidget(self.panel, 1)
        self.splitter.addWidget(right)
        for part, stretch in enumerate(DESK_STRETCH):
            self.splitter.setStretchFactor(part, stretch)
        self.splitter.setSizes([1020, 380])
        self.setCentralWidget(self.splitter)

    def _build_controls(self) -> None:
        """The toolbar's widgets that are not actions."""
        self.speed = QSlider(Qt.Orientation.Horizontal, objectName="speed")
        self.speed.setRange(*PLAY_SPEEDS)
        self.speed.setValue(self.model.play_speed)
        self.speed.setFixedWidth(72)
        self.speed.setToolTip("Play speed: computations per second")
        self.speed_label = QLabel()
        self.speed_label.setContentsMargins(3, 0, 3, 0)
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance("60/s") + 6)
        self._patience = DEFAULT_PATIENCE
        self.train_count = QSpinBox(objectName="trainCount")
        self.train_count.setRange(1, 10_000_000)
        self.train_count.setValue(DEFAULT_TRAIN)
        self.train_count.setGroupSeparatorShown(True)
        self.train_count.setSuffix(" iterations")
        self.train_count.setToolTip("How many iterations Train runs")
        self.sample_label = QLabel("Sample:")
        self.sample_label.setContentsMargins(4, 0, 3, 0)
        self.sample_box = QComboBox(objectName="sample")
        self.sample_box.setToolTip("Which sample of the batch the diagram shows; the next computation "
                                   "about a sample shows that sample")
        self.presets_menu = QMenu("Open &preset", self)
        self.presets_menu.setToolTipsVisible(True)
        for name in presets.names():
            try:
                net = presets.open_network(name)
                title, description = net.name, net.description
            except Exception:  # a broken preset is still listed: opening it says what is wrong
                title, description = "", ""
            # plain text: a menu shows no markup; "&" would be a mnemonic
            action = self.presets_menu.addAction(f"{title} ({name})".replace("&", "&&") if title else name)
            action.setObjectName(f"preset:{name}")
            if description:
                action.setToolTip(description)
                action.setStatusTip(description)
            action.triggered.connect(lambda checked=False, n=name: self.files.open_preset(n))
        self.recent_menu = QMenu("Open &recent", self, objectName="recentMenu")
        self.recent_menu.setToolTipsVisible(True)
        self.runs_menu = QMenu("Kept r&uns", self, objectName="runsMenu")
        self.runs_menu.setToolTipsVisible(True)

    def _build_menus(self) -> None:
        submenus = {"presets": self.presets_menu, "recent": self.recent_menu, "kept_runs": self.runs_menu}
        for key, (title, names) in SUBMENUS.items():
            submenu = QMenu(title, self, objectName=f"{key}Menu")
            submenu.setToolTipsVisible(True)
            for name in names.split():
                submenu.addSeparator() if name == "|" else submenu.addAction(self.actions[name])
            submenus[key] = submenu
        for title, names in MENUS.items():
            menu = self.menuBar().addMenu(title)
            for name in names.split():
                if name == "|":
                    menu.addSeparator()
                elif name in submenus:
                    menu.addMenu(submenus[name])
                else:
                    menu.addAction(self.actions[name])
            if "recent" in names.split():
                menu.aboutToShow.connect(self.fill_recent_menu)
        self.runs_menu.aboutToShow.connect(self.kept_runs.fill_runs_menu)
        self.kept_runs.fill_runs_menu()

    def _build_toolbar(self) -> None:
        self.stepping_bar = bar = QToolBar("Stepping", self, objectName="steppingBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        widgets = {"speed": [self.speed, self.speed_label], "train_count": [self.train_count],
                   "sample": [self.sample_label, self.sample_box]}
        self.sample_actions = []  # shown only when the batch has several samples
        for name in TOOLBAR.split():
            if name == "|":
                bar.addSeparator()
            elif name in widgets:
                placed = [bar.addWidget(widget) for widget in widgets[name]]
                if name == "sample":
                    self.sample_actions = placed
            else:
                bar.addAction(self.actions[name])
        self.addToolBar(bar)
        for name in TIMELINE_BUTTONS.split():  # the timeline's buttons, after its box and slider
            button = QToolButton(objectName=f"{name}Button")
            button.setDefaultAction(self.actions[name])
            self.timeline.layout().addWidget(button)
        self._size_play_button()

    def _build_status(self) -> None:
        self.status = StatusBar(self.model, self.actions["stop"], self)
        self.setStatusBar(self.status)

    def _connect(self) -> None:
        m, stack = self.model, self.undo_stack
        self.speed.valueChanged.connect(m.set_play_speed)
        m.playSpeedChanged.connect(self._speed_changed)
        self._speed_changed(m.play_speed)
        m.playingChanged.connect(self._playing_changed)
        self.practice_box.reportAsked.connect(self.files.export_practice_report)
        self.sample_box.currentIndexChanged.connect(self._sample_chosen)
        self.diagram.editRequested.connect(self.edit_value)
        self.header.editRequested.connect(self.edit_value)
        m.textFactorChanged.connect(self._apply_text_size)
        m.presentationChanged.connect(self._presentation_changed)
        m.expandedChanged.connect(self._expanded_changed)
        m.unitMapsChanged.connect(lambda on: self._check("unit_maps", on))
        m.changed.connect(self._session_changed)
        m.networkReplaced.connect(self._network_replaced)
        m.sourceChanged.connect(self._update_title)
        m.sampleChanged.connect(self.sample_box.setCurrentIndex)
        m.possibleChanged.connect(self._update_enabled)
        m.problem.connect(self._show_problem)
        m.referenceChanged.connect(self._reference_changed)
        m.branched.connect(self._branched)
        m.stoppedEarly.connect(self._stopped_early)
        m.practiceChanged.connect(self._practice_changed)
        m.refused.connect(lambda text: self.statusBar().showMessage(text, 6000))
        m.extended.connect(stack.resetClean)  # training is a change: Save would write another network
        m.runsShownChanged.connect(lambda on: self._check("show_runs", on))
        self._check("show_runs", m.runs_shown)
        self.menuBar().installEventFilter(self)
        stack.cleanChanged.connect(self._update_title)
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged):
            signal.connect(self._undo_changed)

    # -- following the model ----------------------------------------------------------------
    def _update_enabled(self, *_) -> None:
        """The busy rule, in one place: what can be used while a job runs, and what can do
        anything now. It follows what the model says is possible (`possibleChanged`), the undo
        stack and another network; a step that changes none of them changes nothing here."""
        p = self.model.possible
        practising = p.practising  # moving on, or a view of the whole iteration, would reveal what is asked
        set_enabled(self.actions, p.busy, {"step_back": p.step_back and not practising,
                                           "undo": self.undo_stack.canUndo(), "redo": self.undo_stack.canRedo(),
                                           "show_all_units": can_show_all(self.model.session.net.sizes),
                                           "back_to_latest": p.past and not practising,
                                           "go_to_iteration": p.timeline and not practising,
                                           **dict.fromkeys(("remove_all_runs", "export_runs"), p.runs),
                                           **{name: not practising for name in PRACTICE_OFF},
                                           "train_until_best": p.tests and not practising})
        self.feature_bar.setEnabled(self.actions["edit_structure"].isEnabled())  # a change of structure too
        self.presets_menu.setEnabled(not p.busy)
        self.recent_menu.setEnabled(not p.busy)
        self.train_count.setEnabled(not p.busy)
        self.sample_box.setEnabled(not p.training)

    def _session_changed(self) -> None:
        self._update_sample_box()
        self._show_update_order()

    def _check(self, name: str, on: bool) -> None:
        """A checkable action shows the model's state, without echoing it back to the model."""
        action = self.actions[name]
        if action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    def _show_update_order(self) -> None:
        """The menu's check follows the session (an undo changes the order too)."""
        self._check("sequential", self.model.session.net.sequential)

    def _expanded_changed(self) -> None:
        """Show all units is checked when every layer is shown whole (a layer folded again
        unchecks it, and leaves the others as they are)."""
        self._check("show_all_units", self.model.show_all)

    def _network_replaced(self) -> None:
        self._show_update_order()
        self._expanded_changed()
        for action in self.sample_actions:
            action.setVisible(self.model.session.layout.batch > 1)
        self._fit_toolbar()
        self._update_sample_box()
        self._update_title()
        self._update_enabled()

    def _update_sample_box(self) -> None:
        """The file numbers of the batch's samples (a mini-batch changes them every iteration)."""
        session = self.model.session
        labels = [f"{int(k) + 1}" for k in session.record.samples]
        if labels != [self.sample_box.itemText(i) for i in range(self.sample_box.count())]:
            self.sample_box.blockSignals(True)
            self.sample_box.clear()
            self.sample_box.addItems(labels)
            self.sample_box.blockSignals(False)
        self.sample_box.setCurrentIndex(self.model.sample)

    def _sample_chosen(self, index: int) -> None:
        if index >= 0:
            self.model.set_sample(index)

    def _update_title(self) -> None:
        name = self.model.source or "untitled"
        marker = "" if self.undo_stack.isClean() else " *"
        title = self.model.session.net.name  # a window title is plain text
        self.setWindowTitle(f"{os.path.basename(name)}{marker}{f' — {title}' if title else ''} — Backprop Stepper")

    # -- text size and presentation ---------------------------------------------------------
    def _apply_text_size(self, *_) -> None:
        """Every text of the window at the size chosen (menus are windows of their own); the
        toolbar's as large as the window's width holds it whole."""
        font = QFont(QApplication.font())  # the desktop's: the text size is a percentage of it
        font.setPointSizeF(font.pointSizeF() * self.model.text_factor)
        self.setFont(font)
        for menu in self.findChildren(QMenu):
            menu.setFont(font)
        self._fit_toolbar()

    def _fit_toolbar(self) -> None:
        """The toolbar's text at the window's size, or smaller, as far as needed for every button
        of it to stand on it (none behind its » menu) at the window's width, down to
        TOOLBAR_LEAST of the desktop's size."""
        bar = getattr(self, "stepping_bar", None)
        if bar is None or not self.isVisible():  # not built yet; not its width yet (a resize comes with showing it)
            return
        font = QFont(self.font())
        least = QApplication.font().pointSizeF() * TOOLBAR_LEAST
        while True:
            if bar.font().pointSizeF() != font.pointSizeF():
                bar.setFont(font)
                self._size_play_button()
            if bar.sizeHint().width() <= self.width() or font.pointSizeF() <= least:
                break
            font.setPointSizeF(max(least, font.pointSizeF() * 0.93))

    def _size_play_button(self) -> None:
        """Play becomes Pause and back: its button is as wide as the wider of the two."""
        play, action = self.stepping_bar.widgetForAction(self.actions["play"]), self.actions["play"]
        play.setMinimumWidth(0)
        play.setMaximumWidth(16777215)
        text, widths = action.text(), []
        for shown in ("&Pause", "&Play"):
            action.setText(shown)
            widths.append(play.sizeHint().width())
        action.setText(text)
        play.setFixedWidth(max(widths))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.presentation.resized()
        self._fit_toolbar()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_toolbar()  # its first resize came before it was visible

    def _presentation_changed(self, on: bool) -> None:
        self._check("presentation", on)
        self.presentation.changed(on)

    def desk_state(self) -> tuple[QByteArray, QByteArray]:
        """The window's geometry and toolbars' state out of presentation mode (what the settings
        remember)."""
        return self.presentation.desk_state()

    def _undo_changed(self) -> None:
        """Undo and Redo say what they would undo or redo, as QUndoStack's own actions do: in
        the menu and the tooltip; the toolbar's buttons keep their short text and their size.
        What they say may hold a kept run's name: shown as it is (the menu's & doubled, the
        tooltip, which Qt reads as HTML when it might be, escaped; the status bar's is plain)."""
        for name, prefix, what in (("undo", "&Undo", self.undo_stack.undoText()),
                                   ("redo", "&Redo", self.undo_stack.redoText())):
            action = self.actions[name]
            action.setText(f"{prefix} {what.replace('&', '&&')}" if what else prefix)
            action.setIconText(prefix.replace("&", ""))
            tip = tooltip(name, f"{prefix.replace('&', '')} {what}" if what else None)
            action.setToolTip(QtGui.Qt.convertFromPlainText(tip))
            action.setStatusTip(tip)
        self._update_enabled()

    # -- play and train ---------------------------------------------------------------------
    def _speed_changed(self, value: int) -> None:
        self.speed.setValue(value)  # no echo: the model has this value already
        self.speed_label.setText(f"{value}/s")

    def _playing_changed(self, on: bool) -> None:
        """Play is checked, and reads Pause, while the model plays."""
        self._check("play", on)
        self.actions["play"].setText("&Pause" if on else "&Play")

    def train(self) -> None:
        self.model.train(self.train_count.value())

    def train_until_best(self) -> None:
        """Train up to the iterations set beside Train, until the test loss stops improving for
        the number of evaluations asked (patience)."""
        patience, ok = QInputDialog.getInt(
            self, "Train until the test loss stops improving",
            f"Stop after at most {self.train_count.value():,} iterations, or once the test loss has not reached a new "
            "minimum for this many evaluations (patience):", self._patience, 1, 1_000_000)
        if ok:
            self._patience = patience
            self.model.train(self.train_count.value(), patience)

    def _stopped_early(self, best: int) -> None:
        evaluations = self.model.evaluation.evaluations
        patience = self._patience
        self.statusBar().showMessage(
            f"Training stopped after iteration {self.model.session.iteration - 1:,}: the test loss had not reached a "
            f"new minimum for {patience:,} evaluation{'s' if patience != 1 else ''}. The best iteration was {best:,} "
            f"(test loss {self.model.fmt(evaluations.best_loss)}): click it on the loss curve to go there", 20000)

    def set_output_map_shown(self, on: bool) -> None:
        """View ▸ Output map: the map beside the loss curve, or the loss curve alone."""
        self.places["output_map"].setVisible(on)

    def set_confusion_shown(self, on: bool) -> None:
        """View ▸ Confusion matrix: beside the output map; hidden, the samples it marked are not."""
        self.confusion.setVisible(on)
        sizes = self.bottom.sizes()
        if on and sizes[2] < 0.15 * sum(sizes):  # room beside the output map, the loss curve keeping half
            total = sum(sizes)
            self.bottom.setSizes([total // 2, int(0.28 * total), total - total // 2 - int(0.28 * total)])
        if not on:
            self.confusion._unmark()

    def set_features_shown(self, on: bool) -> None:
        """View ▸ Input features: the chips that turn the input features on and off, over the
        diagram."""
        self.feature_bar.setVisible(on)

    def set_trajectories_shown(self, on: bool) -> None:
        """View ▸ Trajectories: under the loss curve, on its iteration axis."""
        self.places["trajectories"].setVisible(on)
        if on:  # room for two plots: the curves take at least 40 % of the height, the trajectories 3/5 of it
            sizes = self.left.sizes()
            if sizes[1] < 0.4 * sum(sizes):
                self.left.setSizes([int(0.6 * sum(sizes)), sum(sizes) - int(0.6 * sum(sizes))])
            self.curves.setSizes([20_000, 30_000])  # in proportion

    def show_trajectory(self) -> None:
        """The selected parameter (or unit's parameters) added to the trajectories, shown."""
        if not self.model.parameters_of(self.model.selection):
            self.statusBar().showMessage("Select a weight, a bias or a unit first", 4000)
        self.model.trace_selection()
        self.actions["trajectories"].setChecked(True)

    # -- the timeline ---------------------------------------------------------------------------
    def set_comparing(self, on: bool) -> None:
        """Compare with the iteration shown now (Δ on the diagram), or stop comparing."""
        self.model.set_reference(self.model.session.iteration if on else None)

    def _reference_changed(self, iteration) -> None:
        self._check("compare", iteration is not None)
        if iteration is not None:
            self.statusBar().showMessage(f"The diagram shows each value's change (Δ) since iteration {iteration:,}: "
                                         "go to another iteration to see how far they moved", 8000)

    def _branched(self, at: int, latest: int) -> None:
        gone = f"iteration {latest:,}" if latest == at + 1 else f"iterations {at + 1:,} to {latest:,}"
        self.statusBar().showMessage(f"A new branch from iteration {at:,}: {gone} discarded (Undo brings them "
                                     "back)", 10000)

    # -- edits ------------------------------------------------------------------------------
    def edit_selected(self) -> None:
        ref = self.model.value_ref(self.model.selection)
        if ref is None:
            self.statusBar().showMessage("Select a weight, a bias, an input or an output unit first", 4000)
            return
        self.edit_value(ref)

    def edit_learning_rate(self) -> None:
        self.edit_value(ValueRef("lr"))

    def edit_value(self, ref: ValueRef) -> None:
        self.model.set_playing(False)
        what = ref.describe(self.model.session)
        editor = ValueEditor(what, self.model.read(ref), self, positive=ref.kind == "lr",
                             check=lambda value: self.model.edit_problem(ref, value))
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.accepted.connect(lambda: self._edited(ref, editor.value))
        editor.open()

    def _edited(self, ref: ValueRef, value: float) -> None:
        if value is None or value == self.model.read(ref):
            return
        self.undo_stack.push(commands.edit_command(self.model, ref, value))

    def set_practice(self, on: bool) -> None:
        """Practice: nothing moves past the value asked but practice (Step, Finish, Play, Train,
        the timeline and the list of computations are off or refused) and no view shows a
        value not yet answered (the model's `reveals`); the box above the side panel asks for
        it."""
        self.model.set_practising(on)

    def _practice_changed(self, on: bool) -> None:
        """Practising: the gradient check (every gradient of the iteration) hidden. Leaving it
        gives the keys back to the diagram (→ steps)."""
        self._check("practice", on)
        if on and self.gradcheck_dialog is not None:
            self.gradcheck_dialog.hide()
        if not on:
            self.diagram.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_sequential(self, on: bool) -> None:
        order = "sequential" if on else "simultaneous"
        if order == self.model.session.net.update_order:
            return
        self.model.set_playing(False)
        self.undo_stack.push(commands.SetUpdateOrder(self.model, order))
        self.statusBar().showMessage(f"Iteration {self.model.session.iteration:,} computed again in the {order} "
                                     "order (the side panel says how the two differ)", 8000)

    def gradient_check(self) -> None:
        from guiapp.dialogs.gradcheck import GradCheckDialog

        if self.gradcheck_dialog is None:
            self.gradcheck_dialog = GradCheckDialog(self.model, self)
        self.gradcheck_dialog.show()
        self.gradcheck_dialog.raise_()
        self.gradcheck_dialog.run()

    def reset(self) -> None:
        self.model.set_playing(False)
        self.undo_stack.push(commands.Reset(self.model))

    def undo(self) -> None:
        self._step_undo(forward=False)

    def redo(self) -> None:
        self._step_undo(forward=True)

    def _step_undo(self, forward: bool) -> None:
        what = self.undo_stack.redoText() if forward else self.undo_stack.undoText()
        error = commands.step_undo_stack(self.undo_stack, forward)
        if error is not None:
            self.show_message("Cannot redo" if forward else "Cannot undo",
                              f"“{what}” cannot be {'redone' if forward else 'undone'}: {commands.reason(error)}. "
                              "Nothing was changed.", QMessageBox.Icon.Warning)

    # -- messages ---------------------------------------------------------------------------
    def show_message(self, title: str, text: str, icon=QMessageBox.Icon.Information, rich: bool = False) -> None:
        """A message that does not block: the window keeps working behind it. Plain text (a
        path or a name read from a file is shown as it is) unless `rich`."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("message")
        box.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _show_problem(self, problem: Problem) -> None:
        icon = QMessageBox.Icon.Critical if problem.severe else QMessageBox.Icon.Warning
        self.show_message(problem.title, problem.text, icon)

    def show_help(self) -> None:
        """Help ▸ Keyboard and mouse, in a page that scrolls and fits the screen (non-blocking)."""
        from guiapp.dialogs.help import TextDialog

        dialog = TextDialog("Keyboard and mouse", help_text(), self, object_name="helpDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        from guiapp.dialogs.about import about_text

        self.show_message("About Backprop Stepper", about_text(), rich=True)  # its link opens in a browser

    # -- recent files -----------------------------------------------------------------------
    def fill_recent_menu(self) -> None:
        """File ▸ Open recent, as the settings have it now (another window may have added to it)."""
        menu = self.recent_menu
        menu.clear()
        paths = settings.recent_files()
        for n, path in enumerate(paths, 1):
            name = os.path.basename(path).replace("&", "&&")  # a file name is shown as it is
            action = menu.addAction(f"&{n % 10} {name}")
            action.setObjectName(f"recent:{n}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.files.open_file(p))
        if paths:
            menu.addSeparator()
            menu.addAction("&Clear the list", lambda: settings.forget_recent(None))
        else:
            menu.addAction("No recent files").setEnabled(False)

    def eventFilter(self, watched, event) -> bool:
        """Esc stops a job also while the menu bar holds the keys (after a menu was closed
        with Esc, the menu bar takes the next Esc for itself): it stops the job, and the menu
        bar lets go of the keys as well."""
        if watched is self.menuBar() and event.type() == QEvent.Type.ShortcutOverride \
                and event.key() == Qt.Key.Key_Escape and self.model.busy:
            self.actions["stop"].trigger()
        return super().eventFilter(watched, event)

    def closeEvent(self, event) -> None:
        if not self.files.maybe_save("closing"):
            event.ignore()
            return
        self.model.cancel_job()
        self.model.set_playing(False)
        settings.save_window(self)
        super().closeEvent(event)
