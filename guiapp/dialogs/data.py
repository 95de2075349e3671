"""Data from outside for the network (Network menu): a generated data set, or samples imported
from a CSV file, chosen in a dialog that shows what will be made before anything changes.

Both dialogs give an `engine.network.targets.Data`; the window then builds the network for it (its
input and output layers fitted to the data, the rest of the design kept) as one undo step.
Everything read from a file is shown as plain text.
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout)

from engine.files import csvdata, datasets
from engine.network.targets import Data
from guiapp.colours import ERROR_TEXT

PREVIEW_ROWS = 8
PREVIEW_COLUMNS = 200  # of a wide file: the rest are chosen by number or name


def _plain(name: str, text: str = "") -> QLabel:
    label = QLabel(text, objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def default_columns(table: csvdata.Table) -> tuple[str, str]:
    """The columns first offered: those named "target …" (as Export samples writes them) are the
    targets, the others the inputs; without such names, the last column is the target."""
    named = [c + 1 for c, h in enumerate(table.header) if h.lower().startswith("target")]
    last = len(table.header)
    targets = named if named and len(named) < last else [last]
    inputs = [c for c in range(1, last + 1) if c not in targets]
    return ",".join(map(str, inputs)), ",".join(map(str, targets))


class _DataDialog(QDialog):
    """A dialog whose result is `data` (None while what is chosen is not valid)."""

    def __init__(self, title: str, name: str, loss: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.loss = loss
        self.data: Data | None = None
        self.result_text = _plain("dataResult")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _show_result(self, data: Data | None, problem: str = "") -> None:
        self.data = data
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(data is not None)
        if data is None:
            self.result_text.setStyleSheet(f"color: {ERROR_TEXT}")
            self.result_text.setText(problem[:1].upper() + problem[1:])
            return
        self.result_text.setStyleSheet("")
        n = len(data.inputs)
        if data.labels is not None:
            targets = f"{len(data.classes)} classes, in this order: {', '.join(data.classes)}"
        else:
            targets = f"{data.values.shape[1]} value{'s' if data.values.shape[1] != 1 else ''} per sample"
        self.result_text.setText(f"{n:,} samples of {data.n_inputs} input{'s' if data.n_inputs != 1 else ''}; "
                                 f"targets: {targets}. The network's first and last layers are fitted to them "
                                 f"({data.n_inputs} inputs, {data.outputs_for(self.loss)} output"
                                 f"{'s' if data.outputs_for(self.loss) != 1 else ''}) and it starts again at "
                                 "iteration 1 (undoable).")


class GenerateDialog(_DataDialog):
    """Network ▸ Generate data set: a data set, its size, noise and seed."""

    def __init__(self, loss: str, seed: int = 0, parent=None):
        super().__init__("Generate a data set", "generateDialog", loss, parent)
        self.kind = QComboBox(objectName="dataset")
        for name, d in datasets.DATASETS.items():
            self.kind.addItem(f"{name}: {d.text}", name)
        self.samples = QSpinBox(objectName="samples")
        self.samples.setRange(1, datasets.MAX_SAMPLES)
        self.samples.setValue(200)
        self.noise = QDoubleSpinBox(objectName="noise")
        self.noise.setRange(0.0, datasets.MAX_NOISE)
        self.noise.setDecimals(3)
        self.noise.setSingleStep(0.05)
        self.seed = QSpinBox(objectName="seed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(seed)
        form = QFormLayout()
        form.addRow("&Data set", self.kind)
        form.addRow("&Samples", self.samples)
        form.addRow("&Noise (standard deviation)", self.noise)
        form.addRow("S&eed", self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_text)
        layout.addWidget(self.buttons)
        for signal in (self.kind.currentIndexChanged, self.samples.valueChanged, self.noise.valueChanged,
                       self.seed.valueChanged):
            signal.connect(self._update)
        self._update()
        self.resize(520, self.sizeHint().height())

    def _update(self, *_) -> None:
        try:
            data = datasets.generate(self.kind.currentData(), self.samples.value(), self.noise.value(),
                                     self.seed.value())
        except ValueError as e:
            self._show_result(None, str(e))
            return
        self._show_result(data)

    @property
    def what(self) -> str:
        return f"the {self.kind.currentData()} data set ({self.samples.value()} samples)"


class ImportDialog(_DataDialog):
    """Network ▸ Import samples from CSV: the file as it was read, its first rows, the input
    and target columns (names or numbers, with ranges: as `python -m engine new` takes them)
    and the scaling of the inputs."""

    def __init__(self, table: csvdata.Table, loss: str, parent=None):
        super().__init__("Import samples from a CSV file", "importDialog", loss, parent)
        self.table = table
        shown = min(len(table.header), PREVIEW_COLUMNS)
        more = f" (the first {shown:,} shown below)" if shown < len(table.header) else ""
        self.read_as = _plain("csvReadAs", f"{os.path.basename(table.source)}: {table.what}{more}.")
        self.preview = QTableWidget(min(PREVIEW_ROWS, len(table.rows)), shown, objectName="csvPreview")
        self.preview.setHorizontalHeaderLabels([f"{c + 1}: {h}" for c, h in enumerate(table.header[:shown])])
        for r, row in enumerate(table.rows[:PREVIEW_ROWS]):
            for c, text in enumerate(row[:shown]):
                item = QTableWidgetItem(text)  # plain text, as it is in the file
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.preview.setItem(r, c, item)
        self.preview.setVerticalHeaderLabels([str(line) for line in table.lines[:PREVIEW_ROWS]])  # file lines
        inputs, targets = default_columns(table)
        self.inputs = QLineEdit(inputs, objectName="csvInputs")
        self.targets = QLineEdit(targets, objectName="csvTargets")
        self.scale = QComboBox(objectName="csvScale")
        for name, text in (("none", "none"), ("standard", "standardise (mean 0, sd 1)"),
                           ("minmax", "min–max to [0, 1]")):
            self.scale.addItem(text, name)
        form = QFormLayout()
        form.addRow("&Input columns", self.inputs)
        form.addRow("&Target columns", self.targets)
        form.addRow("&Scale the inputs", self.scale)
        hint = _plain("csvHint", "Columns by header name or number, comma-separated, with ranges (1-4). One target "
                      "column of names or integers holds classes: one output unit per class (softmax with "
                      "cross-entropy), or one unit for two classes (sigmoid with bce).")
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_as)
        layout.addWidget(self.preview, 1)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.result_text)
        layout.addWidget(self.buttons)
        for signal in (self.inputs.textChanged, self.targets.textChanged, self.scale.currentIndexChanged):
            signal.connect(self._update)
        self._update()
        self.resize(640, 520)

    def _update(self, *_) -> None:
        try:
            data = csvdata.select(self.table, self.inputs.text(), self.targets.text(), self.scale.currentData())
        except csvdata.CsvError as e:
            problem = str(e)
            prefix = f"{self.table.source}: "
            self._show_result(None, problem[len(prefix):] if problem.startswith(prefix) else problem)
            return
        self._show_result(data)

    @property
    def what(self) -> str:
        return f"the samples of {os.path.basename(self.table.source)}"
