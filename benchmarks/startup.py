"""How long the application takes to start: reported, not asserted.

    .venv/bin/python benchmarks/startup.py [--runs N] [--display] [--network NAME]

Cold launches, each a new process (the bytecode caches already written, as after the first run
on a machine), N of each (9 by default); printed as the median and the range of the wall time and
of the CPU time (user + system) the process used:

- the window: `backprop-stepper NETWORK` (the worked example by default) from launch to the
  end of the window's first paint (the process then exits at once);
- the headless command `python -m engine presets`, against `python -c "import numpy"`: the
  difference is what the engine adds to numpy's own start;
- the same inside the process: the CPU time of its main thread from after `import numpy` to the
  end of `presets` (what the engine's imports and the command's work take, without the time
  numpy's BLAS threads spend waiting for work, which the process's CPU time counts: on an idle
  machine they spin on a second core for about 0.1 s after numpy's import);

then where the time goes: `python -X importtime` of each, the self time of each module summed by
package (the median of 3 runs), largest first.

The window runs on Qt's offscreen platform unless --display is given (then on $DISPLAY). Wall
times depend on what else the machine runs (the load average is printed); CPU times much less.
The user's settings are neither read nor changed.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The window's process: the application's own main(), with the window's paint event timed. The
# paint of the main window is followed in the same pass by its children's; the zero timer fires
# once that pass (and the flush to the screen) is over, before what the window itself leaves for
# after its first paint (queued after this one).
WINDOW = """
import os, sys
import guiapp.window as window
from PySide6.QtCore import QTimer
class Timed(window.MainWindow):
    def paintEvent(self, event):
        QTimer.singleShot(0, lambda: os._exit(0))
        super().paintEvent(event)
window.MainWindow = Timed
from guiapp import app
sys.exit(app.main([{network!r}]))
"""
HEADLESS = ["-m", "engine", "presets"]
NUMPY = ["-c", "import numpy"]
INSIDE = """
import sys, time
import numpy
start = time.thread_time()
from engine.cli import main
main.main(["presets"])
print(time.thread_time() - start, file=sys.stderr)
"""


def _env(display: bool, settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_CONFIG_HOME"] = settings  # the window's settings (QSettings) go to a folder of its own
    if not display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def launch(args: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(args: list[str], env: dict, runs: int) -> tuple[list[float], list[float]]:
    launch(args, env)  # writes the bytecode caches: every run after it is a cold start of a warm disk
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = launch(args, env)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def inside(env: dict, runs: int) -> list[float]:
    """The main thread's CPU seconds from after numpy's import to the end of `presets`, per launch."""
    times = []
    for _ in range(runs + 1):  # the first writes the bytecode caches
        r = subprocess.run([sys.executable, "-c", INSIDE], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise SystemExit(f"presets inside the process failed ({r.returncode}): {r.stderr.strip()[-500:]}")
        times.append(float(r.stderr.split()[-1]))
    return times[1:]


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:5.0f} ms ({min(values) * 1000:.0f}–{max(values) * 1000:.0f})"


def package(module: str) -> str:
    """What a module is counted under: engine.x and guiapp.x by their package, others by top level."""
    parts = module.split(".")
    if parts[0] in ("engine", "guiapp") and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def import_times(args: list[str], env: dict, runs: int = 3) -> dict[str, float]:
    """Seconds of import self time per package (median of `runs`)."""
    per_run = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-X", "importtime", *args], env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        totals: dict[str, float] = defaultdict(float)
        for line in r.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = line[len("import time:"):].split("|")
            totals[package(name.strip())] += int(self_us) / 1e6
        per_run.append(totals)
    names = set().union(*per_run)
    return {name: statistics.median(run.get(name, 0.0) for run in per_run) for name in names}


def breakdown(title: str, times: dict[str, float], top: int) -> None:
    total = sum(times.values())
    print(f"\n{title}: imports {total * 1000:.0f} ms (self time by package, largest first)")
    for name, seconds in sorted(times.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {name:<28} {seconds * 1000:6.1f} ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--display", action="store_true", help="use the real display, not Qt's offscreen platform")
    parser.add_argument("--network", default="mazur", help="what the window opens (default: the worked example)")
    parser.add_argument("--top", type=int, default=12, help="packages listed in each breakdown")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as settings:
        env = _env(args.display, settings)
        window = ["-c", WINDOW.format(network=args.network)]
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {args.runs} launches each\n")
        results = {}
        for label, command in (("window, launch to first paint", window), ("python -m engine presets", HEADLESS),
                               ('python -c "import numpy"', NUMPY)):
            walls, cpus = results[label] = measure(command, env, args.runs)
            print(f"{label:<32} wall {_ms(walls)}   CPU {_ms(cpus)}")
        engine, numpy = results["python -m engine presets"], results['python -c "import numpy"']
        print(f"{'engine over numpy':<32} wall {(statistics.median(engine[0]) - statistics.median(numpy[0])) * 1000:+5.0f} ms"
              f"               CPU {(statistics.median(engine[1]) - statistics.median(numpy[1])) * 1000:+5.0f} ms")
        print(f"{'presets after numpy, inside':<32} {'':<36}   CPU {_ms(inside(env, args.runs))} (main thread)")
        breakdown("the window", import_times(window, env), args.top)
        breakdown("python -m engine presets", import_times(HEADLESS, env), args.top)
        print(f"\nload average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
