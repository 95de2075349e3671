"""A network as a Python script that trains it without the app: PyTorch or plain NumPy.

`script(net, "pytorch" | "numpy")` writes one self-contained, readable file that builds the
same network (weights and biases written exactly with repr, the samples, the activations,
the loss, the optimizer with its learning rate and settings, the penalty and the schedule, the
cycle of mini-batches, frozen biases, the update order, and where a saved network's training
stopped), trains it and prints `iteration,loss` (and `penalty` with a penalty) as CSV: the batch
loss of each iteration's forward pass, before its update, written with repr, as the loss history
of `python -m engine train --history` has it.

PyTorch: torch.nn layers in float64, torch's loss modules (half_sse has none: it is written in
torch ops), the penalty added to the loss in torch ops, autograd, the torch.optim optimizer and
the torch.optim.lr_scheduler scheduler stepped after every update; the sequential update order,
which no optimizer step does, is an explicit loop over the layers. NumPy: the forward pass,
backward pass, penalty, learning rate and update written out in the engine's own operations, in
the engine's order (so its losses are the engine's, usually bit for bit).

A script cannot import the engine, so the maths of each activation and loss is written in it
once more, as source text: each activation and loss holds its own (`Activation.torch_module`,
`numpy_fn`, `numpy_grad`; `Loss.torch_loss`, `numpy_terms`, `numpy_grad`, `numpy_helpers`,
`Fused.numpy_delta`), and tests/engine/scripts/test_script_export.py checks that the NumPy texts compute
exactly the engine's functions.
"""
from __future__ import annotations

import os
import re
import textwrap
from string import Template

import numpy as np

from engine.files import presets
from engine.concepts.activations import ACTIVATIONS
from engine.concepts.features import raw_name
from engine.concepts.formula import exact
from engine.network.maths import Shapes
from engine.network.naming import unit_name
from engine.network.network import Network, summary
from engine.text import pysource

FORMATS = {"pytorch": "PyTorch", "numpy": "NumPy"}  # the formats, and their names in messages
DEFAULT_ITERATIONS = 100
WIDTH = 100  # of the lines written (a long matrix gets a row per line)

# -- numbers and arrays, written exactly ----------------------------------------------------------
def literal(values) -> str:
    """A float or a nested list of floats as Python source, each number exact (repr; 0, never −0)."""
    if isinstance(values, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in values) + "]"
    return exact(values)


def array_text(values, column: int, indent: int = 0) -> str:
    """A vector or matrix as one line starting at `column`, or, if that is too long, one row
    per line, long rows and vectors wrapped (for a statement indented by `indent`)."""
    values = np.asarray(values, dtype=np.float64).tolist()
    one_line = literal(values)
    if column + len(one_line) <= WIDTH or not values:
        return one_line
    inner = " " * (indent + 4)
    if isinstance(values[0], list):
        lines = [array_text(row, len(inner), len(inner)) + "," for row in values]
    else:
        lines = textwrap.wrap(", ".join(literal(v) for v in values) + ",", WIDTH - len(inner),
                              break_long_words=False, break_on_hyphens=False)
    return "[\n" + "".join(f"{inner}{line}\n" for line in lines) + " " * indent + "]"


# -- what both scripts say about the network --------------------------------------------------------
def _layer_names(net: Network, l: int) -> str:
    """The units of layer l as the app names them: i1–i2, h1–h3, o1."""
    first, last = unit_name(net.sizes, l, 0), unit_name(net.sizes, l, net.sizes[l] - 1)
    return first if first == last else f"{first}–{last}"


def layer_comment(net: Network, l: int) -> str:
    return f"layer {l}: {_layer_names(net, l - 1)} → {_layer_names(net, l)}"


def source_text(spec: str) -> str:
    """Where a network came from, as the opening comment says it: a preset by name, a file by
    its path (as given)."""
    if spec and not os.path.exists(spec) and spec in presets.names():
        return f"the preset {spec}"
    return spec


def first_iteration(net: Network) -> int:
    """The iteration the network's parameters start: 1, or where a saved network stopped."""
    return 1 if net.state is None else net.state.iteration


