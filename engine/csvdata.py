"""Samples read from a CSV file.

`read(path)` reads and checks the whole file before anything else happens: at most
MAX_CSV_BYTES of UTF-8 text (a byte order mark is fine; a binary file is refused), at most
MAX_ROWS rows, every row as long as the first. It detects:
- the separator: comma, semicolon or tab (the one that splits the first lines into equal,
  most numerous fields); fields may be quoted ("a, b");
- a decimal comma (0,5) where the separator is a semicolon or a tab;
- a header row: the first row is one when some column holds numbers below it but not in it.

`select(table, inputs, targets, scale)` turns chosen columns into `targets.Data`. Columns are
header names or 1-based numbers, comma-separated, with ranges (`1-4`, `x,y`, `3`). Input
columns must be numbers. One target column of text or of integers is a column of class labels
(see engine.targets: one-hot for one output unit per class, 0/1 for one output and two
classes); classes are in sorted order, numbers by value and names alphabetically, so the
same file always gives the same order. Other target columns are values. Inputs may be
scaled, per column: "standard" (minus the mean, divided by the standard deviation) or
"minmax" (to [0, 1]); what was done is in the description.

Every problem raises CsvError, one line naming the file, the line and the column.
"""
from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass

import numpy as np

from .atomic import atomic_open
from .netfile import NetworkFileError, printable, read_text
from .targets import Data

from .limits import MAX_CSV_BYTES, MAX_CSV_ROWS as MAX_ROWS  # noqa: E402
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SCALES = ("none", "standard", "minmax")


class CsvError(ValueError):
    def __init__(self, source: str, where: str, problem: str):
        super().__init__(f"{printable(source, 200)}: {printable(where, 80)}: {printable(problem, 300)}")


@dataclass
class Table:
    source: str
    header: list[str]  # the header row, or "column 1", "column 2", ... when there is none
    rows: list[list[str]]  # the fields of every data row, as text
    lines: list[int]  # the line each row starts on (1-based)
    separator: str
    decimal_comma: bool
    has_header: bool

    @property
    def what(self) -> str:
        """How the file was read, in words (a dialog shows it)."""
        return (f"{len(self.rows):,} rows of {len(self.header)} columns, separated by {SEPARATORS[self.separator]}s"
                f"{', decimal comma' if self.decimal_comma else ''}, "
                f"{'a header row' if self.has_header else 'no header row'}")


def number(text: str, decimal_comma: bool) -> float | None:
    """The number a field holds, or None."""
    s = text.strip()
    if decimal_comma:
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse(text: str, separator: str) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=True)
    rows, lines, start = [], [], 1
    for row in reader:
        if any(field.strip() for field in row):
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
        if len(rows) > MAX_ROWS + 1:
            break
    return rows, lines


def _separator(text: str) -> str:
    """The separator that splits the first row into the most fields (then the one that
    splits the next rows as the first, if two split it alike)."""
    sample = text[:65536]
    best, best_score = ",", (0, False)
    for sep in SEPARATORS:
        try:
            rows, _ = _parse(sample, sep)
        except csv.Error:
            continue
        if not rows:
            continue
        rows = rows[:20]
        score = (len(rows[0]), all(len(r) == len(rows[0]) for r in rows))
        if score > best_score:
            best, best_score = sep, score
    return best


def read(path: str | os.PathLike) -> Table:
    source = str(path)
    try:
        text = read_text(path, "CSV file", MAX_CSV_BYTES)
    except NetworkFileError as e:
        raise CsvError(source, e.field, e.problem) from None
    if "\x00" in text:
        raise CsvError(source, "(file)", "a binary file, not CSV text")
    return parse_text(text, source)


def parse_text(text: str, source: str = "<csv>") -> Table:
    if not text.strip():
        raise CsvError(source, "(file)", "the file is empty")
    separator = _separator(text)
    try:
        rows, lines = _parse(text, separator)
    except csv.Error as e:
        raise CsvError(source, "(file)", f"cannot be read as CSV: {e}") from None
    if len(rows) > MAX_ROWS + 1:
        raise CsvError(source, "(file)", f"more than {MAX_ROWS:,} rows")
    width = len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != width:
            raise CsvError(source, f"line {line}", f"{len(row)} fields where line {lines[0]} has {width}: every row "
                           f"needs the same number of {SEPARATORS[separator]}-separated fields")
    decimal_comma = separator != "," and any("," in f for row in rows for f in row) and all(
        "." not in f.strip() or number(f, False) is None for row in rows[1:50] for f in row)
    has_header = len(rows) > 1 and any(
        number(rows[0][c], decimal_comma) is None and all(number(r[c], decimal_comma) is not None for r in rows[1:20])
        for c in range(width))
    header = [h.strip() for h in rows[0]] if has_header else [f"column {c + 1}" for c in range(width)]
    data, data_lines = (rows[1:], lines[1:]) if has_header else (rows, lines)
    if not data:
        raise CsvError(source, "(file)", "no data rows, only a header")
    return Table(source, header, [[f.strip() for f in r] for r in data], data_lines, separator, decimal_comma,
                 has_header)


