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
import subprocess
import sys
import tokenize
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import Session, open_network
from engine.files import netfile
from engine.scripts import notebook, pyexport
from tests.helpers import preset_data, run_cli, write_network
from tests.engine.scripts.test_script_export import assert_losses, printed_losses

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


def assert_only_prints_its_losses(run, script, iterations: int, net) -> None:
    """`script` run as a user runs it (`run`: audited_run's interpreter), alone in its folder: it
    prints its loss history (the engine's), nothing else, and leaves the folder as it was."""
    done = run(script, iterations)
    ran = subprocess.CompletedProcess([script, iterations], done["returncode"], done["stdout"], done["stderr"])
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
def test_a_network_named_as_an_encoding_declaration_runs_nothing_from_the_command(tmp_path, audited_run, fmt):
    source = attack_network(tmp_path / "in")
    script = tmp_path / "run" / "script.py"
    script.parent.mkdir()
    r = run_cli("export", source, "-f", fmt, "-n", 3, "-o", script)
    assert r.returncode == 0, r.stderr
    assert_only_prints_its_losses(audited_run, script, 3, netfile.load(source))
    text = script.read_text(encoding="utf-8")
    assert declared_encodings(text) == ["utf-8"]
    assert "# coding: unicode_escape" in text  # the name is there, in a comment after the fixed lines


def test_a_network_named_as_an_encoding_declaration_runs_nothing_from_the_window(qtbot, make_window, tmp_path,
                                                                                monkeypatch, audited_run):
    source = attack_network(tmp_path / "in", preset="xor")
    w = make_window("xor", net=netfile.load(source))
    for fmt in FORMATS:
        script = tmp_path / f"run-{fmt}" / "script.py"
        script.parent.mkdir()
        monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(script), ""))
        w.actions[f"export_{fmt}"].trigger()
        assert f"Wrote {script}" in w.statusBar().currentMessage()
        assert_only_prints_its_losses(audited_run, script, 4, netfile.load(source))
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
    """Text in words or in a name (a remark, a subscript) is shown, never obeyed: each of LaTeX's
    special characters is written as the character, in text and in maths."""
    from engine.concepts import render
    from engine.concepts.tokens import Sym, Text, equals, row

    in_text = {"~": r"\textasciitilde{}", "\\": r"\textbackslash{}", "^": r"\textasciicircum{}"}
    in_maths = {"~": r"\sim ", "\\": r"\backslash ", "^": r"\hat{}"}
    for ch in "%#&$_{}~\\^":
        words, maths = in_text.get(ch, "\\" + ch), in_maths.get(ch, "\\" + ch).strip()
        assert render.latex(row(Sym("x"), Text(ch), Sym("y"))) == r"x\ \text{" + words + r"}\ y"
        assert render.latex(Sym("x", f"a{ch}b")).replace(" ", "") == "x_{a" + maths + "b}"
    assert render.latex(equals(Sym("E", "total", index="%"), 1)) == r"E_{total}^{[\%]} = 1"


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


# -- the property test: hostile names and descriptions, exported to every format ---------------------------
# Pieces of a hostile text: encoding declarations, every line break, quotes and backslashes, format
# strings, and each format's markup (Markdown, HTML, LaTeX, SVG/XML, a spreadsheet's formulas), code,
# and characters no file should hold (NUL, ESC, a lone surrogate, a right-to-left override).
HOSTILE = [
    "coding: unicode_escape", "# -*- coding: latin-1 -*-", "vim: set fileencoding=utf-7 :", "coding=rot13",
    *LINE_BREAKS, "\t", "\\n", "\\r", "\\x00", "\\u2028", "\\N{BULLET}", "\\", "'", '"', "'''", '"""', "`",
    "{}", "{0}", "{name!r}", "%s", "%(x)s", "$name", "${x}",
    "# ", "## ", "- ", "* ", "+ ", "1. ", "2) ", "> ", "```", "~~~", "    ", "---", "===", "***", "|", "| a |",
    "[x](javascript:alert(1))", "![i](http://example.org/x.png)", "<http://example.org>", "*em*", "_em_",
    "~~s~~", "^sup^", "[^1]", "@cite", "{.class}", "$x$", "$$", "\\(", "\\[",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;",
    "&lt;b&gt;", "&#60;", "<?xml", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", "&e;",
    "\\begin{document}", "\\input{/etc/passwd}", "\\write18{id}", "%", "&", "#", "^", "_", "~", "{", "}",
    "=cmd|' /C calc'!A0", "=1+1", "+1+1", "-2+3", "@SUM(1)", ",", ";",
    "import os", "__import__('os').system('touch PWNED')", "open('PWNED', 'w')", "exec(", "\\nimport os\\n",
    "\x00", "\x01", "\x1b[31m", "\x7f", "\x9b", "\ud800", "\udfff", "\u202e", "\u200b", "\ufeff", "\ufffe",
    "\xa0", "\u3000", "é", "e\u0301", "∂", "中文", "😀", "Ａ",
]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=3)), max_size=8).map("".join)
PLAIN_NAME, PLAIN_DESCRIPTION = "N", "D"
ITERATIONS = 3

