"""Samples read from a CSV file.

`read(path)` reads and checks the whole file before anything is returned: at most
MAX_CSV_BYTES of UTF-8 text (a byte order mark is fine; a larger file is refused before it is
read, a binary one (NUL characters, not UTF-8) too), at most MAX_CSV_ROWS data rows, every row
as long as the first (blank lines are skipped). It gives a `Table`: the header, the line each
data row starts on, every field as a number (NaN where it is not one: a field is a number as
engine.network.numbers.parse_decimal reads it, a decimal within a float64's bounds, "too large"
and "too small" said as such) and the first rows as
text for a preview; a column's text is read again from the file's text when it is needed (a
column of class names), so that a 16 MB file takes about 100 MB at most and a second to read.
It detects:
- the separator: comma, semicolon or tab, the one that splits the first 20 rows into the same
  number (at least 2) of fields, most of them numbers below the first row (then in it; a tie
  goes to the most fields, then comma, semicolon, tab); fields may be quoted ("a, b"; a quote
  inside a quoted field is doubled: "6"" tall");
- a decimal comma (0,5) where the separator is a semicolon or a tab: when fields hold commas
  and no field is a number written with a point;
- a header row: the first row is one when some column holds numbers in the rows below it
  (up to the 20th) but not in the first. Without one, the columns are named "column 1",
  "column 2", ... (so is a column whose header is empty).

`select(table, inputs, targets, scale)` turns chosen columns into `targets.Data`. Columns are
header names or 1-based numbers, comma-separated, with ranges of numbers: "1-4", "x,y", "3",
"1-2,5". Input columns must hold numbers. One target column of text, or of whole numbers with
at most MAX_UNITS different values, holds class labels (engine.network.targets: one-hot for one output
unit per class, 0/1 for one output unit and two classes; whole numbers are also values, for one
output unit with mse). Classes are in sorted order, numbers by value ("2" before "10") and
otherwise names as text (by code point: "B" before "a"), so the same file always gives the same
order; the description reports it. Other target columns are values. Inputs may be scaled per
column: "standard" (minus the mean, divided by the standard deviation, population: ddof 0) or
"minmax" (to [0, 1]); a constant column is left as it is. The description says what was done,
column by column.

Every problem raises CsvError, one line of printable characters naming the file, the line and
the column where there is one.
"""
from __future__ import annotations

import collections
import csv
import itertools
import os
import re

import numpy as np

from engine.concepts.formula import exact
from engine.files.atomic import atomic_open
from engine.network.limits import MAX_CSV_BYTES, MAX_CSV_COLUMNS, MAX_CSV_ROWS, MAX_UNITS
from engine.network.numbers import DECIMAL, NOT_A_NUMBER, ZERO, NumberError, digits_only, parse_decimal, quoted
from engine.files.netfile import NetworkFileError, printable, read_text
from engine.network.targets import Data

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SCALES = ("none", "standard", "minmax")
DETECT_ROWS = 20  # rows that decide the separator and the header
DETECT_FIELDS = 1_000_000  # ... unless they hold more fields than this (a file of 30,000 columns): 2 rows at least
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")  # a line with its end: \n, \r\n or \r
HEAD_ROWS = 100  # rows kept as text for a preview (fewer of a wide file: HEAD_FIELDS fields at most, 1 row at least)
HEAD_FIELDS = 100_000
CHUNK_ROWS = 4096  # rows turned into numbers at once (fewer of a wide file: CHUNK_FIELDS fields)
CHUNK_FIELDS = 65_536
SHOWN = 40  # characters of a field quoted in a message
_ZEROS = re.compile(f"(?:{ZERO.pattern}\x00)*")  # fields that write 0, each ended by a NUL (none in a file read)


class CsvError(ValueError):
    """A CSV file or a choice of its columns that cannot be used: "FILE: WHERE: PROBLEM"."""

    def __init__(self, source: str, where: str, problem: str):
        super().__init__(f"{printable(source, 200)}: {printable(where, 80)}: {printable(problem, 300)}")
        self.source, self.where, self.problem = source, where, problem


