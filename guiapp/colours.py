"""The colours every view draws with, derived from the palette of the desktop (light or dark).

Hues come from the Okabe–Ito palette, which stays distinguishable with every common kind of
colour blindness: blue for a positive weight and vermillion for a negative one (drawn dashed
as well, so the sign never rests on colour alone), orange for what the current computation
uses, bluish green for the selection, reddish purple for gradients and δ. Text colours are
darkened (light palette) or lightened (dark palette) until they have a WCAG contrast ratio of
at least 4.5 against the background they are drawn on, whatever the palette.

`scheme(palette)` gives the colours for a palette (the application's by default); views ask
again when they receive a palette change. The loss plot takes its colours from here too
(`Scheme.plot_*`).

Maps (the output map, the unit maps) colour a value by the OUTPUT_MAP scale between the two ends
of their colour scale (`map_rgba`, `map_image`); decision regions of several classes colour each
class by its own hue (`class_colour`: Okabe–Ito's, then evenly spaced hues).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette

TEXT_CONTRAST = 4.5  # WCAG AA for normal text
LINE_CONTRAST = 3.0  # WCAG AA for graphics
OUTPUT_MAP = "cividis"  # the output map's colour scale: perceptually uniform, made for colour-blind eyes
MAP_STEPS = 256  # colours of the scale a map is drawn with
# decision regions: class 1, 2, … (Okabe–Ito: orange, sky blue, bluish green, yellow, blue, vermillion,
# reddish purple); more classes take evenly spaced hues
ERROR_TEXT = "#b00020"  # a refusal's line in a dialog (guiapp.dialogs.problem)
CLASS_HUES = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def over(top: QColor, bottom: QColor) -> QColor:
    """`top` (maybe translucent) painted over opaque `bottom`."""
    a = top.alphaF()
    return QColor.fromRgbF(top.redF() * a + bottom.redF() * (1 - a), top.greenF() * a + bottom.greenF() * (1 - a),
                           top.blueF() * a + bottom.blueF() * (1 - a))


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """(1 − t)·a + t·b, opaque."""
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def readable(colour: QColor, background: QColor, ratio: float = TEXT_CONTRAST) -> QColor:
    """`colour`, moved toward black (on a light background) or white (on a dark one) just
    enough to reach `ratio` against `background`."""
    target = QColor("black") if luminance(background) > 0.18 else QColor("white")
    for step in range(21):
        candidate = mix(colour, target, step / 20)
        if contrast(candidate, background) >= ratio:
            return candidate
    return target


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


# Okabe–Ito hues, and the lighter ones that read on a dark background
LIGHT_HUES = {"positive": "#0072B2", "negative": "#D55E00", "highlight": "#E69F00", "selected": "#009E73",
              "gradient": "#A3468A"}
DARK_HUES = {"positive": "#56B4E9", "negative": "#F07E3C", "highlight": "#F0C300", "selected": "#2FD6A3",
             "gradient": "#E39BD0"}
# Okabe–Ito, in the order the plots give them to their curves (the trajectories)
SERIES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
# The kept runs on the loss curve: the hues that are not the curve's own blues, each run also
# dashed its own way (guiapp.plots.loss)
KEPT_RUNS = ("#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000", "#F0E442")
HUE_NAMES = {"positive": "blue", "negative": "vermillion", "highlight": "orange", "selected": "green",
             "gradient": "purple"}


@dataclass(frozen=True)
class Scheme:
    dark: bool
    background: QColor  # the diagram's and the plot's background
    tag: QColor  # the box behind a tag's text (translucent over the background)
    text: QColor
    muted: QColor  # values not computed yet
    gradient: QColor  # text of gradients and δ
    positive: QColor  # an edge of a positive weight
    negative: QColor  # … of a negative one (dashed)
    highlight: QColor  # what the current computation computes and reads
    current_fill: QColor  # fill of the unit being computed
    selected: QColor
    unit_fill: QColor
    bias_fill: QColor
    note: QColor  # text of a remark (a sample chosen by hand)
    note_fill: QColor  # background of a hint box
    phases: dict = field(default_factory=dict)  # forward/loss/backward/update → text colour
    names: dict = field(default_factory=dict)  # positive/negative/highlight/selected/gradient → word

    @property
    def tag_opaque(self) -> QColor:
        """The tag's box as it looks over the background."""
        return over(self.tag, self.background)

    def text_colours(self) -> dict[str, QColor]:
        """Every colour text is written in, by name (for checking contrast)."""
        return {"text": self.text, "muted": self.muted, "gradient": self.gradient, "note": self.note,
                **{f"phase {k}": v for k, v in self.phases.items()}}

    # The loss plot (pyqtgraph): background, axes and text, the curve, the current iteration
    @property
    def plot_background(self) -> QColor:
        return self.background

    @property
    def plot_foreground(self) -> QColor:
        return self.text

    @property
    def plot_curve(self) -> QColor:
        return self.positive

    @property
    def plot_marker(self) -> QColor:
        return self.highlight

    # The output map: a sample is a disc in its target's colour with a ring of the text colour
    # inside a halo of the background's, which shows on any colour of the map
    @property
    def map_ring(self) -> QColor:
        return self.text

    @property
    def map_halo(self) -> QColor:
        return self.background


