"""A worked example of one recorded iteration, as a document: the content, not its format.

`build(net, record, digits)` writes iteration K of any network the way the worked example
(Mazur 2015) writes its first: the network figure, the starting values, The Forward Pass unit
by unit, Calculating the Total Error term by term, The Backwards Pass layer by layer from the
output (each parameter's chain rule, its factors, its update), and the loss after the update.
Every number is read from the record (or, for the loss after the update, computed by the
engine's own forward pass with the record's new parameters); every label, formula and chain
rule comes from the quantity table, `describe` and `chainrule`, the same the side panel uses.
Formulas are kept as tokens (engine.concepts.tokens): the writers (`doc_markdown`, `doc_html`)
render them (engine.concepts.render) as LaTeX or HTML.

A network of more than FULL_PARAMETERS parameters gets a shortened document: a few units and
parameters per layer written out, tables for some more, and a note of what was left out.
With several samples per iteration, the first sample of the batch is written out in full,
the others in tables, and the gradients are the batch means.
"""
from __future__ import annotations


import numpy as np

from engine.teaching import article, chainrule
from engine.record import describe
from engine.concepts import render
from engine.concepts.features import raw_name
from engine.network import naming
from engine.concepts.formula import Fmt, significant
from engine.record.layout import Record
from engine.network.maths import Plan, batch_loss, iterate
from engine.network.network import UPDATE_ORDER_NOTE, Setup
from engine.concepts.tokens import Deriv, Elided, Num, Sum, Sym, Token, equals, terms
from engine.record.quantities import Key, Names, label_token
from engine.teaching.blocks import Block, Derivation, Document, Figure, Heading, Inline, Math, Paragraph, Table
from engine.teaching.svgfigure import network_svg

W = Sym("w")
DE_DW = Deriv(Sym("E", "total"), W)  # what backpropagation finds: ∂E_total/∂w
FULL_PARAMETERS = 200  # more than this: a shortened document
SHOWN_UNITS = 2  # units per layer written out in a shortened document (the first ones and the last)
TABLE_ROWS = 8  # rows per layer in a shortened document's tables
SHOWN_TERMS = 4  # terms of a long sum written out in a shortened document (the first ones and the last)
SAMPLE_ROWS = 20  # samples listed in the tables of a batch
SHOWN_PATHS = 2  # downstream paths of a sum written out in a shortened document


# The sections of a document, in order: the notebook export (engine.scripts.notebook) follows them too
STARTING, FORWARD, ERROR, BACKWARD, AFTER = ("The Starting Values", "The Forward Pass", "Calculating the Total Error",
                                             "The Backwards Pass", "After the Update")
FEATURES = "Input features"  # the forward pass's first sub-section when the inputs are features of the samples


def shown_name(net: Setup) -> str:
    """The network's name as a document shows it: "Network" for none (a name of spaces or line breaks is none)."""
    return net.name if net.name.strip() else "Network"


def is_shortened(sizes) -> bool:
    """Is the document of a network of this shape shortened (more than FULL_PARAMETERS parameters)?"""
    return len(naming.parameters(sizes)) > FULL_PARAMETERS


def shown_units(sizes, layer: int, shortened: bool) -> list[int]:
    """The units of `layer` whose computations are written out: all, or in a shortened document
    the first ones and the last."""
    n = sizes[layer]
    if not shortened or n <= SHOWN_UNITS:
        return list(range(n))
    return list(range(SHOWN_UNITS - 1)) + [n - 1]


def written_parameters(sizes, l: int, shortened: bool) -> list[naming.Param]:
    """The parameters of layer l whose chain rule is written out: all, or in a shortened
    document the first weight and the bias of the first unit."""
    params = [p for p in naming.parameters(sizes) if p.layer == l]
    if not shortened:
        return sorted(params, key=lambda p: (p.unit, p.kind == "b", p.source or 0))
    return [p for p in params if p.unit == 0 and (p.kind == "b" or p.source == 0)]


def _p(*parts: Inline, note: bool = False) -> Paragraph:
    return Paragraph(tuple(parts), note)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# -- describing the network -----------------------------------------------------------------------
