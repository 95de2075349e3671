"""Run ▸ Keep this run and Run ▸ Kept runs: a run's loss history kept under a name (asked in a
dialog, one proposed), a kept run removed, all removed; each one undo step of the window's stack.
The runs are the model's (`SessionModel.runs`, `runsChanged`); the loss curve shows them."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from engine.network import runs as kept
from engine.network.network import summary
from engine.session import runs
from engine.session.runs import history_columns

from guiapp.model import commands


class RunsMenu(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window  # the MainWindow: parent of the dialog, owner of the undo stack and the menu
        self.model = window.model

    def _cannot(self, why) -> None:
        self.window.show_message("Cannot keep this run", f"This run cannot be kept: {why}.", QMessageBox.Icon.Warning)

    def keep_run(self) -> None:
        """Run ▸ Keep this run: asks a name (one proposed from the settings), then keeps the
        run's loss history under it: one undo step."""
        from guiapp.dialogs.keeprun import KeepRunDialog

        m = self.model
        self.model.set_playing(False)
        columns = history_columns(m.session, m.evaluation.of(m.session))  # the loss, the test loss and accuracies
        problem = kept.room_problem(m.runs, m.session.latest, len(columns))
        if problem is not None:
            self._cannot(problem)
            return
        dialog = KeepRunDialog(runs.proposal(m.session, m.runs), summary(m.session.net), m.session.latest,
                               lambda name: kept.name_problem(name, m.runs), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.keep_run_as(dialog.name))
        dialog.open()

    def keep_run_as(self, name: str) -> bool:
        """Keep the current run under `name` (one undo step); False (said) if it cannot be."""
        m = self.model
        try:
            kept_runs = runs.keep(m.session, name, m.runs, m.evaluation.of(m.session))
        except ValueError as e:
            self._cannot(e)
            return False
        self.window.undo_stack.push(commands.SetRuns(m, kept_runs, f"keep this run as “{kept_runs[-1].label}”"))
        m.set_runs_shown(True)
        self.window.statusBar().showMessage(f"Kept this run as “{kept_runs[-1].label}” ({m.session.latest:,} "
                                            "iterations): the loss curve shows it beside the runs that follow", 8000)
        return True

    def remove_run(self, index: int) -> None:
        m = self.model
        if 0 <= index < len(m.runs):
            self.window.undo_stack.push(commands.SetRuns(m, kept.without(m.runs, index),
                                                         f"remove kept run {index + 1}, “{m.runs[index].label}”"))

    def remove_all_runs(self) -> None:
        if self.model.runs:
            self.window.undo_stack.push(commands.SetRuns(self.model, (), "remove every kept run"))

    def fill_runs_menu(self) -> None:
        """Run ▸ Kept runs: show them or not, remove one, remove all."""
        menu = self.window.runs_menu
        menu.clear()
        menu.addAction(self.window.actions["show_runs"])
        menu.addSeparator()
        for k, run in enumerate(self.model.runs):
            label = run.label if len(run.label) <= 60 else run.label[:59] + "…"
            action = menu.addAction(f"Remove “{label.replace('&', '&&')}”")  # a menu shows plain text
            action.setObjectName(f"removeRun:{k}")
            action.setEnabled(not self.model.busy)
            action.triggered.connect(lambda checked=False, k=k: self.remove_run(k))
        if not self.model.runs:
            menu.addAction("No kept runs: Run ▸ Keep this run keeps one").setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.window.actions["remove_all_runs"])
