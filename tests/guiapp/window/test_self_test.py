"""backprop-stepper --self-test and --version, as a CI machine or a user runs them: a new process
with an empty environment (no display, no Qt platform chosen, no settings) and a temporary home."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import engine
from tests.helpers import ROOT


def run(home, *args, code: str | None = None) -> subprocess.CompletedProcess:
    """`python -m guiapp ARGS` (or `python -c CODE`) with nothing in its environment but a home,
    the checkout on the path and the system's PATH (as `env -i` leaves a program: no DISPLAY)."""
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})  # see the env notes: kept
    argv = [sys.executable, "-c", code] if code is not None else [sys.executable, "-m", "guiapp", *args]
    return subprocess.run(argv, env=env, cwd=home, capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_the_self_test_opens_the_window_offscreen_steps_iteration_1_and_checks_the_article(tmp_path):
    r = run(tmp_path, "--self-test")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr == ""
    [line] = r.stdout.splitlines()
    assert line.startswith("self-test passed: the window stepped the worked example through iteration 1 (43 ")
    assert "E_total 0.298371109 and w5+ 0.35891648, as the article does" in line
    assert f"backprop-stepper {engine.__version__}" in line and "Qt platform offscreen" in line
    assert list(tmp_path.iterdir()) == []  # no settings, log or cache left in the home


def test_a_number_the_window_shows_unlike_the_article_fails_in_one_line(tmp_path):
    code = ("import sys; from guiapp import selftest; selftest.ARTICLE['w5+'] = (0.35891649, 8); "
            "from guiapp.app import main; sys.exit(main(['--self-test']))")
    r = run(tmp_path, code=code)
    assert r.returncode == 1
    assert r.stdout == "self-test FAILED: w5+ shown 0.35891648, the article's is 0.35891649\n"


def test_a_window_that_cannot_make_its_plots_fails_at_once_saying_why(tmp_path):
    """The plots are made after the first paint: an error there is the self-test's answer, not a
    wait for plots that never come."""
    code = ("import sys; from guiapp import window\n"
            "def broken(self): raise ImportError('no module named pyqtgraph')\n"
            "window.MainWindow.make_plots = broken\n"
            "from guiapp.app import main; sys.exit(main(['--self-test']))")
    r = run(tmp_path, code=code)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout == "self-test FAILED: ImportError: no module named pyqtgraph\n"


def test_the_self_test_runs_on_the_worked_example_only(tmp_path):
    r = run(tmp_path, "--self-test", "xor")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines()[-1] == "backprop-stepper: error: --self-test runs on the worked example: give no NETWORK"


def test_both_commands_say_the_version_from_its_one_place(tmp_path):
    assert run(tmp_path, "--version").stdout == f"backprop-stepper {engine.__version__}\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "engine", "--version"], env=env, capture_output=True, text=True,
                       timeout=120)
    assert (r.returncode, r.stdout) == (0, f"backprop-engine {engine.__version__}\n")
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["hatch"]["version"]["path"] == "engine/__init__.py"