def summary(net: Setup) -> str:
    """One line: shape, activations, loss, optimizer, batch."""
    parts = ["-".join(map(str, net.sizes)) + " network", "/".join(net.activations), net.loss_fn.title,
             f"learning rate {net.learning_rate!r}"]
    parts += net.optimizer.summary()
    parts.append(_plural(net.n_samples, "sample"))
    if net.batch_size:
        parts.append(f"mini-batches of {net.batch_size}")
    parts.append("biases learn" if net.train_biases else "biases frozen")
    parts.append(f"{net.update_order} update order")
    return ", ".join(parts)


def layer_title(net: Setup, layer: int) -> str:
    if layer == net.depth:
        return "Output Layer"
    if layer == 0:
        return "Input Layer"
    return "Hidden Layer" if net.depth == 2 else f"Hidden Layer {layer}"


class _Builder:
    def __init__(self, net: Setup, rec: Record, digits: int):
        self.net, self.rec = net, rec
        self.fmt: Fmt = significant(digits)
        self.digits = digits
        self.sizes = net.sizes
        self.batch = len(rec.samples)
        self.params = naming.parameters(net.sizes)
        self.shortened = is_shortened(net.sizes)
        self.article = article.matches(net, rec)
        self.names = Names.of(net)
        self.explained: set[str] = set()  # chain-rule symbols written out already (per section), as text

    # -- helpers --------------------------------------------------------------------------------
    def value(self, key: Key) -> Math:
        return self.number(self.rec.value(key))

    def number(self, value: float) -> Math:
        """A number as the document writes it (typeset as maths: 1.5e−05 is 1.5×10⁻⁵)."""
        return Math(Num(value, wrap=False), self.fmt)

    def label(self, key: Key) -> Math:
        """The name of a recorded value: net_h1, w5⁺."""
        return Math(label_token(self.net, key))

    def param(self, p: naming.Param) -> Math:
        return Math(self.names.param_sym(p.layer, p.unit, p.source))

    def entry(self, key: Key, depth: int = 0) -> Derivation:
        return self.derivation(describe.entry(self.net, self.rec, key).tokens(self.fmt), depth)

    def derivation(self, parts: list[Token], depth: int = 0) -> Derivation:
        """lhs = steps; in a shortened document a long sum keeps its first terms and its last."""
        steps = tuple(self.shorter(step) for step in parts[1:])
        return Derivation(parts[0], steps, depth, self.fmt)

    def shorter(self, token: Token) -> Token:
        parts = terms(token)
        if not self.shortened or len(parts) <= SHOWN_TERMS + 1:
            return token
        left = len(parts) - SHOWN_TERMS
        return Sum((*parts[: SHOWN_TERMS - 1], Elided(left), parts[-1]))

    def sample_name(self, s: int) -> int:
        return int(self.rec.samples[s]) + 1

    def shown_units(self, layer: int) -> list[int]:
        return shown_units(self.sizes, layer, self.shortened)

    def table_units(self, layer: int) -> list[int]:
        n = self.sizes[layer]
        return list(range(n if not self.shortened else min(n, TABLE_ROWS)))

    def left_out(self, what: str, shown: int, total: int) -> list[Block]:
        if shown >= total:
            return []
        return [_p(f"Left out: {total - shown:,} of the {total:,} {what} (this network has "
                   f"{len(self.params):,} parameters; the document writes out a few of each layer).", note=True)]

    # -- the document ---------------------------------------------------------------------------
    def build(self) -> Document:
        net, rec = self.net, self.rec
        doc = Document(f"{shown_name(net)}: iteration {rec.iteration:,} step by step", shortened=self.shortened)
        self.doc = doc
        self.intro()
        self.starting_values()
        self.forward()
        self.total_error()
        self.backward()
        self.after()
        return doc

    def intro(self) -> None:
        net, rec, doc = self.net, self.rec, self.doc
        if net.description.strip():
            doc.add(_p(net.description))
        doc.add(_p(summary(net) + "."))
        batch = ", ".join(str(self.sample_name(s)) for s in range(min(self.batch, SAMPLE_ROWS)))
        if self.batch > SAMPLE_ROWS:
            batch += ", …"
        if self.batch > 1:
            doc.add(_p(f"Iteration {rec.iteration:,} updates the parameters once, with the mean gradient of "
                       f"{_plural(self.batch, 'sample')} (samples {batch}). The computation of sample "
                       f"{self.sample_name(0)} is written out in full; the other samples' values are in tables, "
                       "and each gradient is the mean over the batch."))
        doc.add(_p(f"Every number was computed by the engine in float64 and is written with {self.digits} "
                   "significant digits. Each computation is written as the formula in symbols, then with the "
                   "numbers, then the result."))
        if self.shortened:
            doc.add(_p(f"This network has {len(self.params):,} weights and biases, too many to write out one by "
                       f"one: this document writes out the forward pass of {SHOWN_UNITS} units per layer and the "
                       "chain rule of one weight and one bias of each layer, gives up to "
                       f"{TABLE_ROWS} rows per layer in its tables, and says what it leaves out.", note=True))
        doc.add(Figure(network_svg(net, rec, self.fmt),
                       "The network as the iteration starts: each edge carries its weight, the bias units "
                       "b1, b2, … carry the biases (blue positive, vermillion dashed negative)."))
        if self.article:
            doc.add(_p(article.INTRO, note=True))

    def starting_values(self) -> None:
        net, rec, doc = self.net, self.rec, self.doc
        depth = net.depth
        doc.add(Heading(2, STARTING))
        # the samples of the batch
        head = ("sample",) + tuple(self.label(Key("input", 0, i, sample=0)) for i in range(self.sizes[0])) + \
            tuple(self.label(Key("target", depth, k, sample=0)) for k in range(self.sizes[depth]))
        columns = min(len(head) - 1, 2 * TABLE_ROWS)
        rows = []
        for s in range(min(self.batch, SAMPLE_ROWS)):
            values = [self.value(Key("input", 0, i, sample=s)) for i in range(self.sizes[0])]
            values += [self.value(Key("target", depth, k, sample=s)) for k in range(self.sizes[depth])]
            rows.append((str(self.sample_name(s)),) + tuple(values[:columns]))
        doc.add(Table(head[: columns + 1], tuple(rows), (False,) + (True,) * columns))
        doc.add(*self.left_out("inputs and targets of a sample", columns, len(head) - 1))
        doc.add(*self.left_out("samples of the batch", len(rows), self.batch))
        # the parameters, layer by layer
        rows = []
        for l in range(1, depth + 1):
            units = self.table_units(l) if not self.shortened else self.shown_units(l)
            for j in units:
                sources = range(self.sizes[l - 1]) if not self.shortened else range(min(self.sizes[l - 1], 2))
                for i in sources:
                    key = Key("w_before", l, j, i)
                    rows.append((self.label(key), f"{net.unit_name(l - 1, i)} → {net.unit_name(l, j)}",
                                 self.value(key)))
                rows.append((self.label(Key("b_before", l, j)),
                             f"{naming.bias_unit_name(l)} → {net.unit_name(l, j)}" + ("" if net.train_biases
                                                                                       else " (frozen)"),
                             self.value(Key("b_before", l, j))))
        doc.add(_p("The weights and biases the iteration starts from:"))
        doc.add(Table(("parameter", "edge", "value"), tuple(rows), (False, False, True)))
        doc.add(*self.left_out("weights and biases", len(rows), len(self.params)))
        # the settings and functions
        if net.schedule is None:
            rows = [(self.label(Key("lr", 0)), "learning rate", self.number(rec.lr))]
        else:  # η0, and η of iteration k by the schedule (its value: the update's first step)
            rows = [(Math(Sym("η", "0")), "learning rate of iteration 1", self.number(float(net.learning_rate))),
                    (Math(Sym("η")), f"learning rate of iteration k ({net.schedule.summary()})",
                     Math(describe.formula(net, rec, Key("lr", 0)).tokens()))]
        opt = net.optimizer
        for setting in opt.settings:  # its settings beside η, and what it keeps
            value = getattr(opt, setting.key)
            if setting.kind == "flag":
                if value:
                    rows.append((setting.title, "", "on"))
            elif setting.kind == "pair":
                rows.extend((Math(setting.sym(k)), f"{setting.title} ({k + 1} of 2)", self.number(v))
                            for k, v in enumerate(value))
            elif (setting, value) in opt.chosen() or opt.buffers or opt.shown:
                rows.append((Math(setting.sym()), setting.title, self.number(value)))
        if net.penalty is not None:
            rows.append((Math(Sym("λ")), f"strength of the {net.penalty.title} (weights only, never biases)",
                         self.number(float(net.penalty.strength))))
        for buffer in opt.buffers:
            rows.append((buffer.title, "", buffer.before_text if rec["has_state", 0] else buffer.first_text))
        for l in range(1, depth + 1):
            out = describe.formula(net, rec, Key("out", l, 0, sample=0))
            rows.append((self.label(Key("out", l, 0, sample=0)), f"activation of the {layer_title(net, l).lower()}"
                         f" ({net.activations[l - 1]})", Math(out.tokens())))
        term = describe.formula(net, rec, Key("loss_term", depth, 0, sample=0))
        rows.append((self.label(Key("loss_term", depth, 0, sample=0)), f"loss term ({net.loss_fn.title})",
                     Math(term.tokens())))
        doc.add(_p("The settings and the functions of the network:"))
        doc.add(Table(("symbol", "what", "value or formula"), tuple(rows), (False, False, False)))

    # -- forward --------------------------------------------------------------------------------
    def forward(self) -> None:
        net, doc = self.net, self.doc
        doc.add(Heading(2, FORWARD))
        s = 0
        who = f" for sample {self.sample_name(s)}" if self.batch > 1 else ""
        doc.add(_p(f"Each unit adds up its weighted inputs and its bias (its total net input, net), then squashes "
                   f"the sum with its activation function (its output, out){who}. The inputs are the sample's."))
        if net.features:  # the input units are features of the sample's raw inputs: i3 = x1²
            doc.add(Heading(3, FEATURES))
            raw = ", ".join(raw_name(i) for i in range(net.raw_width))
            doc.add(_p(f"Each input unit is a feature of the sample's raw inputs ({raw}):"))
            doc.add(*(self.entry(Key("input", 0, j, sample=s)) for j in self.shown_units(0)))
        for l in range(1, net.depth + 1):
            doc.add(Heading(3, layer_title(net, l)))
            units = self.shown_units(l)
            if net.activation(l).elementwise:
                for j in units:
                    doc.add(self.entry(Key("net", l, j, sample=s)), self.entry(Key("out", l, j, sample=s)))
            else:  # softmax: every net first, then every out
                doc.add(*(self.entry(Key("net", l, j, sample=s)) for j in units))
                doc.add(*(self.entry(Key("out", l, j, sample=s)) for j in units))
            if len(units) < self.sizes[l]:
                rows = tuple((net.unit_name(l, j), self.value(Key("net", l, j, sample=s)),
                              self.value(Key("out", l, j, sample=s))) for j in self.table_units(l))
                doc.add(_p(f"The units of the {layer_title(net, l).lower()}:"),
                        Table(("unit", "net", "out"), rows, (False, True, True)))
                doc.add(*self.left_out(f"units of the {layer_title(net, l).lower()}", len(rows), self.sizes[l]))
        if self.batch > 1:
            depth = net.depth
            outputs = self.table_units(depth)
            head = ("sample",) + tuple(self.label(Key("out", depth, k, sample=0)) for k in outputs)
            rows = tuple((str(self.sample_name(b)),) + tuple(self.value(Key("out", depth, k, sample=b))
                                                             for k in outputs)
                         for b in range(min(self.batch, SAMPLE_ROWS)))
            doc.add(_p("The same computation for every sample of the batch gives the outputs:"),
                    Table(head, rows, (False,) + (True,) * len(outputs)))
        if self.article:
            doc.add(*article.check(self, "forward"))

    def total_error(self) -> None:
        doc, depth = self.doc, self.net.depth
        doc.add(Heading(2, ERROR))
        s = 0
        doc.add(_p("Each output's error against its target, then their sum, the sample's total error:"))
        for k in self.shown_units(depth):
            doc.add(self.entry(Key("loss_term", depth, k, sample=s)))
        doc.add(*self.left_out("loss terms", len(self.shown_units(depth)), self.sizes[depth]))
        doc.add(self.entry(Key("loss", depth, sample=s)))
        if self.batch > 1:
            rows = tuple((str(self.sample_name(b)), self.value(Key("loss", depth, sample=b)))
                         for b in range(min(self.batch, SAMPLE_ROWS)))
            doc.add(_p("Every sample's total error, and the loss of the batch, their mean:"),
                    Table(("sample", self.label(Key("loss", depth, sample=0))), rows, (False, True)),
                    self.entry(Key("batch_loss", depth)))
        if self.net.penalty is not None:
            doc.add(_p(f"The {self.net.penalty.title} of the weights (never the biases), and the total the update "
                       "descends, the loss and the penalty:"),
                    self.entry(Key("penalty", depth)), self.entry(Key("objective", depth)))
        if self.article:
            doc.add(*article.check(self, "error"))

    # -- backward -------------------------------------------------------------------------------
    def backward(self) -> None:
        net, doc = self.net, self.doc
        doc.add(Heading(2, BACKWARD))
        doc.add(_p("Backpropagation finds how much each weight and bias changes the total error, ",
                   Math(DE_DW), ", by the chain rule, from the output layer back to the inputs; then "
                   "gradient descent moves each parameter against its gradient: ",
                   Math(equals(W.updated(), W - Sym("η") * DE_DW)),
                   "."))
        if net.fused is not None:
            doc.add(_p(f"The output units' δ = ∂E/∂net comes in one piece here: {net.fused.note}.", note=True))
        if net.sequential:
            doc.add(_p(UPDATE_ORDER_NOTE, note=True))
        if net.optimizer.stepped or net.optimizer.settings and net.optimizer.chosen():
            doc.add(_p(f"Here the update is {net.optimizer.title}'s ({', '.join(net.optimizer.summary()) or 'its defaults'}"
                       "): each parameter's update below writes it out.", note=True))
        if net.schedule is not None:
            doc.add(_p(f"The learning rate of this iteration, by the schedule ({net.schedule.title}):"),
                    self.entry(Key("lr", 0)))
        for l in range(net.depth, 0, -1):
            self.explained = set()
            doc.add(Heading(3, layer_title(net, l)))
            for p in self.layer_parameters(l):
                self.parameter(p)
            rest = self.table_parameters(l)
            if rest:
                doc.add(_p("The gradients and updates of more parameters of this layer:"),
                        Table(("parameter", Math(Deriv(Sym("E"), Sym("p"))), "before", "after"), tuple(rest),
                              (False, True, True, True)))
            total = self.sizes[l] * (self.sizes[l - 1] + 1)
            doc.add(*self.left_out(f"weights and biases of the {layer_title(net, l).lower()}",
                                   len(self.layer_parameters(l)) + len(rest), total))
            if l == net.depth and net.depth > 1:
                if net.sequential:
                    doc.add(_p("In the sequential order these weights are updated now: the layer below is "
                               "backpropagated through the new ones (w⁺).", note=True))
                else:
                    doc.add(_p("The layers below are backpropagated through the weights of the forward pass, not "
                               "the new ones: every parameter is updated together, at the end of the backward "
                               "pass (the simultaneous order).", note=True))
            if self.article:
                doc.add(*article.check(self, "output" if l == net.depth else "hidden"))

    def layer_parameters(self, l: int) -> list[naming.Param]:
        return written_parameters(self.sizes, l, self.shortened)

    def table_parameters(self, l: int) -> list[tuple]:
        if not self.shortened:
            return []
        written = set(p.name for p in self.layer_parameters(l))
        rows = []
        for p in self.params:
            if p.layer != l or p.name in written or len(rows) >= TABLE_ROWS:
                continue
            grad = Key("grad_" + p.kind, p.layer, p.unit, p.source)
            rows.append((self.param(p), self.value(grad), self.value(Key(p.kind + "_before", p.layer, p.unit, p.source)),
                         self.value(Key(p.kind, p.layer, p.unit, p.source))))
        return rows

    def parameter(self, p: naming.Param) -> None:
        """The chain rule of ∂E/∂p (for the batch's first sample), the batch mean, the update."""
        doc = self.doc
        node = chainrule.gradient(self.net, self.rec, p, 0 if self.batch > 1 else None)
        doc.add(_p("The gradient of ", self.param(p), ":"))
        self.node(node, 0)
        grad = Key("grad_" + p.kind, p.layer, p.unit, p.source)
        if self.batch > 1:
            doc.add(_p("Its mean over the batch:"), self.entry(grad))
        for buffer in self.net.optimizer.stepped:  # what it keeps and what it only shows, in order
            if p.kind == "w" or self.net.train_biases:
                doc.add(self.entry(Key(f"{buffer.name}_{p.kind}", p.layer, p.unit, p.source)))
        doc.add(self.entry(Key(p.kind, p.layer, p.unit, p.source)))

    def node(self, node: chainrule.Node, depth: int) -> None:
        """A chain-rule node: the rule in symbols, each factor not written yet, then the numbers
        and the result; a node whose factors say no more than their values, in one derivation."""
        doc = self.doc
        children = [c for c in node.explained(self.fmt) if c.name not in self.explained]
        parts = node.tokens(self.fmt)
        if node.kind == "leaf" or not children:
            doc.add(self.derivation(parts, depth))
        else:
            doc.add(self.derivation([node.symbol, node.expansion()], depth))
            shown = children if not self.shortened or node.kind != "sum" else children[:SHOWN_PATHS]
            for child in shown:
                self.node(child, depth + 1)
            if len(shown) < len(children):
                doc.add(_p(f"Left out: {len(children) - len(shown):,} more of the {len(children):,} paths, each "
                           "written the same way; their values are in the sum below.", note=True))
            symbols = render.text(node.expansion())
            doc.add(self.derivation([node.symbol] + [p for p in parts[1:] if render.text(p, self.fmt) != symbols],
                                    depth))
        self.explained.add(node.name)

    # -- after ----------------------------------------------------------------------------------
    def after(self) -> None:
        net, rec, doc = self.net, self.rec, self.doc
        doc.add(Heading(2, AFTER))
        before, after = rec.batch_loss, loss_after(net, rec)
        what = "the total error" if self.batch == 1 else "the loss of the same batch"
        doc.add(_p(f"With every parameter updated, {what} goes from ", self.number(before), " to ",
                   self.number(after), " (the forward pass again, with the new parameters)."))
        rows = [(self.param(p), self.value(Key(p.kind + "_before", p.layer, p.unit, p.source)),
                 self.value(Key(p.kind, p.layer, p.unit, p.source))) for p in self.params
                if p.kind == "w" or net.train_biases]
        if not self.shortened:
            doc.add(Table(("parameter", "before", "after"), tuple(rows), (False, True, True)))
        loss = self.label(Key("loss", net.depth, sample=0) if self.batch == 1 else Key("batch_loss", net.depth))
        doc.add(Table(("", loss), (("before the update", self.number(before)), ("after the update", self.number(after))),
                      (False, True)))
        if self.article:
            doc.add(*article.after(self, after, loss_after(net, rec, "sequential")))
        elif net.sequential or net.depth > 1:
            other = "simultaneous" if net.sequential else "sequential"
            how = UPDATE_ORDER_NOTE.split(": the worked example")[0] + "."  # the two orders, without the article
            doc.add(_p(f"In the {other} update order the same iteration would end at a loss of ",
                       self.number(loss_after(net, rec, other)), f". {how}", note=True))


def loss_after(net: Setup, rec: Record, order: str | None = None) -> float:
    """The loss of the record's batch with the parameters the iteration ends with: the engine's
    forward pass on them; in another update order, the iteration computed again in that order."""
    idx = rec.samples
    x, t = net.input_layer(idx), net.targets[idx]
    with np.errstate(all="ignore"):  # a diverging network's loss is written as it is: inf or nan
        if order is None or order == net.update_order:
            return batch_loss(Plan(net), rec.params_after(), x, t)
        other = net.copy()
        other.update_order = order
        plan = Plan(other)
        params = rec.params_before()
        iterate(plan, params, x, t, rec.lr)
        return batch_loss(plan, params, x, t)


def build(net: Setup, rec: Record, digits: int = 9) -> Document:
    """The worked example of the recorded iteration `rec` of `net`, numbers to `digits`
    significant digits."""
    return _Builder(net, rec, digits).build()
