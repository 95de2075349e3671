"""Generated files carry text, never instructions (issue 17, section 1).

Text from a file or a user (a network's name and description, which also carry a CSV's column
and class names; a practice session's typed answers) reaches an exported script only in comment
lines after two fixed first lines (the first declares UTF-8, so that no name can be read as
another source encoding: PEP 263), and every document as text: one line, with every line break a
file can carry made a space and markup escaped for the format (engine/text/).

The attack cases of the issue come first, each as the user met it; then the property test:
names and descriptions drawn from a hostile alphabet, exported to every format.
"""
from __future__ import annotations

import io
import json
import os
import re
import tokenize
import xml.etree.ElementTree as ET

import pytest

from engine import Session, open_network
from engine.files import netfile
from engine.scripts import pyexport
from tests.helpers import preset_data, run_cli, write_network
from tests.test_script_export import assert_losses, printed_losses, run_script

FORMATS = list(pyexport.FORMATS)
# PEP 263: a comment on line 1 or 2 that matches this declares the file's source encoding
ENCODING_DECLARATION = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")

# The attack of the issue: the name becomes line 1 of the script and declares the encoding
# unicode_escape, which turns the description's literal \n into a real line break, and the code
# after it into a line that runs.
ATTACK_NAME = "coding: unicode_escape"
ATTACK_DESCRIPTION = "A network from a student\\nopen('PWNED', 'w').write('the student was here')\\n#"


def attack_network(folder, name=ATTACK_NAME, description=ATTACK_DESCRIPTION, preset="mazur"):
    data = preset_data(preset)
    data["name"], data["description"] = name, description
    folder.mkdir(parents=True, exist_ok=True)
    return write_network(folder / "from-a-student.json", data)


def declared_encodings(text: str) -> list[str]:
    """The source encodings lines 1 and 2 of a script declare (PEP 263), which must be the one
    Python reads it in."""
    first_two = re.split(r"\r\n|\r|\n", text, maxsplit=2)[:2]  # Python's line ends, and no others
    declared = [m.group(1) for line in first_two if (m := ENCODING_DECLARATION.match(line))]
    assert tokenize.detect_encoding(io.BytesIO(text.encode("utf-8")).readline)[0] == "utf-8"
    return declared


def assert_only_prints_its_losses(script, iterations: int, net) -> None:
    """`script` run as a user runs it, alone in its folder: it prints its loss history (the
    engine's), nothing else, and leaves the folder as it was."""
    ran = run_script(script, iterations)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr[-2000:]
    assert sorted(os.listdir(script.parent)) == [script.name]  # nothing written beside it
    rows, losses = printed_losses(ran)
    assert ran.stdout.count("\n") == iterations + 1 and rows == list(range(1, iterations + 1))
    session = Session(net)
    expected = []
    for _ in range(iterations):
        expected.append(session.loss)
        session.run(1)
    assert_losses(losses, expected, script.name)


# -- the attack cases ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_network_named_as_an_encoding_declaration_runs_nothing_from_the_command(tmp_path, fmt):
    source = attack_network(tmp_path / "in")
    script = tmp_path / "run" / "script.py"
    script.parent.mkdir()
    r = run_cli("export", source, "-f", fmt, "-n", 3, "-o", script)
    assert r.returncode == 0, r.stderr
    assert_only_prints_its_losses(script, 3, netfile.load(source))
    text = script.read_text(encoding="utf-8")
    assert declared_encodings(text) == ["utf-8"]
    assert "# coding: unicode_escape" in text  # the name is there, in a comment after the fixed lines


def test_a_network_named_as_an_encoding_declaration_runs_nothing_from_the_window(qtbot, make_window, tmp_path,
                                                                                monkeypatch):
    source = attack_network(tmp_path / "in", preset="xor")
    w = make_window("xor", net=netfile.load(source))
    for fmt in FORMATS:
        script = tmp_path / f"run-{fmt}" / "script.py"
        script.parent.mkdir()
        monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(script), ""))
        w.actions[f"export_{fmt}"].trigger()
        assert f"Wrote {script}" in w.statusBar().currentMessage()
        assert_only_prints_its_losses(script, 4, netfile.load(source))
        assert declared_encodings(script.read_text(encoding="utf-8")) == ["utf-8"]


