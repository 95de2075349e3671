"""Edits (a part of `session.Session`): a weight, bias, input, target, the samples, the update order
or the learning rate changed, checked first, and the iteration computed again from its forward pass."""
from __future__ import annotations

import math

import numpy as np

from engine.network import naming
from engine.network.maths import Plan
from engine.network.network import UPDATE_ORDERS, learning_rate_problem, samples_problems, target_problem


class Edits:
    """Changes of the values and settings an iteration starts from (of a `Session`)."""

    # -- edits ----------------------------------------------------------------------------
    def set_value(self, kind: str, key, value: float) -> None:
        """Set the value the window edits by its kind: a 'param' (`key` its name: w5, b_h1), an
        'input' or 'target' (`key` (sample, unit)), or the learning rate 'lr' (no key)."""
        if kind == "param":
            self.set_parameter(self.parameter(key), value)
        elif kind == "input":
            self.set_input(*key, value)
        elif kind == "target":
            self.set_target(*key, value)
        else:
            self.set_learning_rate(value)

    def set_parameter(self, p: naming.Param, value: float) -> None:
        """Set a weight or bias as the current iteration starts, and recompute it."""
        self.params.set(p, value)
        self._compute()

    def set_input(self, sample: int, unit: int, value: float) -> None:
        """Set raw input `unit` (0-based; an input unit without features) of a sample."""
        self._check("input", (sample, unit), value)
        self.net = self.net.copy()  # bookmarks keep the setup they were made with
        self.net.inputs[sample, unit] = value
        self._batches = self._cycle_batches()
        self._compute()

    def edit_problem(self, kind: str, key, value: float) -> str | None:
        """Why the value of an 'input', 'target' ((sample, unit)) or 'lr' cannot be set to
        `value`, by the rules a network file follows (so what is edited can be saved and
        opened again); None if it can."""
        if kind == "lr":
            problem = learning_rate_problem(value)
            return problem and f"the learning rate {problem}"
        if not math.isfinite(value):
            return f"a number must be finite, found {value}"
        if kind == "target":
            sample, unit = key
            target = self.net.targets[sample].copy()
            target[unit] = value
            problem = target_problem(self.net.loss, target.tolist())
            return problem and problem[1]
        return None

    def _check(self, kind: str, key, value: float) -> None:
        problem = self.edit_problem(kind, key, value)
        if problem:
            raise ValueError(problem)

    def set_target(self, sample: int, unit: int, value: float) -> None:
        self._check("target", (sample, unit), value)
        self.net = self.net.copy()
        self.net.targets[sample, unit] = value
        self._batches = self._cycle_batches()
        self._compute()

    def set_samples(self, inputs, targets, test: bool = False) -> bool:
        """Take these samples (inputs and targets, one row each) instead of the network's (its
        test samples if `test`; none of them: no test samples). The current iteration is
        computed again with them; if they change the number of samples per iteration (the
        shape of what is recorded), the session starts again at iteration 1 from the
        parameters the current iteration starts from, and True is returned. Samples the
        network file would refuse raise ValueError (nothing changes)."""
        problems = samples_problems(self.net, inputs, targets, test)
        if problems:
            sample, column, reason = problems[0]
            where = "" if sample is None else f"{'test ' if test else ''}sample {sample + 1}: "
            raise ValueError(where + reason)
        setup = self.net.copy()
        inputs, targets = np.array(inputs, dtype=np.float64), np.array(targets, dtype=np.float64)
        if not test:
            setup.inputs, setup.targets = inputs, targets
        elif len(inputs):
            setup.test_inputs, setup.test_targets = inputs, targets
        else:
            setup.test_inputs = setup.test_targets = None
        if setup.batch == self.net.batch:
            self.net = setup
            self._batches = self._cycle_batches()
            self._compute()
            return False
        params = self.params.copy()
        self._configure(setup)
        self.params = params
        self._compute()
        return True

    def set_update_order(self, order: str) -> None:
        """Simultaneous or sequential: the current iteration computed again in that order (the
        iterations before it stay as they were computed)."""
        if order not in UPDATE_ORDERS:
            raise ValueError(f"the update order must be one of {', '.join(UPDATE_ORDERS)}, not {order!r}")
        setup = self.net.copy()
        setup.update_order = order
        self.net = setup
        self.plan = Plan(setup)
        self._steps, self._known_at = None, {}
        self._compute()

    def set_learning_rate(self, value: float) -> None:
        self._check("lr", None, value)
        self.net = self.net.copy()
        self.net.learning_rate = value
        self._compute()

    def start_value(self, p: naming.Param) -> float:
        """The parameter's value as the current iteration starts."""
        return self.params.get(p)
