"""A fast start (benchmarks/startup.py measures it): the window is painted before pyqtgraph is
imported, and makes its plots right after; a headless command imports the modules it uses and not
the others. Checked by what a new process has imported, not by the clock."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

# The window as backprop-stepper opens it, with its first paint watched: which modules were loaded
# then, and once the events queued by that paint have run.
WINDOW = """
import json, os, sys
from PySide6.QtCore import QTimer
import guiapp.window as window
seen = {}
class Watched(window.MainWindow):
    def paintEvent(self, event):
        if not seen:
            seen["at first paint"] = "pyqtgraph" in sys.modules
            seen["numpy's extras at first paint"] = sorted(m for m in ("numpy.ma", "numpy.random") if m in sys.modules)
            seen["plots at first paint"] = self.places["plot"].widget is not None
            QTimer.singleShot(0, after)
        super().paintEvent(event)
def after():
    QTimer.singleShot(0, finish)  # the plots' zero timer was queued after this one's
def finish():
    w = next(w for w in window.QApplication.topLevelWidgets() if isinstance(w, window.MainWindow))
    seen["after"] = "pyqtgraph" in sys.modules
    seen["plots after"] = [type(w.places[n].widget).__name__ for n in ("plot", "trajectories", "output_map")]
    seen["output map shown"] = w.output_map.isVisible()
    print("@@" + json.dumps(seen))
    os._exit(0)
window.MainWindow = Watched
from guiapp import app
sys.exit(app.main(["mazur"]))
"""


def _python(code: str, tmp_path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert "@@" in r.stdout, r.stdout + r.stderr
    return json.loads(r.stdout.rsplit("@@", 1)[1])


def test_the_window_is_painted_before_pyqtgraph_is_imported_and_makes_its_plots_right_after(tmp_path):
    seen = _python(WINDOW, tmp_path)
    assert seen["at first paint"] is False and seen["plots at first paint"] is False
    assert seen["numpy's extras at first paint"] == []  # 9 and 12 ms of CPU: np.unique, np.random.Generator
    assert seen["after"] is True
    assert seen["plots after"] == ["LossPlot", "TrajectoryPlot", "OutputMap"]
    assert seen["output map shown"] is True


HEADLESS = """
import json, sys
from engine.cli import main
status = main.main(sys.argv[1:])
print("@@" + json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("command, needs, spares", [
    (["presets"], {"engine.files.presets", "engine.network.network"},
     {"engine.session", "engine.teaching", "engine.scripts", "engine.record", "engine.cli.train", "engine.cli.explain",
      "numpy.random",  # 12 ms of CPU, imported by a type alias of the inits (presets have no seeds)
      # the concepts no preset uses (about 25 ms of CPU in all): the reader imports each when a file names it
      "engine.concepts.features", "engine.concepts.inits", "engine.concepts.penalties", "engine.concepts.schedules",
      "engine.concepts.optimizers.adam", "engine.concepts.optimizers.rmsprop",
      # the standard library's modules for writing files (tempfile, with random) and for exact numbers (decimal,
      # fractions): some 5 ms of CPU, imported where a file is written or a fraction or a typed answer is read;
      # threading (2 ms), which asked whether main() runs in the main thread
      "tempfile", "random", "decimal", "fractions", "threading",
      # the formulas' writer (with engine.text's LaTeX and HTML escapers and html: 3 ms), imported where a formula is
      # written; shutil (with zlib, bz2, lzma: 2 ms), which argparse imports to ask the terminal's width
      "engine.concepts.render", "engine.text.latex", "engine.text.markup", "html", "shutil",
      # the formula functions SGD's update is written with, its script's template (string), the kept runs' reader:
      # 2 ms, imported where an update formula or a script is written, where a file keeps runs
      "engine.concepts.formula", "string", "engine.network.runs",
      "engine.network.naming"}),  # the parameters' and units' names (1 ms), imported where one is named
    (["gradcheck", "mazur"], {"engine.session.gradcheck"}, {"engine.teaching", "engine.scripts", "engine.cli.train"}),
    (["train", "mazur", "-n", "2"], {"engine.cli.train", "engine.session.session"}, {"engine.scripts",
                                                                                     "engine.cli.explain"}),
])
def test_a_command_imports_what_it_uses_and_not_the_other_commands(tmp_path, command, needs, spares):
    report = _python(HEADLESS.replace("sys.argv[1:]", repr(command)), tmp_path)
    assert report["status"] == 0
    loaded = set(report["modules"])
    assert needs <= loaded
    assert not [m for m in loaded if any(m == s or m.startswith(s + ".") for s in spares)]


def test_importing_engine_imports_its_names_when_first_used(tmp_path):
    code = ("import json, sys, engine; before = sorted(m for m in sys.modules if m.startswith('engine.'))\n"
            "from engine import Session, open_network\n"
            "s = Session(open_network('mazur')); s.run(1)\n"
            "print('@@' + json.dumps({'before': before, 'version': engine.__version__, 'loss': s.loss,"
            " 'all': sorted(engine.__all__), 'dir': 'Session' in dir(engine)}))")
    report = _python(code, tmp_path)
    assert report["before"] == []
    assert abs(report["loss"] - 0.291027774) <= 5e-10  # E_total after 1 update (the reference figures)
    assert report["all"] == ["Bookmark", "Key", "Network", "NetworkFileError", "Progress", "Session", "Setup",
                             "TrainingDiverged", "load", "loads", "open_network", "save"]
    assert report["dir"] is True
