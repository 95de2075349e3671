"""train --trace-iterations (issue 12, item 7): the listed iterations' rows, exactly as a full
trace writes them, in bounded memory."""
import csv

import pytest

from tests.helpers import run_cli, run_limited
from tests.engine.cli.test_reliability import refused


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("preset", ["mazur", "xor", "softmax"])  # one sample; momentum; mini-batches
def test_the_listed_iterations_row_for_row(tmp_path, preset):
    full, part = tmp_path / "full.csv", tmp_path / "part.csv"
    assert run_cli("train", preset, "-n", "120", "--trace", str(full)).returncode == 0
    r = run_cli("train", preset, "-n", "120", "--trace", str(part), "--trace-iterations", "37,1,60-62,119-120,61")
    assert r.returncode == 0, r.stderr
    wanted = {1, 37, 60, 61, 62, 119, 120}
    expected = rows(full)
    got = rows(part)
    assert got[0] == expected[0]
    assert got[1:] == [row for row in expected[1:] if int(row[0]) in wanted]
    assert "(7 iterations," in r.stdout


def test_a_long_run_writes_a_few_iterations_in_bounded_memory(tmp_path):
    out = tmp_path / "t.csv"
    r = run_limited(["train", "mazur", "-n", "300000", "--trace", str(out), "--trace-iterations", "1,299999-300000"],
                    seconds=240)
    assert r.returncode == 0, r.stderr
    assert {row[0] for row in rows(out)[1:]} == {"1", "299999", "300000"}
    assert r.peak_mb < 200, r.peak_mb  # the loss history (2.4 MB) and the trace's checkpoints, not 300,000 rows


@pytest.mark.parametrize("args, words", [
    (["-n", "10", "--trace-iterations", "1"], ["goes with --trace"]),
    (["-n", "10", "--trace", "T", "--trace-iterations", "0,3"], ["iterations run from 1 to 10"]),
    (["-n", "10", "--trace", "T", "--trace-iterations", "5-3"], ["first to last"]),
    (["-n", "10", "--trace", "T", "--trace-iterations", "1,x"], ["such as 1,37,9999-10000", "“x”"]),
    (["-n", "10", "--trace", "T", "--trace-iterations", "11"], ["from 1 to 10"]),
])
def test_bad_lists_are_refused(tmp_path, args, words):
    args = [str(tmp_path / "t.csv") if a == "T" else a for a in args]
    refused(run_limited(["train", "mazur", *args], seconds=20), *words)
    assert not (tmp_path / "t.csv").exists()


def test_train_goes_on_from_a_network_it_wrote(tmp_path):
    """Issue 12, item 6, headless: train --out writes the training state; training that file on
    gives the losses of one uninterrupted run, and its listed iterations are counted from there."""
    half, whole, resumed = tmp_path / "half.json", tmp_path / "whole.csv", tmp_path / "resumed.csv"
    assert run_cli("train", "xor", "-n", "500", "--out", str(half)).returncode == 0
    r = run_cli("train", str(half), "-n", "500", "--history", str(resumed), "--trace", str(tmp_path / "t.csv"),
                "--trace-iterations", "501,1000")
    assert r.returncode == 0, r.stderr
    assert "from iteration 501" in r.stdout and "trained 500 iterations" in r.stdout
    assert "loss at iteration 501:" in r.stdout and "loss at iteration 1,000:" in r.stdout
    assert run_cli("train", "xor", "-n", "1000", "--history", str(whole)).returncode == 0
    resumed_rows, whole_rows = rows(resumed), rows(whole)
    assert [r[:2] for r in resumed_rows] == [r[:2] for r in whole_rows]  # 1,000 losses, bit for bit
    # xor classifies: its accuracy, evaluated as the resumed run trains, from iteration 501 on
    assert resumed_rows[0] == whole_rows[0] == ["iteration", "loss", "accuracy"]
    assert resumed_rows[501:] == whole_rows[501:] and {r[2] for r in resumed_rows[1:501]} == {""}
    assert {row[0] for row in rows(tmp_path / "t.csv")[1:]} == {"501", "1000"}
    refused(run_limited(["train", str(half), "-n", "10", "--trace", str(tmp_path / "u.csv"), "--trace-iterations",
                         "1"], seconds=20), "iterations run from 501 to 510")
