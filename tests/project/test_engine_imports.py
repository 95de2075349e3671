"""The engine never imports Qt, pyqtgraph or the window (guiapp): it runs headless with
numpy and the standard library only."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

ENGINE = ROOT / "engine"
FORBIDDEN = ("PySide6", "PySide2", "PyQt6", "PyQt5", "PyQt4", "shiboken6", "shiboken2", "pyqtgraph", "guiapp")


def _is_forbidden(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in FORBIDDEN


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """Every import of a forbidden module in `source`: import statements (also relative
    ones that climb out of the package, `from .. import guiapp`, `from ..guiapp import x`),
    and importlib.import_module / __import__ calls with a constant name."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if _is_forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and _is_forbidden(node.module):
                found.append(f"line {node.lineno}: from {node.module} import ...")
            elif node.level >= 2:  # out of the engine package, into a sibling
                names = [node.module] if node.module else [a.name for a in node.names]
                found += [f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import ..."
                          for n in names if _is_forbidden(n)]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str) \
                    and _is_forbidden(node.args[0].value):
                found.append(f"line {node.lineno}: {name}({node.args[0].value!r})")
    return found


@pytest.mark.parametrize("source, hits", [
    ("import PySide6.QtCore", 1),
    ("from PySide6 import QtWidgets", 1),
    ("import numpy, pyqtgraph as pg", 1),
    ("from PyQt5.QtCore import Qt", 1),
    ("import shiboken6", 1),
    ("from guiapp.app import main", 1),
    ("from .. import guiapp", 1),
    ("from ..guiapp import app", 1),
    ("importlib.import_module('pyqtgraph')", 1),
    ("__import__('PySide6.QtGui')", 1),
    ("def f():\n    import PySide6\n", 1),
    ("import numpy as np\nfrom . import maths\nfrom .guiapp_like import x\nimport json", 0),
    ("from . import describe  # PySide6 in a comment\ntext = 'import pyqtgraph'", 0),
])
def test_the_static_check_finds_what_it_should(source, hits):
    assert len(forbidden_imports(source)) == hits, forbidden_imports(source)


def test_no_engine_file_imports_qt_pyqtgraph_or_guiapp():
    files = sorted(ENGINE.rglob("*.py"))  # every subpackage
    names = {str(f.relative_to(ENGINE)) for f in files}
    assert {"__init__.py", "cli/main.py", "session/session.py", "files/netfile.py", "record/tracecsv.py",
            "network/maths.py"} <= names
    problems = {}
    for f in files:
        hits = forbidden_imports(f.read_text(encoding="utf-8"), str(f))
        if hits:
            problems[f.name] = hits
    assert problems == {}


PROBE = r"""
import importlib, json, pkgutil, sys, tempfile, os
FORBIDDEN = %(forbidden)r
def loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
before = loaded()
import engine
names = sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "engine.") if m.name != "engine.__main__")
for name in names:
    importlib.import_module(name)
from engine import Session, open_network
from engine.cli import main as cli
session = Session(open_network("xor"))
session.run(25)
with tempfile.TemporaryDirectory() as tmp:
    status = cli.main(["train", "softmax", "--iterations", "4", "--trace", os.path.join(tmp, "t.csv"),
                       "--history", os.path.join(tmp, "h.csv"), "--out", os.path.join(tmp, "o.json")])
    status_gradcheck = cli.main(["gradcheck", "mazur"])
    written = sorted(os.listdir(tmp))
print("@@" + json.dumps({"before": before, "after": loaded(), "modules": names, "file": engine.__file__,
                         "loss": session.loss, "status": [status, status_gradcheck], "written": written}))
"""


def test_importing_and_running_the_engine_loads_no_qt():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run([sys.executable, "-c", PROBE % {"forbidden": FORBIDDEN}], cwd=ROOT, env=env,
                       capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout.rsplit("@@", 1)[1])
    assert report["before"] == [], "the interpreter had Qt loaded before the engine was imported"
    assert Path(report["file"]).resolve().parent == ENGINE
    # the probe really imported every submodule and really trained
    assert {"engine.cli.main", "engine.session.session", "engine.files.netfile", "engine.record.tracecsv", "engine.session.gradcheck",
            "engine.files.presets", "engine.record.describe", "engine.network.maths"} <= set(report["modules"])
    # every module and subpackage but engine/__init__ and engine/__main__
    assert len(report["modules"]) == len(list(ENGINE.rglob("*.py"))) - 2
    assert report["status"] == [0, 0]
    assert report["written"] == ["h.csv", "o.json", "t.csv"]
    assert 0 < report["loss"] < 1
    assert report["after"] == []