def _header(net: Network, fmt: str, kind: str, needs: str, iterations: int, source: str, filename: str) -> str:
    title = net.name or (source and os.path.basename(source)) or "A network"
    start = first_iteration(net)
    where = f"from {source_text(source)}" if source else "from a network of its own"
    if start > 1:
        where += f", as iteration {start:,} starts (with its {net.optimizer.state_words} and place in the batch cycle)"
    texts = [
        title,
        summary(net),
        net.description or None,
        "",
        f"Written by Backprop Stepper {where}. {kind} It trains the network and prints "
        f"iteration,loss as CSV: the batch loss of each iteration's forward pass, before its update, "
        f"as the app's loss history holds it for the same iterations "
        f"(python -m engine train NETWORK --iterations N --history H.csv).",
        f"Run it with: python3 {filename or 'SCRIPT.py'} [ITERATIONS] > loss.csv   "
        f"(needs {needs}; {iterations:,} iterations unless told)",
    ]
    # two fixed first lines, then the network's texts: none of them can declare an encoding (PEP 263)
    return pysource.header(f"Backprop Stepper: a {FORMATS[fmt]} script that trains the network below.",
                           *texts, width=WIDTH)


def _batches(net: Network) -> str:
    """The body of batch(iteration): the samples an iteration uses (Setup.batch_indices)."""
    if net.batch_size is None:
        return ('    """Every sample, in every iteration."""\n'
                "    return inputs, targets")
    return (f'    """The next {net.batch_size} samples in order, wrapping around: iteration 1 takes the first."""\n'
            f"    rows = [((iteration - 1) * BATCH_SIZE + k) % len(inputs) for k in range(BATCH_SIZE)]\n"
            f"    return inputs[rows], targets[rows]")


def _inputs(net: Network, module: str, make: str) -> str:
    """The statement that makes the inputs: the samples' own, or with input features, their
    raw inputs and a function that computes the features of them (`Feature.source`)."""
    if not net.features:
        return f"inputs = {make}(" + array_text(net.inputs, len(f"inputs = {make}(")) + ")"
    stack = "np.stack" if module == "np" else "torch.stack"
    axis = "axis" if module == "np" else "dim"
    lines = [f"        {f.source(module, lambda i: f'x[:, {i}]')},  # {net.input_name(j)}"
             for j, f in enumerate(net.features)]
    raw = ", ".join(raw_name(i) for i in range(net.raw_width))
    return (f"# Their raw inputs ({raw}); the input units are features of them.\n"
            f"raw_inputs = {make}(" + array_text(net.inputs, len(f"raw_inputs = {make}(")) + ")\n\n\n"
            "def features(x):\n"
            '    """The input units of raw inputs x (one row each): one column per feature."""\n'
            f"    return {stack}([\n" + "\n".join(lines) + f"\n    ], {axis}=1)\n\n\n"
            "inputs = features(raw_inputs)")


def _values(net: Network, iterations: int, fmt: str) -> dict:
    """What both templates fill in alike."""
    penalty = net.penalty
    return {
        "first": str(first_iteration(net)),
        "iterations": str(iterations),
        "batch_size": "" if net.batch_size is None else f"BATCH_SIZE = {net.batch_size}\n",
        "lr": exact(net.learning_rate),
        "penalty_constants": "" if penalty is None else f"STRENGTH = {exact(penalty.strength)}  # λ of the "
                                                         f"{penalty.title}, {penalty.sum_text}\n",
        "training_loop": _training_loop(net, fmt),
    }


def _training_loop(net: Network, fmt: str) -> str:
    """How both scripts end: the loss (and penalty) of every iteration printed, stopping as the app stops."""
    penalized = net.penalty is not None
    if fmt == "pytorch":
        call = "train_step(*batch(iteration))"
        after = "    scheduler.step()  # the learning rate of the next iteration\n" if net.schedule else ""
    else:
        call, after = "train_step(*batch(iteration), learning_rate(iteration))", ""
    return TRAINING_LOOP.substitute(
        columns="iteration,loss,penalty" if penalized else "iteration,loss",
        result="loss, penalty" if penalized else "loss",
        call=call,
        row="{iteration},{loss!r},{penalty!r}" if penalized else "{iteration},{loss!r}",
        after=after)


def _saved_buffers(net: Network) -> list[tuple[list, list]] | None:
    """Each buffer the optimizer kept where a saved network's training stopped (the momentum
    buffer), layer by layer: (weights, biases); or None."""
    if net.state is None or net.state.optimizer_state is None or not net.optimizer.buffers:
        return None
    shapes = Shapes(net.sizes)
    return [(shapes.weights(row), shapes.biases(row)) for row in net.state.optimizer_state]


