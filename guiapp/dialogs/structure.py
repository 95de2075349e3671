"""New network and Edit structure (Network menu): the layers, their widths and activations,
the loss, the optimizer and its settings, the penalty, the learning rate's schedule, the test
samples held out and the start values, chosen in one dialog (what `python -m engine new` chooses;
the optimizers, penalties, schedules and start schemes are the engine's registries, each
kind's settings its own: guiapp/dialogs/concepts.py).

The dialog holds an `engine.files.design.Design` and asks the engine what may be chosen: an option
that the network file's rules refuse with the rest of the design is shown disabled, with the
reason as its tooltip (`design.unavailable`), and what is wrong with the whole design is said
under it in the dialog's words ("Output layer: …", not the file's "sizes[2]: …"), OK disabled
(`design.problems`). The window turns the result into a network
(`design.build`) and replaces the current one as one undo step.

When a layer is added the dialog grows, up to SCREEN_SHARE of the screen's height; past that
the layers scroll (16 layers and the rest of the dialog fit a 700-pixel screen), and no row
is ever squeezed below its height.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QScrollArea, QSizePolicy, QSpinBox, QVBoxLayout, QWidget)

from engine.concepts import activations, features as feature_forms, losses
from engine.concepts.activations import ACTIVATIONS
from engine.concepts.inits import INITS
from engine.concepts.losses import LOSSES
from engine.concepts.optimizers import OPTIMIZERS
from engine.concepts.penalties import PENALTIES
from engine.concepts.schedules import SCHEDULES
from engine.files import design as designs
from engine.network.limits import MAX_LAYERS, MAX_UNITS
from engine.network.network import UPDATE_ORDERS
from engine.network.numbers import parse_number
from guiapp.dialogs.concepts import ConceptChooser
from guiapp.dialogs.problem import problem_label

# What the dialog calls each field of a design (`designs.problems` names them as the network file does);
# a setting of the optimizer, by its label in the dialog.
FIELD_WORDS = {"sizes": "Layers", "activations": "Layers", "loss": "Loss", "learning_rate": "Learning rate η",
               "batch_size": "Batch size", "train_biases": "Biases learn", "update_order": "Update order",
               "seed": "Seed", "samples": "Samples", "test_fraction": "Test samples", "init": "Start values",
               "optimizer": "Optimizer", "penalty": "Regularization", "schedule": "Schedule", "features": "Input features"}


def layer_title(k: int, last: int) -> str:
    """A layer's row in the dialog (k 0-based, the inputs first)."""
    return "Inputs" if k == 0 else "Output layer" if k == last else f"Hidden layer {k}"


def in_words(field: str, d: designs.Design) -> str:
    """A design's field as the dialog names it: "sizes[2]" of three layers is "Output layer",
    "activations[0]" (after the inputs) "Hidden layer 1", "learning_rate" "Learning rate η",
    "momentum" "Momentum" (a setting of the optimizer, the penalty or the schedule, by its label)."""
    name, _, index = field.partition("[")
    if name == "features":  # "features[2]": the third one typed
        return f"Input feature {int(index[:-1]) + 1}" if index[:-1].isdecimal() else "Input features"
    if index.endswith("]") and index[:-1].isdecimal():
        return layer_title(int(index[:-1]) + (name == "activations"), len(d.sizes) - 1)
    labels = {s.key: s.label.replace("&", "") for concept in (d.optimizer, d.penalty, d.schedule)
              if concept is not None for s in concept.settings}
    return FIELD_WORDS.get(field) or labels.get(field, field)

SCREEN_SHARE = 0.85  # of the screen's free height the dialog grows to at most (its title bar takes some of the rest)
LEAST_ROWS = 4  # layers shown however small the dialog; more scroll


def new_design() -> designs.Design:
    """What New network offers first: the worked example's shape, with random start values."""
    return designs.Design(sizes=[2, 2, 2], activations=[activations.DEFAULT.name] * 2, loss=losses.DEFAULT.name,
                          learning_rate=0.5)


def loss_title(name: str) -> str:
    """A loss as the dialog lists it: its title, and which one the worked example has."""
    loss = LOSSES[name]
    return f"{loss.title} (the worked example's)" if loss is losses.DEFAULT else loss.title


def _set_options(combo: QComboBox, reasons: dict[str, str | None]) -> None:
    """Enable each item of `combo` (its data is the option) unless it has a reason, shown as
    its tooltip."""
    model = combo.model()
    for i in range(combo.count()):
        reason = reasons.get(combo.itemData(i))
        item = model.item(i)
        item.setEnabled(reason is None)
        item.setToolTip(f"Not available: {reason}" if reason else "")


