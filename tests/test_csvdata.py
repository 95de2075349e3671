"""Samples from CSV files (issue 9, item 3): what is detected, the samples exactly, and every
bad file refused with its line and column."""
import numpy as np
import pytest

from engine import csvdata
from engine.csvdata import CsvError


def table(tmp_path, text: str, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return csvdata.read(path)


def test_a_header_row_and_class_names(tmp_path):
    t = table(tmp_path, "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n")
    assert (t.has_header, t.separator, t.decimal_comma) == (True, ",", False)
    d = csvdata.select(t, "sepal,petal", "species")
    np.testing.assert_array_equal(d.inputs, [[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.4]])
    assert d.classes == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal(d.targets(3, "cross_entropy"), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    assert "classes in order setosa, versicolor, virginica" in d.description
    with pytest.raises(ValueError, match="3 classes need an output layer of 3 units"):
        d.targets(1, "bce")


def test_no_header_and_column_numbers_with_ranges(tmp_path):
    t = table(tmp_path, "0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    assert not t.has_header and t.header == ["column 1", "column 2", "column 3"]
    d = csvdata.select(t, "1-2", "3")
    np.testing.assert_array_equal(d.inputs, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(d.targets(1, "bce"), [[0], [1], [1], [0]])  # integer labels, two classes
    np.testing.assert_array_equal(d.targets(2, "cross_entropy"), [[1, 0], [0, 1], [0, 1], [1, 0]])


def test_quoted_fields(tmp_path):
    t = table(tmp_path, 'name,"x, in cm",y\n"a ""quoted"" name",1.5,0\n"b",2.5,1\n')
    assert t.header == ["name", "x, in cm", "y"]
    d = csvdata.select(t, "2", "y")
    np.testing.assert_array_equal(d.inputs, [[1.5], [2.5]])
    assert t.rows[0][0] == 'a "quoted" name'


def test_semicolons_with_a_decimal_comma_and_a_byte_order_mark(tmp_path):
    t = table(tmp_path, "\ufeffx;y;z\n0,5;1,25;0\n-1,5;2;1\n")
    assert (t.separator, t.decimal_comma, t.has_header) == (";", True, True)
    d = csvdata.select(t, "x,y", "z", scale="minmax")
    np.testing.assert_array_equal(d.inputs, [[1.0, 0.0], [0.0, 1.0]])
    assert "x (min -1.5, max 0.5)" in d.description and "y (min 1.25, max 2)" in d.description


def test_tabs_and_standardised_inputs(tmp_path):
    t = table(tmp_path, "a\tb\tt\n1\t10\t0.5\n3\t10\t0.25\n")
    d = csvdata.select(t, "a,b", "t", scale="standard")
    np.testing.assert_array_equal(d.inputs[:, 0], [-1.0, 1.0])
    np.testing.assert_array_equal(d.inputs[:, 1], [10.0, 10.0])  # constant: left as it is, and said
    assert "b (mean 10, sd 0, constant: not scaled)" in d.description
    np.testing.assert_array_equal(d.targets(1, "mse"), [[0.5], [0.25]])


@pytest.mark.parametrize("content, where, words", [
    ("a,b,c\n1,2,3\n4,5\n", "line 3", "2 fields where line 1 has 3"),
    ("a,b,c\n1,2,x\n4,oops,6\n", "line 3, column 2 (b)", "'oops' is not a number"),
    ("", "(file)", "the file is empty"),
    ("\n  \n", "(file)", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "(file)", "not a text file"),
    (b"a,b\n1,\x002\n", "(file)", "a binary file"),
])
def test_bad_files_are_refused_with_the_line_and_column(tmp_path, content, where, words):
    with pytest.raises(CsvError) as e:
        csvdata.select(table(tmp_path, content), "1,2", "3")
    message = str(e.value)
    assert where in message and words in message and "\n" not in message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # 100 MB (sparse: nothing to read)
    with pytest.raises(CsvError, match="104,857,600 bytes; a CSV file may have at most 16,777,216"):
        csvdata.read(path)


@pytest.mark.parametrize("inputs, targets, words", [
    ("x,q", "y", "no column 'q' (columns: x, y)"),
    ("1-3", "2", "columns 1-3: the file has columns 1 to 2"),
    ("x", "x", "'x' is both an input and a target"),
    ("x,x", "y", "a column is named twice"),
])
def test_bad_column_choices(tmp_path, inputs, targets, words):
    t = table(tmp_path, "x,y\n1,2\n")
    with pytest.raises(CsvError, match=None) as e:
        csvdata.select(t, inputs, targets)
    assert words in str(e.value)


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
