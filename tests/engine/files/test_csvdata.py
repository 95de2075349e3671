"""Samples from CSV files (issue 9): what is detected, the samples exactly, and every bad file
refused with one line naming its line and column."""
import csv
import io
import os

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from engine.files import csvdata
from engine.files.csvdata import CsvError

SOME = settings(max_examples=80, deadline=None, derandomize=True, database=None)


def table(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return csvdata.read(path)


def refusal(tmp_path, content, inputs="1,2", targets="3", scale="none") -> str:
    """The message of a refused file or choice, without the file's path in front."""
    with pytest.raises(CsvError) as e:
        csvdata.select(table(tmp_path, content), inputs, targets, scale)
    message = str(e.value)
    assert "\n" not in message and message.isprintable(), message
    prefix = f"{tmp_path / 'data.csv'}: "
    assert message.startswith(prefix), message
    return message[len(prefix):]


# -- files read right ------------------------------------------------------------------------
def test_a_header_row_and_class_names(tmp_path):
    t = table(tmp_path, "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n")
    assert (t.has_header, t.separator, t.decimal_comma) == (True, ",", False)
    assert t.what == "4 rows of 3 columns, separated by commas, a header row"
    assert t.preview(2) == [(2, ["5.1", "1.4", "setosa"]), (3, ["7.0", "4.7", "versicolor"])]
    d = csvdata.select(t, "sepal,petal", "species")
    np.testing.assert_array_equal(d.inputs, [[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.4]])
    assert d.classes == ["setosa", "versicolor", "virginica"]
    assert d.labels == ["setosa", "versicolor", "virginica", "setosa"]
    np.testing.assert_array_equal(d.targets(3, "cross_entropy"), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    assert d.description == "from data.csv: inputs sepal, petal; target species, classes in order setosa, " \
                            "versicolor, virginica"
    with pytest.raises(ValueError, match="3 classes need an output layer of 3 units"):
        d.targets(1, "bce")


def test_no_header_and_column_numbers_with_ranges(tmp_path):
    t = table(tmp_path, "0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    assert not t.has_header and t.header == ["column 1", "column 2", "column 3"]
    d = csvdata.select(t, "1-2", "3")
    np.testing.assert_array_equal(d.inputs, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(d.targets(1, "bce"), [[0], [1], [1], [0]])  # integer labels, two classes
    np.testing.assert_array_equal(d.targets(2, "cross_entropy"), [[1, 0], [0, 1], [0, 1], [1, 0]])
    np.testing.assert_array_equal(csvdata.select(t, "2,1", "3").inputs[:, 0], [0, 1, 0, 1])  # in the order given
    np.testing.assert_array_equal(csvdata.select(t, "1,3", "2").inputs, [[0, 0], [0, 1], [1, 1], [1, 0]])


def test_quoted_fields(tmp_path):
    t = table(tmp_path, 'name,"x, in cm",y\n"a ""quoted"" name","1.5",0\n"b",2.5,1\n"c, d","3",1\n')
    assert t.header == ["name", "x, in cm", "y"] and t.separator == ","
    assert [r[0] for r in t.rows] == ['a "quoted" name', "b", "c, d"]
    d = csvdata.select(t, "2", "y")
    np.testing.assert_array_equal(d.inputs, [[1.5], [2.5], [3.0]])
    np.testing.assert_array_equal(d.targets(1, "bce"), [[0], [1], [1]])
    names = csvdata.select(t, "2", "name")
    assert names.classes == ['a "quoted" name', "b", "c, d"]


def test_a_quoted_field_over_two_lines_and_blank_lines(tmp_path):
    t = table(tmp_path, 'x,y,note\r\n1,2,"two\r\nlines"\r\n\r\n3,4,one\r\n')
    assert t.lines == [2, 5] and t.rows[0][2] == "two\r\nlines"
    np.testing.assert_array_equal(csvdata.select(t, "x,y", "note").inputs, [[1, 2], [3, 4]])


def test_semicolons_with_a_decimal_comma_and_a_byte_order_mark(tmp_path):
    t = table(tmp_path, "\ufeffx;y;z\n0,5;1,25;0\n-1,5;2;1\n")
    assert (t.separator, t.decimal_comma, t.has_header) == (";", True, True)
    assert t.what == "2 rows of 3 columns, separated by semicolons, decimal comma, a header row"
    d = csvdata.select(t, "x,y", "z", scale="minmax")
    np.testing.assert_array_equal(d.inputs, [[1.0, 0.0], [0.0, 1.0]])
    assert d.description == ("from data.csv: inputs x, y; inputs scaled to [0, 1]: x (min -1.5, max 0.5), "
                             "y (min 1.25, max 2); target z, classes in order 0, 1")


def test_a_decimal_comma_without_a_header(tmp_path):
    """"0,5;1,5" splits into 3 fields on commas and 2 on semicolons: the semicolons give numbers."""
    t = table(tmp_path, "0,5;1,5;0,25\n2;0,75;1\n")
    assert (t.separator, t.decimal_comma, t.has_header) == (";", True, False)
    d = csvdata.select(t, "1-2", "3")
    np.testing.assert_array_equal(d.inputs, [[0.5, 1.5], [2.0, 0.75]])
    np.testing.assert_array_equal(d.targets(1, "mse"), [[0.25], [1.0]])


def test_semicolons_with_decimal_points_and_commas_in_text(tmp_path):
    t = table(tmp_path, "who;x;y\nSmith, J;1.5;0.5\nDoe, A;2.5;0.25\n")
    assert (t.separator, t.decimal_comma) == (";", False)
    np.testing.assert_array_equal(csvdata.select(t, "x", "y").inputs, [[1.5], [2.5]])


def test_tabs_and_standardised_inputs(tmp_path):
    t = table(tmp_path, "a\tb\tt\n1\t10\t0.5\n3\t10\t0.25\n")
    assert t.separator == "\t"
    d = csvdata.select(t, "a,b", "t", scale="standard")
    np.testing.assert_array_equal(d.inputs[:, 0], [-1.0, 1.0])
    np.testing.assert_array_equal(d.inputs[:, 1], [10.0, 10.0])  # constant: left as it is, and said
    assert d.description == ("from data.csv: inputs a, b; inputs standardised: a (mean 2, sd 1), "
                             "b (mean 10, sd 0, constant: not scaled); target t")
    np.testing.assert_array_equal(d.targets(1, "mse"), [[0.5], [0.25]])
    assert d.labels is None


def test_class_order_numbers_by_value_names_as_text(tmp_path):
    t = table(tmp_path, "x,n,name\n1,10,b\n2,2,B\n3,01,a\n4,1.0,b\n")
    numbers = csvdata.select(t, "x", "n")
    assert numbers.classes == ["1", "2", "10"]  # "01" and "1.0" are the class 1
    assert numbers.labels == ["10", "2", "1", "1"]
    np.testing.assert_array_equal(numbers.targets(3, "cross_entropy"), [[0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(numbers.targets(1, "mse"), [[10], [2], [1], [1]])  # one output: the values
    names = csvdata.select(t, "x", "name")
    assert names.classes == ["B", "a", "b"]
    assert "classes in order B, a, b" in names.description
    assert csvdata.class_order(["-1", "0.5", "-2"]) == ["-2", "-1", "0.5"]


def test_many_whole_numbers_are_values(tmp_path):
    text = "x,age\n" + "".join(f"{k},{k}\n" for k in range(300))
    d = csvdata.select(table(tmp_path, text), "x", "age")
    assert d.labels is None
    np.testing.assert_array_equal(d.targets(1, "mse")[:, 0], np.arange(300))


def test_several_target_columns_are_values(tmp_path):
    t = table(tmp_path, "x,p,q\n1,0.25,0.75\n2,1,0\n")
    d = csvdata.select(t, "x", "p,q")
    assert d.labels is None and d.description == "from data.csv: inputs x; targets p, q"
    np.testing.assert_array_equal(d.targets(2, "cross_entropy"), [[0.25, 0.75], [1, 0]])
    with pytest.raises(ValueError, match="^2 target columns need an output layer of 2 units, not 3$"):
        d.targets(3, "mse")


def test_a_target_outside_0_1_for_bce_names_its_line(tmp_path):
    d = csvdata.select(table(tmp_path, "x,y\n1,0.5\n\n2,1.5\n"), "x", "y")
    with pytest.raises(ValueError, match=r"^line 4: the bce loss needs targets in \[0, 1\], found 1.5$"):
        d.targets(1, "bce")


def test_samples_written_and_read_back_exactly(tmp_path):
    from engine import open_network

    net = open_network("softmax")
    net.inputs[0, 0] = 1 / 3
    path = tmp_path / "samples.csv"
    csvdata.write_samples(path, net)
    assert path.read_text().splitlines()[0] == "i1,i2,target o1,target o2,target o3"
    d = csvdata.select(csvdata.read(path), "i1,i2", "target o1,target o2,target o3")
    np.testing.assert_array_equal(d.inputs, net.inputs)
    np.testing.assert_array_equal(d.targets(3, "cross_entropy"), net.targets)


# Any table of numbers, written by the csv module with any separator, header or not, quoted or
# not, a decimal comma with semicolons or tabs: read back exactly.
NUMBERS = [0.0, 1.0, -1.0, 0.5, -2.25, 1 / 3, 1e-05, 12345.678, -0.1, 2.5e+20, 7.0]


@SOME
@given(rows=st.integers(1, 6), width=st.integers(2, 5), picks=st.lists(st.integers(0, len(NUMBERS) - 1), min_size=30,
                                                                      max_size=30),
       separator=st.sampled_from([",", ";", "\t"]), header=st.booleans(), quoting=st.sampled_from([0, 1]),
       decimal_comma=st.booleans())
@example(rows=1, width=2, picks=[0] * 30, separator=";", header=False, quoting=0, decimal_comma=True)
@example(rows=2, width=2, picks=[3] * 30, separator=",", header=True, quoting=1, decimal_comma=False)
def test_any_table_of_numbers_reads_back_exactly(tmp_path_factory, rows, width, picks, separator, header, quoting,
                                                 decimal_comma):
    decimal_comma = decimal_comma and separator != ","
    values = np.array([NUMBERS[picks[(r * width + c) % len(picks)]] for r in range(rows) for c in range(width)])
    values = values.reshape(rows, width)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n",
                        quoting=csv.QUOTE_ALL if quoting else csv.QUOTE_MINIMAL)
    names = [f"c{c}" for c in range(width)]
    if header:
        writer.writerow(names)
    for row in values:
        writer.writerow([repr(float(v)).replace(".", ",") if decimal_comma else repr(float(v)) for v in row])
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text(out.getvalue())
    t = csvdata.read(path)
    assert (t.separator, t.has_header, t.header == names if header else True) == (separator, header, True)
    if any("," in f for r in t.rows for f in r):
        assert t.decimal_comma == decimal_comma
    d = csvdata.select(t, f"1-{width - 1}", str(width))
    np.testing.assert_array_equal(d.inputs, values[:, :-1])
    np.testing.assert_array_equal(d.targets(1, "mse")[:, 0], values[:, -1])
    assert t.lines == list(range(1 + header, rows + 1 + header))


# -- bad files: one line each, naming the line and the column ---------------------------------
@pytest.mark.parametrize("content, message", [
    ("a,b,c\n1,2,3\n4,5\n",
     "line 3: 2 fields where line 1 has 3: every row needs the same number of comma-separated fields"),
    ("a;b;c\n1;2;3\n\n4;5;6;7\n",
     "line 4: 4 fields where line 1 has 3: every row needs the same number of semicolon-separated fields"),
    ("a,b,c\n1,2,x\n4,oops,6\n", "line 3, column 2 (b): 'oops' is not a number"),
    ("a,b,c\n1,2,0\n,5,1\n", "line 3, column 1 (a): an empty field is not a number"),
    ("1,2,0\n3,nan,1\n", "line 2, column 2: 'nan' is not a number"),
    ("a,b,c\n1,1e999,0\n", "line 2, column 2 (b): '1e999' is too large: a float64 holds at most "
                             "±1.7976931348623157e+308"),
    ("a,b,c\n1,2,\n", "line 2, column 3 (c): an empty field: every sample needs its class"),
    ("", "(file): the file is empty"),
    ("\n  \n\t\n", "(file): the file is empty"),
    ("x,y,t\n", "(file): no data rows, only a header row (x, y, t)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "(file): not a text file (a CSV file is UTF-8 text)"),
    ("x,y,t\n1,2,3\n".encode("utf-16"), "(file): not a text file (a CSV file is UTF-8 text)"),
    ("größe,t\n1,2\n".encode("latin-1"), "(file): not a text file (a CSV file is UTF-8 text)"),
    (b"a,b,c\n1,\x002,3\n", "line 2, column 3: a NUL character: a binary file, not CSV text"),
    ('a,b,c\n1,2,3\n4,"5,6\n', "line 3: cannot be read as CSV: unexpected end of data"),
    ('a,b,c\n1,"2"x,3\n', "line 2: cannot be read as CSV: ',' expected after '\"'"),
])
def test_bad_files_are_refused_with_the_line_and_column(tmp_path, content, message):
    assert refusal(tmp_path, content) == message


def test_control_characters_are_shown_escaped(tmp_path):
    assert refusal(tmp_path, "a,b,c\n1,\x1b[31m,3\n") == "line 2, column 2 (b): '\\x1b[31m' is not a number"


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # 100 MB (sparse: nothing to read)
    with pytest.raises(CsvError) as e:
        csvdata.read(path)
    assert str(e.value) == f"{path}: (file): is 104,857,600 bytes; a CSV file may have at most 16,777,216"


def test_too_many_rows(tmp_path):
    t = table(tmp_path, "0,1\n" * 100_000)
    assert len(t.rows) == 100_000
    with pytest.raises(CsvError) as e:
        table(tmp_path, "x,y\n" + "0,1\n" * 100_001)
    assert str(e.value).endswith("data.csv: line 100002: more than 100,000 data rows, the most a CSV file may have")


def test_not_a_file(tmp_path):
    with pytest.raises(CsvError, match="no such file"):
        csvdata.read(tmp_path / "missing.csv")
    with pytest.raises(CsvError, match="is a folder, not a CSV file"):
        csvdata.read(tmp_path)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    with pytest.raises(CsvError, match="is a FIFO, not a CSV file"):
        csvdata.read(fifo)


@pytest.mark.parametrize("inputs, targets, message", [
    ("x,q", "y", "inputs: no column 'q' (columns: x, y, x2, z)"),
    ("x", "", "targets: an empty column name in ''"),
    ("1-5", "2", "inputs: columns 1-5: the file has columns 1 to 4"),
    ("0", "2", "inputs: columns 0: the file has columns 1 to 4"),
    ("3-1", "4", "inputs: columns 3-1: a range goes from the smaller number up"),
    ("x", "x", "columns: column 1 (x) is both an input and a target"),
    ("1-3", "z,x2", "columns: column 3 (x2) is both an input and a target"),
    ("x,x", "y", "inputs: column 1 (x) is named twice in 'x,x'"),
    ("1,x", "y", "inputs: column 1 (x) is named twice in '1,x'"),
])
def test_bad_column_choices(tmp_path, inputs, targets, message):
    assert refusal(tmp_path, "x,y,x2,z\n1,2,3,4\n", inputs, targets) == message


def test_a_name_two_columns_have(tmp_path):
    message = refusal(tmp_path, "a,a,t\n1,2,0\n", "a", "t")
    assert message == "inputs: 2 columns are named 'a' (columns 1, 2): give the number of the one meant"
    d = csvdata.select(csvdata.read(tmp_path / "data.csv"), "1-2", "t")  # by number it is fine
    np.testing.assert_array_equal(d.inputs, [[1, 2]])


def test_an_empty_header_name_is_the_column_number(tmp_path):
    t = table(tmp_path, "x,,t\n1,2,0\n")
    assert t.header == ["x", "column 2", "t"]
    np.testing.assert_array_equal(csvdata.select(t, "x,column 2", "t").inputs, [[1, 2]])


def test_other_refused_choices(tmp_path):
    assert refusal(tmp_path, "x,t\n1,0\n", "x", "t", "log") == "scale: expected one of none, standard, minmax, found 'log'"
    wide = ",".join(f"c{k}" for k in range(258)) + "\n" + ",".join("1" for _ in range(258)) + "\n"
    assert refusal(tmp_path, wide, "1-257", "258") == "inputs: 257 input columns; a layer has at most 256 units"
    many = "x,kind\n" + "".join(f"{k},k{k}\n" for k in range(257))
    assert refusal(tmp_path, many, "x", "kind") == "column 2 (kind): 257 different classes: at most 256 (one output " \
                                                   "unit each)"
