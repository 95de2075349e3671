"""The network's settings, in one line over the diagram: its name, shape, input features, activations, loss,
learning rate η (a link that edits it), the optimizer and its settings (SGD's momentum, Adam's
betas), the penalty, the learning rate's schedule, batch, the test samples held out, whether the
biases learn and the order of the updates (each in the engine's words: its `title`, its settings'
`text`). The name and description come from the network's file: they are
escaped, never read as markup. The description is the tooltip."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QSizePolicy

from engine import Setup
from engine.concepts.optimizers import DEFAULT as DEFAULT_OPTIMIZER

from guiapp.model.session import SessionModel, ValueRef

def activations_text(net: Setup) -> str:
    hidden = [net.activation(l).title for l in range(1, net.depth)]
    output = net.activation(net.depth).title
    if not hidden:
        return f"output {output}"
    shown = hidden[0] if len(set(hidden)) == 1 else ", ".join(hidden)
    return f"hidden {shown}, output {output}"


def batch_text(net: Setup) -> str:
    samples = f"{net.n_samples} sample{'s' if net.n_samples != 1 else ''}"
    if net.batch_size is None or net.batch_size >= net.n_samples:
        return f"full batch of {samples}"
    return f"mini-batches of {net.batch_size} from {samples}"


def fields(net: Setup, fmt) -> list[tuple[str, str]]:
    """(what, text) of every setting, in the order shown; η's text is the one to edit."""
    return [
        ("shape", "-".join(map(str, net.sizes))),
        *((("features", "inputs " + ", ".join(f.text for f in net.features)),) if net.features else ()),
        ("activations", activations_text(net)),
        ("loss", "loss " + net.loss_fn.title),
        ("lr", f"η = {fmt(net.learning_rate)}"),
        *((("optimizer", net.optimizer.title),) if net.optimizer.name != DEFAULT_OPTIMIZER.name else ()),
        *((s.key, f"{s.title} {s.text(getattr(net.optimizer, s.key), fmt)}") for s in net.optimizer.settings
          if s.kind != "flag" or getattr(net.optimizer, s.key)),  # a flag when it is on: "Nesterov true"
        *((("penalty", f"{net.penalty.title} λ = {fmt(net.penalty.strength)}"),) if net.penalty is not None else ()),
        *((("schedule", f"η {net.schedule.summary()}"),) if net.schedule is not None else ()),
        ("batch", batch_text(net)),
        *((("test", f"{net.n_test} test sample{'s' if net.n_test != 1 else ''}"),) if net.n_test else ()),
        ("biases", "biases learn" if net.train_biases else "biases frozen"),
        ("order", f"{net.update_order} updates"),
    ]


class SettingsHeader(QLabel):
    editRequested = Signal(object)  # ValueRef("lr")

    def __init__(self, model: SessionModel, parent=None):
        super().__init__(parent, objectName="settingsHeader")
        self.model = model
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setContentsMargins(4, 2, 4, 2)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.linkActivated.connect(self._link)
        for signal in (model.changed, model.networkReplaced, model.digitsChanged, model.sourceChanged):
            signal.connect(self.refresh)
        self.refresh()

    def name(self) -> str:
        """The network's name from its file, or the file's name."""
        net = self.model.session.net
        return net.name or self.model.source or "untitled"

    def refresh(self, *_) -> None:
        net, fmt = self.model.session.net, self.model.fmt
        parts = [f"<b>{html.escape(self.name())}</b>"]
        for what, text in fields(net, fmt):
            text = html.escape(text)
            parts.append(f"<a href='lr'>{text}</a>" if what == "lr" else text)
        self.setText(" · ".join(parts))
        tip = [html.escape(net.description)] if net.description else []
        tip.append("Click η to type another learning rate.")
        self.setToolTip("<p>" + "</p><p>".join(tip) + "</p>")

    def plain_text(self) -> str:
        return QTextDocumentFragment.fromHtml(self.text()).toPlainText()

    def _link(self, target: str) -> None:
        if target == "lr" and not self.model.busy:
            self.editRequested.emit(ValueRef("lr"))
