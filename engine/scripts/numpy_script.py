"""The NumPy script (engine.scripts.pyexport): the forward pass, backward pass, penalty, learning rate
and update written out in the engine's own operations, in the engine's order (its losses are the
engine's, usually bit for bit)."""
from __future__ import annotations

import re
import textwrap
from string import Template

from engine.concepts.activations import ACTIVATIONS
from engine.network.network import Network
from engine.scripts.common import array_text, _batches, _header, _inputs, layer_comment, _saved_buffers, _values

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
    loss_text = loss.term_text()
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