class Table:
    """A CSV file as read: its header, how it was read, and every data row's fields, kept as
    numbers column by column (a column's text is read again from the file's text when it is
    asked for, so that a 16 MB file takes tens of MB, not hundreds)."""

    def __init__(self, source: str, text: str, header: list[str], separator: str, decimal_comma: bool,
                 has_header: bool, lines: list[int], head: list[list[str]], values: np.ndarray,
                 first_word: list[int | None]):
        self.source = source
        self.header = header  # the header row, or "column 1", "column 2", ... when there is none
        self.separator, self.decimal_comma, self.has_header = separator, decimal_comma, has_header
        self.lines = lines  # the line each data row starts on (1-based)
        self.head = head  # the fields of the first data rows (HEAD_ROWS, fewer of a wide file), as text
        self.values = values  # (rows, columns) float64: each field's number, NaN where it is not one
        self.first_word = first_word  # per column: the first data row whose field is not a number, or None
        self._text = text
        self._texts: dict[int, list[str]] = {}
        self._named: dict[str, list[int]] | None = None

    @property
    def named(self) -> dict[str, list[int]]:
        """Each header name's columns (1-based), made once: a choice of columns is looked up
        in it (a dialog asks at each key typed)."""
        if self._named is None:
            self._named = {}
            for c, h in enumerate(self.header, 1):
                self._named.setdefault(h, []).append(c)
        return self._named

    @property
    def n_rows(self) -> int:
        return len(self.lines)

    @property
    def rows(self) -> "_Rows":
        """The fields of every data row, as text (spaces around them removed): a sequence;
        rows after the first (`head`) are read again from the text when asked for."""
        return _Rows(self)

    @property
    def what(self) -> str:
        """How the file was read, in words (a dialog shows it)."""
        return (f"{self.n_rows:,} rows of {len(self.header)} columns, separated by {SEPARATORS[self.separator]}s"
                f"{', decimal comma' if self.decimal_comma else ''}, "
                f"{'a header row' if self.has_header else 'no header row'}")

    def preview(self, count: int = 8) -> list[tuple[int, list[str]]]:
        """The first `count` (at most those of `head`) data rows as (file line, fields), for a dialog."""
        return list(zip(self.lines[:count], self.head[:count]))

    def column_name(self, c: int) -> str:
        """Column c (0-based) as messages name it: "column 3 (petal)"."""
        name = self.header[c]
        return f"column {c + 1}" if name == f"column {c + 1}" else f"column {c + 1} ({name})"

    def texts(self, c: int) -> list[str]:
        """Every data row's field in column c (0-based), as text."""
        if c not in self._texts:
            self._texts.clear()  # one column kept: the one last asked for
            self._texts[c] = [row[c].strip() for row in self._data_rows()]
        return self._texts[c]

    def _data_rows(self):
        rows = _read_rows(self._text, self.separator, self.source)
        if self.has_header:
            next(rows)
        return (row for _, row in rows)


class _Rows:
    def __init__(self, table: Table):
        self.table = table

    def __len__(self) -> int:
        return self.table.n_rows

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = range(len(self))[k]
        if k < len(self.table.head):
            return self.table.head[k]
        for i, row in enumerate(self.table._data_rows()):
            if i == k:
                return [field.strip() for field in row]


def _decimal(text: str, decimal_comma: bool) -> float:
    """The number a field holds (engine.network.numbers.parse_decimal), or NumberError."""
    return parse_decimal(text.replace(",", ".") if decimal_comma else text)


def number(text: str, decimal_comma: bool = False) -> float | None:
    """The finite number a field holds, or None."""
    if not DECIMAL.fullmatch((text.replace(",", ".") if decimal_comma else text).strip()):
        return None  # a word: said at once (a header of 30,000 names)
    try:
        return _decimal(text, decimal_comma)
    except NumberError:
        return None


def _read_rows(text: str, separator: str, source: str, strict: bool = True):
    """(line, fields) of each row that is not blank; CsvError naming the line where the text
    is not CSV."""
    lines = (m.group() for m in _LINE.finditer(text))  # as io.StringIO(text, newline="") gives them, without a copy
    reader = csv.reader(lines, delimiter=separator, quotechar='"', strict=strict)
    start = 1
    try:
        for row in reader:
            if any(field.strip() for field in row):
                yield start, row
            start = reader.line_num + 1
    except csv.Error as e:
        raise CsvError(source, f"line {start}", f"cannot be read as CSV: {e}") from None


def _first_rows(text: str, separator: str, count: int) -> list[list[str]]:
    """The first `count` rows, read leniently (a bad quote is reported when the file is read):
    from the first 64 KB of the text, or more when its first `count` lines are longer (a header
    of 30,000 columns)."""
    end = max((m.end() for m in itertools.islice(_LINE.finditer(text), count)), default=0)
    sample = text[:max(65536, end)]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    rows, fields = [], 0
    try:
        for _, row in _read_rows(sample, separator, "", strict=False):
            if len(rows) == count or (len(rows) >= 2 and fields >= DETECT_FIELDS):
                break
            rows.append(row)
            fields += len(row)
    except CsvError:  # a field beyond the csv module's limit: as if the rows ended there (the other
        pass  # separators' rows of a wide file; the file is read strictly later)
    return rows