def _with(d: designs.Design, field: str, value) -> designs.Design:
    """The design with `field` ("loss", "activations[k]") set to `value`."""
    d = dataclasses.replace(d, sizes=list(d.sizes), activations=list(d.activations))
    if field == "loss":
        d.loss = value
    else:
        d.activations[int(field[len("activations["):-1])] = value
    return d


def partner(d: designs.Design, field: str) -> tuple[str, tuple]:
    """The field that follows when `field` is chosen, and its options: the loss follows the
    output activation, the output activation follows the loss."""
    last = f"activations[{len(d.activations) - 1}]"
    if field == "loss":
        return last, tuple(ACTIVATIONS)
    if field == last:
        return "loss", tuple(LOSSES)
    return "", ()


def why_not(d: designs.Design, field: str, value) -> str | None:
    """Why `value` cannot be chosen for `field`, even with the field that follows it changed
    (the output activation and the loss go together): None if it can."""
    reason = designs.unavailable(d, field, value)
    if reason is None:
        return None
    other, options = partner(d, field)
    already = designs.problems(d)
    for o in options:
        found = designs.problems(_with(_with(d, field, value), other, o))
        if not found or found == already:
            return None
    return reason


def repair(d: designs.Design, field: str) -> designs.Design:
    """After `field` was chosen, if the design is not valid: the field that follows it takes
    the first option that makes it valid."""
    if not designs.problems(d):
        return d
    other, options = partner(d, field)
    for o in options if other else ():
        candidate = _with(d, other, o)
        if not designs.problems(candidate):
            return candidate
    return d


