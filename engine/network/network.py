"""A network: its configuration and data (`Setup`) and, in a file, its parameter values.

`Setup` is everything training needs except the values of the weights and biases: the
shape, the activations, the loss, the learning rate and the optimizer (with its settings), the
penalty the weights pay and the learning rate's schedule (if any), and the samples (and the test
samples, held out: never trained on, only evaluated). A `Network` is a
Setup with the weights and biases it starts from: what a network file holds. A training
session keeps the Setup and keeps the parameter values apart (`maths.Params`), so that no
stale copy of them is ever read.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engine.concepts.activations import ACTIVATIONS, Activation
from engine.concepts.losses import LOSSES, Fused, Loss
from engine.concepts.optimizers import DEFAULT as DEFAULT_OPTIMIZER, Optimizer

if TYPE_CHECKING:  # imported when a file names one (engine.files.netfile): none of the presets does
    from engine.concepts.penalties import Penalty
    from engine.concepts.schedules import Schedule
    from engine.network.naming import Param

UPDATE_ORDERS = ("simultaneous", "sequential")
UPDATE_ORDER_NOTE = (
    "In the simultaneous order (PyTorch's) every gradient is computed with the weights of the forward pass, "
    "then all weights are updated. In the sequential order each layer is updated right after its backward "
    "pass, so the layers below it are backpropagated through the already-updated weights (w⁺): the worked "
    "example's article did this, which is why it prints a loss of 0.291027924 after the first update where "
    "the simultaneous order gives 0.291027774.")


# -- the rules a value must follow, wherever it comes from (a file, the editor, a table) ----------
def learning_rate_problem(value: float) -> str | None:
    return None if value > 0 else f"must be positive, found {value}"


def target_problem(loss: str, target) -> tuple[int | None, str] | None:
    """Why the loss named `loss` cannot take this target vector, if it cannot: (the unit at
    fault, or None for the vector as a whole, and the reason); see `Loss.target_problem`."""
    return LOSSES[loss].target_problem(target)


def _derive(features: tuple, raw):
    """The input layer's values of raw inputs with features (engine.concepts.features, imported
    by the first network that has any: `python -m engine presets` reads none)."""
    from engine.concepts.features import derive
    return derive(features, raw)


def samples_problems(setup: "Setup", inputs, targets, test: bool = False) -> list[tuple[int | None, int | None, str]]:
    """Why `setup` cannot take these samples instead of its own (its test samples if `test`):
    (sample, column, reason) for each problem, 0-based, the columns being the inputs then the
    targets (None for a whole sample or for all of them); empty if it can. Test samples may be
    none, and have no batch limit (never trained on: evaluated in parts)."""
    from engine.network.limits import problems as limit_problems

    inputs, targets = np.asarray(inputs, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    n_in, n_out = setup.raw_width, setup.sizes[-1]
    if inputs.ndim != 2 or targets.ndim != 2 or inputs.shape[1] != n_in or targets.shape[1] != n_out \
            or len(inputs) != len(targets):
        return [(None, None, f"expected samples of {n_in} inputs and {n_out} targets")]
    if not len(inputs):
        return [] if test else [(None, None, "at least one sample is needed")]
    found = []
    for k in range(len(inputs)):
        for c, v in enumerate(np.concatenate([inputs[k], targets[k]])):
            if not np.isfinite(v):
                found.append((k, c, f"a number must be finite, found {v}"))
        problem = target_problem(setup.loss, targets[k].tolist())
        if problem is not None and np.isfinite(targets[k]).all():
            m, reason = problem
            found.append((k, None if m is None else n_in + m, reason))
    if test:
        return found
    batch = len(inputs) if setup.batch_size is None else setup.batch_size
    raw = inputs.shape[1] if setup.features else 0
    found += [(None, None, reason) for _, reason in limit_problems(setup.sizes, batch, raw)]
    return found


@dataclass(kw_only=True)
class Setup:
    sizes: list[int]
    activations: list[str]
    loss: str
    inputs: np.ndarray  # (samples, raw inputs): sizes[0] of them, or what the features read
    targets: np.ndarray  # (samples, sizes[-1])
    # the held-out test samples, never trained on (engine.session.evaluation): None, or
    # (test samples, sizes[0]) inputs and (test samples, sizes[-1]) targets
    test_inputs: np.ndarray | None = None
    test_targets: np.ndarray | None = None
    train_biases: bool = True
    learning_rate: float = 0.5
    optimizer: Optimizer = DEFAULT_OPTIMIZER  # its settings beside the learning rate (SGD: momentum)
    penalty: Penalty | None = None  # "regularization": what the weights pay (L2, L1), or none
    schedule: Schedule | None = None  # the learning rate of each iteration, or the same in each
    batch_size: int | None = None
    update_order: str = "simultaneous"
    name: str = ""
    description: str = ""
    extra: dict = field(default_factory=dict)  # keys of the file this engine does not use, kept on save
    # the input layer's units as features of the raw inputs (engine.concepts.features), one per
    # unit; empty: the input layer is the raw inputs
    features: tuple = ()

    @property
    def depth(self) -> int:
        """Number of weight layers (L): layers are 0..L."""
        return len(self.sizes) - 1

    @property
    def n_samples(self) -> int:
        return len(self.inputs)

    @property
    def raw_width(self) -> int:
        """The samples' raw inputs x1 … xn: n (sizes[0] without features)."""
        return self.inputs.shape[1] if self.inputs.ndim == 2 else self.sizes[0]

    def input_layer(self, rows=None) -> np.ndarray:
        """The input layer's values of the samples (of `rows`, indices or a slice, if given):
        their raw inputs, or the features of them."""
        raw = self.inputs if rows is None else self.inputs[rows]
        return _derive(self.features, raw) if self.features else raw

    def test_input_layer(self) -> np.ndarray | None:
        """The input layer's values of the test samples (None without any): as `input_layer`."""
        if self.test_inputs is None:
            return None
        return _derive(self.features, self.test_inputs) if self.features else self.test_inputs

    def raw_names(self) -> list[str]:
        """The names of the samples' raw inputs, as the samples table, the output map's axes
        and the maps command write them: x1 … xn with features, else the input units' (i1 …)."""
        if self.features:
            from engine.concepts.features import raw_name  # a network with features has imported them
            return [raw_name(k) for k in range(self.raw_width)]
        return [self.unit_name(0, k) for k in range(self.sizes[0])]

    def input_name(self, j: int) -> str:
        """Input unit j named with its feature, as the diagram's tags and the documents write
        it: i3 = x1² (i1 without features)."""
        name = self.unit_name(0, j)
        return f"{name} = {self.features[j].text}" if self.features else name

    @property
    def n_test(self) -> int:
        """Number of test samples (0: none)."""
        return 0 if self.test_inputs is None else len(self.test_inputs)

    @property
    def batch(self) -> int:
        """Samples per iteration."""
        return self.n_samples if self.batch_size is None else self.batch_size

    @property
    def sequential(self) -> bool:
        return self.update_order == "sequential"

    def lr_at(self, iteration: int) -> float:
        """The learning rate of 1-based `iteration`: the schedule's, or `learning_rate`."""
        if self.schedule is None:
            return self.learning_rate
        return self.schedule.rate(self.learning_rate, iteration)

    def activation(self, layer: int) -> Activation:
        return ACTIVATIONS[self.activations[layer - 1]]

    @property
    def loss_fn(self) -> Loss:
        return LOSSES[self.loss]

    @property
    def fused(self) -> Fused | None:
        """The output layer's δ in one piece (softmax + cross-entropy, sigmoid + bce), or None."""
        return self.loss_fn.fused_with(self.activation(self.depth))

    def batch_indices(self, iteration: int) -> np.ndarray:
        """0-based sample indices used by 1-based `iteration`: the next `batch` samples in
        file order, wrapping around cyclically."""
        if self.batch_size is None:
            return np.arange(self.n_samples)
        start = (iteration - 1) * self.batch_size
        return (start + np.arange(self.batch_size)) % self.n_samples

    # engine.network.naming where a parameter or a unit is named (`presets` reads files without it)
    def parameters(self) -> list[Param]:
        from engine.network import naming

        return naming.parameters(self.sizes)

    def unit_name(self, layer: int, j: int) -> str:
        from engine.network import naming

        return naming.unit_name(self.sizes, layer, j)

    def copy(self):
        return copy.deepcopy(self)

    def setup(self) -> "Setup":
        """A copy of the configuration and data alone."""
        return Setup(**{f.name: copy.deepcopy(getattr(self, f.name)) for f in dataclasses.fields(Setup)})


