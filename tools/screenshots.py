"""Render the window's look in every case it must be readable in: python tools/screenshots.py [OUT_DIR]

mazur, xor, softmax, a 3-4-4-2 network (tests/data/3-4-4-2.json), xor after 300 iterations
of training with nothing selected (its output map shows what was learnt), the large spiral
network (tests/data/spiral-2-64-64-3.json, two layers of 64 units, folded), xor trained 3,000
iterations and gone back to 1,001 with four trajectories shown, and the worked example after
1,000 iterations compared with iteration 1 (Δ), and xor after 300 iterations with its unit maps
(h2's large, as under the mouse) and decision regions, and for issue 19 (tests/data/gaussians-adam-test.json:
Adam, an L2 penalty, a step schedule, 30 test samples) the loss plot with the test loss and the
accuracies after 300 iterations, its confusion matrix with a cell's samples circled, and Adam's
update in the side panel (v̂ of w1), xor and softmax trained 300 iterations with their confusion
matrix, and the large spiral network's (3 classes) after 50, each at 1024×700 and 1400×860 and in
presentation mode at 1920×1080, in a light and a dark palette: 96 PNGs in
OUT_DIR (default /tmp/shots). NAME=... after OUT_DIR renders only those networks. Each is
rendered by its own `python -m guiapp.screenshot`, so
that no Qt state carries over from one to the next. Options after OUT_DIR go to every render
(e.g. --text-scale 125).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# name: the network and the steps or options of its render
NETWORKS = {"mazur": ["mazur"], "xor": ["xor"], "softmax": ["softmax"],
            "3-4-4-2": [str(ROOT / "tests/data/3-4-4-2.json")],
            "xor-trained": ["xor", "0", "--train", "300", "--select", ""],
            "spiral": [str(ROOT / "tests/data/spiral-2-64-64-3.json")],
            "xor-travel": ["xor", "0", "--train", "3000", "--select", "", "--go-to", "1001",
                           "--trajectories", "w1,w2,w7,b_o1"],
            "mazur-compare": ["mazur", "--train", "1000", "--select", "w5", "--compare", "1"],
            "xor-maps": ["xor", "0", "--train", "300", "--select", "", "--unit-maps", "--hover", "h2", "--discretize"],
            "eval-loss": [str(ROOT / "tests/data/gaussians-adam-test.json"), "0", "--train", "300", "--select", ""],
            "eval-confusion": [str(ROOT / "tests/data/gaussians-adam-test.json"), "0", "--train", "300", "--select", "",
                               "--confusion", "--mark", "0,1"],
            "adam-update": [str(ROOT / "tests/data/gaussians-adam-test.json"), "6634", "--select", ""],
            "xor-confusion": ["xor", "0", "--train", "300", "--select", "", "--confusion", "--mark", "1,1"],
            "softmax-confusion": ["softmax", "0", "--train", "300", "--select", "", "--confusion"],
            "spiral-confusion": [str(ROOT / "tests/data/spiral-2-64-64-3.json"), "0", "--train", "50", "--select", "",
                                 "--confusion", "--mark", "0,1"]}
LOOKS = {"1024x700": ["--size", "1024x700"], "1400x860": ["--size", "1400x860"],
         "presentation-1920x1080": ["--size", "1920x1080", "--presentation"]}
PALETTES = {"light": [], "dark": ["--dark"]}


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("/tmp/shots")
    names = [a.split("=", 1)[1] for a in argv[1:] if a.startswith("NAME=")]
    extra = [a for a in argv[1:] if not a.startswith("NAME=")]
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    failed = 0
    for name, network in NETWORKS.items():
        if names and name not in names:
            continue
        for look, look_args in LOOKS.items():
            for palette, palette_args in PALETTES.items():
                png = out / f"{name}-{look}-{palette}.png"
                command = [sys.executable, "-m", "guiapp.screenshot", str(png), *network, *look_args, *palette_args,
                           *extra]
                result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
                if result.returncode:
                    failed += 1
                    print(f"FAILED {png}: {result.stderr.strip()}", file=sys.stderr)
                else:
                    print(f"wrote {png}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
