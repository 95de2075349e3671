"""What "New network" and "Edit structure" choose, as data (`Design`), and the network built
from it (`build`).

Every rule is the network file's: a design is checked by writing it as a network file (with a
seed and one valid sample) and reading it with `netfile.parse`, so the dialogs, the headless
`new` command and the file reader can never disagree on what is a network. Start values are
drawn from the seed exactly as a file with a `seed` and no `weights` draws them; with `keep`,
every weight and bias whose units stay keeps its value.

How layers are matched when the shape changes (for `keep` and `fit_samples`): hidden layers
by position from the input side (hidden layer 1 with hidden layer 1, ...), the output layer
with the output layer; within a layer, unit j with unit j. A weight stays when both its
units stay and it connected them before (the layers on either side were matched).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import netfile
from .network import Network, Setup

__all__ = ["Design", "build", "default_samples", "design_of", "fit_samples", "problems", "unavailable"]


@dataclass(kw_only=True)
class Design:
    sizes: list[int]
    activations: list[str]  # one per layer after the inputs
    loss: str
    learning_rate: float = 0.5
    momentum: float = 0.0
    batch_size: int | None = None
    train_biases: bool = True
    update_order: str = "simultaneous"
    seed: int = 0

    def copy(self) -> "Design":
        return dataclasses.replace(self, sizes=list(self.sizes), activations=list(self.activations))


def design_of(setup: Setup, seed: int = 0) -> Design:
    """The design of an existing network (its values are not part of it)."""
    return Design(sizes=list(setup.sizes), activations=list(setup.activations), loss=setup.loss,
                  learning_rate=float(setup.learning_rate), momentum=float(setup.momentum),
                  batch_size=setup.batch_size, train_biases=setup.train_biases, update_order=setup.update_order,
                  seed=seed)


def _file(design: Design, inputs, targets, name: str = "", description: str = "") -> dict:
    """The design as a network file's contents (start values from the seed)."""
    data = {}
    if name:
        data["name"] = name
    if description:
        data["description"] = description
    data.update({
        "layers": list(design.sizes), "activations": list(design.activations), "loss": design.loss,
        "seed": design.seed, "train_biases": design.train_biases,
        "optimizer": {"name": "sgd", "learning_rate": design.learning_rate, "momentum": design.momentum},
        "batch_size": design.batch_size, "update_order": design.update_order,
        "samples": [{"input": list(map(float, x)), "target": list(map(float, t))} for x, t in zip(inputs, targets)],
    })
    return data


def problems(design: Design, n_samples: int = 1) -> list[tuple[str, str]]:
    """What the network file's rules refuse in this design, as (field, reason): the first
    problem netfile.parse finds (with `n_samples` valid samples), or nothing."""
    if not (isinstance(design.sizes, list) and design.sizes and all(isinstance(n, int) and n >= 1
                                                                    for n in design.sizes)):
        return [("layers", f"expected sizes of at least 1 unit, found {design.sizes}")]
    inputs, targets = default_samples(design.sizes, design.loss)
    try:
        netfile.parse(_file(design, np.repeat(inputs, n_samples, 0), np.repeat(targets, n_samples, 0)), "design")
    except netfile.NetworkFileError as e:
        return [(e.field, e.problem)]
    return []


def unavailable(design: Design, field: str, value) -> str | None:
    """Why `value` cannot be chosen for `field` ("loss", "activations[k]" (0-based, after the
    inputs), "sizes[k]", "batch_size", "learning_rate", "momentum", "update_order",
    "train_biases", "seed") with the rest of the design as it is; None if it can. Only a
    problem the choice brings is a reason: one the design has anyway is not."""
    chosen = design.copy()
    if field.startswith("activations["):
        chosen.activations[int(field[len("activations["):-1])] = value
    elif field.startswith("sizes["):
        chosen.sizes[int(field[len("sizes["):-1])] = value
    else:
        setattr(chosen, field, value)
    found = problems(chosen)
    if not found or found == problems(design):
        return None
    return found[0][1]


def default_samples(sizes: list[int], loss: str) -> tuple[np.ndarray, np.ndarray]:
    """What a brand-new network starts with: one sample, inputs 0, a valid target (the first
    class for cross-entropy, 0 otherwise)."""
    inputs = np.zeros((1, sizes[0]))
    targets = np.zeros((1, sizes[-1]))
    if loss == "cross_entropy":
        targets[0, 0] = 1.0
    return inputs, targets


def fit_samples(inputs, targets, sizes: list[int], loss: str) -> tuple[np.ndarray, np.ndarray]:
    """The samples fitted to other input and output counts: columns kept by position, new
    ones 0, extra ones dropped; targets made valid for `loss` where they no longer are
    (clipped to [0, 1] for bce and cross-entropy; a cross-entropy target that does not sum
    to 1 any more becomes one-hot on its largest value)."""
    inputs, targets = np.asarray(inputs, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    x = np.zeros((len(inputs), sizes[0]))
    n = min(sizes[0], inputs.shape[1])
    x[:, :n] = inputs[:, :n]
    t = np.zeros((len(targets), sizes[-1]))
    m = min(sizes[-1], targets.shape[1])
    t[:, :m] = targets[:, :m]
    if loss in ("bce", "cross_entropy"):
        t = np.clip(t, 0.0, 1.0)
    if loss == "cross_entropy":
        for row in t:
            if abs(row.sum() - 1.0) > 1e-9:
                k = int(np.argmax(row))
                row[:] = 0.0
                row[k] = 1.0
    return x, t


def _matched(old_sizes: list[int], new_sizes: list[int]) -> dict[int, int]:
    """new layer index -> old layer index, for the layers that are matched (see the module)."""
    old_last, new_last = len(old_sizes) - 1, len(new_sizes) - 1
    pairs = {0: 0, new_last: old_last}
    for l in range(1, min(old_last, new_last)):
        pairs[l] = l
    return pairs


def build(design: Design, inputs, targets, keep: Network | None = None, name: str = "",
          description: str = "") -> Network:
    """The network of this design with these samples: start values drawn from the seed (as a
    network file with that seed draws them) or, with `keep`, the values of `keep` for every
    weight and bias that stays (see the module). Raises NetworkFileError (one line, naming
    the field) if the network file's rules refuse it."""
    net = netfile.parse(_file(design, inputs, targets, name, description), "the new network")
    if keep is not None:
        pairs = _matched(keep.sizes, design.sizes)
        for l in range(1, len(design.sizes)):
            if l not in pairs:
                continue
            old = pairs[l]
            rows = min(design.sizes[l], keep.sizes[old])
            net.biases[l - 1][:rows] = keep.biases[old - 1][:rows]
            if pairs.get(l - 1) == old - 1:  # and the layer below is the one that was below it
                columns = min(design.sizes[l - 1], keep.sizes[old - 1])
                net.weights[l - 1][:rows, :columns] = keep.weights[old - 1][:rows, :columns]
    return net
