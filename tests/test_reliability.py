"""Bad input gets one clean line and nothing else (issue 8): special paths, hostile keys,
byte order marks, duplicate keys. Each command runs in a child process with a time limit and
its peak memory measured."""
import json
import os

import pytest

from engine import NetworkFileError, load, loads
from tests.helpers import preset_data, run_limited, write_network

FAST, SMALL_MB = 2.0 + 3.0, 200  # refused within 2 s (plus the interpreter's start) and 200 MB


def refused(r, *words):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    line = r.stderr.strip()
    assert line.isprintable() and len(line) < 600, line
    for word in words:
        assert word in line, line
    assert r.seconds < FAST and r.peak_mb < SMALL_MB, (r.seconds, r.peak_mb)
    return line


@pytest.mark.parametrize("command", ["train", "gradcheck"])
def test_a_fifo_is_refused_not_waited_for(tmp_path, command):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)
    extra = ["-n", "1"] if command == "train" else []
    refused(run_limited([command, fifo, *extra], seconds=20), "FIFO")


def test_dev_zero_is_refused_at_once():
    refused(run_limited(["train", "/dev/zero", "-n", "1"], seconds=20), "device")


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: no disk used
    refused(run_limited(["train", big, "-n", "1"], seconds=20), "bytes", "at most")


def test_a_file_name_too_long(tmp_path):
    line = refused(run_limited(["train", str(tmp_path / ("n" * 300 + ".json")), "-n", "1"], seconds=20))
    assert "too long" in line.lower()


def test_the_window_refuses_a_file_name_too_long(tmp_path):
    r = run_limited([str(tmp_path / ("n" * 300 + ".json"))], seconds=20, module="guiapp")
    refused(r, "too long")


@pytest.mark.parametrize("key", ["bad\nkey", "\x1b[2J\x1b[Hcleared", "k" * 10_000, "<img src='/x.png'>"])
def test_unknown_keys_are_named_on_one_clean_line(tmp_path, key):
    data = preset_data("mazur")
    data[key] = 1
    line = refused(run_limited(["train", write_network(tmp_path / "n.json", data), "-n", "1"], seconds=20),
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
    r = run_limited(["train", "mazur", "--iterations", "1000000000"], seconds=20)
    refused(r, "--iterations", "50,000,000")


def test_the_loss_history_grows_as_training_goes():
    from engine import Session, open_network

    s = Session(open_network("mazur"))
    progress = s.train(40_000_000, chunk_seconds=0.01)
    next(progress)
    assert len(s.history._data) < 10_000_000  # not 320 MB up front
    progress.close()
