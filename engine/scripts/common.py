"""What both scripts share (engine.scripts.pyexport): literals and arrays written exactly, the
opening comment, the inputs, the cycle of mini-batches, the values a script starts from, and how
both end (the loss, and the penalty with one, of every iteration)."""
from __future__ import annotations

import os
import textwrap
from string import Template

import numpy as np

from engine.files import presets
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


# How both scripts end: the loss (and penalty) of every iteration printed, stopping as the app stops.
TRAINING_LOOP = Template('''print("$columns")
for iteration in range(FIRST_ITERATION, FIRST_ITERATION + ITERATIONS):
    $result = $call
    print(f"$row")
    if not math.isfinite(loss):
        sys.exit(f"iteration {iteration}: the loss is {loss}: training stops here, as in the app")
$after''')
