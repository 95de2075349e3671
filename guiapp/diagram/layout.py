"""Where the diagram puts its units and tags: plain geometry from the network's shape and the
sizes of its texts (no Qt, so it is quick to test).

Units stand in columns, one per layer, Δ apart and each layer centred; the bias unit feeding
layer l stands below the units of layer l − 1. A hidden unit's values hang below it, an
input's are on its left, an output's on its right. Each edge's tag is centred on its edge, at
the place along it, tried from a preferred fraction outwards, where its box overlaps nothing
placed before (units, unit values, other tags); among those places, the one that the fewest
other edges cross, so that it is plain which edge a tag belongs to.

`plan` lays the network out to fill a room (the view's size at some scale) and says whether
every edge tag found a place; `choose` tries smaller scales, then one-line edge tags, until
one does, within a bounded number of checks (MAX_CHECKS: the places of a tag are checked
together, with numpy). Its `sizes` are the rows of each column: the units shown, a folded layer's "… n
more" unit counting as one (see `diagram_fold`); `rows_that_fit` says how many a height holds.
Edges given no tag (a crowded pair of layers) are left out of the edges a plan places.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GAP = 3.0  # free space kept around every box
PAD_X, PAD_Y = 4.0, 2.0  # inside a tag, around its text
BIAS_SCALE = 0.75  # a bias unit's radius, as a fraction of a unit's
FRACTIONS = tuple(k / 40 for k in range(4, 37))  # where along an edge a tag may sit (0.1 … 0.9)

Box = tuple[float, float, float, float]  # left, top, right, bottom


class Budget:
    """The checks a search may still make (a tag's place against a box or an edge): when
    they run out, the tags not yet placed get no place, and `choose` stops searching."""

    def __init__(self, checks: int):
        self.left = checks

    def spend(self, checks: int) -> bool:
        self.left -= checks
        return self.left >= 0

    @property
    def spent(self) -> bool:
        return self.left < 0


@dataclass(frozen=True)
class Texts:
    """The sizes the texts need, in scene units (pixels at scale 1)."""

    line: float  # height of one line of text
    radius: float  # of a unit's circle
    input_width: float  # the widest text of an input's values (one line)
    hidden_width: float  # of a hidden unit's (net, out, δ)
    output_width: float  # of an output unit's (net, out, δ, target, E)
    edge_widths: dict  # each edge tag's widest line, at the level of detail shown (keyed as the edges)
    edge_lines: int = 2  # lines of each edge tag, at the level of detail shown
    corner: tuple[float, float] = (0.0, 0.0)  # the η tag's size, at the top left

    def tag_size(self, name) -> tuple[float, float]:
        return self.edge_widths[name] + 2 * PAD_X, self.lines_height(self.edge_lines)

    def lines_height(self, n: int) -> float:
        return self.line * n + 2 * PAD_Y


@dataclass
class Edge:
    name: object  # what the plan's tags and the texts' widths are keyed by (the view: a (source, target) slot)
    source: tuple[int, int | None]  # (layer, unit) of its source; unit None: the bias unit
    target: tuple[int, int]


@dataclass
class Plan:
    units: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    biases: dict[int, tuple[float, float]] = field(default_factory=dict)  # the bias unit feeding layer l
    tags: dict[object, tuple[float, float] | None] = field(default_factory=dict)  # centres; None: no room
    corner: tuple[float, float] = (0.0, 0.0)  # top left of the η tag
    rect: Box = (0.0, 0.0, 0.0, 0.0)  # everything, with a margin
    boxes: list[Box] = field(default_factory=list)  # what was placed (units, values, tags)

    @property
    def placed_all(self) -> bool:
        return all(centre is not None for centre in self.tags.values())

    @property
    def size(self) -> tuple[float, float]:
        return self.rect[2] - self.rect[0], self.rect[3] - self.rect[1]


def edges(sizes, weight_name, bias_name) -> list[Edge]:
    """The edges layer by layer, each source's edges together (the bias unit's last)."""
    out = []
    for l in range(1, len(sizes)):
        for i in list(range(sizes[l - 1])) + [None]:
            for j in range(sizes[l]):
                name = weight_name(sizes, l, j, i) if i is not None else bias_name(sizes, l, j)
                out.append(Edge(name, (l - 1, i), (l, j)))
    return out


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _overlapping(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Which of `boxes` (K×4) overlap any of `others` (N×4): K booleans."""
    if not len(others):
        return np.zeros(len(boxes), dtype=bool)
    a, b = boxes[:, None, :], others[None, :, :]
    return ((a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2]) & (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3])).any(1)


