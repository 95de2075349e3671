"""A million iterations of the worked example in the window: memory stays bounded.

LONG (minutes on a loaded machine): marked `long`, which pyproject.toml's addopts leave out of
the default run; run it on its own with `python -m pytest -m long`.
"""
import subprocess
import sys

import pytest

from tests.helpers import ROOT

SCRIPT = r"""
import os, resource, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from engine import open_network
from guiapp.window import MainWindow
w = MainWindow(open_network("mazur"), "mazur")
w.resize(1400, 860)
w.show()
w.train_count.setValue(1_000_000)
w.actions["train"].trigger()
while w.model.busy:
    app.processEvents()
s = w.model.session
x, y = w.plot.data()
print(s.iteration, len(s.history), len(x), len(s.trace), s.trace.capacity, repr(s.loss),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.long
def test_a_million_iterations_stay_under_500_mb(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env=env)
    assert out.returncode == 0, out.stderr
    iteration, history, plotted, traced, capacity, loss, peak_mb = out.stdout.split()
    assert int(iteration) == 1_000_001
    assert int(history) == int(plotted) == 1_000_001  # the loss of every iteration, all on the curve
    assert int(traced) == int(capacity) == 10_000  # the full trace of the last 10,000
    assert 0 < float(loss) < 1e-6
    assert int(peak_mb) < 500, f"peak resident memory {peak_mb} MB"