def _separator(text: str) -> str:
    """The separator (see the module)."""
    best, best_score = ",", None
    for sep in SEPARATORS:
        rows = _first_rows(text, sep, DETECT_ROWS)
        if not rows:
            continue
        width = len(rows[0])
        fits = width >= 2 and all(len(r) == width for r in rows)
        words = [int(np.isnan(_values(r, sep != ",")).sum()) for r in rows]
        score = (fits, -sum(words[1:]), -words[0], width)
        if best_score is None or score > best_score:
            best, best_score = sep, score
    return best


def _where(text: str, i: int) -> str:
    line = text.count("\n", 0, i) + 1
    return f"line {line}, column {i - text.rfind(chr(10), 0, i)}"


def read(path: str | os.PathLike) -> Table:
    """The table of a CSV file, read and checked whole (see the module); CsvError otherwise."""
    source = str(path)
    try:
        text = read_text(path, "CSV file", MAX_CSV_BYTES)
    except NetworkFileError as e:
        raise CsvError(source, e.field, e.problem) from None
    return parse_text(text, source)


def parse_text(text: str, source: str = "<csv>") -> Table:
    """The table of CSV text (see the module); CsvError otherwise."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise CsvError(source, _where(text, text.index("\x00")), "a NUL character: a binary file, not CSV text")
    if not text.strip():
        raise CsvError(source, "(file)", "the file is empty")
    line = _LINE.match(text).group()
    widest = max(line.count(s) for s in SEPARATORS) + 1  # fields at most, whatever the separator
    if widest > MAX_CSV_COLUMNS:
        raise CsvError(source, "line 1", f"{widest:,} fields or so: a CSV file may have at most {MAX_CSV_COLUMNS:,} "
                       "columns")
    separator = _separator(text)
    first = [[f.strip() for f in row] for row in _first_rows(text, separator, 50)]
    if not first:  # only blank rows: "", ,,,
        raise CsvError(source, "(file)", "the file is empty")
    width = len(first[0])
    first = [row for row in first if len(row) == width]  # a ragged row is reported below, with its line
    decimal_comma = separator != "," and any("," in f for row in first for f in row) and np.isnan(
        _values([f for row in first[1:] for f in row if "." in f], False)).all()
    below = _values([f for row in first[1:DETECT_ROWS] for f in row], decimal_comma).reshape(-1, width)
    has_header = len(below) > 0 and bool((np.isnan(_values(first[0], decimal_comma)) &
                                          ~np.isnan(below).any(axis=0)).any())

    rows = _read_rows(text, separator, source)
    first_line, first_row = next(rows, (None, None))
    if first_row is None:
        raise CsvError(source, "(file)", "the file is empty")
    if has_header:
        header = [h.strip() or f"column {c + 1}" for c, h in enumerate(first_row)]
    else:
        header = [f"column {c + 1}" for c in range(width)]
        rows = itertools.chain([(first_line, first_row)], rows)
    lines, head, chunk = [], [], []
    head_rows = max(1, min(HEAD_ROWS, HEAD_FIELDS // width))
    chunk_rows = max(1, min(CHUNK_ROWS, CHUNK_FIELDS // width))
    first_word: list[int | None] = [None] * width
    most = min(max(text.count("\n"), text.count("\r")) + 1, MAX_CSV_ROWS + 1, len(text) // width + 1)
    values = np.empty((most, width))  # rows beyond those filled are never touched
    for line, row in rows:
        if len(row) != width:
            raise CsvError(source, f"line {line}", f"{len(row)} fields where line {first_line} has {width}: every "
                           f"row needs the same number of {SEPARATORS[separator]}-separated fields")
        if len(lines) >= MAX_CSV_ROWS:
            raise CsvError(source, f"line {line}", f"more than {MAX_CSV_ROWS:,} data rows, the most a CSV file may have")
        lines.append(line)
        if len(head) < head_rows:
            head.append([f.strip() for f in row])
        chunk.append(row)
        if len(chunk) == chunk_rows:
            _numbers_of(chunk, decimal_comma, len(lines) - len(chunk), first_word, values)
            chunk = []
    if chunk:
        _numbers_of(chunk, decimal_comma, len(lines) - len(chunk), first_word, values)
    if not lines or (len(lines) == 1 and not has_header and np.isnan(_values(head[0], decimal_comma)).all()):
        names = ", ".join((header if has_header else head[0])[:20])
        raise CsvError(source, "(file)", f"no data rows, only a header row ({names[:200]})")
    return Table(source, text, header, separator, decimal_comma, has_header, lines, head, values[: len(lines)],
                 first_word)


def _floats(fields) -> np.ndarray | None:
    """The fields as numbers, read by float() at C speed, when that gives what `number` gives
    each (ASCII decimals, finite, 0 only where the field writes 0); else None."""
    joined = "".join(fields)
    if "_" in joined or not joined.isascii():  # 1_000 and other scripts' digits: float() reads them
        return None
    try:
        values = np.fromiter(map(float, fields), np.float64, len(fields))
    except ValueError:
        return None
    if not np.isfinite(values).all():
        return None  # inf, nan, 1e999
    zeros = np.flatnonzero(values == 0)
    if len(zeros) and not _ZEROS.fullmatch("\x00".join([fields[k] for k in zeros]) + "\x00"):
        return None  # 1e-400: a float64 rounds it to 0
    return values


def _values(fields, decimal_comma: bool) -> np.ndarray:
    """Each field's number (NaN where it is not one): all at once at C speed when they are all
    numbers, else one by one."""
    if decimal_comma:
        fields = [f.replace(",", ".") for f in fields]
    values = _floats(fields)
    if values is None:
        values = np.array([np.nan if (v := number(f)) is None else v for f in fields], dtype=np.float64)
    return values


def _numbers_of(chunk: list[list[str]], decimal_comma: bool, offset: int, first_word: list, out: np.ndarray) -> None:
    """The fields of these rows as numbers (NaN where a field is not one) into rows `offset`...
    of `out`, noting in `first_word` the first row of each column holding something else."""
    width = len(chunk[0])
    fields = [f for row in chunk for f in row]
    if decimal_comma:
        fields = [f.replace(",", ".") for f in fields]
    values = _floats(fields)  # every field of the chunk at once: a file of numbers, however wide
    if values is not None:
        out[offset: offset + len(chunk)] = values.reshape(-1, width)
        return
    for c in range(width):
        values = _values(fields[c::width], False)
        bad = ~np.isfinite(values)
        if bad.any():
            values[bad] = np.nan
            if first_word[c] is None:
                first_word[c] = offset + int(np.argmax(bad))
        out[offset: offset + len(chunk), c] = values


def columns(table: Table, spec: str, option: str = "columns") -> list[int]:
    """0-based column indices of "x,y", "1-4", "3" (names or 1-based numbers, with ranges of
    numbers), in the order given; CsvError naming `option` for an unknown, ambiguous or
    repeated column."""
    out = []
    named = table.named
    for part in (p.strip() for p in str(spec).split(",")):
        if not part:
            raise CsvError(table.source, option, f"an empty column name in {spec!r}")
        if part in named:
            found = named[part]
            if len(found) > 1:
                raise CsvError(table.source, option, f"{len(found)} columns are named {part!r} (columns "
                               f"{', '.join(map(str, found))}): give the number of the one meant")
            out.append(found[0] - 1)
            continue
        bounds = part.split("-")
        try:
            numbers = [digits_only(b) for b in bounds]
        except ValueError as e:  # more digits than any file has columns
            raise CsvError(table.source, option, f"columns {quoted(part)}: {e}") from None
        if None not in numbers and len(bounds) in (1, 2):
            first, last = numbers[0], numbers[-1]
            if first > last:
                raise CsvError(table.source, option, f"columns {part}: a range goes from the smaller number up")
            if not 1 <= first <= last <= len(table.header):
                raise CsvError(table.source, option, f"columns {part}: the file has columns 1 to {len(table.header)}")
            out.extend(range(first - 1, last))
            continue
        names = ", ".join(table.header[:20]) + (", ..." if len(table.header) > 20 else "")
        raise CsvError(table.source, option, f"no column {part!r} (columns: {names})")
    repeated = sorted(c for c, n in collections.Counter(out).items() if n > 1)
    if repeated:
        raise CsvError(table.source, option, f"{table.column_name(repeated[0])} is named twice in {spec!r}")
    return out


def numbers(table: Table, c: int) -> np.ndarray:
    """Column c (0-based) as numbers (a copy); CsvError naming the line and column of the
    first field that is not a finite number."""
    k = table.first_word[c]
    if k is not None:
        field = table.texts(c)[k]
        try:
            _decimal(field, table.decimal_comma)
            reason = NOT_A_NUMBER
        except NumberError as e:
            reason = e.reason
        what = "an empty field" if not field else f"{field[:SHOWN]!r}"
        raise CsvError(table.source, f"line {table.lines[k]}, {table.column_name(c)}", f"{what} {reason}")
    return table.values[:, c].copy()


def scaled(x: np.ndarray, how: str) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The columns of `x` scaled in place ("none", "standard" or "minmax"; see the module) and,
    for each column, what was used: (mean, sd) or (min, max); a constant column is left as it is."""
    x = np.asarray(x, dtype=np.float64)
    used = []
    for j in range(x.shape[1]) if how != "none" else ():
        column = x[:, j]
        if how == "standard":
            a, b = float(column.mean()), float(column.std())
            if b > 0:
                x[:, j] = (column - a) / b
        else:
            a, b = float(column.min()), float(column.max())
            if b > a:
                x[:, j] = (column - a) / (b - a)
        used.append((a, b))
    return x, used


