"""Every number parse is bounded (issue 17, section 2): the exact number entry refuses, in one
line, any value beyond a float64 before it does big-integer arithmetic (too large, too small,
not a number), and so does every place that reads a number: the value editor, the samples
table, the practice field, `practice` on standard input, the CSV reader and the options of
`python -m engine`."""
import json
import os
import subprocess
import sys
from fractions import Fraction

import pytest
from PySide6.QtCore import Qt

from engine.files import csvdata
from engine.network.numbers import MAX_CHARACTERS, digits_only, parse_number, read_typed, whole_number
from tests.helpers import ROOT

LARGEST = 1.7976931348623157e308


# -- the parser --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("0.1", 0.1), ("1/3", float(Fraction(1, 3))), ("0,5", 0.5), ("-1e-3", -1e-3), (".5", 0.5), ("−2", -2.0),
    ("2/3", float(Fraction(2, 3))),  # converted once: not float(2) / float(3)'s rounding of rounded values
    ("0.1000000000000000055511151231257827021181583404541015625", 0.1),  # 0.1's float64 written out exactly
    ("5e-324", 5e-324), ("2.5e-324", 5e-324),  # the least float64, and what rounds up to it
    ("1.7976931348623157e308", LARGEST), ("-1.7976931348623157e308", -LARGEST),
    ("1e-300/1e8", 1e-308), ("1e300/1e-8", 1e308), ("0/7", 0.0), ("0e99999999999999999999", 0.0),
    ("1e" + "0" * 1000 + "1", 10.0),  # a long exponent of leading zeros: still 10
    ("0." + "0" * 323 + "4940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616"
     "3599237979656469544571773092665671035593979639877479601078187812630071319031140452784581716784898210368871863605"
     "6998730723050006387409153564984387312473397273169615140031715385398074126238565591171026658556686768187039560310"
     "6249319452715914924553293054565444011274801297099995419319894090804165633245247571478690147267801593552386115501"
     "3480352649347201937902681071074917033322268447533357208324319360923828934583680601060115061698097530783422773183"
     "2924790498252473077637592724787465608477820373446969953364701797267771758512566055119913150489110145103786273816"
     "7250955837389733598993664809941164205702637090279242767544565229087538682506419718265533447265625", 5e-324),
])
def test_exact_numbers_are_read_exactly(text, value):
    assert parse_number(text) == value and len(text) <= MAX_CHARACTERS


@pytest.mark.parametrize("text, reason", [
    ("1e99999999/1", "too large"),  # a 100-million-digit integer before: minutes of CPU
    ("1e99999/1", "too large"),  # OverflowError before
    ("1e400", "too large"), ("-1e400", "too large"), ("1.7976931348623159e308", "too large"),
    ("1e300/1e-300", "too large"), ("1e-300/1e300", "too small"),
    ("1e-400", "too small"), ("-1e-400", "too small"), ("2.4e-324", "too small"),  # not 0, but rounds to it
    ("1e-99999999/1", "too small"), ("1/1e99999999", "too large"),  # 1e99999999 itself is beyond a float64
    ("1" * 5000, "not a number"), ("1" * 1000 + "/1", "too large"),
    ("1²", "not a number"), ("١٢", "not a number"), ("inf", "not a number"), ("nan", "not a number"),
    ("1_000", "not a number"), ("0x10", "not a number"), ("1/0", "division by zero"), ("", "no number"),
])
def test_a_value_beyond_a_float64_is_refused_in_one_line(text, reason):
    with pytest.raises(ValueError) as e:
        parse_number(text)
    message = str(e.value)
    assert reason in message and "\n" not in message and len(message) < 200, message


def test_typed_digits_are_counted_and_a_typed_zero_of_any_exponent_is_zero():
    assert read_typed("0.7500").digits == 4 and read_typed("0.7500").value == 0.75
    assert read_typed("0e99999999999999999999").value == 0.0
    with pytest.raises(ValueError, match="too large"):
        read_typed("1e99999/1")


@pytest.mark.parametrize("text, value", [("12", 12), (" 7 ", 7), ("+3", 3), ("-4", -4), ("0" * 5000 + "1", 1)])
def test_whole_numbers(text, value):
    assert whole_number(text) == value