def scheme(palette: QPalette | None = None) -> Scheme:
    """The colours for `palette` (the application's if None)."""
    if palette is None:
        palette = QGuiApplication.palette()
    dark = is_dark(palette)
    background = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    tag = QColor(background)
    tag.setAlpha(235)
    on = over(tag, background)
    hues = {k: QColor(v) for k, v in (DARK_HUES if dark else LIGHT_HUES).items()}
    text = readable(text, on)
    current_fill = mix(background, hues["highlight"], 0.35)
    note_fill = mix(background, hues["highlight"], 0.18)
    phases = {"forward": hues["positive"], "loss": hues["negative"], "backward": hues["gradient"],
              "update": hues["selected"]}
    return Scheme(
        dark=dark,
        background=background,
        tag=tag,
        text=text,
        muted=readable(mix(text, background, 0.5), on),
        gradient=readable(hues["gradient"], on),
        positive=readable(hues["positive"], background, LINE_CONTRAST),
        negative=readable(hues["negative"], background, LINE_CONTRAST),
        highlight=hues["highlight"],
        current_fill=current_fill,
        selected=readable(hues["selected"], background, LINE_CONTRAST),
        unit_fill=background,
        bias_fill=mix(background, text, 0.1),
        note=readable(mix(hues["highlight"], text, 0.3), note_fill),
        note_fill=note_fill,
        phases={k: readable(v, on) for k, v in phases.items()},
        names=dict(HUE_NAMES, highlight="yellow" if dark else "orange"),
    )


def dark_palette() -> QPalette:
    """A dark palette like the desktops' dark themes (for screenshots and tests)."""
    p = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#2b2b2b"), (roles.WindowText, "#e8e8e8"), (roles.Base, "#1e1e1e"),
                         (roles.AlternateBase, "#262626"), (roles.ToolTipBase, "#3a3a3a"),
                         (roles.ToolTipText, "#f0f0f0"), (roles.PlaceholderText, "#9a9a9a"), (roles.Text, "#e8e8e8"),
                         (roles.Button, "#333333"), (roles.ButtonText, "#e8e8e8"), (roles.BrightText, "#ff6b6b"),
                         (roles.Light, "#454545"), (roles.Midlight, "#3a3a3a"), (roles.Mid, "#2a2a2a"),
                         (roles.Dark, "#151515"), (roles.Shadow, "#000000"), (roles.Highlight, "#2f6ea5"),
                         (roles.HighlightedText, "#ffffff"), (roles.Link, "#6cb6ff"), (roles.LinkVisited, "#b48ee0")):
        p.setColor(role, QColor(colour))
    for role, colour in ((roles.WindowText, "#7a7a7a"), (roles.Text, "#7a7a7a"), (roles.ButtonText, "#7a7a7a")):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return p


@functools.lru_cache(maxsize=1)
def map_table() -> np.ndarray:
    """The OUTPUT_MAP scale as MAP_STEPS colours, RGBA (uint8), low to high: pyqtgraph's, the one
    the output map's image and colour bar use."""
    import pyqtgraph as pg

    return pg.colormap.get(OUTPUT_MAP).getLookupTable(0.0, 1.0, MAP_STEPS, alpha=True)


@functools.lru_cache(maxsize=1)
def _packed_table() -> np.ndarray:
    """map_table's colours as one 32-bit word each (RGBA in memory order), and a transparent
    one last: step −1 (NaN) takes it."""
    table = np.zeros((MAP_STEPS + 1, 4), dtype=np.uint8)
    table[:MAP_STEPS] = map_table()
    return table.view(np.uint32).ravel()


def map_steps(values: np.ndarray, levels) -> np.ndarray:
    """The step of the scale each value takes (0 at or below the low end, MAP_STEPS − 1 at or
    above the high one); −1 for NaN. `levels`: (low, high), or one pair per first index of
    `values` (a stack of grids, each its own scale)."""
    levels = np.asarray(levels, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    low, high = levels[..., 0], levels[..., 1]
    if levels.ndim == 2:  # one scale per grid of the stack
        shape = (-1,) + (1,) * (values.ndim - 1)
        low, high = low.reshape(shape), high.reshape(shape)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        steps = np.floor((values - low) * (MAP_STEPS / (high - low)))
        np.clip(steps, 0, MAP_STEPS - 1, out=steps)
    steps[np.isnan(values)] = -1
    return steps.astype(np.int64)


def map_rgba(values: np.ndarray, levels) -> np.ndarray:
    """Each value's colour on the scale from levels[0] to levels[1] (or a scale per grid, see
    `map_steps`), RGBA (uint8); NaN transparent."""
    packed = _packed_table()[map_steps(values, levels)]
    return packed.view(np.uint8).reshape(packed.shape + (4,))


def map_images(grids: np.ndarray, levels) -> list[QImage]:
    """Grids (`engine.network.outputmap`'s layout: row 0 at the smallest second input; a stack
    of them, each with its (low, high) in `levels`) as images, their first row at the bottom,
    each point a pixel coloured by `map_rgba`: all of them in one pass over the values."""
    grids = np.asarray(grids, dtype=np.float64)
    packed = np.ascontiguousarray(_packed_table()[map_steps(grids, levels)][:, ::-1])
    height, width = packed.shape[1:]
    return [QImage(one.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy() for one in packed]


def map_image(grid: np.ndarray, levels: tuple[float, float]) -> QImage:
    """One grid as an image (see `map_images`)."""
    return map_images(np.asarray(grid, dtype=np.float64)[None], [levels])[0]


def class_colour(k: int) -> QColor:
    """The colour of class k (0-based) in decision regions."""
    if k < len(CLASS_HUES):
        return QColor(CLASS_HUES[k])
    return QColor.fromHsvF(((k - len(CLASS_HUES)) * 0.618034 + 0.1) % 1.0, 0.65, 0.85)
