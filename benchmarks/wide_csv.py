"""How a CSV file of many columns is answered: reported, not asserted.

    .venv/bin/python benchmarks/wide_csv.py [--columns 1000,10000,30000,65536] [--rows 3]

For each width, a file of a header row and ROWS rows of small whole numbers is written, then
timed (best of 3): reading it (engine.files.csvdata.read), choosing every column but the last as
inputs (`select`, which refuses more than 256: the answer the window's import dialog first shows),
`python -m engine new --csv` end to end (one run, with the interpreter's start), and the window's
Import samples dialog (offscreen: read, then the dialog made and shown). Seconds, and the
seconds per 1,000 columns of each (a flat ratio: the work grows with the columns, not faster).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def write(path: Path, columns: int, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(f"col{c}" for c in range(columns)) + "\n")
        for r in range(rows):
            f.write(",".join(str((r * c) % 7) for c in range(columns)) + "\n")


def best(f, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", default="1000,10000,30000,65536")
    parser.add_argument("--rows", type=int, default=3)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from engine.files import csvdata
    from guiapp.dialogs.data import ImportDialog

    app = QApplication.instance() or QApplication([])
    print(f"{'columns':>8} {'read':>7} {'select':>7} {'command':>8} {'dialog':>7}   per 1,000 columns: read, dialog")
    with tempfile.TemporaryDirectory() as folder:
        for columns in map(int, args.columns.split(",")):
            path = Path(folder) / f"wide{columns}.csv"
            write(path, columns, args.rows)
            table = csvdata.read(path)
            read = best(lambda: csvdata.read(path))

            def choose():
                try:
                    csvdata.select(table, f"1-{columns - 1}", str(columns))
                except csvdata.CsvError:
                    pass

            select = best(choose)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "engine", "new", "--layers", "2,1", "--activations", "sigmoid",
                            "--loss", "mse", "--csv", str(path), "--inputs", "1,2", "--targets", str(columns),
                            "--out", str(Path(folder) / "n.json")], cwd=ROOT, check=True, capture_output=True)
            command = time.perf_counter() - start

            def dialog():
                d = ImportDialog(csvdata.read(path), "mse")
                d.show()
                app.processEvents()
                d.close()
                d.deleteLater()

            shown = best(dialog)
            print(f"{columns:>8,} {read:>7.3f} {select:>7.3f} {command:>8.2f} {shown:>7.3f}   "
                  f"{1000 * read / columns:.4f}, {1000 * shown / columns:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
