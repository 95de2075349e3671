"""The figures the worked example's article publishes, to set beside the engine's own.

M. Mazur, "A Step by Step Backpropagation Example" (2015) prints its numbers rounded to 9
decimal places. A document of the article's network (the preset mazur) at its first iteration
(`matches`) ends each section with a table of the article's figures for it next to the engine's
value rounded the same way, computed from the record: they agree but for one last digit, which
the article gets by multiplying an already rounded number. These figures are quotations, not
inputs: nothing is computed from them.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from engine.files import presets
from engine.network import naming
from engine.network.maths import Params
from engine.network.network import Network
from engine.teaching import chainrule
from engine.record.quantities import Key
from engine.concepts.tokens import Deriv, Sym, Token
from engine.teaching.blocks import Math, Paragraph, Table

INTRO = ("This is the network of M. Mazur's \"A Step by Step Backpropagation Example\" (2015), and this document "
         "follows the article's sections and names. Its numbers are the engine's, to the significant digits "
         "chosen; the article rounds to 9 decimal places, and a table at the end of each section sets its "
         "figures beside the engine's rounded the same way.")
ORDER_NOTE = ("The article prints a total error of {published} after this update. That figure comes from the "
              "sequential update order of an early version of the article's own script (w5 … w8 updated before "
              "the hidden layer's deltas were computed, so that these used the new weights), which gives "
              "{sequential}. Gradient descent computes every gradient with the weights of the forward pass (the "
              "simultaneous order, as above and as PyTorch does): {simultaneous}.")


S, D = Sym, Deriv


@dataclass(frozen=True)
class Figure:
    name: Token  # as the article writes it
    published: str  # as printed (a true minus sign for negatives)
    source: object  # a Key of the record, or (parameter, a chain-rule node's symbol as plain text)
    note: str = ""  # why the last digit differs, where it does


HALF_ROUNDED = "the article multiplies its rounded δ_o2 (−0.038098237 × 0.5 = −0.0190491185)"
FIGURES: dict[str, tuple[Figure, ...]] = {
    "forward": (
        Figure(S("net", "h1"), "0.3775", Key("net", 1, 0, sample=0)),
        Figure(S("out", "h1"), "0.593269992", Key("out", 1, 0, sample=0)),
        Figure(S("net", "h2"), "0.3925", Key("net", 1, 1, sample=0)),
        Figure(S("out", "h2"), "0.596884378", Key("out", 1, 1, sample=0)),
        Figure(S("net", "o1"), "1.105905967", Key("net", 2, 0, sample=0)),
        Figure(S("out", "o1"), "0.75136507", Key("out", 2, 0, sample=0)),
        Figure(S("net", "o2"), "1.224921404", Key("net", 2, 1, sample=0)),
        Figure(S("out", "o2"), "0.772928465", Key("out", 2, 1, sample=0)),
    ),
    "error": (
        Figure(S("E", "o1"), "0.274811083", Key("loss_term", 2, 0, sample=0)),
        Figure(S("E", "o2"), "0.023560026", Key("loss_term", 2, 1, sample=0)),
        Figure(S("E", "total"), "0.298371109", Key("loss", 2, sample=0)),
    ),
    "output": (
        Figure(D(S("E", "total"), S("out", "o1")), "0.74136507", Key("dE_dout", 2, 0, sample=0)),
        Figure(D(S("out", "o1"), S("net", "o1")), "0.186815602", Key("dout_dnet", 2, 0, sample=0)),
        Figure(D(S("net", "o1"), S("w", "5")), "0.593269992", Key("out", 1, 0, sample=0)),
        Figure(D(S("E", "total"), S("w", "5")), "0.082167041", Key("grad_w", 2, 0, 0)),
        Figure(S("δ", "o1"), "0.138498562", Key("delta", 2, 0, sample=0)),
        Figure(S("w", "5", sup="+"), "0.35891648", Key("w", 2, 0, 0)),
        Figure(S("w", "6", sup="+"), "0.408666186", Key("w", 2, 0, 1)),
        Figure(S("w", "7", sup="+"), "0.511301270", Key("w", 2, 1, 0)),
        Figure(S("w", "8", sup="+"), "0.561370121", Key("w", 2, 1, 1)),
    ),
    "hidden": (
        Figure(D(S("E", "total"), S("out", "o2")), "−0.217071535", Key("dE_dout", 2, 1, sample=0)),
        Figure(D(S("out", "o2"), S("net", "o2")), "0.175510053", Key("dout_dnet", 2, 1, sample=0)),
        Figure(S("δ", "o2"), "−0.038098237", Key("delta", 2, 1, sample=0)),
        Figure(D(S("E", "o1"), S("out", "h1")), "0.055399425", ("w1", "∂E_o1/∂out_h1")),
        Figure(D(S("E", "o2"), S("out", "h1")), "−0.019049119", ("w1", "∂E_o2/∂out_h1"), HALF_ROUNDED),
        Figure(D(S("E", "total"), S("out", "h1")), "0.036350306", Key("dE_dout", 1, 0, sample=0)),
        Figure(D(S("out", "h1"), S("net", "h1")), "0.241300709", Key("dout_dnet", 1, 0, sample=0)),
        Figure(D(S("net", "h1"), S("w", "1")), "0.05", Key("out", 0, 0, sample=0)),
        Figure(D(S("E", "total"), S("w", "1")), "0.000438568", Key("grad_w", 1, 0, 0)),
        Figure(S("w", "1", sup="+"), "0.149780716", Key("w", 1, 0, 0)),
        Figure(D(S("E", "total"), S("w", "2")), "0.000877135", Key("grad_w", 1, 0, 1)),
        Figure(D(S("E", "total"), S("w", "3")), "0.000497713", Key("grad_w", 1, 1, 0)),
        Figure(D(S("E", "total"), S("w", "4")), "0.000995425", Key("grad_w", 1, 1, 1)),
        Figure(D(S("E", "total"), S("out", "h2")), "0.041370323", Key("dE_dout", 1, 1, sample=0)),
        Figure(D(S("out", "h2"), S("net", "h2")), "0.240613417", Key("dout_dnet", 1, 1, sample=0)),
        Figure(S("w", "2", sup="+"), "0.19956143", Key("w", 1, 0, 1)),
        Figure(S("w", "3", sup="+"), "0.24975114", Key("w", 1, 1, 0)),
        Figure(S("w", "4", sup="+"), "0.29950229", Key("w", 1, 1, 1)),
    ),
}
AFTER_PUBLISHED = "0.291027924"  # E_total after the first update, as printed (sequential order)


@functools.cache
def network() -> Network | None:
    """The article's network as its first iteration starts: the preset `mazur` (None if it
    cannot be read, and then no document matches it)."""
    try:
        return presets.open_network("mazur")
    except (OSError, ValueError):
        return None


def matches(net, rec) -> bool:
    """Is this the article's network at the start of its first iteration?"""
    a = network()
    return (a is not None and net.sizes == a.sizes and net.activations == a.activations and net.loss == a.loss
            and rec.iteration == 1 and net.train_biases == a.train_biases and net.optimizer == a.optimizer
            and rec.lr == a.learning_rate and len(rec.samples) == 1
            and np.array_equal(rec["theta_before", 0], Params.of(a).theta)
            and np.array_equal(rec["out", 0], a.inputs) and np.array_equal(rec["target", a.depth], a.targets))


