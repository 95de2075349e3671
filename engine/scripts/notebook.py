"""A recorded iteration as a Jupyter notebook: the worked example retraced in NumPy, then checked
with PyTorch, as the seed notebook of this project checks the article "through code".

`notebook(net, rec)` writes nbformat 4 JSON: the Markdown cells are the worked-example document of
the iteration (engine.teaching.document, written by doc_markdown: the article's sections, its
formulas in LaTeX, the text of the network file escaped as Markdown text), cut at its section and
layer headings; after each, a code cell computes that step in NumPy from the iteration's starting
values and prints its numbers (`name = value`, every digit of the float64): the forward pass layer
by layer, the loss, the backward pass from the output layer down, the update and the loss after it.
Then the same network is built with torch.nn in float64, autograd computes the gradients of the
same batch, and the cells `assert` that they, and torch.optim's update, equal the hand-computed ones.

The maths of each activation, loss and optimizer is the concept's own NumPy and torch source (as the
script export writes it: engine.scripts.pyexport), never spelt here. A network of more than
document.FULL_PARAMETERS parameters prints the units and parameters its shortened document writes
out. An optimizer without a NumPy update is said so in a Markdown cell, and torch.optim updates.
Text from the network file reaches a code cell only as a string literal (repr).
"""
from __future__ import annotations

import json
from string import Template
from typing import Callable, Iterator

from engine.concepts.formula import exact
from engine.network.maths import Shapes
from engine.network.network import Setup
from engine.record.layout import Record
from engine.record.quantities import Key, label
from engine.session.progress import Progress
from engine.scripts.common import array_text, layer_comment
from engine.scripts.numpy_script import numpy_activations, numpy_arrays, with_k
from engine.scripts.pytorch import torch_state_lines
from engine.teaching import doc_markdown, document
from engine.teaching.blocks import Document, Figure, Heading

FORMAT, TITLE, SUFFIX = "notebook", "Jupyter notebook", ".ipynb"
TOLERANCE = "rtol=1e-9, atol=1e-12"  # hand-computed against PyTorch: float64 rounding, nothing more
FIGURE = "network.svg"  # the network figure, attached to the first Markdown cell
ARRAY = {"w": "W", "b": "b"}  # the notebook's arrays of a kind of parameter: W[l], grad_W[l], velocity_W[l] ...
METADATA = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}}

ABOUT = ("This notebook retraces iteration {k:,} as the worked example does: each section's formulas, then a "
         "code cell that computes its numbers with NumPy and prints them with every digit of the float64. At the "
         "end, PyTorch builds the same network (torch.nn, in float64), computes the gradients with autograd, and "
         "the notebook asserts that they equal the ones computed by hand. Run it from the top: it needs numpy and "
         "torch.")
TORCH_TEXT = ("## Checking with PyTorch\n\nThe same network built with `torch.nn` in float64, from the same starting "
              "values and the same samples: autograd computes the gradient of the loss, and every gradient must "
              "equal the one computed by hand above (relative difference at most 1e-9){update}.")
NO_UPDATE = ("> This notebook does not write out the {title} update by hand: PyTorch's `{torch}` computes it in "
             "the check below, which prints the new values.")
SEQUENTIAL = (" In the sequential update order the layers below the output layer are backpropagated through the "
              "updated weights, which autograd does not do: only the output layer's gradients, and the loss, are "
              "compared.")

SETUP = Template('''import numpy as np

np.set_printoptions(floatmode="unique", threshold=$rows, edgeitems=3, linewidth=10_000)  # a value a line
NETWORK = $name  # the network's name, as its file gives it (text)


def show(name, value):
    """Print name = value, with every digit of the float64; over a batch, one value per sample."""
    value = np.asarray(value, dtype=np.float64)
    text = repr(value.item()) if value.size == 1 else np.array2string(value, separator=", ")
    print(f"{name} = {text}")''')

