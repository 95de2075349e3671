"""Samples from outside (a generated data set, a CSV file) and the targets a network takes
from them: one rule for both, `targets`.

Class labels become one-hot targets when the output layer has one unit per class (unit k
is class k, in the order `classes` gives), or 0/1 targets for one output unit and exactly two
classes (the first class is 0, the second 1; not with cross_entropy, whose softmax needs two
units). Values (regression) are the targets as they are, one column per output unit; with bce
or cross-entropy they must follow that loss's rules (in [0, 1]; summing to 1), with mse and
half_sse any finite values. A column of integer labels is both: classes for one output unit
per class, or for one output unit with bce and two classes; otherwise (one output unit, mse
or half_sse, or bce with more than two classes) the integers are the values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.concepts.losses import LOSSES
from engine.network.network import target_problem


def _pairing(which) -> str:
    """'softmax with cross_entropy': the output activation and loss of the losses `which` picks."""
    return " or ".join(f"{l.output.name} with {l.name}" for l in LOSSES.values() if which(l) and l.output)


class OutputsMismatch(ValueError):
    """The data needs another number of output units than the network has."""


def targets(outputs: int, loss: str, labels: list[str] | None = None, classes: list[str] | None = None,
            values=None, lines: list[int] | None = None) -> np.ndarray:
    """The (samples, outputs) targets of a network with `outputs` output units and this loss,
    from class `labels` (one per sample, each one of `classes`, in their order) or `values`
    ((samples, columns) numbers), or both for integer labels (see the module). ValueError, one
    line, when they do not fit: OutputsMismatch when `outputs` is not what they need, else naming
    the sample (or its file line, from `lines`) and the loss's rule it breaks."""
    k = len(classes) if classes else 0
    rules = LOSSES[loss]
    if labels is not None and (values is None or outputs > 1 or (k == 2 and rules.binary)):
        index = {c: i for i, c in enumerate(classes)}
        codes = np.array([index[label] for label in labels], dtype=np.int64)
        if outputs == k and outputs > 1:
            found = np.eye(k)[codes]
        elif outputs == 1 and k == 2 and rules.min_outputs == 1:
            found = codes[:, None].astype(np.float64)
        else:
            one = f" or of 1 unit ({_pairing(lambda l: l.binary)})" if k == 2 else ""
            raise OutputsMismatch(f"{k} classes need an output layer of {k} units (one per class, "
                                  f"{_pairing(lambda l: l.output is not None and l.output.class_probabilities)})"
                                  f"{one}, not {outputs}")
    else:
        found = np.array(values, dtype=np.float64)
        if found.ndim != 2 or found.shape[1] != outputs:
            columns = found.shape[1] if found.ndim == 2 else 1
            raise OutputsMismatch(f"{columns} target column{'s' if columns != 1 else ''} need"
                             f"{'s' if columns == 1 else ''} an output layer of {columns} unit"
                             f"{'s' if columns != 1 else ''}, not {outputs}")
    for n, row in enumerate(found):
        problem = target_problem(loss, row.tolist())
        if problem is not None:
            where = f"line {lines[n]}" if lines else f"sample {n + 1}"
            raise ValueError(f"{where}: {problem[1]}")
    return found


@dataclass
class Data:
    """Samples from outside: what the data set generator and the CSV reader give, and what the
    window and `python -m engine new` turn into a network."""
    inputs: np.ndarray  # (samples, input columns) float64
    labels: list[str] | None = None  # classification: one class name per sample ...
    classes: list[str] | None = None  # ... and the class of each output unit, in order
    values: np.ndarray | None = None  # regression: (samples, target columns); integer labels too
    description: str = ""  # where the data came from and what was done to it
    lines: list[int] | None = None  # the file line of each sample (CSV), for messages

    @property
    def n_inputs(self) -> int:
        return self.inputs.shape[1]

    @property
    def n_samples(self) -> int:
        return self.inputs.shape[0]

    def outputs_for(self, loss: str) -> int:
        """The output units this data needs with `loss`: one per class (or 1 for two classes
        with bce), one per value column."""
        if self.labels is None:
            return self.values.shape[1]
        return 1 if LOSSES[loss].binary and len(self.classes) == 2 else len(self.classes)

    def targets(self, outputs: int, loss: str) -> np.ndarray:
        """The targets for a network of `outputs` output units and this loss (`targets`)."""
        return targets(outputs, loss, self.labels, self.classes, self.values, self.lines)
