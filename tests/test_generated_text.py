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
import os
import re
import tokenize

import pytest

from engine import Session
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