def rounded(value: float, published: str) -> str:
    """`value` rounded to as many decimals as `published` has, written the same way."""
    decimals = len(published.partition(".")[2])
    return f"{value:.{decimals}f}".replace("-", "−")


def value(net, rec, figure: Figure) -> float:
    if isinstance(figure.source, Key):
        return rec.value(figure.source)
    param, symbol = figure.source
    return chainrule.gradient(net, rec, naming.find_parameter(net.sizes, param)).find(symbol).value


def rows(net, rec, section: str) -> list[tuple[Figure, str, str]]:
    """(figure, the engine's value rounded as published, agreement) for each figure of a section."""
    out = []
    for f in FIGURES[section]:
        ours = rounded(value(net, rec, f), f.published)
        agree = "same" if ours == f.published else f"last digit: {f.note}" if f.note else "differs"
        out.append((f, ours, agree))
    return out


def check(builder, section: str) -> list:
    table = Table(("", "the article", "the engine, rounded as the article", ""),
                  tuple((Math(f.name), f.published, ours, agree) for f, ours, agree in rows(builder.net, builder.rec,
                                                                                           section)),
                  (False, True, True, False))
    return [Paragraph(("The article's figures for this section:",)), table]


def after(builder, simultaneous: float, sequential: float) -> list:
    fmt = builder.fmt
    text = ORDER_NOTE.format(published=AFTER_PUBLISHED, sequential=fmt(sequential), simultaneous=fmt(simultaneous))
    table = Table(("E_total after the first update", "the article", "the engine, rounded as the article"), (
        ("sequential order (the article's script)", AFTER_PUBLISHED, rounded(sequential, AFTER_PUBLISHED)),
        ("simultaneous order (gradient descent)", "", rounded(simultaneous, AFTER_PUBLISHED)),
    ), (False, True, True))
    return [Paragraph((text,), True), table]
