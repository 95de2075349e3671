"""Samples from outside (a generated data set, a CSV file) and the targets a network takes
from them: one rule for both.

Class labels become one-hot targets when the output layer has one unit per class (unit k
is class k, in the order `classes` gives), or 0/1 targets for one output unit and exactly two
classes (the second class is 1). Values (regression) are the targets as they are, one column
per output unit; with bce or cross-entropy they must follow that loss's rules.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import target_problem


@dataclass
class Data:
    inputs: np.ndarray  # (samples, input columns)
    labels: list[str] | None = None  # classification: one class name per sample ...
    classes: list[str] | None = None  # ... and the class of each output unit, in order
    values: np.ndarray | None = None  # regression: (samples, target columns); integer labels too
    description: str = ""  # where the data came from and what was done to it

    @property
    def n_inputs(self) -> int:
        return self.inputs.shape[1]

    def outputs_for(self, loss: str) -> int:
        """The output units this data needs with `loss`: one per class (or 1 for two classes
        with bce), one per value column."""
        if self.labels is None:
            return self.values.shape[1]
        return 1 if loss == "bce" and len(self.classes) == 2 else len(self.classes)

    def targets(self, outputs: int, loss: str) -> np.ndarray:
        """The targets for a network of `outputs` output units and this loss; ValueError (one
        line) when the data does not fit it."""
        k = len(self.classes) if self.classes else 0
        if self.labels is not None and (self.values is None or outputs > 1 or (k == 2 and loss == "bce")):
            index = {c: i for i, c in enumerate(self.classes)}
            codes = np.array([index[label] for label in self.labels])
            if outputs == k and outputs > 1:
                targets = np.eye(k)[codes]
            elif outputs == 1 and k == 2 and loss != "cross_entropy":
                targets = codes[:, None].astype(np.float64)
            else:
                raise ValueError(f"{k} classes need an output layer of {k} units (one per class, softmax with "
                                 f"cross_entropy){' or of 1 unit (sigmoid with bce)' if k == 2 else ''}, "
                                 f"not {outputs}")
        else:
            targets = np.asarray(self.values, dtype=np.float64)
            if targets.shape[1] != outputs:
                raise ValueError(f"{targets.shape[1]} target column{'s' if targets.shape[1] != 1 else ''} need "
                                 f"an output layer of as many units, not {outputs}")
        for n, row in enumerate(targets):
            problem = target_problem(loss, row.tolist())
            if problem is not None:
                raise ValueError(f"sample {n + 1}: {problem[1]}")
        return targets
