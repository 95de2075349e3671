"""The network figure of a document, as SVG text (pure Python, nothing fetched: it reads offline).

Drawn like the worked example's figure and the window's diagram: units in columns, inputs on
the left, the bias unit b_l of each layer below the layer that feeds it; each edge labelled
with its weight's name and value where there is room (up to LABELLED_EDGES edges), blue for a
positive weight, vermillion and dashed for a negative one, thicker for a larger one (the
Okabe–Ito colours of the window). A layer of more than MAX_DRAWN units is drawn with its first
units, a gap marked ⋮ and its last unit. Inputs carry the values of the batch's first sample,
outputs their targets.
"""
from __future__ import annotations

from engine.network import naming
from engine.concepts.formula import Fmt, short
from engine.record.layout import Record
from engine.network.network import Setup
from engine.record.quantities import Key
from engine.text.markup import text as escape

BLUE, VERMILLION, INK, MUTED, FILL = "#0072B2", "#D55E00", "#222222", "#666666", "#F4F4F4"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
MAX_DRAWN = 9  # units drawn per layer, the ⋮ gap included
LABELLED_EDGES = 48  # more edges than this: no weight labels (the tables give them)
RADIUS = 19
ROW = 84  # between units of a column
TEXT = 12  # font size of labels
CHAR = 0.62 * TEXT  # an estimate of a character's width


def drawn_units(n: int) -> list[int | None]:
    """The units of a layer of n that are drawn, None for the ⋮ gap."""
    if n <= MAX_DRAWN:
        return list(range(n))
    return list(range(MAX_DRAWN - 2)) + [None, n - 1]


def _overlap(a, b) -> float:
    """The area two boxes (left, top, right, bottom) share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def network_svg(net: Setup, rec: Record, fmt: Fmt = short) -> str:
    sizes, depth = net.sizes, net.depth
    drawn = [drawn_units(n) for n in sizes]
    n_edges = sum((len(drawn[l - 1]) + 1) * len(drawn[l]) for l in range(1, depth + 1))
    labelled = n_edges <= LABELLED_EDGES
    # room between two columns for the labels of the edges between them
    gaps = [min(420, 200 + 13 * (len(drawn[l - 1]) + 1) * len(drawn[l])) if labelled else 150
            for l in range(1, depth + 1)]
    columns = [0.0]
    for g in gaps:
        columns.append(columns[-1] + g)
    rows = max(len(drawn[l]) + (1 if l < depth else 0) for l in range(depth + 1))
    left, right, top = 95, 120, 30
    width = left + columns[-1] + right
    height = top + ROW * (rows - 1) + 2 * RADIUS + 40

    def centre(l: int, k: int) -> tuple[float, float]:
        """The k-th drawn position of layer l (its bias unit is at k = len(drawn[l]))."""
        column = drawn[l]
        offset = (rows - len(column) - (1 if l < depth else 0)) * ROW / 2
        return left + columns[l], top + RADIUS + offset + ROW * k

    units, boxes = {}, []
    for l in range(depth + 1):
        for k, j in enumerate(drawn[l]):
            units[l, j] = centre(l, k)
        if l < depth:
            units[l, "bias"] = centre(l, len(drawn[l]))
    for (x, y) in units.values():
        boxes.append((x - RADIUS - 3, y - RADIUS - 3, x + RADIUS + 3, y + RADIUS + 3))

    edges, labels = [], []
    weights = [abs(rec.value(Key("w_before", l, j, i))) for l in range(1, depth + 1)
               for j in range(sizes[l]) for i in range(sizes[l - 1])]
    biggest = max(weights + [abs(b) for b in rec["b_before", depth]] + [1e-12])
    for l in range(1, depth + 1):
        targets = [j for j in drawn[l] if j is not None]
        for i in [i for i in drawn[l - 1] if i is not None] + ["bias"]:
            for n_target, j in enumerate(targets):
                if i == "bias":
                    key, name = Key("b_before", l, j), naming.bias_name(sizes, l, j)
                else:
                    key, name = Key("w_before", l, j, i), naming.weight_name(sizes, l, j, i)
                value = rec.value(key)
                (x0, y0), (x1, y1) = units[l - 1, i], units[l, j]
                colour = BLUE if value >= 0 else VERMILLION
                stroke = 0.8 + 2.6 * min(abs(value) / biggest, 1.0)
                dash = ' stroke-dasharray="6 4"' if value < 0 else ""
                edges.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{colour}" '
                             f'stroke-width="{stroke:.2f}"{dash}/>')
                if labelled:
                    text = f"{name} = {fmt(value)}"
                    w, h = CHAR * len(text) + 8, TEXT + 6
                    preferred = (n_target + 1) / (len(targets) + 1) * 0.7 + 0.1
                    best, least = None, None  # the place nearest the preferred one that overlaps least
                    for t in sorted((k / 40 for k in range(4, 37)), key=lambda t: abs(t - preferred)):
                        cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                        covered = sum(_overlap(box, b) for b in boxes)
                        if least is None or covered < least:
                            best, least = (cx, cy, box), covered
                            if covered == 0:
                                break
                    cx, cy, box = best
                    boxes.append(box)
                    labels.append(
                        f'<rect x="{box[0]:.1f}" y="{box[1]:.1f}" width="{w:.1f}" height="{h:.1f}" rx="3" '
                        f'fill="white" fill-opacity="0.92" stroke="{colour}" stroke-width="0.6"/>'
                        f'<text x="{cx:.1f}" y="{cy + TEXT * 0.36:.1f}" text-anchor="middle" fill="{INK}">'
                        f'{escape(text)}</text>')

    nodes = []
    for (l, j), (x, y) in units.items():
        if j == "bias":
            name = naming.bias_unit_name(l + 1)
            nodes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS * 0.8:.1f}" fill="{FILL}" stroke="{MUTED}" '
                         f'stroke-width="1.2"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" '
                         f'fill="{MUTED}">{name}</text>')
            continue
        if j is None:
            nodes.append(f'<text x="{x:.1f}" y="{y + 6:.1f}" text-anchor="middle" font-size="20" fill="{MUTED}">⋮'
                         f'</text><text x="{x:.1f}" y="{y + 24:.1f}" text-anchor="middle" fill="{MUTED}">'
                         f'{sizes[l] - MAX_DRAWN + 1:,} more</text>')
            continue
        name = naming.unit_name(sizes, l, j)
        nodes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" fill="white" stroke="{INK}" stroke-width="1.4"/>'
                     f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="{INK}">{name}</text>')
        if l == 0:
            nodes.append(f'<text x="{x - RADIUS - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
                         f'{fmt(rec.value(Key("out", 0, j, sample=0)))}</text>')
        elif l == depth:
            nodes.append(f'<text x="{x + RADIUS + 6:.1f}" y="{y + 4:.1f}" fill="{INK}">target '
                         f'{fmt(rec.value(Key("target", depth, j, sample=0)))}</text>')
    title = escape(net.name if net.name.strip() else "network")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="{TEXT}">'
            f'<title>{title}</title><rect width="100%" height="100%" fill="white"/>'
            + "".join(edges) + "".join(nodes) + "".join(labels) + "</svg>")
