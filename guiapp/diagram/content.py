"""What the diagram writes, as plain text lines: a unit's values, an edge's tag, η, and which
units and parameters a computation involves. No Qt: the lines are data (a text, or a text and
its role: "gradient", "muted"), tested without a window; the view gives them to its items.

Every number comes from the session at the cursor, written with the window's digits (`fmt`);
`reference` is the iteration compared with (engine.record.compare), or None.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.network import naming
from engine.record.quantities import parameter_of

from guiapp.diagram.layout import FULL, NAMES, VALUES

Line = str | tuple[str, str]  # a text, or (text, role)


def signed(fmt, value: float) -> str:
    """A change as the diagram writes it: +0.25, −0.25, 0."""
    return ("+" if value > 0 else "") + fmt(value)


def concerned(sizes, key) -> set[tuple[int, int]]:
    """The units a computation (a Key) or a selected parameter (a naming.Param) is about:
    its own unit, a weight's two units; none for a sample's loss."""
    p = key if isinstance(key, naming.Param) else parameter_of(sizes, key)
    if p is not None:
        return {(p.layer, p.unit)} | ({(p.layer - 1, p.source)} if p.kind == "w" else set())
    return {(key.layer, key.unit)} if key.unit is not None else set()


def involvement(keys, sizes) -> tuple[set, set, set]:
    """(units, bias units, parameter names) taking part in a computation: those of the
    values it computes and reads (`Session.reads`)."""
    units, biases, params = set(), set(), set()
    depth = len(sizes) - 1
    for key in keys:
        p = parameter_of(sizes, key)
        if p is not None:
            params.add(p.name)
            units.add((p.layer, p.unit))
            if p.kind == "w":
                units.add((p.layer - 1, p.source))
            else:
                biases.add(p.layer)
        elif key.unit is not None:
            units.add((key.layer, key.unit))
        elif key.layer == depth:  # a sample's or the batch's loss: every output
            units |= {(depth, k) for k in range(sizes[depth])}
    return units, biases, params


def unit_lines(session, fmt, reference, l: int, j: int, s: int) -> list[Line]:
    """A unit's lines for sample `s`: an input's value; net, out and δ as they are computed
    ("?" before), out's change when comparing; an output's target and loss term too."""
    if l == 0:
        return [f"{session.net.input_name(j)} = {fmt(session.record['input', 0][s, j])}"]
    lines = []
    for quantity, name, role in (("net", "net", "text"), ("out", "out", "text"), ("delta", "δ", "gradient")):
        v = session.value(quantity, l, j, None, s)
        if v is None:
            lines.append((f"{name} ?", "muted"))
            continue
        text = f"{name} {fmt(v)}"
        if quantity == "out" and reference is not None:
            change = reference.unit(session, quantity, l, j, s)
            text += "" if change is None else f" Δ{signed(fmt, change)}"
        lines.append((text, role))
    if l == session.net.depth:
        lines.append(f"target {fmt(session.record['target', l][s, j])}")
        v = session.value("loss_term", l, j, None, s)
        lines.append(f"E {fmt(v)}" if v is not None else ("E ?", "muted"))
    return lines


@dataclass(frozen=True)
class EdgeText:
    value: float  # the parameter's value shown (w⁺ once updated)
    lines: list  # the whole tag: name and value, the gradient once known, the change when comparing
    shown: list | None  # what the tag shows at its level of detail (None: every line; []: on demand only)


def edge_text(session, fmt, reference, p: naming.Param, level: int = FULL, untagged: bool = False) -> EdgeText:
    """An edge's tag: "w5⁺ 0.35891648", its gradient "∂E/∂w5 0.082167041" once known, its
    change since the iteration compared with; at level VALUES the value (and change) alone,
    at NAMES the name alone, and nothing between crowded layers (`untagged`: on demand)."""
    value = session.parameter_value(p)
    shown_name = f"{p.name}{'⁺' if session.is_updated(p) else ''}"
    lines = [f"{shown_name} {fmt(value)}"]
    grad = session.value("grad_" + p.kind, p.layer, p.unit, p.source)
    if grad is not None:
        lines.append((f"∂E/∂{p.name} {fmt(grad)}", "gradient"))
    change = [] if reference is None else [f"Δ{p.name} {signed(fmt, reference.parameter(session, p))}"]
    lines += change
    # comparing, the value's change before its gradient: the gradient on demand
    shown = [] if untagged else {FULL: None, VALUES: lines[:1] + change, NAMES: [shown_name]}[level]
    return EdgeText(value, lines, shown)


def lr_line(session, fmt) -> str:
    return f"η = {fmt(session.net.learning_rate)}"