@pytest.mark.parametrize("name", [
    "coding: unicode_escape", "# -*- coding: latin-1 -*-", "vim: set fileencoding=utf-7 :", "\ncoding=rot13",
    "x\rcoding: unicode_escape", "\fcoding:unicode_escape", "\u2028coding: unicode_escape", ""])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_script_can_declare_another_encoding(fmt, name):
    for description in ("", name, "coding: unicode_escape"):
        net = netfile.parse({**preset_data("mazur"), "name": name, "description": description})
        for source in ("", name, "coding: unicode_escape.json"):
            text = pyexport.script(net, fmt, 5, source=source, filename=name)
            assert declared_encodings(text) == ["utf-8"], text[:300]
            compile(text, "script.py", "exec")


# -- documents -------------------------------------------------------------------------------------------
# Every line break a file can carry: LF, CR, CRLF, VT, FF, FS, GS, RS, NEL, LINE and PARAGRAPH SEPARATOR
LINE_BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def markdown_tokens(text: str):
    """The Markdown as a CommonMark parser reads it (with GitHub's tables and strikethrough)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)


def markdown_structure(text: str) -> list[str]:
    """The kinds of the blocks and inline pieces of a Markdown text, in order (a run of text one)."""
    kinds = []
    for token in markdown_tokens(text):
        kinds.append(token.type)
        for child in token.children or ():
            if not (child.type == "text" and kinds[-1] == "text"):
                kinds.append(child.type)
    return kinds


def markdown_texts(text: str) -> list[str]:
    """The text of each heading, paragraph and table cell, as a reader sees it."""
    return ["".join(c.content for c in t.children if c.type == "text")
            for t in markdown_tokens(text) if t.type == "inline"]


def worked_example(net, fmt: str) -> str:
    from engine.teaching import explain, document

    session = Session(net)
    return explain.text_of(document.build(session.net, session.record), fmt)


def mazur_with(name: str, description: str):
    """The worked example's network with this name and description, read from a file's text."""
    return netfile.loads(json.dumps({**preset_data("mazur"), "name": name, "description": description}), "test")


@pytest.mark.parametrize("br", LINE_BREAKS, ids=[f"U+{ord(b[-1]):04X}" if b != "\r\n" else "CRLF" for b in LINE_BREAKS])
def test_no_line_break_in_a_name_or_description_starts_a_block_in_markdown(br):
    name = br.join(["Mine", "# Injected heading", "- item", "```", "<script>alert(1)</script>"])
    description = br.join(["", "1. one", "    code", "> quote", "---", "<img src=x onerror=alert(1)>", "| a | b |",
                           "|---|---|"])
    plain = worked_example(mazur_with("Mine", "A description"), "md")
    text = worked_example(mazur_with(name, description), "md")
    assert markdown_structure(text) == markdown_structure(plain)
    texts = markdown_texts(text)
    assert texts[0] == "Mine # Injected heading - item ``` <script>alert(1)</script>: iteration 1 step by step"
    assert texts[1] == "1. one code > quote --- <img src=x onerror=alert(1)> | a | b | |---|---|"


def test_the_practice_reports_markdown_shows_the_name_as_text():
    from engine.teaching import practice_report
    from engine.teaching.practice import Practice

    name = "<script>alert(1)</script><img src=x onerror=alert(1)>\r# Injected\r- item"
    reports = []
    for n in ("Mine", name):
        practice = Practice(Session(mazur_with(n, "")))
        practice.check("0.3775")
        practice.check("-1/2")
        reports.append(practice_report.markdown(practice))
    assert markdown_structure(reports[1]) == markdown_structure(reports[0])
    assert not [t for t in markdown_tokens(reports[1]) for c in [t, *(t.children or ())] if "html" in c.type]
    assert f"Network: {name.replace(chr(13), ' ')}: 2-2-2 sigmoid/sigmoid" in markdown_texts(reports[1])[1]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_unprintable_characters_are_written_as_their_escapes(fmt):
    """A lone surrogate (no UTF-8 file can hold one: the document could not be written), a control
    character (which XML does not allow: the figure could not be read) and a right-to-left override."""
    from html.parser import HTMLParser

    text = worked_example(mazur_with("A\ud800B\x01C\u202eD", "E\x1b[31mF"), fmt)
    text.encode("utf-8")
    if fmt == "md":
        assert markdown_texts(text)[:2] == ["A\\ud800B\\x01C\\u202eD: iteration 1 step by step", "E\\x1b[31mF"]
    else:
        class Texts(HTMLParser):
            found: list = []

            def handle_data(self, data):
                self.found.append(data)

        parser = Texts()
        parser.found = []
        parser.feed(text)
        assert "A\\ud800B\\x01C\\u202eD: iteration 1 step by step" in parser.found
        assert "E\\x1b[31mF" in parser.found


def test_the_figure_is_xml_with_the_name_in_a_text_node():
    from engine.teaching.svgfigure import network_svg

    session = Session(mazur_with("a\x01b\x0bc</title><script>alert(1)</script>&amp;\ud800", ""))
    svg = ET.fromstring(network_svg(session.net, session.record))
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert title.text == "a\\x01b c</title><script>alert(1)</script>&amp;\\ud800" and not list(title)
    assert not [e for e in svg.iter() if e.tag.endswith("script")]


def test_the_command_writes_a_document_of_a_name_with_a_lone_surrogate(tmp_path):
    source = tmp_path / "surrogate.json"  # the file's JSON writes it as \ud800
    source.write_text(json.dumps({**preset_data("mazur"), "name": "A\ud800B"}), encoding="ascii")
    for fmt in ("md", "html"):
        r = run_cli("explain", source, "-o", tmp_path / f"doc.{fmt}")
        assert r.returncode == 0 and r.stderr == "", r.stderr[-300:]
        text = (tmp_path / f"doc.{fmt}").read_text(encoding="utf-8")
        shown = markdown_texts(text)[0] if fmt == "md" else text  # html: its title and its h1
        assert shown.count("A\\ud800B: iteration 1") == (1 if fmt == "md" else 2)


def test_the_windows_svg_picture_and_latex_copy(qtbot, make_window, tmp_path):
    """File ▸ Export picture writes the name as the SVG's title (Qt wrote a control character as it is,
    which no XML reader accepts); Copy computation as LaTeX carries no text of the network at all."""
    from PySide6.QtWidgets import QApplication

    from guiapp.menus import pictures

    name = "Mine\x01\x0b</title><script>alert(1)</script>\u2028# Injected"
    w = make_window(net=mazur_with(name, "coding: unicode_escape\\n% \\input{/etc/passwd}"))
    for subject in ("diagram", "whole"):
        path = tmp_path / f"{subject}.svg"
        pictures.export_to(w, subject, str(path), 0)
        svg = ET.parse(path).getroot()
        assert svg.find("{http://www.w3.org/2000/svg}title").text == \
            "Mine\\x01 </title><script>alert(1)</script> # Injected"
        assert not [e for e in svg.iter() if e.tag.endswith("script")]
    s = w.model.session
    copies = set()
    for k in range(0, len(s.steps), 3):
        s.go_to(k)
        w.model.changed.emit()
        w.actions["copy_latex"].trigger()
        copies.add(QApplication.clipboard().text())
    assert len(copies) > 10
    assert not [c for c in copies if re.search(r"Mine|script|Injected|coding|input|passwd", c)]


def test_the_latex_writer_shows_latex_specials_as_characters():
    """Those the engine's formula text gives no meaning (^ is a power there: e^(−net_h1))."""
    from engine.concepts import mathtext

    for ch, shown in [("%", r"\%"), ("#", r"\#"), ("&", r"\&"), ("$", r"\$"), ("_", r"\_"), ("{", r"\{"),
                      ("}", r"\}"), ("~", r"\sim"), ("\\", r"\backslash")]:
        text = mathtext.latex(f"x {ch} y")
        assert shown in text and text.replace(shown, "").count(ch) == 0, (ch, text)
    assert mathtext.latex("E_total[%] = 1") == r"E_{total}^{[\%]} = 1"