def _crossings(boxes: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """How many of the `segments` (M×4: x0, y0, x1, y1) pass through each of `boxes` (K×4):
    Liang–Barsky clipping of every segment against every box at once. A segment is inside
    between the parameters where it enters and leaves each slab (the box's columns, its rows)."""
    if not len(segments):
        return np.zeros(len(boxes), dtype=int)
    x0, y0 = segments[:, 0], segments[:, 1]
    dx, dy = segments[:, 2] - x0, segments[:, 3] - y0
    with np.errstate(divide="ignore", invalid="ignore"):
        ax, bx = (boxes[:, 0:1] - x0) / dx, (boxes[:, 2:3] - x0) / dx
        ay, by = (boxes[:, 1:2] - y0) / dy, (boxes[:, 3:4] - y0) / dy
    for a, b, start, low, high, flat in ((ax, bx, x0, boxes[:, 0:1], boxes[:, 2:3], dx == 0),
                                         (ay, by, y0, boxes[:, 1:2], boxes[:, 3:4], dy == 0)):
        if flat.any():  # parallel to the slab: inside it everywhere, or nowhere
            inside = (low[:, :] <= start[flat]) & (start[flat] <= high)
            a[:, flat] = np.where(inside, -np.inf, np.inf)
            b[:, flat] = np.inf
    lo = np.maximum(np.maximum(np.minimum(ax, bx), np.minimum(ay, by)), 0.0)
    hi = np.minimum(np.minimum(np.maximum(ax, bx), np.maximum(ay, by)), 1.0)
    return (lo <= hi).sum(1)


def _grown(box: Box, by: float = GAP) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _heights(texts: Texts) -> tuple[float, float, float]:
    """The least distance Δ between two units of a column (a hidden unit's values fit
    between it and the unit below, an output's beside it), and the room kept above the
    first unit (the η tag) and below the last (its values)."""
    r, hidden_h = texts.radius, texts.lines_height(3)
    d_min = max(2 * r + 3 + hidden_h + 2 * GAP, texts.lines_height(5) + GAP, texts.lines_height(2) * 2)
    top = r + 2 * GAP + texts.corner[1]
    bottom = max(r + 3 + hidden_h, BIAS_SCALE * r + 3 + texts.lines_height(1)) + GAP
    return d_min, top, bottom


def rows_that_fit(texts: Texts, height: float) -> int:
    """How many units (a bias unit included) a column holds in `height`, at scale 1."""
    d_min, top, bottom = _heights(texts)
    return max(1, int((height - top - bottom - 20) // d_min) + 1)  # 20: the plan's margin


def plan(sizes, texts: Texts, room: tuple[float, float], all_edges: list[Edge], grid: bool = False,
         stretch: float = 1.0, budget: Budget | None = None, whole: bool = False) -> Plan:
    """Units placed to fill `room` (or more, where the texts need it), then the edge tags.

    With `grid`, no search: room is made (however large) for the tags of each layer to stand
    in one column at 1/(n+1) of the way from their sources (n: units of the layer they feed),
    where sources Δ apart and targets Δ apart put them evenly Δ/(n+1) apart (edges without tags
    take no room). `stretch` lets the gaps between columns grow that many times more than
    usual (a tall diagram shown small). With `whole`, the search stops at the first tag that
    finds no place (the plan is of no use), leaving the others unplaced too; `budget` bounds
    the search (see choose)."""
    depth = len(sizes) - 1
    r = texts.radius
    hidden_h = texts.lines_height(3)
    rows = max(sizes[l] + (1 if l < depth else 0) for l in range(depth + 1))
    d_min, top, bottom = _heights(texts)
    spacing = d_min if rows == 1 else min(max((room[1] - top - bottom) / (rows - 1), d_min), 2.5 * d_min)
    tallest_tag = max((texts.tag_size(name)[1] for name in texts.edge_widths), default=0.0)
    tagged = {e.target[0] for e in all_edges}  # the layers whose edges have tags
    if grid:
        spacing = max(d_min, (tallest_tag + GAP) * (max((sizes[l] for l in tagged), default=0) + 1))
    left = r + 6 + texts.input_width + GAP
    right = r + 6 + texts.output_width + GAP
    widest_tag = max((texts.tag_size(name)[0] for name in texts.edge_widths), default=0.0)
    # each gap: at least what the units' values beside it leave, plus room for a tag; what the
    # room has left over goes to the gaps in proportion to the number of edges they hold
    reach = [r] + [max(r, texts.hidden_width / 2) for _ in range(1, depth)] + [r]
    least = [reach[l - 1] + reach[l] + 2 * GAP + widest_tag / 2 for l in range(1, depth + 1)]
    n_edges = [(sizes[l - 1] + 1) * sizes[l] for l in range(1, depth + 1)]
    spare = max(room[0] - left - right - sum(least), 0.0)
    most = (3 * widest_tag + 2 * r + texts.hidden_width + 2 * d_min) * stretch
    gaps = [min(g + spare * n / sum(n_edges), max(most, g)) for g, n in zip(least, n_edges)]
    if grid:
        gaps = [max(g, (sizes[l] + 1) * (reach[l - 1] + 2 * GAP + widest_tag / 2), widest_tag + 2 * reach[l] + 2 * GAP)
                if l in tagged else g for l, g in zip(range(1, depth + 1), least)]
    columns = [0.0]
    for g in gaps:
        columns.append(columns[-1] + g)

    result = Plan()
    for l in range(depth + 1):
        x = columns[l]
        for j in range(sizes[l]):
            result.units[(l, j)] = (x, (j - (sizes[l] - 1) / 2) * spacing)
        if l < depth:
            result.biases[l + 1] = (x, (sizes[l] - (sizes[l] - 1) / 2) * spacing)

    boxes: list[Box] = []
    for (l, j), (x, y) in result.units.items():
        boxes.append(_grown((x - r, y - r, x + r, y + r)))
        if l == 0:
            w, h = texts.input_width, texts.lines_height(1)
            boxes.append((x - r - 6 - w, y - h / 2, x - r - 6, y + h / 2))
        elif l == depth:
            w, h = texts.output_width, texts.lines_height(5)
            boxes.append((x + r + 6, y - h / 2, x + r + 6 + w, y + h / 2))
        else:
            w = texts.hidden_width
            boxes.append((x - w / 2, y + r + 3, x + w / 2, y + r + 3 + hidden_h))
    for x, y in result.biases.values():
        b = BIAS_SCALE * r
        boxes.append(_grown((x - b, y - b, x + b, y + b)))
        boxes.append((x - 10, y + b + 3, x + 10, y + b + 3 + texts.lines_height(1)))
    # the η tag above the inputs, where their column leaves room, else above everything
    inputs_top = result.units[(0, 0)][1] - r
    units_top = min(y for _, y in result.units.values()) - r
    corner_top = inputs_top - 2 * GAP - texts.corner[1]
    corner = (-left, corner_top, -left + texts.corner[0], inputs_top - GAP)
    if any(_overlaps(corner, b) for b in boxes):
        corner_top = units_top - 2 * GAP - texts.corner[1]
        corner = (-left, corner_top, -left + texts.corner[0], units_top - GAP)
    result.corner = (corner[0], corner[1])
    boxes.append(corner)

    def position(node) -> tuple[float, float]:
        layer, unit = node
        return result.biases[layer + 1] if unit is None else result.units[node]

    stopped = False
    for l in range(1, depth + 1):
        if stopped:
            break
        gap_edges = [e for e in all_edges if e.target[0] == l]
        ends = np.array([(*position(e.source), *position(e.target)) for e in gap_edges], dtype=float).reshape(-1, 4)
        preferred = 1.0 / (sizes[l] + 1) if grid else max(1.0 / (sizes[l] + 1), 0.2)
        order = np.array(sorted(FRACTIONS, key=lambda t: abs(t - preferred)))  # the first of equals is preferred
        x_lo, x_hi = columns[l - 1] - r, columns[l] + r
        nearby = np.array([b for b in boxes if b[2] > x_lo - widest_tag and b[0] < x_hi + widest_tag] +
                          [(0.0,) * 4] * len(gap_edges)).reshape(-1, 4)  # then the tags placed, in the rows after
        n_near = len(nearby) - len(gap_edges)
        others = np.ones(len(gap_edges), dtype=bool)
        for k, e in enumerate(gap_edges):
            x0, y0, x1, y1 = (float(v) for v in ends[k])
            w, h = texts.tag_size(e.name)
            if grid:  # evenly apart by construction
                t = preferred
            else:  # where it overlaps nothing; of those places, the one the fewest edges cross, then the nearest
                if budget is not None and not budget.spend(TAG_CHECKS + len(order) * (n_near + len(gap_edges))):
                    result.tags[e.name] = None
                    stopped = True
                    break
                cx, cy = x0 + (x1 - x0) * order, y0 + (y1 - y0) * order
                candidates = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
                free = np.flatnonzero(~_overlapping(candidates, nearby[:n_near]))
                if not len(free):
                    result.tags[e.name] = None
                    if whole:
                        stopped = True
                        break
                    continue
                others[k] = False
                crossing = _crossings(candidates[free], ends[others])
                others[k] = True
                t = float(order[free[np.argmin(crossing)]])  # argmin: the first, nearest the preferred place
            cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            result.tags[e.name] = (cx, cy)
            grown = _grown((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), GAP / 2)
            boxes.append(grown)
            nearby[n_near] = grown
            n_near += 1
    result.boxes = boxes
    x0 = min(b[0] for b in boxes) - 10
    y0 = min(b[1] for b in boxes) - 10
    x1 = max(b[2] for b in boxes) + 10
    y1 = max(b[3] for b in boxes) + 10
    result.rect = (x0, y0, x1, y1)
    return result


# Levels of detail of the edge tags: what each must find room for.
FULL, VALUES, NAMES = 0, 1, 2  # value and gradient; value (gradient on demand); name (both on demand)
SCALES = {FULL: (1.0, 0.95, 0.9, 0.85), VALUES: (1.0, 0.95, 0.9, 0.85),
          NAMES: tuple(1.0 - k / 40 for k in range(17))}  # 1.0 … 0.6
CROWDED = 0.45  # more of the room than this covered by boxes: no use searching
MAX_SEARCHED = 160  # tagged edges: more go straight to the grid
MAX_PLANS = sum(len(scales) for scales in SCALES.values()) + 2  # 27: each scale of each level, the stretched one, the grid
MAX_CHECKS = 1_500_000  # of one `choose`: about 50 ms of CPU (benchmarks/diagram_layout.py measures it)
TAG_CHECKS = 1000  # what searching one tag's place costs besides its checks (numpy's calls), counted as checks


@dataclass
class Choice:
    level: int
    plan: Plan
    scale: float  # the view's scale that shows the plan whole (at most 1)


def fit_scale(p: Plan, viewport: tuple[float, float]) -> float:
    w, h = p.size
    return min(viewport[0] / w, viewport[1] / h, 1.0)


def _area(texts: Texts, sizes) -> float:
    """What the boxes of the tags and values cover, whatever the layout."""
    tags = sum(w * h for w, h in (texts.tag_size(name) for name in texts.edge_widths))
    depth = len(sizes) - 1
    values = sum(sizes[1:-1]) * texts.hidden_width * texts.lines_height(3)
    values += sizes[-1] * texts.output_width * texts.lines_height(5) + sizes[0] * texts.input_width * texts.line
    circles = sum(sizes) * (2 * texts.radius) ** 2 + depth * (2 * BIAS_SCALE * texts.radius) ** 2
    return tags + values + circles


def choose(sizes, texts_at, viewport: tuple[float, float], all_edges: list[Edge],
           least_scale: float | None = None) -> Choice:
    """The most detailed level whose tags all find room at a scale close to 1 (the names at
    least down to 0.6); failing that, the names laid out at the scale that fits the tallest
    column (a layer of many units shown whole), so that the diagram takes the view's shape;
    failing that, the names in the grid, however small it must be shown.

    With `least_scale` (presentation mode, whose labels must stay large), the most detailed
    level shown at that scale or larger; failing that, the level shown largest.

    Its cost is bounded whatever the network and the room: at most MAX_PLANS plans, whose
    searches together make at most MAX_CHECKS checks (a tag: TAG_CHECKS, and each of its
    len(FRACTIONS) places against each box near its gap and each other edge of the gap); when
    they run out, the grid, which searches nothing (its cost grows with the edges alone). A
    plan that leaves a tag without a place stops there: it will not be chosen."""
    searched = len(all_edges) <= MAX_SEARCHED
    budget = Budget(MAX_CHECKS)
    largest = None  # with least_scale: the choice shown largest so far, the most detailed of equals
    for level in (FULL, VALUES, NAMES) if searched else ():
        if budget.spent:
            break
        texts = texts_at(level)
        need = _area(texts, sizes)
        for s in SCALES[level]:
            room = (viewport[0] / s, viewport[1] / s)
            if need > CROWDED * room[0] * room[1]:
                continue
            p = plan(sizes, texts, room, all_edges, budget=budget, whole=True)
            if budget.spent:
                break
            scale = fit_scale(p, viewport)
            if p.placed_all and scale >= SCALES[level][-1] - 0.01:
                if least_scale is None or scale >= least_scale - 0.01:
                    return Choice(level, p, scale)
                if largest is None or scale > largest.scale + 0.01:
                    largest = Choice(level, p, scale)
                break  # at a smaller scale, smaller still
    if largest is not None:
        return largest
    if searched and not budget.spent:
        texts = texts_at(NAMES)
        d_min, top, bottom = _heights(texts)
        rows = max(n + (1 if l < len(sizes) - 1 else 0) for l, n in enumerate(sizes))
        s = min(1.0, viewport[1] / (top + bottom + 20 + (rows - 1) * d_min))
        p = plan(sizes, texts, (viewport[0] / s, viewport[1] / s), all_edges, stretch=1 / s, budget=budget, whole=True)
        if p.placed_all and not budget.spent:
            return Choice(NAMES, p, fit_scale(p, viewport))
    p = plan(sizes, texts_at(NAMES), viewport, all_edges, grid=True)
    return Choice(NAMES, p, fit_scale(p, viewport))