# Each script is run as `python SCRIPT ARGS` runs it, in one interpreter (torch imported once), which
# watches what it does: every audit event (PEP 578) but the harmless ones, and each module it imports.
AUDITED_RUNNER = r"""
import contextlib, io, json, os, runpy, sys
import math, numpy, torch
from torch import nn
HARMLESS = {"builtins.id", "object.__getattr__", "object.__setattr__", "object.__delattr__", "sys._getframe"}
seen = None


def hook(event, args):
    if seen is not None and event not in HARMLESS:
        seen.append([event, repr(args)[:300]])


sys.addaudithook(hook)
for line in sys.stdin:
    job = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    sys.argv = [job["path"], *job["args"]]
    os.chdir(os.path.dirname(job["path"]))
    status, before, seen = 0, set(sys.modules), []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(job["path"], run_name="__main__")
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
        except BaseException as e:
            print(repr(e), file=sys.stderr)
            status = 1
    events, seen = seen, None
    print(json.dumps({"stdout": out.getvalue(), "stderr": err.getvalue(), "returncode": status,
                      "events": events, "modules": sorted(set(sys.modules) - before)}), flush=True)
"""


@pytest.fixture(scope="module")
def audited_run(tmp_path_factory):
    """run(path, *args): what `python path args` printed and did, from one interpreter kept running
    (without this checkout on its path); a plain network's scripts have run once first (torch imports
    most of itself at its first training step)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONWARNINGS")}
    folder = tmp_path_factory.mktemp("runner")
    runner = subprocess.Popen([sys.executable, "-c", AUDITED_RUNNER], cwd=folder, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def run(path, *args) -> dict:
        runner.stdin.write(json.dumps({"path": str(path), "args": list(map(str, args))}) + "\n")
        runner.stdin.flush()
        return json.loads(runner.stdout.readline())

    for fmt in FORMATS:
        warm = folder / f"warm_{fmt}.py"
        warm.write_text(pyexport.script(open_network("xor"), fmt), encoding="utf-8")
        assert run(warm, 2)["returncode"] == 0
    yield run
    runner.stdin.close()
    runner.wait(timeout=60)
    runner.stdout.close()


def outputs(net, folder, view) -> dict:
    """Every file the product generates from `net`, written into `folder`: name → text."""
    from guiapp import pdfdoc
    from guiapp.menus import pictures

    from engine.files import csvdata
    from engine.session import export, trajectory
    from engine.teaching import doc_html, doc_markdown, document, practice_report
    from engine.teaching.practice import Practice

    session = Session(net)
    doc = document.build(session.net, session.record)
    files = {f"script.{fmt}": pyexport.script(net, fmt, ITERATIONS, source="student.json", filename="script.py")
             for fmt in FORMATS}
    files["notebook"] = notebook.notebook(session.net, session.record)
    files.update({"md": doc_markdown.render(doc), "html": doc_html.render(doc),
                  "figure": next(b.svg for b in doc.blocks if hasattr(b, "svg"))})
    practice = Practice(Session(net))
    for typed in ("0.3775", "0.5933", "0.59326999", "0.3925"):
        practice.check(typed)
    files["practice.md"], files["practice.csv"] = practice_report.markdown(practice), practice_report.csv_text(practice)
    pdfdoc.write_pdf(files["html"], str(folder / "doc.pdf"))
    pictures.diagram_svg(view, str(folder / "picture.svg"), title=net.name)
    session.run(ITERATIONS)
    names = [p.name for p in session.net.parameters()]
    export.save_trace(folder / "trace.csv", session.net, session.layout, export.trace_snapshot(session.trace, 1, 3))
    for _ in export.write_history(folder / "history.csv", session.history.values[:ITERATIONS]):  # as the window does
        pass
    for _ in trajectory.write_csv(folder / "trajectories.csv", session.trajectories, names, list(range(len(names)))):
        pass
    csvdata.write_samples(folder / "samples.csv", session.net)
    for name in ("picture.svg", "trace.csv", "history.csv", "trajectories.csv", "samples.csv"):
        files[name] = (folder / name).read_text(encoding="utf-8")
    return files


def html_shape(text: str) -> tuple[list, list[str]]:
    """An HTML document's tags with their attributes' names, in order, and its text nodes."""
    from html.parser import HTMLParser

    class Shape(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.texts = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, [a for a, _ in attrs]))

        def handle_endtag(self, tag):
            self.tags.append("/" + tag)

        def handle_data(self, data):
            self.texts.append(data)

        def handle_comment(self, data):
            self.tags.append("<!--")

        def handle_pi(self, data):
            self.tags.append("<?")

        def unknown_decl(self, data):
            self.tags.append("<!")

    shape = Shape()
    shape.feed(text)
    shape.close()
    return shape.tags, shape.texts


def xml_shape(text: str) -> tuple[list[str], ET.Element]:
    root = ET.fromstring(text)
    return [e.tag for e in root.iter()], root


def visible_ascii(text: str) -> str:
    """The printable ASCII characters of a text, without spaces (how a PDF's text is compared)."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if "!" <= ch <= "~")


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


@pytest.fixture(scope="module")
def svg_view(qapp):
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    scene = QGraphicsScene()
    scene.addText("a diagram")
    view = QGraphicsView(scene)
    view.resize(200, 100)
    yield view
    view.deleteLater()


class Outputs(dict):
    def __repr__(self) -> str:  # as Hypothesis reports a failing example's arguments
        return "<the plain network's outputs>"


@pytest.fixture(scope="module")
def plain(tmp_path_factory, audited_run, svg_view):
    """The outputs of the network with a plain name and description, and with no description; what
    its scripts print."""
    found = Outputs()
    for description in (PLAIN_DESCRIPTION, ""):
        folder = tmp_path_factory.mktemp("plain")
        found[description] = outputs(mazur_with(PLAIN_NAME, description), folder, svg_view)
        found[description]["pdf"] = folder / "doc.pdf"
        for fmt in FORMATS:
            script = folder / fmt / "script.py"
            script.parent.mkdir()
            script.write_text(found[description][f"script.{fmt}"], encoding="utf-8")
            ran = audited_run(script)
            assert ran["returncode"] == 0 and ran["stdout"].startswith("iteration,loss\n1,0.298371108760")
            found[description][f"stdout.{fmt}"] = ran["stdout"]
        script = folder / "notebook" / "notebook.py"
        script.parent.mkdir()
        script.write_text(notebook.code_of(found[description]["notebook"]), encoding="utf-8")
        ran = audited_run(script)
        assert ran["returncode"] == 0 and ran["stdout"].startswith("net_h1 = 0.3775\n"), ran["stderr"][-1000:]
        found[description]["stdout.notebook"] = ran["stdout"]
    return found


def notebook_markdown(text: str) -> str:
    """A notebook's Markdown cells, as one Markdown text."""
    return "\n\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")


