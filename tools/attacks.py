"""The headless attack cases of issue 17 (sections 1-4), run as a user runs them, with what each
now gives: the exit status and the one line on standard error. Prints a Markdown table.

    python tools/attacks.py            # every case
    python tools/attacks.py --check    # exit 1 if a case gives a traceback, status 0 or 1, or more than one line

Each case's behaviour is proved by its test (named in the table); this script only shows them side by
side, for the closing note and for a reviewer who wants to see them run.
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


def _mazur(tmp: Path) -> dict:
    """The worked example's network after one iteration, as the command writes it."""
    out = tmp / "mazur.json"
    subprocess.run([sys.executable, "-m", "engine", "train", "mazur", "-n", "1", "--out", str(out)],
                   cwd=ROOT, capture_output=True, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def cases(tmp: Path) -> list[tuple[str, list[str], bytes | None, str]]:
    """(what, argv after `python -m engine`, standard input, the test that proves it)."""
    net = _mazur(tmp)
    (tmp / "x.csv").write_text("a,b,t\n0.1,0.2,1\n0.3,0.4,0\n", encoding="utf-8")
    (tmp / "other.txt").write_text("keep me\n", encoding="utf-8")
    deep = tmp / "deep.json"
    deep.write_text(json.dumps(net)[:-1] + ', "x": ' + "[" * 985 + "]" * 985 + "}", encoding="utf-8")
    wide = tmp / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(30_000)) + "\n" + ",".join(["0.5"] * 30_000) + "\n",
                    encoding="utf-8")
    pep263 = tmp / "pep263.json"
    pep263.write_text(json.dumps(dict(net, name="coding: unicode_escape",
                                      description="\\nimport os; os.system('touch PWNED')")), encoding="utf-8")
    new = ["new", "--layers", "2,1", "--activations", "sigmoid", "--loss", "mse"]
    tiny = tmp / "tiny.json"  # a weight no float64 holds: it was read as 0
    weights = json.loads(json.dumps(net["weights"]))
    weights[0][0][0] = 0.125  # then written 1e-400
    tiny.write_text(json.dumps(dict(net, weights=weights)).replace("[[[0.125,", "[[[1e-400,", 1), encoding="utf-8")
    million = tmp / "million.json"  # a million small samples within the 32 MB limit
    million.write_text(json.dumps(dict({k: v for k, v in net.items() if k != "training_state"}, batch_size=1, samples=[{"input": [0, 1], "target": [1, 0]}] * 1_000_000),
                                  separators=(",", ":")), encoding="utf-8")
    return [
        ("§1 name `coding: unicode_escape`, description `\\n` + code → NumPy script",
         ["export", str(pep263), "--format", "numpy", "--iterations", "1", "-o", str(tmp / "s.py")], None,
         "test_generated_text.py"),
        ("§2 practice on standard input: `1e99999/1`", ["practice", "mazur", "--phase", "forward"],
         b"1e99999/1\n", "test_number_bounds.py"),
        ("§2 practice on standard input: `1e99999999/1`", ["practice", "mazur", "--phase", "forward"],
         b"1e99999999/1\n", "test_number_bounds.py"),
        ("§2 `new --csv x.csv --inputs 1,²`", [*new, "--csv", str(tmp / "x.csv"), "--inputs", "1,²",
                                              "--targets", "3", "--out", str(tmp / "n.json")], None,
         "test_number_bounds.py"),
        ("§2 `train --trace-iterations 1,³`", ["train", "mazur", "-n", "2", "--trace", str(tmp / "t.csv"),
                                              "--trace-iterations", "1,³"], None, "test_number_bounds.py"),
        ("§2 `--inputs 1-` and 5,000 nines", [*new, "--csv", str(tmp / "x.csv"), "--inputs", "1-" + "9" * 5000,
                                              "--targets", "3", "--out", str(tmp / "n.json")], None,
         "test_number_bounds.py"),
        ("§2 a network file with lists nested 985 deep", ["train", str(deep), "-n", "1"], None,
         "test_file_bounds.py"),
        ("§3 `train --out ''`", ["train", "mazur", "-n", "1", "--out", ""], None, "test_output_paths.py"),
        ("§3 `export -o ''`", ["export", "mazur", "--format", "numpy", "-o", ""], None, "test_output_paths.py"),
        ("§3 `train --history ''`", ["train", "mazur", "-n", "1", "--history", ""], None, "test_output_paths.py"),
        ("§3 `train --history other.txt/`", ["train", "mazur", "-n", "1", "--history", str(tmp / "other.txt") + "/"],
         None, "test_output_paths.py"),
        ("§3 `new --csv X --out X`", [*new, "--csv", str(tmp / "x.csv"), "--inputs", "1,2", "--targets", "3",
                                     "--out", str(tmp / "x.csv")], None, "test_output_paths.py"),
        ("§4 a million samples (31 MB) trained once, memory capped at 1 GB", ["train", str(million), "-n", "1"],
         None, "test_file_bounds.py"),
        ("§4 the same, memory capped at 250 MB", ["train", str(million), "-n", "1", "#cap 250"], None,
         "test_file_bounds.py"),
        ("follow-up: a weight written `1e-400` (read as 0 before)", ["train", str(tiny), "-n", "1"], None,
         "test_netfile.py"),
        ("§4 a CSV of 30,000 columns", [*new, "--csv", str(wide), "--inputs", "1,2", "--targets", "3",
                                        "--out", str(tmp / "w.json")], None, "test_file_bounds.py"),
    ]


def _cap(megabytes: int):
    def cap():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return cap


def run(tmp: Path, argv: list[str], stdin: bytes | None) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cap = 1024
    if argv[-1].startswith("#cap "):
        cap, argv = int(argv[-1][5:]), argv[:-1]
    r = subprocess.run([sys.executable, "-m", "engine", *argv], cwd=tmp, input=stdin or b"", capture_output=True,
                       env=env, timeout=300, preexec_fn=_cap(cap))
    err = r.stderr.decode("utf-8", "replace").strip()
    out = r.stdout.decode("utf-8", "replace").strip()
    if argv[0] == "practice":  # the refusal is the practice's answer to the line typed
        line = next((x for x in out.splitlines() if "too large" in x or "not a number" in x), out[-200:])
        return r.returncode, line
    return r.returncode, err


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print("| case | exit status | what it says | test |\n|---|---|---|---|")
        for what, argv, stdin, test in cases(tmp):
            status, said = run(tmp, argv, stdin)
            shown = said.replace("|", "\\|").replace(str(tmp) + os.sep, "")
            print(f"| {what} | {status} | {shown} | {test} |")
            if "Traceback" in said or "\n" in said:
                bad += 1
        subprocess.run([sys.executable, "s.py"], cwd=tmp, capture_output=True, timeout=120)  # as a teacher would
        if (tmp / "PWNED").exists():
            print("the exported script ran the description's code", file=sys.stderr)
            bad += 1
        if (tmp / "other.txt").read_text(encoding="utf-8") != "keep me\n":
            bad += 1
    return 1 if args.check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