def columns(table: Table, spec: str, option: str = "columns") -> list[int]:
    """0-based column indices of "x,y", "1-4", "3" (names or 1-based numbers, with ranges)."""
    out = []
    for part in (p.strip() for p in str(spec).split(",")):
        if not part:
            raise CsvError(table.source, option, f"an empty column in {spec!r}")
        if part in table.header:
            out.append(table.header.index(part))
            continue
        bounds = part.split("-")
        if all(b.strip().isdigit() for b in bounds) and len(bounds) in (1, 2):
            first, last = int(bounds[0]), int(bounds[-1])
            if not 1 <= first <= last <= len(table.header):
                raise CsvError(table.source, option, f"columns {part}: the file has columns 1 to {len(table.header)}")
            out.extend(range(first - 1, last))
            continue
        names = ", ".join(table.header[:20]) + (", ..." if len(table.header) > 20 else "")
        raise CsvError(table.source, option, f"no column {part!r} (columns: {names})")
    if len(set(out)) != len(out):
        raise CsvError(table.source, option, f"a column is named twice in {spec!r}")
    return out


def _numbers(table: Table, c: int) -> np.ndarray:
    values = np.empty(len(table.rows))
    for k, row in enumerate(table.rows):
        v = number(row[c], table.decimal_comma)
        if v is None:
            raise CsvError(table.source, f"line {table.lines[k]}, column {c + 1} ({table.header[c]})",
                           f"{row[c][:40]!r} is not a number")
        values[k] = v
    return values


def _class_order(labels: list[str], decimal_comma: bool) -> list[str]:
    distinct = set(labels)
    if all(number(v, decimal_comma) is not None for v in distinct):
        return sorted(distinct, key=lambda v: number(v, decimal_comma))
    return sorted(distinct)


def select(table: Table, inputs: str, targets: str, scale: str = "none") -> Data:
    """The samples of these input and target columns (see the module)."""
    if scale not in SCALES:
        raise CsvError(table.source, "scale", f"expected one of {', '.join(SCALES)}, found {scale!r}")
    ins, outs = columns(table, inputs, "inputs"), columns(table, targets, "targets")
    both = set(ins) & set(outs)
    if both:
        raise CsvError(table.source, "columns", f"column {table.header[min(both)]!r} is both an input and a target")
    x = np.column_stack([_numbers(table, c) for c in ins])
    notes = []
    if scale != "none":
        for j, c in enumerate(ins):
            column = x[:, j]
            if scale == "standard":
                mean, sd = float(column.mean()), float(column.std())
                if sd > 0:
                    x[:, j] = (column - mean) / sd
                notes.append(f"{table.header[c]} (mean {mean:.6g}, sd {sd:.6g}{', constant: not scaled' if sd == 0 else ''})")
            else:
                low, high = float(column.min()), float(column.max())
                if high > low:
                    x[:, j] = (column - low) / (high - low)
                notes.append(f"{table.header[c]} (min {low:.6g}, max {high:.6g}{', constant: not scaled' if high == low else ''})")
    names = ", ".join(table.header[c] for c in ins)
    source = os.path.basename(table.source)
    description = f"from {source}: inputs {names}"
    if notes:
        description += f"; inputs {'standardised' if scale == 'standard' else 'scaled to [0, 1]'}: " + ", ".join(notes)
    if len(outs) == 1:
        c = outs[0]
        labels = [row[c] for row in table.rows]
        integers = all((v := number(s, table.decimal_comma)) is not None and v == int(v) for s in labels)
        if integers or any(number(s, table.decimal_comma) is None for s in labels):
            classes = _class_order(labels, table.decimal_comma)
            if len(classes) > 256:
                raise CsvError(table.source, f"column {c + 1} ({table.header[c]})",
                               f"{len(classes)} different classes: at most 256 (one output unit each)")
            values = _numbers(table, c)[:, None] if integers else None
            return Data(inputs=x, labels=labels, classes=classes, values=values,
                        description=f"{description}; target {table.header[c]}, classes in order {', '.join(classes)}")
    y = np.column_stack([_numbers(table, c) for c in outs])
    return Data(inputs=x, values=y, description=f"{description}; targets {', '.join(table.header[c] for c in outs)}")


def column_names(setup) -> list[str]:
    """The columns a network's samples are written with: its input units, then its targets."""
    return ([setup.unit_name(0, i) for i in range(setup.sizes[0])] +
            [f"target {setup.unit_name(setup.depth, j)}" for j in range(setup.sizes[-1])])


def write_samples(path: str | os.PathLike, setup) -> None:
    """The network's samples as CSV (a header row, numbers exactly as repr writes them), written
    atomically: `read` and `select` give them back exactly."""
    with atomic_open(path, encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(column_names(setup))
        for x, t in zip(setup.inputs, setup.targets):
            writer.writerow([repr(float(v)) for v in np.concatenate([x, t])])