@pytest.mark.parametrize("text, reason", [("²", "not a whole number"), ("1e3", "not a whole number"),
                                          ("١٢", "not a whole number"), ("1" * 19, "too large"),
                                          ("9" * 5000, "too large"), ("1_0", "not a whole number")])
def test_whole_numbers_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        whole_number(text)


def test_digits_only_are_ascii_digits():
    assert digits_only("37") == 37 and digits_only("³") is None and digits_only("+3") is None
    with pytest.raises(ValueError, match="too large"):
        digits_only("9" * 5000)


# -- the headless command's options, and practice on standard input -----------------------------
def run(*args, input=None, seconds=60):
    """`python -m engine ARGS`, killed after `seconds` (a parse that took minutes fails)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run([sys.executable, "-m", "engine", *map(str, args)], cwd=ROOT, env=env, input=input,
                          capture_output=True, text=True, encoding="utf-8", timeout=seconds)


def one_line(r, status: int, *words) -> str:
    assert r.returncode == status, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    line = r.stderr.strip()
    assert line.isprintable() and len(line) < 500, line
    for word in words:
        assert word in line, line
    return line


NEW = ["new", "--layers", "2,1", "--activations", "sigmoid", "--loss", "mse"]
BIG = "9" * 5000


@pytest.mark.parametrize("args, words", [
    (["train", "mazur", "-n", "²"], ["--iterations", "“²” is not a whole number"]),
    (["train", "mazur", "-n", BIG], ["--iterations", "too large: at most 18 digits"]),
    (["train", "mazur", "-n", "1", "--trace", "{out}", "--trace-iterations", "1,³"],
     ["--trace-iterations", "found “³”"]),
    (["train", "mazur", "-n", "1", "--trace", "{out}", "--trace-iterations", f"1-{BIG}"],
     ["--trace-iterations", "too large: at most 18 digits"]),
    ([*NEW, "--csv", "{csv}", "--inputs", "1,²", "--targets", "3", "--out", "{out}"], ["inputs", "no column '²'"]),
    ([*NEW, "--csv", "{csv}", "--inputs", f"1-{BIG}", "--targets", "3", "--out", "{out}"],
     ["inputs", "too large: at most 18 digits"]),
    ([*NEW, "--learning-rate", "1e99999/1", "--out", "{out}"], ["--learning-rate", "too large"]),
    ([*NEW, "--learning-rate", "1e99999999/1", "--out", "{out}"], ["--learning-rate", "too large"]),
    ([*NEW, "--momentum", "1e-400", "--out", "{out}"], ["--momentum", "too small"]),
    ([*NEW, "--dataset", "xor", "--noise", "nan", "--out", "{out}"], ["--noise", "“nan” is not a number"]),
    ([*NEW, "--seed", BIG, "--out", "{out}"], ["--seed", "too large"]),
    ([*NEW[:2], "2,²,1", *NEW[3:], "--out", "{out}"], ["--layers", "“²” is not a whole number"]),
    (["export", "mazur", "--format", "numpy", "-n", "1e3", "-o", "{out}"], ["--iterations", "not a whole number"]),
    (["explain", "mazur", "-k", "²", "-o", "{out}"], ["--iteration", "not a whole number"]),
    (["practice", "mazur", "--digits", "⁴"], ["--digits", "not a whole number"]),
])
def test_every_option_reads_its_number_bounded(tmp_path, args, words):
    csv = tmp_path / "data.csv"
    csv.write_text("x,y,t\n1,2,0\n3,4,1\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    r = run(*(a.format(csv=csv, out=out) for a in args))
    one_line(r, 2, *words)
    assert not out.exists()


def test_practice_on_standard_input_says_what_is_wrong_and_asks_again():
    typed = ["1e99999999/1", "1e99999/1", "1e-400", "1" * 2000, "\x1b[2Jx", "1" * 100_000, "0.5933"]
    r = run("practice", "mazur", "--json", input="".join(t + "\n" for t in typed))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    errors = [line["error"] for line in lines if "error" in line]
    assert errors[:3] == ["“1e99999999/1” is too large: a float64 holds at most ±1.7976931348623157e+308",
                          "“1e99999/1” is too large: a float64 holds at most ±1.7976931348623157e+308",
                          "“1e-400” is too small: not zero, but a float64 rounds it to zero "
                          "(its least positive value is 5e-324)"]
    assert errors[3] == f"“{'1' * 39}…” is not a number: it has more than {MAX_CHARACTERS:,} characters"
    assert errors[4] == "“\x1b[2Jx” is not a number"
    assert errors[5] == "a line of more than 4,096 characters"
    assert [line["ask"] for line in lines if "ask" in line][:7] == ["net_h1"] * 7  # each asked again
    # 0.5933 is out_h1, not net_h1: the line after the long one was read and judged, and only it
    assert [line["verdict"] for line in lines if "verdict" in line] == ["wrong"]


def test_practice_in_a_terminal_shows_escapes_as_text():
    r = run("practice", "mazur", input="\x1b[2Jx\n")
    assert r.returncode == 0 and "not an answer: “\\x1b[2Jx” is not a number" in r.stdout
    assert "\x1b" not in r.stdout


# -- the CSV reader ------------------------------------------------------------------------------
@pytest.mark.parametrize("field, reason", [("1e999", "is too large"), ("1e-400", "is too small"),
                                           ("-1e-400", "is too small"), ("nan", "is not a number")])
def test_a_csv_field_beyond_a_float64_is_named(tmp_path, field, reason):
    path = tmp_path / "d.csv"
    path.write_text(f"a,b,c\n1,2,0\n3,{field},1\n", encoding="utf-8")
    with pytest.raises(csvdata.CsvError) as e:
        csvdata.select(csvdata.read(path), "a,b", "c")
    assert str(e.value).startswith(f"{path}: line 3, column 2 (b): '{field}' {reason}"), str(e.value)


def test_csv_zeros_of_every_form_are_zero(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,c\n0,-0.0,0\n0e999,.0,1\n0.000e-400,0,1\n", encoding="utf-8")
    data = csvdata.select(csvdata.read(path), "a,b", "c")
    assert (data.inputs == 0).all()


# -- the window ---------------------------------------------------------------------------------
ATTACKS = [("1e99999/1", "too large"), ("1e-400", "too small"), ("1" * 5000, "not a number")]


@pytest.mark.parametrize("typed, reason", ATTACKS)
def test_the_value_editor_refuses_in_plain_words(qtbot, window, typed, reason):
    from tests.driver import edit_value, open_editor
    from tests.guiapp.window.test_window_behaviour import start_value

    before = start_value(window, "w1")
    edit_value(qtbot, window, "w1", typed)
    editor = open_editor(window)
    assert editor is not None and editor.error.isVisible() and reason in editor.error.text()
    assert start_value(window, "w1") == before and not window.undo_stack.canUndo()
    editor.reject()


@pytest.mark.parametrize("typed, reason", ATTACKS)
def test_the_samples_table_marks_the_cell(qtbot, make_window, typed, reason):
    from tests.guiapp.dialogs.test_samples_window import open_samples, type_into

    w = make_window("xor")
    before = w.model.session.net.inputs.copy()
    editor = open_samples(qtbot, w)
    type_into(qtbot, editor, 0, 0, typed)
    t = editor.table
    assert reason in (t.data(t.index(0, 0), Qt.ItemDataRole.ToolTipRole) or "")
    assert editor.problem.isVisible() and reason in editor.problem.text()
    assert not w.undo_stack.canUndo() and (w.model.session.net.inputs == before).all()


@pytest.mark.parametrize("typed, reason", ATTACKS)
def test_the_practice_field_says_what_is_wrong(qtbot, make_window, typed, reason):
    from tests.guiapp.panels.test_practice_window import answer, start

    w = make_window("mazur")
    box = start(qtbot, w)
    asked = box.practice.current.label
    answer(qtbot, box, typed)
    assert reason in box.verdict.text() and box.practice.current.label == asked
    assert box.practice.score().phases["forward"]["first_try"] == 0