VALUES = Template('''# $batch, one row each: the inputs out[0] and the targets
out = [np.array($inputs)] + [None] * $depth  # out[l]: the outputs of layer l (layer 0: the inputs)
target = np.array($targets)
net = [None] * $layers  # net[l]: the net inputs of layer l

LEARNING_RATE = $lr
${constants}TRAIN_BIASES = $train_biases

# W[l][j, i]: the weight from unit i of layer l − 1 into unit j of layer l; b[l][j]: the bias of unit j
W = [
    None,
$weights]
b = [
    None,
$biases]
W_start = [None] + [w.copy() for w in W[1:]]  # as the iteration starts (the update below changes W and b)
b_start = [None] + [v.copy() for v in b[1:]]''')

FUNCTIONS = Template('''# The activations: out = f(net), and ∂out/∂net where the backward pass multiplies by it.
$activations


activation = [None, $activation_list]  # of layers 1, 2, ...
derivative = [None, $derivative_list]
$helpers

def loss_terms(net, out, target):
    """$loss_doc"""
$loss_body


$delta_function$optimizer# What the backward pass computes, layer by layer (index l: layer l)
dE_dout, dout_dnet, delta = [None] * $layers, [None] * $layers, [None] * $layers
grad_W, grad_b = [None] * $layers, [None] * $layers''')

TORCH = Template('''import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # every number in float64, as above

model = nn.Sequential(
$modules)
linears = list(model[0::2])  # the nn.Linear of layers 1, 2, ...: net = W·out + b
with torch.no_grad():
    for l, linear in enumerate(linears, start=1):
        linear.weight.copy_(torch.from_numpy(W_start[l]))
        linear.bias.copy_(torch.from_numpy(b_start[l]))

$loss_fn

x, t = torch.from_numpy(out[0]), torch.from_numpy(target)
$forward
loss_torch = loss_fn($output, t)
model.zero_grad()
loss_torch.backward()
show("$loss_label (PyTorch)", loss_torch.item())
assert np.isclose(loss_torch.item(), E, $tolerance), "the loss"
assert np.allclose($output.detach().numpy(), $hand_output, $tolerance), "the outputs"
for l, linear in $checked_layers:
    assert np.allclose(linear.weight.grad.numpy(), grad_W[l], $tolerance), f"∂E/∂W of layer {l}"
    assert np.allclose(linear.bias.grad.numpy(), grad_b[l], $tolerance), f"∂E/∂b of layer {l}"
print(f"{NETWORK}: PyTorch's autograd gives the gradients computed by hand$checked.")''')

TORCH_UPDATE = Template('''# The update by torch.optim from the same starting values$state_words
optimizer = $optimizer
${buffers}optimizer.step()
$after''')

TORCH_SAME = Template('''for l, linear in enumerate(linears, start=1):
    assert np.allclose(linear.weight.detach().numpy(), W[l], $tolerance), f"W of layer {l} after the update"
    assert np.allclose(linear.bias.detach().numpy(), b[l], $tolerance), f"b of layer {l} after the update"
print(f"{NETWORK}: $torch_class updates every parameter as it was updated by hand.")''')