@dataclass(kw_only=True)
class Network(Setup):
    weights: list[np.ndarray]  # weights[l-1][j, i]: unit i of layer l-1 -> unit j of layer l
    biases: list[np.ndarray]  # biases[l-1][j]
    state: "TrainingState | None" = None  # where training stopped, to go on from there exactly
    runs: tuple = ()  # kept runs (engine.network.runs.Run): the loss histories of other runs, to compare

    @classmethod
    def of(cls, setup: Setup, weights, biases, state: "TrainingState | None" = None, runs: tuple = ()) -> "Network":
        fields = {f.name: copy.deepcopy(getattr(setup, f.name)) for f in dataclasses.fields(Setup)}
        return cls(**fields, weights=[np.array(w, dtype=np.float64) for w in weights],
                   biases=[np.array(b, dtype=np.float64) for b in biases], state=copy.deepcopy(state),
                   runs=tuple(runs))


@dataclass
class TrainingState:
    """What a network file holds to resume training exactly (its `training_state` key): the
    iteration the weights start (updates done + 1; it also places the batch cycle), the
    optimizer's state (its buffers over all parameters, weights then biases, one row each; None
    before its first step or where it keeps none: see `Optimizer`), and the batch loss of every
    iteration before it."""
    iteration: int
    optimizer_state: np.ndarray | None
    loss_history: np.ndarray


def summary(net: Setup) -> str:
    """The network in one line: shape, activations, loss and training settings."""
    shape = "-".join(map(str, net.sizes))
    test = f" and {net.n_test} test sample{'s' if net.n_test != 1 else ''}" if net.n_test else ""
    extra = [net.optimizer.title] if net.optimizer.name != DEFAULT_OPTIMIZER.name else []
    extra += net.optimizer.summary()
    extra += [net.schedule.summary()] if net.schedule is not None else []
    extra += [net.penalty.summary()] if net.penalty is not None else []
    return (f"{shape} {'/'.join(net.activations)}, {net.loss}, lr {net.learning_rate!r}"
            f"{''.join(', ' + part for part in extra)}, {net.update_order} update, "
            f"{net.n_samples} sample{'s' if net.n_samples != 1 else ''}{test}"
            f"{f', batches of {net.batch_size}' if net.batch_size else ''}"
            f"{'' if net.train_biases else ', biases frozen'}"
            f"{', features ' + ', '.join(f.text for f in net.features) if net.features else ''}")