# -- PyTorch ---------------------------------------------------------------------------------------
# How both scripts end: the loss (and penalty) of every iteration printed, stopping as the app stops.
TRAINING_LOOP = Template('''print("$columns")
for iteration in range(FIRST_ITERATION, FIRST_ITERATION + ITERATIONS):
    $result = $call
    print(f"$row")
    if not math.isfinite(loss):
        sys.exit(f"iteration {iteration}: the loss is {loss}: training stops here, as in the app")
$after''')

TORCH = Template('''$header

import math
import sys

import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # every number in float64, as the app computes them
torch.set_num_threads(1)  # a small network: threads would cost more than they save

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else $iterations
FIRST_ITERATION = $first  # the iteration these weights start (its number places the batch cycle too)
$batch_size$penalty_constants
# The network: each layer an nn.Linear (net = W·out + b) followed by its activation (out = f(net)).
model = nn.Sequential(
$modules)
layers = list(zip(model[0::2], model[1::2]))  # (nn.Linear, activation) of layers 1, 2, ...

# Its start values, exactly. weight[j][i]: from unit i of the layer below into unit j.
with torch.no_grad():
$parameters
$frozen
# The samples, one row each.
$inputs
targets = torch.tensor($targets)

$loss_text
$loss_fn
$penalty_fn
optimizer = $optimizer
$buffers$scheduler

def batch(iteration):
$batch


$train_step


$training_loop''')

TORCH_SIMULTANEOUS = Template('''def train_step(x, target):
    """One iteration: the forward pass, the batch loss, every gradient by autograd (with the
    weights of the forward pass), then the $optimizer_title update of every trained parameter."""
    $forward
    loss = loss_fn($output, target)
    optimizer.zero_grad()
$backward
    optimizer.step()
    return $returned''')

TORCH_SEQUENTIAL = Template('''def train_step(x, target):
    """One iteration in the sequential update order (the worked example's article): each layer is
    updated right after its gradient is computed, and the layer below is then backpropagated
    through the UPDATED weights w⁺. That is not gradient descent on the loss (every gradient
    should use the weights of the forward pass), and no optimizer step does it, since
    loss.backward() computes every gradient first; so the backward pass is written out layer by
    layer, autograd computing each piece and optimizer.step() updating one layer at a time."""
    # the forward pass, keeping each layer's input, net input and output
    ins, nets, outs = [], [], []
    out = x
    for linear, activation in layers:
        ins.append(out)
        nets.append(linear(out))
        out = activation(nets[-1])
        outs.append(out)
    loss = loss_fn($loss_input, target)
$penalty_value    # δ of the output layer: ∂loss/∂net (the loss is the batch mean: each sample's δ over the batch size)
    (delta,) = torch.autograd.grad(loss, nets[-1], retain_graph=True)
    for l in reversed(range(len(layers))):
        linear = layers[l][0]
        # this layer's gradient from δ and its input: only its parameters get a .grad, so
        # optimizer.step() updates this layer alone
        optimizer.zero_grad()
        linear(ins[l].detach()).backward(delta)
$layer_penalty        optimizer.step()
        if l:
            # ∂loss/∂out of the layer below, through the weights just updated (the sequential
            # order), then δ of that layer by autograd through its activation
            dout = delta @ linear.weight.detach()
            (delta,) = torch.autograd.grad(outs[l - 1], nets[l - 1], grad_outputs=dout, retain_graph=True)
    return $returned''')


