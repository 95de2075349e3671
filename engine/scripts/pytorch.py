"""The PyTorch script (engine.scripts.pyexport): torch.nn layers in float64, torch's loss modules,
the penalty added to the loss in torch ops, autograd, the torch.optim optimizer and its scheduler;
the sequential update order as an explicit loop over the layers."""
from __future__ import annotations

from string import Template

import numpy as np

from engine.concepts.formula import exact
from engine.network.network import Network
from engine.text import pysource
from engine.scripts.common import (array_text, _batches, first_iteration, _header, _inputs, layer_comment,
                                   _saved_buffers, _values)

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
                                   f"{net.loss_fn.term_text()} per sample, averaged over the batch."),
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
