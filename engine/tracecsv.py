"""The trace and loss-history CSV files.

Trace columns: iteration,sample,phase,quantity,layer,unit,source,label,formula,value.
`sample`, `unit` and `source` are 1-based (`sample` is the sample's position in the network
file; empty for batch values); `layer` 0 is the input layer; `value` is the float64 written
with repr, so it reads back exactly. Files are UTF-8 (labels use ∂, δ, ·).
"""
from __future__ import annotations

import csv
import os
from typing import Callable, Iterable

from .atomic import atomic_open
from .describe import formula as entry_formula, label, value as entry_value
from .formula import exact
from .layout import Layout, Record
from .network import Network
from .steps import build_steps

COLUMNS = ["iteration", "sample", "phase", "quantity", "layer", "unit", "source", "label", "formula", "value"]
CSV_QUANTITY = {"grad_w_sample": "grad_w", "grad_b_sample": "grad_b", "batch_loss": "loss"}


def _one_based(k: int | None) -> str:
    return "" if k is None else str(k + 1)


class TraceRows:
    """Turns recorded iterations into CSV rows; the fixed part of each row is made once."""

    def __init__(self, net: Network, layout: Layout):
        self.net = net
        self.entries = build_steps(layout, net.activations[-1] == "softmax",
                                   net.update_order == "sequential", complete=True)
        self._fixed = [
            (e, e.phase, CSV_QUANTITY.get(e.quantity, e.quantity), str(e.layer), _one_based(e.unit),
             _one_based(e.source), label(net, e))
            for e in self.entries
        ]

    def __len__(self) -> int:
        """Rows per iteration."""
        return len(self._fixed)

    def rows(self, rec: Record) -> Iterable[list[str]]:
        iteration = str(rec.iteration)
        samples = [str(int(k) + 1) for k in rec.samples]
        for e, phase, quantity, layer, unit, source, text in self._fixed:
            f = entry_formula(self.net, rec, e)
            value = entry_value(rec, e)
            formula = exact(value) if f is None else f"{f.symbolic()} = {f.numeric(exact)}"
            sample = "" if e.sample is None else samples[e.sample]
            yield [iteration, sample, phase, quantity, layer, unit, source, text, formula, repr(value)]


def write_trace(path: str | os.PathLike, net: Network, layout: Layout, records: Iterable[Record],
                progress: Callable[[int], bool | None] | None = None) -> int:
    """Write the records' rows to `path` atomically. `progress(iterations_written)` is called
    after each iteration; returning False cancels (and leaves `path` untouched).
    Returns the number of iterations written."""
    maker = TraceRows(net, layout)
    done = 0
    with atomic_open(path) as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        for rec in records:
            out.writerows(maker.rows(rec))
            done += 1
            if progress is not None and progress(done) is False:
                raise ExportCancelled(f"export cancelled after {done} iterations")
    return done


class ExportCancelled(Exception):
    pass


def write_history(path: str | os.PathLike, losses, first_iteration: int = 1) -> None:
    """iteration,loss: the batch loss of each iteration's forward pass, before its update."""
    with atomic_open(path) as f:
        f.write("iteration,loss\n")
        f.writelines(f"{first_iteration + k},{float(v)!r}\n" for k, v in enumerate(losses))