def class_order(labels: list[str], decimal_comma: bool = False) -> list[str]:
    """The distinct labels in class order: by value when all are numbers, else as text."""
    distinct = set(labels)
    if all(number(v, decimal_comma) is not None for v in distinct):
        return sorted(distinct, key=lambda v: number(v, decimal_comma))
    return sorted(distinct)


def select(table: Table, inputs: str, targets: str, scale: str = "none") -> Data:
    """The samples of these input and target columns, the inputs scaled by `scale` (see the
    module): CsvError naming the line and column of the first field that is not what it must be."""
    how = scale
    if how not in SCALES:
        raise CsvError(table.source, "scale", f"expected one of {', '.join(SCALES)}, found {printable(repr(how), 40)}")
    ins, outs = columns(table, inputs, "inputs"), columns(table, targets, "targets")
    both = [c for c in ins if c in outs]
    if both:
        raise CsvError(table.source, "columns", f"{table.column_name(both[0])} is both an input and a target")
    if len(ins) > MAX_UNITS:
        raise CsvError(table.source, "inputs", f"{len(ins)} input columns; a layer has at most {MAX_UNITS} units")
    for c in ins:
        numbers(table, c)  # every field a number, or the first that is not is named
    x, used = scaled(table.values[:, ins], how)  # one copy
    names = ", ".join(table.header[c] for c in ins)
    description = f"from {os.path.basename(table.source)}: inputs {names}"
    if used:
        notes = []
        for c, (a, b) in zip(ins, used):
            constant = b == 0 if how == "standard" else a == b
            kind = ("mean", "sd") if how == "standard" else ("min", "max")
            notes.append(f"{table.header[c]} ({kind[0]} {a:.6g}, {kind[1]} {b:.6g}"
                         f"{', constant: not scaled' if constant else ''})")
        done = "standardised" if how == "standard" else "scaled to [0, 1]"
        description += f"; inputs {done}: " + ", ".join(notes)
    if len(outs) == 1:
        data = _classes(table, outs[0], x, description)
        if data is not None:
            return data
    y = np.column_stack([numbers(table, c) for c in outs])
    return Data(inputs=x, values=y, lines=list(table.lines),
                description=f"{description}; target{'s' if len(outs) != 1 else ''} "
                            f"{', '.join(table.header[c] for c in outs)}")


