"""A choice among the kinds of one concept (the optimizer, the penalty, the schedule) with a box
for each of its settings, for the structure dialog.

Everything shown comes from the engine's registries and each kind's `settings`
(engine.concepts.setting.Setting: its label, its kind, its default, how it is typed): no
optimizer, penalty or schedule is named here. A setting that is a flag is a check box; any other
is a line typed as the engine reads it (`Setting.parse`: "0.9, 0.999" for Adam's betas). A
setting without a default (a penalty's strength) starts empty: the dialog says it is missing.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from engine.network.numbers import parse_number, whole_number

NONE = ""  # the combo's data for "none" (a concept that may be left out)


def _start(kind):
    """A concept of this kind with its settings' defaults (None where it has none)."""
    return kind(**{s.key: s.default for s in kind.settings})


class ConceptChooser(QWidget):
    """A combo of the kinds in `kinds` (name -> class; "None" first if `optional`) and, under it,
    one box per setting of the kind chosen. `changed` is emitted when either changes."""

    changed = Signal()

    def __init__(self, name: str, kinds: dict, value, optional: bool, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.kinds = kinds
        self.combo = QComboBox(objectName=f"{name}Kind")
        if optional:
            self.combo.addItem("None", NONE)
        for key, kind in kinds.items():
            self.combo.addItem(kind.title, key)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.combo)
        self.boxes: dict[str, QLineEdit | QCheckBox] = {}
        self._values = {} if value is None else {type(value).name: value}  # what each kind held, to go back to
        self.combo.setCurrentIndex(self.combo.findData(NONE if value is None else type(value).name))
        self._build()
        self.combo.currentIndexChanged.connect(self._kind_changed)

    @property
    def kind(self):
        name = self.combo.currentData()
        return None if name == NONE else self.kinds[name]

    def _build(self) -> None:
        """The boxes of the kind chosen, showing its values."""
        while self.form.rowCount() > 1:
            self.form.removeRow(1)
        self.boxes = {}
        kind = self.kind
        if kind is None:
            return
        concept = self._values.get(kind.name) or _start(kind)
        for s in kind.settings:
            value = getattr(concept, s.key)
            if s.kind == "flag":
                box = QCheckBox(s.label, objectName=s.key)
                box.setChecked(bool(value))
                box.toggled.connect(lambda *_: self.changed.emit())
                self.form.addRow("", box)
            else:
                box = QLineEdit("" if value is None else s.text(value), objectName=s.key)
                box.textEdited.connect(lambda *_: self.changed.emit())
                self.form.addRow(s.label, box)
            self.boxes[s.key] = box

    def _kind_changed(self) -> None:
        self._build()
        self.changed.emit()

    def set_enabled_kinds(self, reasons: dict[str, str | None]) -> None:
        """Disable each kind that has a reason (shown as its tooltip)."""
        model = self.combo.model()
        for i in range(self.combo.count()):
            reason = reasons.get(self.combo.itemData(i))
            model.item(i).setEnabled(reason is None)
            model.item(i).setToolTip(f"Not available: {reason}" if reason else "")

    def read(self) -> tuple[object, list[str]]:
        """The concept chosen (None: none) with what could be read of the boxes (a box that cannot
        be read keeps its setting's last value, or None), and a line for each box that cannot,
        the setting named by its label."""
        kind = self.kind
        if kind is None:
            return None, []
        held = self._values.get(kind.name) or _start(kind)
        values, problems = {}, []
        for s in kind.settings:
            box = self.boxes[s.key]
            if isinstance(box, QCheckBox):
                values[s.key] = box.isChecked()
                continue
            try:
                values[s.key] = s.parse(box.text(), parse_number, whole_number)
            except ValueError as e:
                values[s.key] = getattr(held, s.key)
                words = s.label.replace("&", "")
                problems.append(f"{words}: {e}" if box.text().strip() else f"{words}: missing")
        concept = kind(**values)
        self._values[kind.name] = concept
        return concept, problems