def _pytorch(net: Network, iterations: int, source: str, filename: str) -> str:
    depth, on_net = net.depth, net.loss_fn.torch_on_net
    modules = []
    for l in range(1, depth + 1):
        line = f"    nn.Linear({net.sizes[l - 1]}, {net.sizes[l]}), {net.activation(l).torch_module},"
        modules.append(f"{line}  # {layer_comment(net, l)}")
    parameters = []
    for l in range(depth):
        for kind, values in (("weight", net.weights[l]), ("bias", net.biases[l])):
            start = f"    model[{2 * l}].{kind}.copy_(torch.tensor("
            parameters.append(start + array_text(values, len(start), 4) + "))")
    frozen = ""
    if not net.train_biases:
        frozen = ("\n# The biases are frozen (train_biases false): no gradient, not given to the optimizer.\n"
                  "for linear, activation in layers:\n"
                  "    linear.bias.requires_grad_(False)\n")
    saved = _saved_buffers(net)
    buffer_lines = ""
    if saved is not None:
        opt = net.optimizer
        lines = [f"# Where the saved training stopped: {opt.torch_class}'s state of each parameter "
                 f"({opt.state_words})."]
        lines += torch_state_lines(opt, saved, depth, net.train_biases, lambda l: f"model[{2 * l}]")
        buffer_lines = "\n".join(lines) + "\n"
    scheduler = ""
    if net.schedule is not None:
        scheduler = (f"\n# The learning rate of each iteration: {net.schedule.title}, the scheduler stepped after every "
                     f"update.\nscheduler = {net.schedule.torch('optimizer')}\n")
        if first_iteration(net) > 1:
            scheduler += ("# where the saved training stopped, with the learning rate of that iteration\n"
                          "scheduler.last_epoch = FIRST_ITERATION - 1\nfor group in optimizer.param_groups:\n"
                          f"    group[\"lr\"] = {exact(net.lr_at(first_iteration(net)))}\n")
    penalty_fn, backward, returned = "", "    loss.backward()", "loss.item()"
    penalty_value = layer_penalty = ""
    if net.penalty is not None:
        penalty_fn = (f"\n\ndef penalty_of(weights):\n    \"\"\"The {net.penalty.title} of the weights (never the biases): "
                      f"{net.penalty.sum_text}.\"\"\"\n    return {net.penalty.torch('weights')}\n\n")
        backward = ("    penalty_value = penalty_of([linear.weight for linear, activation in layers])\n"
                    "    (loss + penalty_value).backward()  # what the gradient descends: the loss and the penalty")
        returned = "loss.item(), penalty_value.item()"
        penalty_value = ("    # the penalty of the weights the iteration starts from\n"
                         "    penalty_value = penalty_of([linear.weight for linear, activation in layers])\n")
        layer_penalty = "        penalty_of([linear.weight]).backward()  # its gradient, added: this layer's weights before their update\n"
    # softmax + cross-entropy: torch's loss takes the net inputs and applies the softmax itself
    forward = f"net = model[:-1](x)  # the output layer's net inputs: {on_net}" if on_net else "out = model(x)"
    step = (TORCH_SEQUENTIAL.substitute(loss_input="nets[-1]" if on_net else "outs[-1]", penalty_value=penalty_value,
                                        layer_penalty=layer_penalty, returned=returned) if net.sequential
            else TORCH_SIMULTANEOUS.substitute(forward=forward, output="net" if on_net else "out",
                                               optimizer_title=net.optimizer.title, backward=backward,
                                               returned=returned))
    return TORCH.substitute(
        _values(net, iterations, "pytorch"),
        header=_header(net, "pytorch",
                       f"The same network in PyTorch: torch.nn in float64, autograd and {net.optimizer.torch_class}.",
                       "torch", iterations, source, filename),
        modules="\n".join(modules) + "\n",
        parameters="\n".join(parameters),
        frozen=frozen,
        inputs=_inputs(net, "torch", "torch.tensor"),
        targets=array_text(net.targets, len("targets = torch.tensor(")),
        loss_text=pysource.comment(f"The loss of a batch: {net.loss}, E_s = Σ_k "
                                   f"{net.loss_fn.text('t_k', 'o_k', 'K')} per sample, averaged over the batch."),
        loss_fn=net.loss_fn.torch_loss,
        penalty_fn=penalty_fn,
        scheduler=scheduler,
        optimizer=net.optimizer.torch("model.parameters()" if net.train_biases
                                      else "[p for p in model.parameters() if p.requires_grad]",
                                      exact(net.learning_rate)),
        buffers=buffer_lines,
        batch=_batches(net),
        train_step=step,
    )