def _classes(table: Table, c: int, x: np.ndarray, description: str) -> Data | None:
    """A target column of class labels as Data, or None for a column of values."""
    values = table.values[:, c]
    if table.first_word[c] is None:
        if not np.array_equal(values, np.floor(values)):
            return None  # numbers with fractions: values
        distinct = np.unique(values)
        if len(distinct) > MAX_UNITS:
            return None  # too many for classes: values
        name = {v: str(int(v)) for v in distinct.tolist()}  # "1", "01" and "1.0" are one class
        labels = [name[v] for v in values.tolist()]
        classes = [name[v] for v in distinct.tolist()]  # by value
        y = values[:, None].copy()
    else:
        labels, y = table.texts(c), None
        if "" in labels:
            raise CsvError(table.source, f"line {table.lines[labels.index('')]}, {table.column_name(c)}",
                           "an empty field: every sample needs its class")
        classes = class_order(labels, table.decimal_comma)
        if len(classes) > MAX_UNITS:
            raise CsvError(table.source, table.column_name(c),
                           f"{len(classes):,} different classes: at most {MAX_UNITS} (one output unit each)")
    return Data(inputs=x, labels=labels, classes=classes, values=y, lines=list(table.lines),
                description=f"{description}; target {table.header[c]}, classes in order {', '.join(classes)}")


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
            writer.writerow([exact(v) for v in np.concatenate([x, t])])
