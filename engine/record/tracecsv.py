"""The rows of the trace CSV (writing the files: `engine.session.export`).

Trace columns: iteration,sample,phase,quantity,layer,unit,source,label,formula,value.
`sample`, `unit` and `source` are 1-based (`sample` is the sample's position in the network
file; empty for batch values); `layer` 0 is the input layer; `value` is the float64 written
with repr, so it reads back exactly; the formula writes numbers with a true minus sign (−), as
the side panel does. Files are UTF-8 with a byte order mark (labels use ∂, δ, ·, ⁺), so that a
spreadsheet opened by double-click reads them right.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from engine.record.describe import context
from engine.concepts import render
from engine.concepts.formula import MINUS, exact
from engine.record.layout import Layout, Record
from engine.network.network import Setup
from engine.record.quantities import Context, Key, label, spec
from engine.record.steps import build_steps

ENCODING = "utf-8-sig"  # UTF-8 with a byte order mark
COLUMNS = ["iteration", "sample", "phase", "quantity", "layer", "unit", "source", "label", "formula", "value"]


def _one_based(k: int | None) -> str:
    return "" if k is None else str(k + 1)


class TraceRows:
    """Turns recorded iterations into CSV rows.

    Everything but the numbers is made once: the fixed columns of each row, and for each
    context of a record (see `describe.Context`: the batch's samples, the learning rate ...)
    an `_Plan` holding each row's symbolic formula and which numbers fill it in. Writing an
    iteration then only reads its row of numbers and formats them."""

    # Plans are kept for the contexts met (a cycle of mini-batches, with and without a
    # momentum buffer ...), up to this many rows in all (some 650 bytes each) or one plan.
    PLAN_ROWS = 100_000
    SLICE = 5_000  # rows made between two yields of `made` and `prepare` (the largest network has 169,382)

    def __init__(self, net: Setup, layout: Layout, make: bool = True):
        """With `make` False, nothing is made until `made()` has run to its end."""
        self.net = net
        self.layout = layout
        self._plans: dict[Context, _Plan] = {}
        self._last: tuple[Context, _Plan] | None = None  # the plan made last, kept or not
        self._sources: dict[tuple, int | tuple] = {}
        self._templates: dict[tuple, tuple] = {}
        if make:
            for _ in self.made():
                pass

    def made(self) -> Iterator[None]:
        """Make the fixed columns of every row, yielding every SLICE rows (for a caller that
        must stay responsive: a large network's take a second)."""
        self.entries = build_steps(self.net, self.layout, complete=True)
        self._fixed = []
        for k, e in enumerate(self.entries, 1):
            self._fixed.append((e.phase, e.info.csv_name, str(e.layer), _one_based(e.unit), _one_based(e.source),
                                label(self.net, e)))
            if k % self.SLICE == 0:
                yield

    def __len__(self) -> int:
        """Rows per iteration."""
        return len(self._fixed)

    def prepare(self, rec: Record) -> Iterator[None]:
        """Make the plan of the record's context (if not made yet), yielding every SLICE rows
        (a large network's takes seconds); `rows` then reads it."""
        ctx = context(self.net, rec)
        if ctx in self._plans or (self._last is not None and self._last[0] == ctx):
            return
        plan = _Plan.__new__(_Plan)
        yield from plan.made(self, ctx)
        self._keep(ctx, plan)

    def _keep(self, ctx: Context, plan: _Plan) -> None:
        self._last = ctx, plan
        if not self._plans or (len(self._plans) + 1) * len(self) <= self.PLAN_ROWS:
            self._plans[ctx] = plan

    def rows(self, rec: Record) -> Iterable[list[str]]:
        ctx = context(self.net, rec)
        plan = self._plans.get(ctx) or (self._last[1] if self._last is not None and self._last[0] == ctx else None)
        if plan is None:
            plan = _Plan(self, ctx)
            self._keep(ctx, plan)
        iteration = str(rec.iteration)
        numbers = (rec.row + 0.0).tolist()  # + 0.0: 0, never −0 (formula.unsigned_zero)
        numbers += [numbers[a] * numbers[b] + 0.0 for a, b in plan.products]
        numbers += plan.constants
        texts = list(map(repr, numbers))  # all floats, none −0: repr is `exact`
        in_formula = [text.replace("-", MINUS) for text in texts]  # formula.exact_in_formula
        # then each as an operand: a negative one in parentheses (render.Plain.number)
        wrapped = [f"({text})" if text[0] == MINUS else text for text in in_formula]
        in_formula += wrapped
        if plan.based:  # and as the base of a power (render.BASE): with an exponent in parentheses too, (1e−05)²
            in_formula += [f"({text})" if text[0] != MINUS and "e" in text else w
                           for text, w in zip(in_formula, wrapped)]
        number = in_formula.__getitem__
        for fixed, form, places, value in plan.rows:
            yield [iteration, *fixed, form % tuple(map(number, places)), texts[value]]

    def template(self, fn, count: int) -> tuple[list[str], list[tuple[int, bool]]]:
        """`render.template(fn, count)`, made once for a function that captures nothing (the
        formula functions of `formula`, an activation's derivative ...): it writes the same
        for the same count."""
        if getattr(fn, "__closure__", True) is not None:
            return render.template(fn, count)
        made = self._templates.get((fn, count))
        if made is None:
            made = self._templates[fn, count] = render.template(fn, count)
        return made

    def source(self, ref) -> int | tuple:
        """Where the number a formula refers to comes from (see `quantities.Spec`): a position
        in the row, ("product", a, b) of two positions, or ("constant", its exact text)."""
        if not isinstance(ref, Key):
            return ("constant", exact(ref))
        src = self._sources.get(ref)
        if src is None:
            positions = self.layout.positions(ref)
            src = self._sources[ref] = positions[0] if len(positions) == 1 else ("product", *positions)
        return src


class _Plan:
    """The rows of an iteration in one context. Their numbers are read from the list
    `row + [row[a] * row[b] for a, b in products] + constants`: the values that are products
    of two (the per-sample weight gradients δ·out) and the numbers that are not in the row
    (momentum, learning rate ...) follow the row's own. Each of `rows` is (fixed columns, the
    formula column as a %-format: "symbols = " and the pieces of text between its numbers
    (`render.template`), where its numbers are, where the value is). A number's place is its
    position in that list, or that plus the list's length for the number in parentheses where
    it is negative (an operand: 0.4 + (−0.5)), or that plus twice the length for the number as
    the base of a power (in parentheses where negative or written with an exponent: (1e−05)²);
    a given value's formula is its number."""

    def __init__(self, maker: TraceRows, ctx: Context):
        for _ in self.made(maker, ctx):
            pass

    def made(self, maker: TraceRows, ctx: Context) -> Iterator[None]:
        """Make the plan, yielding every `maker.SLICE` rows."""
        layout, source = maker.layout, maker.source
        steps = []
        for k, (e, fixed) in enumerate(zip(maker.entries, maker._fixed), 1):
            sample = "" if e.sample is None else str(ctx.samples[e.sample])
            value = source(e)
            s = spec(maker.net, ctx, e)
            if s is None:
                steps.append(((sample, *fixed), "", None, (), value))
            else:
                steps.append(((sample, *fixed), s.symbolic() + " = ", maker.template(s.fn, len(s.refs)),
                              [source(r) for r in s.refs], value))
            if k % maker.SLICE == 0:
                yield
        yield  # what follows goes through every row twice
        extra = dict.fromkeys(src for _, _, _, args, value in steps for src in (*args, value) if type(src) is tuple)
        products = [src for src in extra if src[0] == "product"]
        constants = [src for src in extra if src[0] == "constant"]
        place = {src: layout.size + k for k, src in enumerate(products + constants)}
        self.products = [src[1:] for src in products]
        self.constants = [float(src[1]) for src in constants]  # reads back as the same float

        def at(src) -> int:
            return src if type(src) is int else place[src]

        yield
        self.rows = []
        self.count = layout.size + len(products) + len(constants)  # numbers of an iteration
        self.based = False  # does a formula write a number as the base of a power (render.BASE)?
        for k, (fixed, symbolic, template, args, value) in enumerate(steps, 1):
            if template is None:
                form, places = "%s", (at(value),)
            else:
                pieces, slots = template
                form = "%s".join(p.replace("%", "%%") for p in [symbolic + pieces[0], *pieces[1:]])
                places = tuple(at(args[position]) + self.count * mode for position, mode in slots)
                self.based = self.based or any(mode == render.BASE for _, mode in slots)
            self.rows.append((fixed, form, places, at(value)))
            if k % maker.SLICE == 0:
                yield