# -- NumPy -----------------------------------------------------------------------------------------
NUMPY = Template('''$header

import math
import sys

import numpy as np

np.seterr(all="ignore")  # as in the app: an overflow gives inf (sigmoid(−800) = 0), then the loss check stops

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else $iterations
FIRST_ITERATION = $first  # the iteration these weights start (its number places the batch cycle too)
LEARNING_RATE = $lr
${optimizer_constants}${penalty_constants}TRAIN_BIASES = $train_biases
$batch_size
# The weights W[l][j, i], from unit i of layer l into unit j of layer l + 1 (layer 0: the inputs),
# and the biases b[l][j], exactly.
W = [
$weights]
b = [
$biases]

# The samples, one row each.
$inputs
targets = np.array($targets)


# The activations: out = f(net), and its derivative ∂out/∂net.
$activations


activation = [$activation_list]  # of layers 1, 2, ...
derivative = [$derivative_list]$derivative_note
$helpers

def batch_loss(net, out, target):
    \"\"\"$loss_doc\"\"\"
$loss_body


def output_delta(net, out, target):
    \"\"\"$delta_doc\"\"\"
$delta_body
$optimizer_state

def update(l, grad_W, grad_b, lr):
$update


def learning_rate(iteration):
    \"\"\"$lr_doc\"\"\"
    return $lr_expression


def batch(iteration):
$batch


def train_step(x, target, lr):
    \"\"\"One iteration: the forward pass, the loss, the backward pass, the update ($order order).\"\"\"
$penalty_value    # the forward pass, layer by layer: net = out·Wᵀ + b (out of the layer below), out = f(net)
    nets, outs = [], [x]
    for l in range(len(W)):
        nets.append(outs[l] @ W[l].T + b[l])
        outs.append(activation[l](nets[l]))
    loss = batch_loss(nets[-1], outs[-1], target)
    if not math.isfinite(loss):
        return $returned  # no update from a loss that is not a number
    # the backward pass, from the output layer down: δ = ∂E_s/∂net of each sample (one row each);
    # the gradients are batch means
    delta = output_delta(nets[-1], outs[-1], target)
    grad_W, grad_b = [None] * len(W), [None] * len(W)
    for l in reversed(range(len(W))):
        grad_W[l] = delta.T @ outs[l] / len(x)  # ∂E/∂W[l]: δ times the out of the unit below
        grad_b[l] = delta.sum(axis=0) / len(x)  # ∂E/∂b[l]: δ
$penalty_gradient$sequential_update        if l:
            # ∂E_s/∂out of the layer below: the sum over its paths through W[l]; times ∂out/∂net: δ
            delta = (delta @ W[l]) * derivative[l - 1](nets[l - 1], outs[l])
$simultaneous_update    return $returned


$training_loop''')

def torch_state_lines(opt, saved, depth: int, train_biases: bool, layer) -> list[str]:
    """The statements that give torch.optim's state of each parameter the values of the saved
    buffers (`saved`: (weights, biases) per kept buffer); `layer(l)` names the nn.Linear of layer
    l + 1. The scripts and the notebook use them."""
    lines = []
    for buffer, (weights, biases) in zip(opt.buffers, saved):
        for l in range(depth):
            kinds = [("weight", weights[l])] + ([("bias", biases[l])] if train_biases else [])
            for kind, values in kinds:
                start = f'optimizer.state[{layer(l)}.{kind}]["{buffer.torch_key}"] = torch.tensor('
                if buffer.counts:  # torch keeps one count per tensor
                    lines.append(f"{start}{exact(float(np.ravel(values)[0]))})")
                else:
                    lines.append(start + array_text(values, len(start)) + ")")
                for key, value, why in opt.torch_extra_state:
                    lines.append(f'optimizer.state[{layer(l)}.{kind}]["{key}"] = {value}  # {why}')
    return lines


def numpy_arrays(arrays, comments=None) -> str:
    """Each array as a line `    np.array(...),` (with its comment), exactly."""
    out = []
    for k, a in enumerate(arrays):
        start = "    np.array("
        line = f"{start}{array_text(a, len(start), 4)}),"
        out.append(line + (f"  # {comments[k]}" if comments else ""))
    return "\n".join(out) + "\n"


def with_k(expression: str) -> str:
    """A function body returning `expression`, with K (the number of outputs) if it needs it."""
    k = "    K = out.shape[1]  # the number of outputs\n" if re.search(r"\bK\b", expression) else ""
    return f"{k}    return {expression}"


def numpy_activations(net: Network) -> str:
    """The NumPy source of each activation the network uses, `def NAME(net)`, and of its
    derivative, `def NAME_derivative(net, out)`, where the backward pass multiplies by it (not
    where the output layer's δ comes in one piece): each activation's own texts."""
    functions = []
    for name in dict.fromkeys(net.activations):  # each activation once, in order
        act = ACTIVATIONS[name]
        functions.append(f"def {name}(net):\n" + textwrap.indent(act.numpy_fn, "    "))
        if act.numpy_grad is not None and name in net.activations[:-1] + ([] if net.fused else net.activations[-1:]):
            functions.append(f"def {name}_derivative(net, out):\n" + textwrap.indent(act.numpy_grad, "    "))
    return "\n\n\n".join(functions)