def notebook_code_shape(text: str, name: str) -> str:
    """The syntax tree of a notebook's code cells, with the string literal that holds the network's name
    (NETWORK = ...) checked to be `name` and then left out: what the code does, whatever the name."""
    import ast

    tree = ast.parse(notebook.code_of(text))
    held = [node for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["NETWORK"]]
    assert len(held) == 1 and isinstance(held[0].value, ast.Constant) and held[0].value.value == name
    held[0].value.value = "NAME"
    return ast.dump(tree)


def check_hostile(name: str, description: str, run, plain_outputs: dict, view) -> None:
    import tempfile

    import pypdf

    from engine.text.plain import one_line

    net = mazur_with(name, description)  # through the file reader: it takes any text
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        got = outputs(net, folder, view)
        base = plain_outputs[PLAIN_DESCRIPTION if description.strip() else ""]
        title = f"{one_line(name if name.strip() else 'Network')}: iteration 1 step by step"

        # the scripts: alone in an empty folder, each prints its loss history and does nothing else
        for fmt in FORMATS:
            text = got[f"script.{fmt}"]
            assert declared_encodings(text) == ["utf-8"]
            script = folder / fmt / "script.py"
            script.parent.mkdir()
            script.write_text(text, encoding="utf-8")
            ran = run(script)
            assert (ran["returncode"], ran["stderr"]) == (0, ""), ran["stderr"][-1000:]
            assert ran["stdout"] == base[f"stdout.{fmt}"]
            assert os.listdir(script.parent) == ["script.py"]
            assert ran["modules"] == []
            kinds = [event for event, _ in ran["events"]]
            assert sorted(set(kinds)) == ["compile", "exec", "open"] and kinds.count("exec") == 1, ran["events"]
            assert all(str(script) in args for event, args in ran["events"] if event == "open"), ran["events"]

        # the notebook: nbformat 4; its Markdown the plain one's blocks, the name as text; its code the plain
        # one's but for the string literal of the name; run alone, it prints what the plain one prints
        import nbformat

        nbformat.validate(nbformat.reads(got["notebook"], as_version=4))
        markdown = notebook_markdown(got["notebook"])
        assert markdown_structure(markdown) == markdown_structure(notebook_markdown(base["notebook"]))
        assert markdown_texts(markdown)[0] == re.sub(" +", " ", title).strip()
        held = name if name.strip() else "Network"  # the name as the document shows it
        assert notebook_code_shape(got["notebook"], held) == notebook_code_shape(base["notebook"], PLAIN_NAME)
        script = folder / "notebook" / "notebook.py"
        script.parent.mkdir()
        script.write_text(notebook.code_of(got["notebook"]), encoding="utf-8")
        ran = run(script)
        assert (ran["returncode"], ran["stderr"]) == (0, ""), ran["stderr"][-1000:]
        for what in ("PyTorch's autograd", "torch.optim.SGD"):
            assert ran["stdout"].count(f"{held}: {what}") == 1
        assert ran["stdout"].replace(f"{held}: ", "N: ") == base["stdout.notebook"]
        assert os.listdir(script.parent) == ["notebook.py"] and ran["modules"] == []
        kinds = [event for event, _ in ran["events"]]
        assert sorted(set(kinds)) == ["compile", "exec", "open"] and kinds.count("exec") == 1, ran["events"]

        # Markdown: the blocks and inline pieces of the plain document, the text as text
        for key in ("md", "practice.md"):
            assert markdown_structure(got[key]) == markdown_structure(base[key]), key
        shown = re.sub(" +", " ", title).strip()
        assert markdown_texts(got["md"])[0] == shown
        if description.strip():
            assert markdown_texts(got["md"])[1] == re.sub(" +", " ", one_line(description)).strip()

        # HTML: the plain document's tags, the text in text nodes
        tags, texts = html_shape(got["html"])
        assert tags == html_shape(base["html"])[0]
        assert texts.count(title) == 2  # <title> and <h1>
        if description.strip():
            assert one_line(description) in texts

        # SVG: XML with the name in its title's text node only
        blank = not name.strip()  # no name: the writer's own title
        for key, expected in (("figure", "network" if blank else one_line(name)),
                              ("picture.svg", "Backprop Stepper diagram" if blank else one_line(name))):
            kinds, root = xml_shape(got[key])
            assert kinds == xml_shape(base[key])[0], key
            assert (root.find("{http://www.w3.org/2000/svg}title").text or "") == expected, key

        # PDF: the document's text, and nothing else (no link, action or script)
        pdf = pypdf.PdfReader(str(folder / "doc.pdf"))
        plain_pdf = pypdf.PdfReader(str(base["pdf"]))
        assert sorted(pdf.trailer["/Root"].keys()) == sorted(plain_pdf.trailer["/Root"].keys())
        assert not [a for page in pdf.pages for a in (page.get("/Annots") or [])]
        assert pdf.metadata.title == title
        assert is_subsequence(visible_ascii(title), visible_ascii(pdf.pages[0].extract_text()))

        # CSV: no text of the network reaches them
        for key in ("trace.csv", "history.csv", "trajectories.csv", "samples.csv", "practice.csv"):
            assert got[key] == base[key], key


