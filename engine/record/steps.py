"""The ordered elementary computations of one iteration, as a stepper walks them.

Each computation is the `Key` of the value it computes; its phase is its quantity's (see
`quantities`). Phase by phase: the forward pass unit by unit (each unit's forward
quantities in table order: net then out; a layer computed as a whole, softmax, computes
each quantity for all its units in turn), the loss term by term, the backward pass from the
output layer down (∂E/∂out, ∂out/∂net, δ, then the gradients of the unit's weights and
bias), and the update parameter by parameter (the optimizer's buffers of each, then its new
value). With several samples in a batch, each phase goes through the samples in turn, then
the batch means (loss, gradients). In `sequential` update order each layer is updated right
after its backward pass.
"""
from __future__ import annotations

from engine.record.layout import Layout
from engine.network.network import Setup
from engine.record.quantities import QUANTITIES, Key


def _of(phase: str, shape: str) -> list[str]:
    """The step quantities of a phase with this index form, in table order."""
    return [q.name for q in QUANTITIES.values() if q.phase == phase and q.shape == shape]


def build_steps(net: Setup, layout: Layout, complete: bool = False) -> list[Key]:
    """The stepper's computations; with `complete`, every value of the record in the same
    order (inputs, targets, the batch means even of a single sample, frozen biases): the
    rows of the trace CSV."""
    sizes, depth, batch = layout.sizes, layout.depth, layout.batch
    means = batch > 1 or complete
    fused = net.fused
    steps: list[Key] = []

    def shown(quantity: str, layer: int) -> bool:
        q = QUANTITIES[quantity]
        if not layout.has(quantity, layer) or (q.buffer and q.buffer not in layout.stepped):
            return False
        if quantity == "lr":
            return net.schedule is not None  # η of the iteration, computed by the schedule
        if quantity == "dout_dnet" and layer == depth and fused is not None and not net.activation(depth).elementwise:
            return False  # softmax has no element-wise derivative: δ comes in one piece
        if q.buffer and q.shape == "bias" and not layout.train_biases:
            return False  # the optimizer keeps nothing for a frozen bias
        if quantity in ("raw_input", "input", "target"):
            return complete
        return True

    shows: dict[tuple[str, int], bool] = {}  # shown(quantity, layer), asked once each (170,000 keys at most)

    def add(quantity, layer, unit=None, source=None, sample=None):
        seen = shows.get((quantity, layer))
        if seen is None:
            seen = shows[quantity, layer] = shown(quantity, layer)
        if seen:
            steps.append(Key(quantity, layer, unit, source, sample))

    forward = _of("forward", "unit")
    for s in range(batch):
        for i in range(layout.raw):  # with input features: the raw inputs, then the features of them
            add("raw_input", 0, i, sample=s)
        for j in range(sizes[0]):
            add("input", 0, j, sample=s)
        for l in range(1, depth + 1):
            if net.activation(l).elementwise:
                for j in range(sizes[l]):
                    for q in forward:
                        add(q, l, j, sample=s)
            else:
                for q in forward:
                    for j in range(sizes[l]):
                        add(q, l, j, sample=s)
            for q in _of("forward", "sample"):
                add(q, l, sample=s)
    for s in range(batch):
        for k in range(sizes[depth]):
            for q in _of("loss", "unit"):
                add(q, depth, k, sample=s)
        for q in _of("loss", "sample"):
            add(q, depth, sample=s)
    if means:
        add("batch_loss", depth)
    for q in _of("loss", "batch"):  # with a penalty: E_penalty, then E = E_data + E_penalty
        if q != "batch_loss":
            add(q, depth)

    def backward(l):
        for s in range(batch):
            for j in range(sizes[l]):
                for q in _of("backward", "unit"):
                    add(q, l, j, sample=s)
                for i in range(sizes[l - 1]):
                    add("grad_w_sample", l, j, i, sample=s)
                add("grad_b_sample", l, j, sample=s)
        if means or layout.penalty:  # the batch means; with a penalty, ∂E_data/∂w then ∂E/∂w
            for j in range(sizes[l]):
                for i in range(sizes[l - 1]):
                    if means:
                        add("grad_data_w", l, j, i)
                    add("grad_w", l, j, i)
                if means:
                    add("grad_b", l, j)

    def update(l):  # each parameter's buffers (the momentum buffer), then the parameter
        for j in range(sizes[l]):
            for i in range(sizes[l - 1]):
                for name in layout.stepped:
                    add(name + "_w", l, j, i)
                add("w", l, j, i)
        if layout.train_biases or complete:
            for j in range(sizes[l]):
                for name in layout.stepped:
                    add(name + "_b", l, j)
                add("b", l, j)

    if net.sequential:
        for l in range(depth, 0, -1):
            backward(l)
            if l == depth:
                add("lr", 0)  # η of the iteration, before the first update that uses it
            update(l)
    else:
        for l in range(depth, 0, -1):
            backward(l)
        add("lr", 0)
        for l in range(1, depth + 1):
            update(l)
    return steps


def known_at(steps: list[Key]) -> dict[Key, int]:
    """Key -> the step at which that value becomes known. Values no step shows are known
    from the start (inputs, targets, the parameters the iteration starts from, frozen
    biases), except the batch means of a single sample, known with the sample's value
    (`known_with`)."""
    return {key: n for n, key in enumerate(steps)}


def known_with(layout: Layout, key: Key) -> Key | None:
    """With a single sample per iteration, the sample's value a batch mean is known with (no
    step shows the mean); None for any other value."""
    if layout.batch != 1 or key.sample is not None:
        return None
    of = QUANTITIES[key.quantity].batch_of
    # (∂E/∂w with a penalty's term is a step of its own, in `known_at`, and not asked here)
    return Key(of, key.layer, key.unit, key.source, 0) if of else None


def phase_end(steps: list[Key], cursor: int) -> int:
    """Index of the last step of the run of steps of one phase that follows `cursor`."""
    if not steps:
        return -1
    n = min(cursor + 1, len(steps) - 1)
    phase = steps[n].phase
    while n + 1 < len(steps) and steps[n + 1].phase == phase:
        n += 1
    return n
