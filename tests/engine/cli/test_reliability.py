"""Bad input gets one clean line and nothing else (issue 8): special paths, hostile keys,
byte order marks, duplicate keys. Each command runs in a child process (killed if it hangs), its
peak memory and the bytes it read measured."""
import json
import os

import pytest

from engine import NetworkFileError, load, loads
from tests.helpers import preset_data, run_limited, write_network

SMALL_MB = 200  # a refusal's peak memory
UNREAD_MB = 12  # a refusal's bytes read: the interpreter's start reads about 5 MB (its modules), a refused
# file only if it is small: a 64 MB file, /dev/zero or a FIFO is refused from its stat, unread (the count
# of bytes read proves what a time limit only suggested, whatever else the machine runs)


def refused(r, *words, read_mb: float = UNREAD_MB):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    line = r.stderr.strip()
    assert line.isprintable() and len(line) < 600, line
    for word in words:
        assert word in line, line
    assert r.read_mb < read_mb and r.peak_mb < SMALL_MB, (r.read_mb, r.peak_mb)
    return line


@pytest.mark.parametrize("command", ["train", "gradcheck"])
def test_a_fifo_is_refused_not_waited_for(tmp_path, command):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)
    extra = ["-n", "1"] if command == "train" else []
    refused(run_limited([command, fifo, *extra], seconds=60), "FIFO")


def test_dev_zero_is_refused_at_once():
    refused(run_limited(["train", "/dev/zero", "-n", "1"], seconds=60), "device")


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: no disk used
    refused(run_limited(["train", big, "-n", "1"], seconds=60), "bytes", "at most")


def test_a_file_name_too_long(tmp_path):
    line = refused(run_limited(["train", str(tmp_path / ("n" * 300 + ".json")), "-n", "1"], seconds=60))
    assert "too long" in line.lower()


def test_the_window_refuses_a_file_name_too_long(tmp_path):
    r = run_limited([str(tmp_path / ("n" * 300 + ".json"))], seconds=60, module="guiapp")
    refused(r, "too long")


@pytest.mark.parametrize("key", ["bad\nkey", "\x1b[2J\x1b[Hcleared", "k" * 10_000, "<img src='/x.png'>"])
def test_unknown_keys_are_named_on_one_clean_line(tmp_path, key):
    data = preset_data("mazur")
    data[key] = 1
    line = refused(run_limited(["train", write_network(tmp_path / "n.json", data), "-n", "1"], seconds=60),
                   "unknown key")
    assert "\x1b" not in line and "\n" not in line


def test_invalid_control_character_is_said_once():
    with pytest.raises(NetworkFileError) as info:
        loads('{"name": "a\tb"}', "n.json")
    assert "Invalid control character at line 1" in str(info.value) and "at at" not in str(info.value)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(preset_data("mazur")).encode("utf-8"))
    assert load(path).sizes == [2, 2, 2]


def test_duplicate_keys_are_refused_by_name(tmp_path):
    text = json.dumps(preset_data("mazur"))[:-1] + ', "loss": "mse"}'
    with pytest.raises(NetworkFileError) as info:
        loads(text, "dup.json")
    assert info.value.field == "loss" and "twice" in info.value.problem
    inner = text.replace('"learning_rate": 0.5', '"learning_rate": 0.5, "learning_rate": 5')
    with pytest.raises(NetworkFileError) as info:
        loads(inner, "dup.json")
    assert info.value.field == "learning_rate"


def test_a_billion_iterations_are_refused_at_once():
    r = run_limited(["train", "mazur", "--iterations", "1000000000"], seconds=60)
    refused(r, "--iterations", "50,000,000")


def test_the_loss_history_grows_as_training_goes():
    from engine import Session, open_network

    s = Session(open_network("mazur"))
    progress = s.train(40_000_000, chunk_seconds=0.01)
    next(progress)
    assert len(s.history._data) < 10_000_000  # not 320 MB up front
    progress.close()


# -- sizes: every one bounded, refused before any work -------------------------------------------
def test_a_batch_of_five_thousand_is_valid_and_stays_within_bounds(tmp_path):
    data = preset_data("mazur")
    data["batch_size"] = 5_000
    r = run_limited(["train", write_network(tmp_path / "n.json", data), "-n", "2", "--trace", tmp_path / "t.csv",
                     "--history", tmp_path / "h.csv", "--out", tmp_path / "o.json"], seconds=120)
    assert r.returncode == 0, r.stderr
    assert r.peak_mb < 400, r.peak_mb
    print(f"batch 5,000: {r.seconds:.1f} s, {r.peak_mb:.0f} MB")


@pytest.mark.parametrize("batch", [10_000, 1_000_000, 10**30, 2**63])
def test_a_huge_batch_size_is_refused_at_once(tmp_path, batch):
    data = preset_data("mazur")
    data["batch_size"] = batch
    refused(run_limited(["train", write_network(tmp_path / "n.json", data), "-n", "2", "--trace", tmp_path / "t.csv",
                         "--history", tmp_path / "h.csv", "--out", tmp_path / "o.json"], seconds=60),
            "batch_size", "at most")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.json"]


def test_a_hundred_thousand_copies_in_a_full_batch_are_refused(tmp_path):
    data = preset_data("mazur")
    data["samples"] = data["samples"] * 100_000
    refused(run_limited(["train", write_network(tmp_path / "n.json", data), "-n", "2"], seconds=60), "samples")


def test_a_file_of_210000_samples_trains_in_mini_batches_within_bounds(tmp_path):
    data = preset_data("mazur")
    data["samples"] = data["samples"] * 210_000
    data["batch_size"] = 10
    path = write_network(tmp_path / "n.json", data)
    assert path.stat().st_size > 9_000_000
    r = run_limited(["train", path, "-n", "2", "--trace", tmp_path / "t.csv"], seconds=60)
    assert r.returncode == 0, r.stderr
    assert r.peak_mb < 400, r.peak_mb


def test_the_largest_shape_of_the_file_format_is_refused_by_its_parameter_count(tmp_path):
    data = {"layers": [256] * 16, "activations": ["sigmoid"] * 15, "loss": "half_sse", "seed": 1,
            "optimizer": {"name": "sgd", "learning_rate": 0.1},
            "samples": [{"input": [0.5] * 256, "target": [0.5] * 256}]}
    refused(run_limited(["train", write_network(tmp_path / "n.json", data), "-n", "2"], seconds=60),
            "layers", "60,000")


def test_gradcheck_of_the_largest_network_reports_progress_and_can_be_interrupted(tmp_path):
    """Two forward passes per parameter: progress on a terminal, and Ctrl+C stops it cleanly."""
    import signal
    import subprocess
    import sys
    import time

    from tests.helpers import ROOT

    data = {"layers": [60] * 16, "activations": ["sigmoid"] * 15, "loss": "half_sse", "seed": 1,
            "optimizer": {"name": "sgd", "learning_rate": 0.1},
            "samples": [{"input": [0.5] * 60, "target": [0.5] * 60}]}
    path = write_network(tmp_path / "largest.json", data)
    from engine.session.gradcheck import gradcheck

    net = load(path)
    calls = []

    class Stop(Exception):
        pass

    def progress(done, total):
        calls.append((done, total))
        if done >= 1024:
            raise Stop

    with pytest.raises(Stop):
        gradcheck(net, progress=progress)
    assert calls[0] == (0, 54_900) and calls[-1] == (1024, 54_900)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "engine", "gradcheck", str(path)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