def test_no_cell_of_the_practice_csv_is_a_spreadsheet_formula():
    """A typed answer is a number, but the cell of several (or of a fraction) starting with + or −
    would be a formula to a spreadsheet: it starts with an apostrophe; a number stays a number."""
    import csv

    from engine.teaching import practice_report
    from engine.teaching.practice import Practice

    practice = Practice(Session(open_network("mazur")))
    for typed in ("=1+1", "@SUM(1)", "-2+3"):
        with pytest.raises(ValueError):
            practice.check(typed)  # not a number: refused, nothing recorded
    practice.check("+1/2")
    practice.check("0.3775")  # net_h1: right after a wrong try
    practice.check("-0.5")  # out_h1: wrong
    practice.reveal()
    practice.check("-1/2")  # net_h2
    rows = list(csv.reader(io.StringIO(practice_report.csv_text(practice))))
    assert [row[5] for row in rows[1:4]] == ["'+1/2 | 0.3775", "-0.5", "'-1/2"]
    texts = [cell for row in rows[1:] for cell in (row[3], row[5])]  # the labels and the typed answers
    assert not [cell for cell in texts if cell[:1] in ("=", "+", "@") or
                (cell[:1] == "-" and not re.fullmatch(r"-\d+(\.\d+)?(e-?\d+)?", cell))]