def _cell(kind: str, number: int, text: str) -> dict:
    lines = text.split("\n")
    cell = {"cell_type": kind, "id": f"cell-{number}", "metadata": {},
            "source": [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


class _Writer:
    def __init__(self, net: Setup, rec: Record, digits: int):
        self.net, self.rec, self.digits = net, rec, digits
        self.depth = net.depth
        self.shortened = document.is_shortened(net.sizes)
        self.batch = len(rec.samples)
        self.opt = net.optimizer
        try:
            self.constants, self.state, self.update = self.opt.numpy(self._starts())
        except NotImplementedError:  # an optimizer whose update the notebook cannot write out: torch does it
            self.constants = self.state = self.update = None
        self.cells: list[dict] = []
        self.attachments: dict[int, dict] = {}  # of the Markdown of a segment (the figure's)

    # -- helpers ------------------------------------------------------------------------------------
    def markdown(self, text: str, attachments: dict | None = None) -> None:
        cell = _cell("markdown", len(self.cells) + 1, text)
        if attachments:
            cell["attachments"] = attachments
        self.cells.append(cell)

    def code(self, text: str) -> None:
        self.cells.append(_cell("code", len(self.cells) + 1, text.strip("\n")))

    def show(self, key: Key, expression: str) -> str:
        return f"show({label(self.net, key)!r}, {expression})"

    def units(self, l: int) -> list[int]:
        return document.shown_units(self.net.sizes, l, self.shortened)

    def params(self, l: int):
        return document.written_parameters(self.net.sizes, l, self.shortened)

    @staticmethod
    def index(p) -> str:
        return f"[{p.layer}][{p.unit}, {p.source}]" if p.kind == "w" else f"[{p.layer}][{p.unit}]"

    def left_out(self, l: int, what: str) -> str:
        if len(self.units(l)) == self.net.sizes[l]:
            return ""
        return f"# (the other units of layer {l}: {what}, printed for the units the document writes out)\n"

    def _buffers_before(self):
        """Each buffer the optimizer kept as the iteration starts, layer by layer: (weights, biases); or None."""
        if not self.opt.buffers or not self.rec["has_state", 0]:
            return None
        shapes = Shapes(self.net.sizes)
        return [(shapes.weights(self.rec[b.name + "_before", 0]), shapes.biases(self.rec[b.name + "_before", 0]))
                for b in self.opt.buffers]

    def _starts(self):
        saved = self._buffers_before()
        if saved is None:
            return None
        return [("[\n    None,\n" + numpy_arrays(w) + "]", "[\n    None,\n" + numpy_arrays(b) + "]") for w, b in saved]

    # -- the notebook -------------------------------------------------------------------------------
    def write(self, doc: Document | None = None) -> dict:
        doc = doc or document.build(self.net, self.rec, self.digits)
        segments: list[tuple[str | None, int | None, list[str]]] = [(None, None, [doc_markdown.title(doc)])]
        section, h3 = None, 0
        for b in doc.blocks:
            if isinstance(b, Heading) and b.level == 2:
                section, h3 = b.text, 0
                segments.append((section, None, []))
            elif isinstance(b, Heading) and b.level == 3 and b.text == document.FEATURES:
                segments.append((section, None, []))  # the inputs' features: their values are the samples' input layer
            elif isinstance(b, Heading) and b.level == 3:
                h3 += 1
                segments.append((section, h3 if section == document.FORWARD else self.depth + 1 - h3, []))
            if isinstance(b, Figure):  # the notebook's own way to hold an image: an attachment of its cell
                segments[-1][2].append(doc_markdown.figure(b, f"attachment:{FIGURE}"))
                self.attachments[len(segments) - 1] = {FIGURE: {"image/svg+xml": doc_markdown.svg_base64(b)}}
            else:
                segments[-1][2].append(doc_markdown.block(b))
        for k, (section, layer, texts) in enumerate(segments):
            self.markdown("\n\n".join(texts), self.attachments.get(k))
            self.after_segment(section, layer)
        self.torch()
        return {"cells": self.cells, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}

    def after_segment(self, section: str | None, layer: int | None) -> None:
        if section is None:
            self.markdown(ABOUT.format(k=self.rec.iteration))
            self.code(SETUP.substitute(rows=document.SAMPLE_ROWS, name=repr(document.shown_name(self.net))))
        elif section == document.STARTING:
            self.code(self.values())
            self.code(self.functions())
        elif section == document.FORWARD and layer is not None:
            self.code(self.forward(layer))
        elif section == document.ERROR:
            self.code(self.loss())
        elif section == document.BACKWARD and layer is not None:
            self.code(self.backward(layer))
        elif section == document.AFTER:
            if self.update is None:
                self.markdown(NO_UPDATE.format(title=self.opt.title, torch=self.opt.torch_class))
            else:
                self.code(self.after())

    # -- the starting values and the functions -------------------------------------------------------
    def values(self) -> str:
        net, rec, depth = self.net, self.rec, self.depth
        params = rec.params_before()
        numbers = [str(int(s) + 1) for s in rec.samples]
        listed = ", ".join(numbers[: document.SAMPLE_ROWS]) + (", …" if len(numbers) > document.SAMPLE_ROWS else "")
        batch = f"The samples of iteration {rec.iteration:,}'s batch ({'sample' if self.batch == 1 else 'samples'} " \
                f"{listed} of the file)"
        return VALUES.substitute(
            batch=batch, depth=depth, layers=depth + 1,
            inputs=array_text(rec["out", 0], len("out = [np.array(")),
            targets=array_text(rec["target", depth], len("target = np.array(")),
            lr=exact(rec.lr),
            constants=self.constants or "",
            train_biases="True" if net.train_biases else "False  # the biases are frozen: they keep their values",
            weights=numpy_arrays(params.weights, [layer_comment(net, l) for l in range(1, depth + 1)]),
            biases=numpy_arrays(params.biases))

    def functions(self) -> str:
        net, loss, fused = self.net, self.net.loss_fn, self.net.fused
        derivatives = ["None" if l == self.depth and fused else f"{name}_derivative"
                       for l, name in enumerate(net.activations, start=1)]
        if fused is not None:
            delta = (f'def output_delta(net, out, target):\n    """δ = ∂E_s/∂net of the output layer in one piece '
                     f'({fused.why})."""\n{with_k(fused.numpy_delta)}\n\n\n')
        else:
            delta = (f'def loss_derivative(net, out, target):\n    """∂E_s/∂out of each output, one row per '
                     f'sample."""\n{with_k(loss.numpy_grad)}\n\n\n')
        optimizer = ""
        if self.update is not None:
            state = self.state.strip("\n")
            optimizer = (f"{state}\n\n\n" if state else "") + (f"def update(l, grad_W, grad_b, lr=LEARNING_RATE):\n"
                                                                     f"{self.update}\n\n\n")
        return FUNCTIONS.substitute(
            activations=numpy_activations(net),
            activation_list=", ".join(net.activations),
            derivative_list=", ".join(derivatives),
            helpers="".join(f"\n\n{text}\n" for text in loss.numpy_helpers),
            loss_doc=f"{net.loss}: E_s = Σ_k {loss.term_text()} per sample: the terms, one row per "
                     "sample.",
            loss_body=with_k(loss.numpy_terms),
            delta_function=delta,
            optimizer=optimizer,
            layers=self.depth + 1)

    # -- the forward pass and the loss ---------------------------------------------------------------
    def forward(self, l: int) -> str:
        act = self.net.activation(l)
        lines = [f"# {document.layer_title(self.net, l)}: each unit's net input (the weighted sum of the outputs "
                 f"below, plus its bias), then its output ({act.name})",
                 f"net[{l}] = out[{l - 1}] @ W[{l}].T + b[{l}]",
                 f"out[{l}] = activation[{l}](net[{l}])"]
        nets = [self.show(Key("net", l, j, sample=0), f"net[{l}][:, {j}]") for j in self.units(l)]
        outs = [self.show(Key("out", l, j, sample=0), f"out[{l}][:, {j}]") for j in self.units(l)]
        if act.elementwise:
            lines += [line for pair in zip(nets, outs) for line in pair]
        else:
            lines += nets + outs
        return "\n".join(lines) + "\n" + self.left_out(l, f"net[{l}], out[{l}]")

    def loss(self) -> str:
        L = self.depth
        lines = ["# Each output's error against its target, their sum (each sample's total error), and the loss of "
                 "the batch: their mean",
                 f"E_terms = loss_terms(net[{L}], out[{L}], target)",
                 "E_total = E_terms.sum(axis=1)",
                 "E = E_total.mean()"]
        lines += [self.show(Key("loss_term", L, k, sample=0), f"E_terms[:, {k}]") for k in self.units(L)]
        lines.append(self.show(Key("loss", L, sample=0), "E_total"))
        if self.batch > 1:
            lines.append(self.show(Key("batch_loss", L), "E"))
        return "\n".join(lines)

    # -- the backward pass and the update ------------------------------------------------------------
    def backward(self, l: int) -> str:
        net, L = self.net, self.depth
        fused = net.fused if l == L else None
        if fused is not None:
            lines = [f"# δ = ∂E/∂net of each output unit in one piece ({fused.why}), for each sample",
                     f"delta[{l}] = output_delta(net[{l}], out[{l}], target)"]
        else:
            if l == L:
                lines = ["# δ of each output unit, for each sample: ∂E/∂out (the loss's derivative) · ∂out/∂net (the "
                         "activation's)",
                         f"dE_dout[{l}] = loss_derivative(net[{l}], out[{l}], target)"]
            else:
                which = "updated (the sequential order)" if net.sequential else "of the forward pass"
                lines = [f"# ∂E/∂out of each unit: the sum over its paths into layer {l + 1}, δ there times the weight "
                         f"({which}); times ∂out/∂net: δ",
                         f"dE_dout[{l}] = delta[{l + 1}] @ W[{l + 1}]"]
            lines += [f"dout_dnet[{l}] = derivative[{l}](net[{l}], out[{l}])",
                      f"delta[{l}] = dE_dout[{l}] * dout_dnet[{l}]"]
        for j in self.units(l):
            if fused is None:
                lines.append(self.show(Key("dE_dout", l, j, sample=0), f"dE_dout[{l}][:, {j}]"))
                lines.append(self.show(Key("dout_dnet", l, j, sample=0), f"dout_dnet[{l}][:, {j}]"))
            lines.append(self.show(Key("delta", l, j, sample=0), f"delta[{l}][:, {j}]"))
        lines += ["# the gradients, the mean over the batch: ∂E/∂w (from unit i into unit j) = δ_j·out_i, "
                  "∂E/∂b_j = δ_j",
                  f"grad_W[{l}] = delta[{l}].T @ out[{l - 1}] / len(target)",
                  f"grad_b[{l}] = delta[{l}].sum(axis=0) / len(target)"]
        lines += [self.show(Key("grad_" + p.kind, l, p.unit, p.source), f"grad_{ARRAY[p.kind]}{self.index(p)}")
                  for p in self.params(l)]
        text = "\n".join(lines) + "\n" + self.left_out(l, f"δ in delta[{l}], the gradients in grad_W[{l}], "
                                                       f"grad_b[{l}]")
        if net.sequential and self.update is not None:
            text += ("# the sequential order: this layer is updated now, so the layer below is backpropagated "
                     "through its new weights\n" f"update({l}, grad_W[{l}], grad_b[{l}])\n" + self.updated([l]))
        return text

    def updated(self, layers) -> str:
        """The show() lines of the new values (the optimizer's buffers, then the parameters) of the
        parameters the document writes out."""
        lines = []
        for l in layers:
            for p in self.params(l):
                if p.kind == "b" and not self.net.train_biases:
                    continue
                for buffer in self.opt.buffers:
                    if buffer.counts:  # a step count: the same t for every parameter, said in the update
                        continue
                    name = f"{buffer.name}_{ARRAY[p.kind]}"
                    if name in self.state:  # as the optimizer's NumPy source names it
                        lines.append(self.show(Key(f"{buffer.name}_{p.kind}", l, p.unit, p.source),
                                               f"{name}{self.index(p)}"))
                lines.append(self.show(Key(p.kind, l, p.unit, p.source), f"{ARRAY[p.kind]}{self.index(p)}"))
        return "\n".join(lines) + "\n"

    def after(self) -> str:
        L = self.depth
        text = ""
        if not self.net.sequential:
            text += ("# The update of every parameter, now that every gradient is known (each computed with the "
                     f"weights of the forward pass)\nfor l in range(1, {L + 1}):\n"
                     "    update(l, grad_W[l], grad_b[l])\n" + self.updated(range(1, L + 1)))
        what = "E_total" if self.batch == 1 else "E"
        text += ("# The forward pass again, with the new parameters: the loss of the same batch after the update\n"
                 f"o = out[0]\nfor l in range(1, {L + 1}):\n    n = o @ W[l].T + b[l]\n    o = activation[l](n)\n"
                 "E_after = loss_terms(n, o, target).sum(axis=1).mean()\n"
                 f"show({what + ' after the update'!r}, E_after)")
        return text

    # -- the check with PyTorch -------------------------------------------------------------------
    def torch(self) -> None:
        net, L, opt = self.net, self.depth, self.opt
        simultaneous = not net.sequential
        hand = self.update is not None
        words = ""
        if hand and simultaneous:
            words = f"; then `{opt.torch_class}` updates them, and each must equal the one updated by hand"
        elif not hand:
            words = f"; then `{opt.torch_class}` updates them"
        self.markdown(TORCH_TEXT.format(update=words) + ("" if simultaneous or L == 1 else SEQUENTIAL))
        modules = "".join(f"    nn.Linear({net.sizes[l - 1]}, {net.sizes[l]}), {net.activation(l).torch_module},"
                          f"  # {layer_comment(net, l)}\n" for l in range(1, L + 1))
        on_net = net.loss_fn.torch_on_net
        checked = "enumerate(linears, start=1)" if simultaneous else f"[({L}, linears[-1])]"  # the output layer
        self.code(TORCH.substitute(
            modules=modules, loss_fn=net.loss_fn.torch_loss,
            forward=(f"output = model[:-1](x)  # the output layer's net inputs: {on_net}" if on_net
                     else "output = model(x)"),
            output="output", hand_output=f"net[{L}]" if on_net else f"out[{L}]",
            loss_label="E_total" if self.batch == 1 else "E", tolerance=TOLERANCE,
            checked="" if simultaneous else " for the output layer", checked_layers=checked,
        ))
        params = "model.parameters()" if net.train_biases else "[linear.weight for linear in linears]"
        buffers = ""
        saved = self._buffers_before()
        if saved is not None:
            lines = [f"# where the training stood: {opt.torch_class}'s {' and '.join(b.title for b in opt.buffers)}"]
            lines += torch_state_lines(opt, saved, L, net.train_biases, lambda l: f"linears[{l}]")
            buffers = "\n".join(lines) + "\n"
        if hand and simultaneous:
            after = TORCH_SAME.substitute(tolerance=TOLERANCE, torch_class=opt.torch_class)
        elif not hand:
            lines = []
            for l in range(1, L + 1):
                for p in self.params(l):
                    if p.kind == "w" or net.train_biases:
                        what = "weight" if p.kind == "w" else "bias"
                        index = f"[{p.unit}, {p.source}]" if p.kind == "w" else f"[{p.unit}]"
                        lines.append(self.show(Key(p.kind, l, p.unit, p.source),
                                               f"linears[{l - 1}].{what}.detach().numpy(){index}"))
            after = "\n".join(lines)
        else:
            return  # the sequential order: no torch.optim step does it
        self.code(TORCH_UPDATE.substitute(
            state_words=" (and where the training stood)" if saved is not None else "",
            optimizer=opt.torch(params, exact(self.rec.lr)), buffers=buffers, after=after))


def problem(net: Setup) -> str | None:
    """Why the notebook cannot write out this network's iteration (None if it can): its
    hand-computed gradients and loss have no penalty term yet, so a regularized network's would
    print numbers that are not its own."""
    if net.penalty is not None:
        return (f"the notebook does not write out the {net.penalty.title} yet: export the NumPy script, which "
                "writes out every step of its update, or leave the regularization out")
    return None


def notebook(net: Setup, rec: Record, digits: int = 9, doc: Document | None = None) -> str:
    """The notebook of the recorded iteration `rec` of `net` (its Markdown's numbers to `digits`
    significant digits), as the text of an .ipynb file; `doc`: its document, if built already."""
    why = problem(net)
    if why is not None:
        raise ValueError(why)
    return json.dumps(_Writer(net, rec, digits).write(doc), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_steps(net: Setup, rec: Record, digits: int, save: Callable[[str], None]) -> Iterator[Progress]:
    """Write the notebook of `rec` and `save` its text, yielding progress between the stages (the
    window runs it as a job, a stage at a time): as explain.write_steps does for a document.
    ValueError (`problem`) before any work if it cannot."""
    why = problem(net)
    if why is not None:
        raise ValueError(why)
    doc = document.build(net, rec, digits)
    yield Progress(1, 3)
    text = notebook(net, rec, digits, doc)
    yield Progress(2, 3)
    save(text)
    yield Progress(3, 3)


def code_of(text: str) -> str:
    """The code cells of a notebook's text, one after another: what running it top to bottom runs."""
    cells = json.loads(text)["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code") + "\n"


__all__ = ["FORMAT", "SUFFIX", "TITLE", "code_of", "notebook", "write_steps"]
