"""The ordered elementary computations of one iteration, as a stepper walks them.

Phase by phase: the forward pass unit by unit (net then out; a softmax layer computes all its
nets before its outputs), the loss term by term, the backward pass from the output layer
down (∂E/∂out, ∂out/∂net, δ, then the gradients of the unit's weights and bias), and the
update parameter by parameter. With several samples in a batch, each phase goes through the
samples in turn, then the batch means (loss, gradients). In `sequential` update order each
layer is updated right after its backward pass.
"""
from __future__ import annotations

from dataclasses import dataclass

from .layout import Layout

PHASES = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Step:
    phase: str
    quantity: str  # a recorded quantity: net, out, loss_term, loss, batch_loss, dE_dout, ...
    layer: int
    unit: int | None = None  # 0-based
    source: int | None = None  # 0-based unit of layer-1 (weights only)
    sample: int | None = None  # 0-based position in the batch; None for batch-level values

    @property
    def key(self) -> tuple:
        return (self.quantity, self.layer, self.unit, self.source, self.sample)


def build_steps(layout: Layout, softmax_out: bool, sequential: bool, complete: bool = False) -> list[Step]:
    """The stepper's computations; with `complete`, every value of the record in the same
    order (inputs, targets, the batch means even of a single sample, frozen biases): the
    rows of the trace CSV."""
    sizes, depth, batch = layout.sizes, layout.depth, layout.batch
    means = batch > 1 or complete
    steps: list[Step] = []

    def add(phase, quantity, layer, unit=None, source=None, sample=None):
        steps.append(Step(phase, quantity, layer, unit, source, sample))

    for s in range(batch):
        if complete:
            for i in range(sizes[0]):
                add("forward", "input", 0, i, sample=s)
        for l in range(1, depth + 1):
            if softmax_out and l == depth:
                for j in range(sizes[l]):
                    add("forward", "net", l, j, sample=s)
                for j in range(sizes[l]):
                    add("forward", "out", l, j, sample=s)
            else:
                for j in range(sizes[l]):
                    add("forward", "net", l, j, sample=s)
                    add("forward", "out", l, j, sample=s)
    for s in range(batch):
        for k in range(sizes[depth]):
            if complete:
                add("loss", "target", depth, k, sample=s)
            add("loss", "loss_term", depth, k, sample=s)
        add("loss", "loss", depth, sample=s)
    if means:
        add("loss", "batch_loss", depth)

    def backward(l):
        for s in range(batch):
            for j in range(sizes[l]):
                add("backward", "dE_dout", l, j, sample=s)
                if not (softmax_out and l == depth):
                    add("backward", "dout_dnet", l, j, sample=s)
                add("backward", "delta", l, j, sample=s)
                for i in range(sizes[l - 1]):
                    add("backward", "grad_w_sample", l, j, i, sample=s)
                add("backward", "grad_b_sample", l, j, sample=s)
        if means:
            for j in range(sizes[l]):
                for i in range(sizes[l - 1]):
                    add("backward", "grad_w", l, j, i)
                add("backward", "grad_b", l, j)

    def update(l):
        for j in range(sizes[l]):
            for i in range(sizes[l - 1]):
                if layout.momentum:
                    add("update", "velocity_w", l, j, i)
                add("update", "w", l, j, i)
        if layout.train_biases or complete:
            for j in range(sizes[l]):
                if layout.momentum and layout.train_biases:
                    add("update", "velocity_b", l, j)
                add("update", "b", l, j)

    if sequential:
        for l in range(depth, 0, -1):
            backward(l)
            update(l)
    else:
        for l in range(depth, 0, -1):
            backward(l)
        for l in range(1, depth + 1):
            update(l)
    return steps


def known_at(layout: Layout, steps: list[Step]) -> dict[tuple, int]:
    """Step.key -> the step at which that value becomes known. Values no step shows are
    known from the start (inputs, targets, the parameters the iteration starts from, frozen
    biases), except the batch means of a single sample, known with the sample's value."""
    known = {step.key: n for n, step in enumerate(steps)}
    if layout.batch == 1:
        for step in steps:
            if step.quantity in ("grad_w_sample", "grad_b_sample"):
                known[(step.quantity[:6], step.layer, step.unit, step.source, None)] = known[step.key]
            elif step.quantity == "loss":
                known[("batch_loss", step.layer, None, None, None)] = known[step.key]
    return known


def phase_end(steps: list[Step], cursor: int) -> int:
    """Index of the last step of the run of steps of one phase that follows `cursor`."""
    if not steps:
        return -1
    n = min(cursor + 1, len(steps) - 1)
    phase = steps[n].phase
    while n + 1 < len(steps) and steps[n + 1].phase == phase:
        n += 1
    return n
