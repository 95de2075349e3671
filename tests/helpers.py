"""What several test modules need: the checkout, the shipped presets, the headless command
run as a user runs it, network files as dicts (read, changed, written), published figures."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRESETS = ("mazur", "seed-notebook", "xor", "softmax")  # the networks shipped in resources/networks


# -- the headless command ------------------------------------------------------------------------
def run_cli(*args, cwd=ROOT, warnings: str | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """`python -m engine ARGS` with this checkout's engine, from `cwd`; `warnings` is the
    child's PYTHONWARNINGS (none of the caller's); `input` the text its standard input reads."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("PYTHONWARNINGS", None)
    if warnings:
        env["PYTHONWARNINGS"] = warnings
    return subprocess.run([sys.executable, "-m", "engine", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          input=input)


# -- network files as dicts ----------------------------------------------------------------------
def preset_data(name: str) -> dict:
    """A shipped preset's file, as the JSON dict it holds."""
    return json.loads((ROOT / "resources" / "networks" / f"{name}.json").read_text(encoding="utf-8"))


def write_network(path: Path, data: dict) -> Path:
    """A network file holding `data`."""
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _keys(field: str) -> list:
    """'samples[1].target[0]' -> ['samples', 1, 'target', 0]: a field as the refusals name it."""
    return [int(k) if k.lstrip("-").isdigit() else k for k in field.replace("]", "").replace("[", ".").split(".")]


def set_field(field: str, value: Any) -> Callable[[dict], None]:
    """A change that sets `field` (dotted keys, [k] indices) to `value`."""
    def change(data: dict) -> None:
        *parents, last = _keys(field)
        for k in parents:
            data = data[k]
        data[last] = value
    return change


def delete_field(field: str) -> Callable[[dict], None]:
    """A change that removes `field`."""
    def change(data: dict) -> None:
        *parents, last = _keys(field)
        for k in parents:
            data = data[k]
        del data[last]
    return change


def changed(data: dict, *changes: Callable[[dict], Any]) -> dict:
    """`data` after the changes (made in place)."""
    for change in changes:
        change(data)
    return data


def with_literal(data: dict, field: str, literal: str) -> str:
    """The JSON text of `data` with `literal` written as it is at `field`: what json.dumps
    cannot write (NaN, Infinity, 1e400, an integer of 400 digits)."""
    placeholder = "@@LITERAL@@"
    set_field(field, placeholder)(data)
    text = json.dumps(data).replace(f'"{placeholder}"', literal)
    assert literal in text
    return text


# -- published figures ---------------------------------------------------------------------------
def published(value: float, digits: int = 9):
    """A figure published to `digits` decimals: equal to it when rounded to them."""
    return pytest.approx(value, abs=0.5 * 10 ** -digits)


# -- a command under limits ------------------------------------------------------------------------
class Limited:
    """What a command did within its limits: exit status, output, seconds, peak memory and the
    bytes it read (`read_mb`: every read() of the process, the interpreter's own modules
    included, about 5 MB at start: /proc/PID/io's rchar)."""

    def __init__(self, returncode: int, stdout: str, stderr: str, seconds: float, peak_mb: float,
                 read_mb: float):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.seconds, self.peak_mb, self.read_mb = seconds, peak_mb, read_mb


# A small interpreter that starts the command as its own child and writes that child's peak
# memory to a file: a process forked straight from the test run would count the test run's own
# memory (the kernel carries the peak across fork and exec).
_LAUNCHER = """
import os, resource, sys
report, cap, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
pid = os.fork()
if pid == 0:
    if cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap * 1024 * 1024, cap * 1024 * 1024))
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = "1"
    os.execv(sys.executable, [sys.executable, *argv])
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped: its /proc/PID/io still reads
with open(f"/proc/{pid}/io") as f:
    rchar = dict(line.split(": ") for line in f.read().splitlines())["rchar"]
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(f"{usage.ru_maxrss} {rchar}")
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


def run_limited(args: list, seconds: float = 30.0, cwd=ROOT, module: str = "engine",
                memory_mb: int | None = None) -> Limited:
    """`python -m MODULE ARGS` in a child process, killed after `seconds`, with its own peak
    resident memory; with `memory_mb`, its address space is capped at that (RLIMIT_AS): an
    allocation beyond it fails with MemoryError (the child then uses one BLAS thread, whose
    buffers would otherwise take address space in proportion to the machine's cores)."""
    import tempfile
    import threading
    import time

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("PYTHONWARNINGS", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".maxrss") as report:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", _LAUNCHER, report.name, str(memory_mb or 0), "-m", module,
                                  *map(str, args)],
                                 cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        timer = threading.Timer(seconds, lambda: os.killpg(child.pid, 9))
        timer.start()
        try:
            returncode = child.wait()
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        with open(report.name) as f:
            peak_kb, read = (float(v) for v in (f.read() or "inf inf").split())
        return Limited(returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                       elapsed, peak_kb / 1024, read / 2**20)
