"""Paths (issue 17, section 3): an empty path, a path that names a folder and an output that is
one of the command's inputs are refused before any work, in one line with status 2, every file
left as it was; the window's exports refuse the network file it has open."""
import os

import pytest

from tests.helpers import preset_data, run_limited, write_network

NEW = ["new", "--layers", "2,1", "--activations", "sigmoid", "--loss", "mse"]


def refused(r, *words) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    line = r.stderr.strip()
    assert line.isprintable(), line
    for word in words:
        assert word in line, line
    return line


def contents(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def inputs(tmp_path):
    """A folder holding a network file, a data CSV and another file, as the commands find them."""
    write_network(tmp_path / "net.json", preset_data("mazur"))
    (tmp_path / "data.csv").write_text("x,y,t\n1,2,0\n3,4,1\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    os.symlink(tmp_path / "data.csv", tmp_path / "link.csv")
    os.link(tmp_path / "net.json", tmp_path / "hard.json")
    return tmp_path


EMPTY = "an empty path: give the name of a file to write"
FOLDER = "names a folder (it ends in / or is . or ..): give the name of a file to write"
CASES = [
    # (arguments, the line's words); {d} is the folder of the inputs
    ([*NEW, "--out", ""], ['"": --out: ' + EMPTY]),  # KeyError traceback before
    (["train", "mazur", "-n", "1", "--history", ""], ['"": --history: ' + EMPTY]),  # exit 0, nothing written
    (["train", "mazur", "-n", "1", "--trace", ""], ['"": --trace: ' + EMPTY]),
    (["train", "mazur", "-n", "1", "--out", ""], ['"": --out: ' + EMPTY]),
    (["train", "mazur", "-n", "1", "--trajectories", ""], ['"": --trajectories: ' + EMPTY]),
    (["explain", "mazur", "-o", ""], ['"": --output: ' + EMPTY]),
    (["export", "mazur", "-f", "numpy", "-o", ""], ['"": --out: ' + EMPTY]),
    (["train", "mazur", "-n", "1", "--history", "{d}/other.txt/"], ["other.txt/: --history: " + FOLDER]),  # overwrote
    (["train", "mazur", "-n", "1", "--history", "{d}/folder/."], ["--history: " + FOLDER]),
    (["train", "mazur", "-n", "1", "--history", "{d}/.."], ["--history: " + FOLDER]),
    ([*NEW, "--out", "{d}/new/"], ["--out: " + FOLDER]),
    (["explain", "mazur", "-o", "{d}/doc.md/"], ["--output: " + FOLDER]),
    (["export", "mazur", "-f", "numpy", "-o", "{d}/s.py/"], ["--out: " + FOLDER]),
    ([*NEW, "--csv", "{d}/data.csv", "--inputs", "1,2", "--targets", "3", "--out", "{d}/data.csv"],
     ["data.csv: --out: is the CSV file --csv reads; give another path"]),  # overwrote the CSV before
    ([*NEW, "--csv", "{d}/data.csv", "--inputs", "1,2", "--targets", "3", "--out", "{d}/link.csv"],
     ["link.csv: --out: is the CSV file --csv reads"]),  # through a symbolic link
    ([*NEW, "--csv", "{d}/link.csv", "--inputs", "1,2", "--targets", "3", "--out", "{d}/data.csv"],
     ["data.csv: --out: is the CSV file --csv reads"]),
    (["train", "{d}/net.json", "-n", "1", "--out", "{d}/hard.json"],
     ["hard.json: --out: is the network file being trained"]),  # a hard link
    (["train", "{d}/net.json", "-n", "1", "--history", "{d}/net.json"], ["--history: is the network file being trained"]),
    (["explain", "{d}/net.json", "-o", "{d}/net.json"], ["--output: is the network file being explained"]),
    (["export", "{d}/net.json", "-f", "numpy", "-o", "{d}/net.json"], ["--out: is the network file being exported"]),
]


@pytest.mark.parametrize("args, words", CASES)
def test_a_path_that_cannot_be_an_output_is_refused(inputs, args, words):
    before = contents(inputs)
    r = run_limited([a.format(d=inputs) for a in args], seconds=60, cwd=inputs)
    refused(r, *words)
    assert contents(inputs) == before


def test_the_window_exports_nothing_over_the_network_it_has_open(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = window
    path = write_network(tmp_path / "net.json", preset_data("xor"))
    assert w.files.open_path(str(path))
    before = path.read_bytes()
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    for action in ("export_history", "export_trace", "export_trajectories", "export_pytorch", "export_notebook",
                   "export_samples"):
        w.actions[action].trigger()
        qtbot.waitUntil(lambda: not w.model.busy)
        shown = [b for b in w.findChildren(QMessageBox, "message") if b.isVisible()]
        assert shown and shown[-1].text() == (f"{path}: is the network file open in the window; give another path. "
                                              "No file was changed."), action
        shown[-1].close()
        assert path.read_bytes() == before, action
    w.actions["save"].trigger()  # saving the network over itself is what Save does
    assert path.read_bytes() != before


def test_the_practice_report_is_not_written_over_the_network_open(qtbot, window, tmp_path, monkeypatch):
    """The practice box's Export report refuses the network file open in the window as every other
    export does (the window's Files.export_path): said in one line, the file unchanged."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    w = window
    path = write_network(tmp_path / "net.json", preset_data("xor"))
    assert w.files.open_path(str(path))
    before = path.read_bytes()
    w.actions["practice"].trigger()
    box = w.practice_box
    box.practice.check("0.5")  # something to report
    for chosen in (path, tmp_path / "." / "net.json"):
        monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(chosen), ""))
        qtbot.mouseClick(box.export, Qt.MouseButton.LeftButton)
        shown = [b for b in w.findChildren(QMessageBox, "message") if b.isVisible()]
        assert shown and shown[-1].text() == (f"{chosen}: is the network file open in the window; give another "
                                              "path. No file was changed."), shown[-1].text() if shown else None
        shown[-1].close()
        assert path.read_bytes() == before
    report = tmp_path / "report.md"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(report), ""))
    qtbot.mouseClick(box.export, Qt.MouseButton.LeftButton)
    assert report.read_text(encoding="utf-8").startswith("# Practice report") and box.verdict.text() == f"Wrote {report}."
