"""How long the window's event loop waits while the window trains: reported, not asserted.

    .venv/bin/python benchmarks/window_latency.py [--iterations N] [--display]

The window trains the worked example (preset "mazur") for N iterations (20,000 by default)
while a 10 ms timer records when it fires. Printed: the wall time, the number of ticks, the
longest and the median gap between two ticks, and the longest slice of the training job in
thread CPU time (what tests/guiapp/window/test_window.py asserts). The gaps depend on what else the machine
runs (load average printed too); the CPU time of a slice does not, or much less.
Runs offscreen unless --display is given; the user's settings are neither read nor changed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import qtwindow  # noqa: E402 (the project's root first on the path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--display", action="store_true", help="use the real display, not Qt's offscreen platform")
    args = parser.parse_args(argv)
    app = qtwindow.application(args.display)
    from PySide6.QtCore import QEventLoop, QTimer

    from engine import open_network
    from guiapp.window import MainWindow

    window = MainWindow(open_network("mazur"), "mazur")
    window.resize(1400, 860)
    window.show()
    app.processEvents()

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    window.model.busyChanged.connect(lambda busy: busy or loop.quit())

    window.train_count.setValue(args.iterations)
    timer.start()
    start = time.perf_counter()
    window.actions["train"].trigger()
    job = window.model.job
    loop.exec()
    wall = time.perf_counter() - start
    timer.stop()

    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    print(f"trained {args.iterations:,} iterations in {wall:.2f} s "
          f"(iteration {window.model.session.iteration:,} now)")
    print(f"10 ms timer: {len(ticks)} ticks; longest gap {max(gaps, default=0) * 1000:.1f} ms, "
          f"median {statistics.median(gaps) * 1000 if gaps else 0:.1f} ms")
    print(f"longest training slice: {job.longest_slice * 1000:.1f} ms of thread CPU time")
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
