"""The Network menu: New network, Edit structure, the input features (the chips over the
diagram), the samples table, a generated data set, samples imported from or exported to a CSV file.

Every change it makes is one undo step on the window's stack: a new network or structure, an
input feature turned on or off, or new data, replaces the session (`commands.ChangeNetwork`, iteration 1 again); the samples
table changes the samples (`commands.SetSamples`).
"""
from __future__ import annotations

import numpy as np

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.concepts import features
from engine.files import csvdata
from engine.files import design as designs
from engine.files.netfile import NetworkFileError
from engine.network.targets import Data

from guiapp.model import commands, settings


class NetworkMenu(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window  # the MainWindow: parent of the dialogs, owner of the undo stack
        self.model = window.model
        self.samples_editor = None  # made when first shown

    def _push(self, command, message: str) -> None:
        self.model.set_playing(False)
        self.window.undo_stack.push(command)
        self.window.statusBar().showMessage(message, 8000)

    def _warn(self, title: str, text: str) -> None:
        self.window.show_message(title, text, QMessageBox.Icon.Warning)

    # -- structure ------------------------------------------------------------------------------
    def new_network(self) -> None:
        from guiapp.dialogs.structure import StructureDialog, new_design

        if not self.window.files.maybe_save("making a new network"):
            return
        self._open_structure(StructureDialog(new_design(), 1, self.window), editing=False)

    def edit_structure(self) -> None:
        from guiapp.dialogs.structure import StructureDialog

        net = self.model.session.current_network()
        self._open_structure(StructureDialog(designs.design_of(net), net.n_samples + net.n_test, self.window,
                                             editing=True, raw_inputs=net.raw_width), editing=True)

    def _open_structure(self, dialog, editing: bool) -> None:
        self.model.set_playing(False)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.change_structure(dialog.result_design(), editing, dialog.keep))
        dialog.open()

    def change_structure(self, design: designs.Design, editing: bool, keep: bool) -> None:
        """Replace the network by one of this design: for Edit structure with the current
        samples and test samples (fitted to the new sizes; with a test fraction, that share of
        all of them held out anew) and, if `keep`, the current values where a unit stays; for New
        network with one sample of zeros."""
        current = self.model.session.current_network()
        sizes = "-".join(map(str, design.sizes))
        try:
            if editing:
                inputs, targets = designs.fit_samples(current.inputs, current.targets, design.sizes, design.loss,
                                                      design.features)
                test = None if not current.n_test else \
                    designs.fit_samples(current.test_inputs, current.test_targets, design.sizes, design.loss,
                                        design.features)
                if design.test_fraction and test is not None:  # held out anew from all the samples
                    inputs, targets, test = np.concatenate([inputs, test[0]]), np.concatenate([targets, test[1]]), None
                net = designs.build(design, inputs, targets, keep=current if keep else None, name=current.name,
                                    description=current.description, test=test)
            else:
                inputs, targets = designs.default_samples(design.sizes, design.loss, design.features)
                net = designs.build(design, inputs, targets)
        except (NetworkFileError, ValueError) as e:  # the dialog offers only what the engine takes
            self._warn("Cannot build the network", str(e))
            return
        text = f"change the structure to {sizes}" if editing else f"new network {sizes}"
        runs = None if editing else ()  # the kept runs belong to the document: kept by its edits, not in a new one
        self._push(commands.ChangeNetwork(self.model, net, self.model.source if editing else "", text, runs),
                   ("The structure changed" if editing else f"New network {sizes}") +
                   ": training starts at iteration 1 (Undo brings back the previous network)")

    def toggle_feature(self, feature: features.Feature) -> None:
        """Turn an input feature on or off (the feature chips over the diagram): the network
        with that input layer, the other inputs' weights kept, iteration 1 again, one undo step."""
        current = self.model.session.current_network()
        n = current.raw_width
        try:
            chosen = features.toggled(current.features, feature, n)
            design = designs.with_features(designs.design_of(current), chosen, n)
            net = designs.build(design, current.inputs, current.targets, keep=current, name=current.name,
                                description=current.description)
        except features.FeatureError as e:
            self.window.statusBar().showMessage(f"{feature.text} stays: {e.problem}", 8000)
            return
        except (NetworkFileError, ValueError) as e:
            self._warn("Cannot change the input features", str(e))
            return
        on = any(f.key() == feature.key() for f in chosen)
        self._push(commands.ChangeNetwork(self.model, net, self.model.source,
                                          f"input feature {feature.text} {'on' if on else 'off'}"),
                   f"Input feature {feature.text} {'on' if on else 'off'}: the inputs are "
                   f"{', '.join(f.text for f in design.features or features.plain(n))}; training starts at "
                   "iteration 1 (Undo brings back the previous inputs)")

    # -- samples --------------------------------------------------------------------------------
    def show_samples(self) -> None:
        from guiapp.dialogs.samples import SamplesEditor

        if self.samples_editor is None:
            self.samples_editor = SamplesEditor(self.model, self.change_samples, self.window)
        self.samples_editor.show()
        self.samples_editor.raise_()
        self.samples_editor.activateWindow()

    def change_samples(self, inputs, targets, what: str, test: bool = False) -> None:
        """The samples (the test samples if `test`) changed, one undo step."""
        command = commands.SetSamples(self.model, inputs, targets, what, test)
        self._push(command, "")
        if command.restarted:
            self.window.statusBar().showMessage("The number of samples per iteration changed: training starts "
                                                "again at iteration 1 from the current values", 8000)

    # -- data from outside ----------------------------------------------------------------------
    def generate(self) -> None:
        from guiapp.dialogs.data import GenerateDialog

        dialog = GenerateDialog(self.model.session.net.loss, parent=self.window)
        self._open_data(dialog)

    def import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import samples from a CSV file", settings.last_folder(),
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> None:
        from guiapp.dialogs.data import ImportDialog

        try:
            table = csvdata.read(path)
        except csvdata.CsvError as e:
            self._warn("Cannot import the samples", f"{e}. Nothing was changed.")
            return
        settings.remember_folder(path)
        self._open_data(ImportDialog(table, self.model.session.net.loss, self.window))

    def _open_data(self, dialog) -> None:
        self.model.set_playing(False)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.use_data(dialog.data, dialog.what))
        dialog.open()

    def use_data(self, data: Data, what: str) -> bool:
        """The network with these samples: its first layer as wide as the data's inputs (with
        input features, those of them the data's inputs can feed: none left, its inputs), its
        output layer kept if the targets fit it (else as wide as they need), the rest of the
        design and every value whose units stay kept; iteration 1 again, one undo step."""
        current = self.model.session.current_network()
        design = designs.design_of(current)
        try:
            try:
                targets = data.targets(current.sizes[-1], design.loss)
            except ValueError:
                targets = data.targets(data.outputs_for(design.loss), design.loss)
            kept = tuple(f for f in design.features if max(f.indices) < data.n_inputs)  # the features it can feed
            design = designs.with_features(design, kept, data.n_inputs)
            design.sizes[-1] = targets.shape[1]
            net = designs.build(design, data.inputs, targets, keep=current, name=current.name,
                                description=data.description)
        except (NetworkFileError, ValueError) as e:
            self._warn("Cannot use the data", f"{e}. Nothing was changed.")
            return False
        self._push(commands.ChangeNetwork(self.model, net, self.model.source, f"use {what}"),
                   f"The network now learns {what}: training starts at iteration 1 (Undo brings back the "
                   "previous data)")
        return True

    def export_samples(self) -> None:
        path = self.window.files.save_path("Export samples", f"{self.window.files.stem()}-samples.csv",
                                           "CSV (*.csv)")
        if not path:
            return
        net = self.model.session.net
        self.window.files.write("Cannot export the samples", path, lambda p: csvdata.write_samples(p, net))