HOSTILE_EXAMPLES = settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 8)), deadline=None,
                            derandomize=True, database=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@HOSTILE_EXAMPLES
@given(name=hostile_text, description=hostile_text)
@example(name=ATTACK_NAME, description=ATTACK_DESCRIPTION)
@example(name="\r# Injected\r- item\r```", description="\u20281. one\u2028    code\u2028<script>alert(1)</script>")
@example(name="\n", description="\x1f")
@example(name="coding: unicode_escape\n", description="a\r\n")
def test_hostile_names_and_descriptions_are_text_in_every_format(audited_run, plain, svg_view, name, description):
    check_hostile(name, description, audited_run, plain, svg_view)


@pytest.mark.long
@settings(max_examples=int(os.environ.get("HOSTILE_LONG_EXAMPLES", 500)), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=hostile_text, description=hostile_text)
def test_hostile_names_and_descriptions_at_length(audited_run, plain, svg_view, name, description):
    check_hostile(name, description, audited_run, plain, svg_view)


def test_each_escaper_keeps_each_hostile_piece_as_text():
    for piece in HOSTILE:
        for text in (piece, f"{piece} x", f"\n{piece} x", f"x\r{piece}", f"   {piece}{piece}"):
            check_escapers(text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=hostile_text)
def test_each_escaper_keeps_the_text_and_nothing_else(text):
    check_escapers(text)