class LayersArea(QScrollArea):
    """The rows of the layers: as tall as they are (up to what the screen leaves), at least
    LEAST_ROWS of them; the rest scroll."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def _rows_height(self, rows: int | None = None) -> int:
        grid = self.widget().layout()
        n = grid.rowCount() if rows is None else min(rows, grid.rowCount())
        row = max((grid.itemAtPosition(r, 1).widget().sizeHint().height() for r in range(n)
                   if grid.itemAtPosition(r, 1) is not None), default=0)
        return n * row + max(n - 1, 0) * grid.verticalSpacing() + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:
        width = self.widget().sizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(width, self._rows_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.widget().minimumSizeHint().width(), self._rows_height(LEAST_ROWS))


def _value(d: designs.Design, field: str):
    return d.loss if field == "loss" else d.activations[int(field[len("activations["):-1])]


class StructureDialog(QDialog):
    """Choose a design; `result_design()` and `keep` after exec() (or `accepted`)."""

    def __init__(self, design: designs.Design, n_samples: int, parent=None, editing: bool = False,
                 raw_inputs: int | None = None):
        """`raw_inputs`: the samples' raw inputs x1 … xn the input features may read (editing a
        network); None for a new network, whose samples read as many as its features need."""
        super().__init__(parent)
        self.setObjectName("structureDialog")
        self.setWindowTitle("Edit structure" if editing else "New network")
        self.design = dataclasses.replace(design, sizes=list(design.sizes), activations=list(design.activations))
        self.n_samples = n_samples
        self.editing = editing
        self.raw_inputs = raw_inputs
        self.features_problem = ""  # why the features typed cannot be read ("" if they can)
        self._updating = False

        self.layers_box = QGroupBox("Layers (inputs first, outputs last)")
        self.layers_scroll = LayersArea(objectName="layers")
        QVBoxLayout(self.layers_box).addWidget(self.layers_scroll)
        self.add_layer = QPushButton("&Add a hidden layer", objectName="addLayer")
        self.remove_layer = QPushButton("Re&move the last hidden layer", objectName="removeLayer")
        for b in (self.add_layer, self.remove_layer):
            b.setAutoDefault(False)
        self.add_layer.clicked.connect(self._add_layer)
        self.remove_layer.clicked.connect(self._remove_layer)
        self.unit_boxes: list[QSpinBox] = []
        self.activation_boxes: list[QComboBox] = []

        self.features = QLineEdit(", ".join(feature_forms.spellings(self.design.features)), objectName="features")
        self.features.setPlaceholderText("none: the raw inputs as they are")
        self.features.setToolTip("Each input unit as a feature of the samples' raw inputs x1 … xn, separated by "
                                 "commas: xi, xi^2, xi*xj, sin(xi), cos(xi) (e.g. x1, x2, x1^2, x1*x2, sin(x1)); the "
                                 "input layer has one unit per feature. Empty: the inputs are the raw inputs.")
        self.loss = QComboBox(objectName="loss")
        for name in LOSSES:
            self.loss.addItem(loss_title(name), name)
        self.learning_rate = QLineEdit(objectName="learningRate")
        # the optimizer, the penalty and the schedule, each with one box per setting named by its key
        self.optimizer = ConceptChooser("optimizer", OPTIMIZERS, self.design.optimizer, optional=False)
        self.penalty = ConceptChooser("penalty", PENALTIES, self.design.penalty, optional=True)
        self.schedule = ConceptChooser("schedule", SCHEDULES, self.design.schedule, optional=True)
        self.test_fraction = QLineEdit(objectName="testFraction")
        self.test_fraction.setToolTip("The fraction of the samples held out as test samples: never trained on, "
                                      "evaluated as training goes (test loss, accuracy)")
        self.init = QComboBox(objectName="init")  # the scheme's title, cut short where the dialog is narrow
        self.init.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.init.setMinimumContentsLength(28)
        for init in INITS.values():
            self.init.addItem(init.title, init.name)
            self.init.setItemData(self.init.count() - 1, init.title, Qt.ItemDataRole.ToolTipRole)
        self.batch = QSpinBox(objectName="batchSize")
        self.batch.setRange(0, 1_000_000)
        self.batch.setSpecialValueText("all samples")
        self.train_biases = QCheckBox("Biases learn (unchecked: frozen, as in the worked example)",
                                      objectName="trainBiases")
        self.order = QComboBox(objectName="updateOrder")
        for name in UPDATE_ORDERS:
            self.order.addItem(name, name)
        self.seed = QSpinBox(objectName="seed")
        self.seed.setRange(0, 2**31 - 1)
        self.start_random = QRadioButton("Random, drawn from the seed", objectName="startRandom")
        self.start_keep = QRadioButton("Keep the current values where a unit stays", objectName="startKeep")
        self.start_keep.setToolTip("Every weight and bias between units that stay keeps its value; the new ones are "
                                   "drawn from the seed")
        self.start_group = QButtonGroup(self)
        for b in (self.start_random, self.start_keep):
            self.start_group.addButton(b)
        (self.start_keep if editing else self.start_random).setChecked(True)
        self.start_keep.setVisible(editing)

        # two columns, so that the dialog fits a 700-pixel screen: the network and its update rule on
        # the left, the penalty, the schedule, the test samples and the start values on the right
        form, right = QFormLayout(), QFormLayout()
        form.addRow("Input &features", self.features)
        form.addRow("&Loss", self.loss)
        form.addRow("Learning &rate η", self.learning_rate)
        form.addRow("&Optimizer", self.optimizer)
        form.addRow("&Batch size", self.batch)
        form.addRow("", self.train_biases)
        form.addRow("&Update order", self.order)
        right.addRow("Regularizat&ion", self.penalty)
        right.addRow("Sc&hedule of η", self.schedule)
        right.addRow("&Test samples" if not editing else "&Test samples\n(0: keep them)", self.test_fraction)
        start = QVBoxLayout()
        start.addWidget(self.start_random)
        start.addWidget(self.start_keep)
        start.addWidget(self.init)
        seed_row = QHBoxLayout()
        seed_row.addWidget(QLabel("Seed"))
        seed_row.addWidget(self.seed)
        seed_row.addStretch(1)
        start.addLayout(seed_row)
        right.addRow("Start values", start)
        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)

        self.problem = problem_label("structureProblem")
        self.note = QLabel("The network starts again at iteration 1. Undo (Ctrl+Z) brings back the network as it "
                           "is now, with its loss history." if editing else
                           "A new network with one sample of zeros: type its samples in Network ▸ Samples, or "
                           "generate or import them. Undo (Ctrl+Z) brings back the network as it is now.",
                           objectName="structureNote")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layer_buttons = QHBoxLayout()
        layer_buttons.addWidget(self.add_layer)
        layer_buttons.addWidget(self.remove_layer)
        layer_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.layers_box)
        layout.addLayout(layer_buttons)
        layout.addLayout(columns)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.loss.currentIndexChanged.connect(lambda *_: self._read("loss"))
        self.features.textEdited.connect(lambda *_: self._read("features"))
        for signal in (self.order.currentIndexChanged, self.batch.valueChanged, self.seed.valueChanged,
                       self.train_biases.toggled, self.learning_rate.textEdited, self.test_fraction.textEdited,
                       self.init.currentIndexChanged,
                       *(chooser.changed for chooser in (self.optimizer, self.penalty, self.schedule))):
            signal.connect(lambda *_: self._read(""))
        self._show()

    # -- the design shown ---------------------------------------------------------------------------
    def _build_layers(self) -> None:
        """New rows for the layers, in place of the old ones (deleted at once: deleted later,
        they were painted under the new rows meanwhile)."""
        rows = QWidget(objectName="layerRows")
        self.layers_grid = QGridLayout(rows)
        self.layers_grid.setContentsMargins(0, 0, 0, 0)
        self.unit_boxes, self.activation_boxes = [], []
        d = self.design
        last = len(d.sizes) - 1
        for k, size in enumerate(d.sizes):
            self.layers_grid.addWidget(QLabel(layer_title(k, last)), k, 0)
            units = QSpinBox(objectName=f"units{k}")
            units.setRange(1, MAX_UNITS)
            units.setSuffix(" units" if size != 1 else " unit")
            units.setValue(size)
            units.valueChanged.connect(lambda *_: self._read("sizes"))
            self.layers_grid.addWidget(units, k, 1)
            self.unit_boxes.append(units)
            if k:
                act = QComboBox(objectName=f"activation{k}")
                for a in ACTIVATIONS.values():
                    act.addItem(a.title, a.name)
                act.setCurrentIndex(act.findData(d.activations[k - 1]))
                act.currentIndexChanged.connect(lambda *_, k=k: self._read(f"activations[{k - 1}]"))
                self.layers_grid.addWidget(act, k, 2)
                self.activation_boxes.append(act)
        self.layers_scroll.setWidget(rows)

    def _show(self) -> None:
        """Show self.design in the widgets, with what cannot be chosen disabled."""
        self._updating = True
        try:
            d = self.design
            if len(self.unit_boxes) != len(d.sizes):
                self._build_layers()
            for box, size in zip(self.unit_boxes, d.sizes):
                box.setValue(size)
                box.setSuffix(" unit" if size == 1 else " units")
            inputs = self.unit_boxes[0]  # with features, one unit per feature
            inputs.setEnabled(not d.features)
            inputs.setToolTip("One input unit per input feature (below)" if d.features else "")
            for k, box in enumerate(self.activation_boxes):
                box.setCurrentIndex(box.findData(d.activations[k]))
                _set_options(box, {a: why_not(d, f"activations[{k}]", a) for a in ACTIVATIONS})
            self.loss.setCurrentIndex(self.loss.findData(d.loss))
            _set_options(self.loss, {name: why_not(d, "loss", name) for name in LOSSES})
            if not self.learning_rate.text():  # at first only: afterwards they hold what is typed
                self.learning_rate.setText(repr(d.learning_rate))
                self.test_fraction.setText(repr(d.test_fraction))
            self.init.setCurrentIndex(self.init.findData(d.init))
            for chooser, field in ((self.optimizer, "optimizer"), (self.penalty, "penalty"),
                                   (self.schedule, "schedule")):
                chooser.set_enabled_kinds({name: self._kind_reason(field, kind)
                                           for name, kind in chooser.kinds.items()})
            self.batch.setValue(d.batch_size or 0)
            self.train_biases.setChecked(d.train_biases)
            self.order.setCurrentIndex(self.order.findData(d.update_order))
            self.seed.setValue(d.seed)
            self.add_layer.setEnabled(len(d.sizes) < MAX_LAYERS)
            self.remove_layer.setEnabled(len(d.sizes) > 2)
        finally:
            self._updating = False
        self._check()
        self._grow()

    def _grow(self) -> None:
        """As tall as the rows need (their heights, not less), up to SCREEN_SHARE of the screen:
        past that the layers scroll."""
        for widget in (self.layers_scroll, self.layers_box):  # their size hints follow the rows now, not
            widget.updateGeometry()  # when the layouts' requests come round
        self.layers_box.layout().activate()
        self.layout().activate()
        room = int(self.screen().availableGeometry().height() * SCREEN_SHARE)
        hint = self.sizeHint()
        want = min(hint.height(), room)
        if self.height() < want or self.width() < hint.width():
            self.resize(max(self.width(), hint.width()), max(self.height(), want))

    @staticmethod
    def _number(field: QLineEdit) -> float | None:
        try:
            return parse_number(field.text())
        except ValueError:
            return None

    def _read(self, field: str) -> None:
        """The widgets changed (`field` was chosen): the design follows, and the field that
        goes with the one chosen (the loss with the output activation) is changed if needed."""
        if self._updating:
            return
        d = self.design
        d.sizes = [box.value() for box in self.unit_boxes]
        if field == "features":
            self._read_features()
        elif d.features:
            d.sizes[0] = len(d.features)
        d.activations = [box.currentData() for box in self.activation_boxes]
        d.loss = self.loss.currentData()
        d.batch_size = self.batch.value() or None
        d.train_biases = self.train_biases.isChecked()
        d.update_order = self.order.currentData()
        d.seed = self.seed.value()
        value = self._number(self.learning_rate)
        if value is not None:
            d.learning_rate = value
        fraction = self._number(self.test_fraction)
        if fraction is not None:
            d.test_fraction = fraction
        d.init = self.init.currentData()
        self._typed = []  # what cannot be read in the settings' boxes
        for chooser, name in ((self.optimizer, "optimizer"), (self.penalty, "penalty"), (self.schedule, "schedule")):
            concept, problems = chooser.read()
            setattr(d, name, concept)
            self._typed += problems
        if field.startswith("activations[") or field == "loss":
            self.design = repair(d, field)
        self._show()

    def _kind_reason(self, field: str, kind) -> str | None:
        """Why this kind of optimizer, penalty or schedule cannot go with the rest of the design
        (with its settings' defaults): a rule the design breaks with it and not without it."""
        current = getattr(self.design, field)
        if current is not None and type(current) is kind:
            return None
        start = kind(**{s.key: s.default for s in kind.settings})
        before = designs.problems(self.design, self.n_samples)
        missing = {s.key for s in kind.settings if s.required}  # typed next: not a reason
        chosen = dataclasses.replace(self.design, **{field: start})
        for key, reason in designs.problems(chosen, self.n_samples):
            if (key, reason) not in before and key not in missing:
                return reason
        return None

    def _read_features(self) -> None:
        """The features typed, into the design (sizes[0] their number); what is wrong with
        them into `features_problem`, the design's features left as they were."""
        d, text = self.design, self.features.text()
        self.features_problem = ""
        if not text.strip():
            d.features = ()
            if self.raw_inputs is not None:  # the raw inputs are the input layer again
                d.sizes[0] = self.raw_inputs
            return
        n = MAX_UNITS if self.raw_inputs is None else self.raw_inputs
        try:
            chosen = feature_forms.parse_text(text, n, MAX_UNITS, "features")
        except feature_forms.FeatureError as e:
            self.features_problem = f"{in_words(e.field, d)}: {e.problem}"
            return
        chosen = designs.with_features(d, chosen, n if self.raw_inputs is not None else feature_forms.needs(chosen))
        d.features, d.sizes[0] = chosen.features, chosen.sizes[0]

    def _check(self) -> None:
        problems = [self.features_problem] if self.features_problem else []
        for name, field in (("learning_rate", self.learning_rate), ("test_fraction", self.test_fraction)):
            try:
                parse_number(field.text())
            except ValueError as e:
                problems.append(f"{in_words(name, self.design)}: {e}")
        typed = getattr(self, "_typed", [])
        problems += typed
        said = {line.partition(":")[0] for line in typed}  # a box that cannot be read: said once
        problems += [f"{in_words(field, self.design)}: {reason}"
                     for field, reason in designs.problems(self.design, self.n_samples)
                     if in_words(field, self.design) not in said]
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    def _add_layer(self) -> None:
        """A hidden layer before the outputs, like the last hidden layer (or of 2 sigmoid units)."""
        d = self.design
        hidden = len(d.sizes) > 2
        d.sizes.insert(-1, d.sizes[-2] if hidden else 2)
        d.activations.insert(-1, d.activations[-2] if hidden else activations.DEFAULT.name)
        self._show()
        self.layers_scroll.widget().layout().activate()
        self.layers_scroll.ensureWidgetVisible(self.unit_boxes[-1])  # the new layer and the outputs in view

    def _remove_layer(self) -> None:
        d = self.design
        if len(d.sizes) > 2:
            del d.sizes[-2]
            del d.activations[-2]
            self._show()

    # -- the result -----------------------------------------------------------------------------------
    @property
    def keep(self) -> bool:
        return self.editing and self.start_keep.isChecked()

    def result_design(self) -> designs.Design:
        return dataclasses.replace(self.design, sizes=list(self.design.sizes),
                                   activations=list(self.design.activations))
