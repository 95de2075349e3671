"""Memory taken to open a network file, per MB of file: reported, not asserted.

    .venv/bin/python benchmarks/file_memory.py [--root CHECKOUT] [--mb 30] [KIND ...]

Each KIND is a file of about --mb MB (within the 32 MB limit), written once, then opened by
`engine.files.netfile.load` in a child process (its peak resident memory, and the seconds the
load took); the same child's memory after importing the engine alone is subtracted. --root runs
the load from another checkout (e.g. /work/main, the code before a change) to compare.

    samples     a 1-1 network with a million samples {"input":[k],"target":[k]} (batch_size 1)
    wide        a 200-200 network: samples of 200 inputs and targets
    history     a training_state whose loss history holds millions of losses
    lists       an unknown key holding millions of empty lists (refused, once read)
    objects     an unknown key holding millions of objects {"a":0} (refused, once read)
    texts       an unknown key holding millions of two-letter texts (refused, once read)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = {"layers": [1, 1], "activations": ["sigmoid"], "loss": "mse", "seed": 0, "batch_size": 1,
        "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0}}


def _file(path: Path, head: dict, key: str, item: str, count: int, tail: dict | None = None) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(head)[:-1] + f', "{key}": [')
        f.write(",".join(item.format(k=k, m=k % 10, p=k % 2) for k in range(count)))
        f.write("]" + ("" if tail is None else ", " + json.dumps(tail)[1:-1]) + "}")


def write(kind: str, path: Path, mb: float) -> None:
    size = int(mb * 2**20)
    samples = [{"input": [0], "target": [0]}]
    if kind == "samples":
        _file(path, HEAD, "samples", '{{"input":[{m}],"target":[{p}]}}', size // 28)
    elif kind == "wide":
        head = {**HEAD, "layers": [200, 200], "batch_size": 1}
        row = json.dumps({"input": [0.123456789] * 200, "target": [0.5] * 200})
        _file(path, head, "samples", row.replace("{", "{{").replace("}", "}}"), size // (len(row) + 1))
    elif kind == "history":
        count = size // 20
        head = {**HEAD, "samples": samples}
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(head)[:-1] + f', "training_state": {{"iteration": {count + 1}, "momentum_buffer": null, '
                    '"loss_history": [')
            f.write(",".join(repr(0.25 + k * 1e-9) for k in range(count)))
            f.write("]}}")
    else:
        item, width = {"lists": ("[]", 3), "objects": ('{{"a":0}}', 8), "texts": ('"ab"', 5)}[kind]
        _file(path, {**HEAD, "samples": samples}, "extra", item, size // width)


# The child's own peak (VmHWM, in kB: its memory map is new at exec; ru_maxrss would carry the
# parent's peak across fork and exec).
CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
import engine.files.netfile as netfile
def peak():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
base = peak()
start = time.perf_counter()
try:
    netfile.load(sys.argv[2])
    said = "opened"
except netfile.NetworkFileError as e:
    said = "refused: " + str(e).split(": ", 2)[-1][:60]
except MemoryError:
    said = "MemoryError"
print(base, peak(), time.perf_counter() - start, said)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kinds", nargs="*", default=["samples", "wide", "history", "lists", "objects", "texts"])
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose engine opens the files")
    parser.add_argument("--mb", type=float, default=30.0)
    args = parser.parse_args()
    print(f"engine of {args.root}")
    print(f"{'kind':<9} {'file MB':>8} {'peak MB':>8} {'MB/MB':>6} {'seconds':>8}  result")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.kinds:
            path = Path(folder) / f"{kind}.json"
            write(kind, path, args.mb)
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            r = subprocess.run([sys.executable, "-c", CHILD, args.root, str(path)], capture_output=True, text=True,
                               env=env)
            if r.returncode != 0:
                print(f"{kind:<9} failed: {r.stderr.strip().splitlines()[-1][:100]}")
                continue
            base, peak, seconds, said = r.stdout.split(" ", 3)
            file_mb = path.stat().st_size / 2**20
            used = (int(peak) - int(base)) / 1024
            print(f"{kind:<9} {file_mb:>8.1f} {used:>8.0f} {used / file_mb:>6.1f} {float(seconds):>8.2f}  {said.strip()}")
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