def check_escapers(text: str) -> None:
    """Fast, on many more examples than the exports: each format's escaper read back by that
    format's reader gives the text (on one line) and no markup."""
    import csv
    import unicodedata

    from engine.text import csvcell, markdown, markup, plain, pysource

    line = plain.one_line(text)
    assert line.isprintable() and not any(br in line for br in LINE_BREAKS)
    kept = [ch for ch in text if ch.isprintable() and ch != " " and unicodedata.category(ch) != "Zs"]
    assert is_subsequence("".join(kept), line)  # nothing printable is lost
    # Markdown: one paragraph (or none, for a blank text) whose text is the line
    md = markdown.text(text)
    blocks = [t.type for t in markdown_tokens(md) if t.nesting >= 0 and t.type != "inline"]
    shown = re.sub(" +", " ", line).strip()
    assert blocks == (["paragraph_open"] if shown else []), md
    assert markdown_texts(md) == ([shown] if shown else [])
    heading = markdown_tokens(f"# {md}")
    assert [t.type for t in heading] == ["heading_open", "inline", "heading_close"]
    assert "".join(c.content for c in heading[1].children if c.type == "text") == shown
    table = [t.type for t in markdown_tokens(f"| a | b |\n|---|---|\n| {md} | c |")]
    assert table == [t.type for t in markdown_tokens("| a | b |\n|---|---|\n| x | c |")]
    # HTML and XML: one text node
    tags, texts = html_shape(f"<p>{markup.text(text)}</p>")
    assert tags == [("p", []), "/p"] and "".join(texts) == line
    assert (ET.fromstring(f"<t a='{markup.text(text)}'>{markup.text(text)}</t>").text or "") == line
    # CSV: one cell, never a formula
    cell = csvcell.text(text)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cell, "x"])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [[cell, "x"]]
    assert cell in (line, "'" + line)
    assert cell[:1] not in ("=", "@") and (cell[:1] not in ("+", "-") or re.fullmatch(r"[-+][0-9.eE+-]*", cell))
    # a script's comment lines: comments, and nothing else
    source = pysource.header("Backprop Stepper: a test.", text, text) + "\nx = 1\n"
    assert declared_encodings(source) == ["utf-8"]
    names = {}
    exec(compile(source, "script.py", "exec"), names)
    assert [k for k in names if k != "__builtins__"] == ["x"]