def _numpy(net: Network, iterations: int, source: str, filename: str) -> str:
    depth = net.depth
    derivatives = []
    for l, name in enumerate(net.activations, start=1):
        derivatives.append("None" if l == depth and net.fused else f"{name}_derivative")
    loss = net.loss_fn
    terms = loss.numpy_terms
    helpers = "".join(f"\n\n{text}\n" for text in loss.numpy_helpers)
    loss_text = loss.text("t_k", "o_k", "K")
    if net.fused is not None:
        delta = net.fused.numpy_delta
        delta_doc = f"δ = ∂E_s/∂net of the output layer in one piece ({net.fused.why})."
    else:
        delta = f"({loss.numpy_grad}) * derivative[-1](net, out)"
        delta_doc = "δ = ∂E_s/∂net of the output layer: ∂E_s/∂out · ∂out/∂net."
    saved = _saved_buffers(net)
    starts = None if saved is None else [("[\n" + numpy_arrays(w) + "]", "[\n" + numpy_arrays(b) + "]")
                                         for w, b in saved]
    constants, state, update = net.optimizer.numpy(starts)
    sequential_update = simultaneous_update = ""
    if net.sequential:
        sequential_update = ("        # the sequential order: this layer is updated now, so the layer below is\n"
                             "        # backpropagated through the new weights W[l]⁺ (not gradient descent on E)\n"
                             "        update(l, grad_W[l], grad_b[l], lr)\n")
    else:
        simultaneous_update = ("    # the update, once every gradient is known (from the weights of the forward pass)\n"
                               "    for l in range(len(W)):\n"
                               "        update(l, grad_W[l], grad_b[l], lr)\n")
    penalty_value = penalty_gradient = ""
    returned = "loss"
    if net.penalty is not None:
        penalty_value = ("    # the penalty of the weights the iteration starts from (never the biases)\n"
                         "    weights = np.concatenate([w.ravel() for w in W])\n"
                         f"    penalty = {net.penalty.numpy_value('weights')}\n")
        penalty_gradient = (f"        grad_W[l] += {net.penalty.numpy_gradient('W[l]')}  # ∂E/∂W[l]: the penalty's "
                            f"term too (the weights before their update)\n")
        returned = "loss, penalty"
    if net.schedule is None:
        lr_doc, lr_expression = "The learning rate, the same in every iteration.", "LEARNING_RATE"
    else:
        lr_doc = f"The learning rate of the iteration: {net.schedule.title}, as {net.schedule.torch_class}."
        lr_expression = net.schedule.numpy("LEARNING_RATE", "iteration")
    return NUMPY.substitute(
        _values(net, iterations, "numpy"),
        penalty_value=penalty_value,
        penalty_gradient=penalty_gradient,
        returned=returned,
        lr_doc=lr_doc,
        lr_expression=lr_expression,
        header=_header(net, "numpy", "The same network in plain NumPy, its forward pass, backward pass and update "
                       "written out.", "numpy", iterations, source, filename),
        optimizer_constants=constants,
        train_biases=("True" if net.train_biases
                      else "False  # the biases are frozen: they keep their values"),
        weights=numpy_arrays(net.weights, [layer_comment(net, l) for l in range(1, depth + 1)]),
        biases=numpy_arrays(net.biases),
        inputs=_inputs(net, "np", "np.array"),
        targets=array_text(net.targets, len("targets = np.array(")),
        activations=numpy_activations(net),
        activation_list=", ".join(net.activations),
        derivative_list=", ".join(derivatives),
        derivative_note="  # softmax: its δ comes in one piece (output_delta)" if derivatives[-1] == "None" else "",
        helpers=helpers,
        loss_doc=f"{net.loss}: E_s = Σ_k {loss_text} per sample; the batch loss is their mean.",
        loss_body=with_k(f"float(({terms}).sum()) / len(target)"),
        delta_doc=delta_doc,
        delta_body=with_k(delta),
        optimizer_state=state,
        update=update,
        batch=_batches(net),
        order=net.update_order,
        sequential_update=sequential_update,
        simultaneous_update=simultaneous_update,
    )


def script(net: Network, fmt: str, iterations: int = DEFAULT_ITERATIONS, source: str = "",
           filename: str = "") -> str:
    """The script of `net` in `fmt` (FORMATS), training `iterations` times unless its command
    line says otherwise. `source`: where the network came from (a file or a preset name),
    `filename`: the script's own name, both for its opening comment."""
    if fmt == "pytorch":
        return _pytorch(net, iterations, source, filename)
    if fmt == "numpy":
        return _numpy(net, iterations, source, filename)
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, found {fmt!r}")
