"""The headless command's outputs (issue 8, item 6): every write error names the file and the
option; all outputs are changed together or not at all; SIGTERM and SIGHUP leave no
temporary file; outputs that are not regular files are refused or written through; two
outputs on one path, or an output on the network being trained, are refused before any work."""
import errno
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest

import engine.files.atomic
from engine.cli import main as cli
from tests.helpers import ROOT, preset_data, run_cli, write_network


def files(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def olds(tmp_path):
    """Existing outputs with old contents: what a failed run must leave as it is."""
    paths = {name: tmp_path / f"{name}.out" for name in ("trace", "history", "out")}
    for name, path in paths.items():
        path.write_text(f"old {name}\n")
    return paths


def run_main(args, capsys):
    status = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("failing", ["--history", "--out", "--trace"])
def test_a_full_disk_on_one_output_names_it_and_changes_none(tmp_path, olds, capsys, monkeypatch, failing):
    real_fsync = os.fsync
    opened = {}
    real_mkstemp = tempfile.mkstemp  # engine.files.atomic imports tempfile when it first writes

    def mkstemp(*a, **k):
        fd, tmp = real_mkstemp(*a, **k)
        opened[fd] = tmp
        return fd, tmp

    def fsync(fd):
        if f".{olds[failing[2:]].name}." in opened.get(fd, ""):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(engine.files.atomic.os, "fsync", fsync)
    status, out, err = run_main(["train", "mazur", "-n", "3", "--trace", olds["trace"], "--history", olds["history"],
                                 "--out", olds["out"]], capsys)
    assert status == cli.EXIT_WRITE
    assert f"{olds[failing[2:]]}: {failing}: cannot be written: No space left on device" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    for name, path in olds.items():
        assert path.read_text() == f"old {name}\n"
    assert files(tmp_path) == ["history.out", "out.out", "trace.out"]


@pytest.mark.parametrize("args", [
    ["export", "mazur", "--format", "numpy", "--out", "script.py"],
    ["new", "--layers", "2,2,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor",
     "--out", "net.json"],
    ["explain", "mazur", "--output", "mazur.md"]], ids=["export", "new", "explain"])
def test_every_command_says_a_full_disk_in_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, args):
    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine.files.atomic.os, "fsync", fsync)
    path = tmp_path / args[-1]
    status, out, err = run_main(args[:-1] + [path], capsys)
    assert status == cli.EXIT_WRITE
    assert err == f"error: {path}: {args[-2]}: cannot be written: No space left on device; no output file was changed\n"
    assert files(tmp_path) == []


def test_a_rename_that_fails_names_the_destination_not_the_temporary_file(tmp_path, capsys, monkeypatch):
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("h.csv"):
            raise OSError(errno.EPERM, "Operation not permitted")
        return real_replace(src, dst)

    monkeypatch.setattr(engine.files.atomic.os, "replace", replace)
    status, out, err = run_main(["train", "mazur", "-n", "2", "--history", tmp_path / "h.csv"], capsys)
    assert status == cli.EXIT_WRITE
    assert f"{tmp_path / 'h.csv'}: --history: cannot be written: Operation not permitted" in err
    assert ".part" not in err and files(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_a_long_trace_leaves_no_temporary_file(tmp_path, sig):
    trace = tmp_path / "t.csv"
    trace.write_text("old\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "engine", "train", "xor", "-n", "5000000", "--trace", str(trace)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    def writing_rows():  # a temporary file holding rows, not just its header
        return any(p.name.endswith(".part") and p.stat().st_size > 4096 for p in tmp_path.iterdir())

    deadline = time.monotonic() + 60  # only if it never comes: the child is then ended below
    while time.monotonic() < deadline and not writing_rows():
        time.sleep(0.05)
    assert writing_rows()
    child.send_signal(sig)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 128 + sig, err
    assert "no output file was changed" in err and "Traceback" not in err
    assert files(tmp_path) == ["t.csv"] and trace.read_text() == "old\n"


def test_a_device_or_fifo_output_is_refused_and_a_symlink_written_through(tmp_path):
    r = run_cli("train", "mazur", "-n", "1", "--trace", "/dev/null")
    assert r.returncode == 2 and "/dev/null: --trace: is a device" in r.stderr
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run_cli("train", "mazur", "-n", "1", "--history", fifo)
    assert r.returncode == 2 and "is a FIFO" in r.stderr
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    r = run_cli("train", "mazur", "-n", "2", "--history", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and target.read_text().startswith("iteration,loss\n")


def test_two_outputs_on_one_path_or_on_the_network_are_refused_before_any_work(tmp_path):
    same = tmp_path / "x.csv"
    r = run_cli("train", "mazur", "-n", "1", "--trace", same, "--history", same)
    assert r.returncode == 2 and "--history" in r.stderr and "is also the file of --trace" in r.stderr
    net = write_network(tmp_path / "net.json", preset_data("mazur"))
    before = net.read_bytes()
    r = run_cli("train", net, "-n", "1", "--out", net)
    assert r.returncode == 2 and "is the network file being trained" in r.stderr
    assert net.read_bytes() == before and files(tmp_path) == ["net.json"]


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """`python -m engine train ... | head -1`: no traceback, and the files are still written."""
    import os
    import subprocess
    import sys

    from tests.helpers import ROOT

    history = tmp_path / "h.csv"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")  # the first line comes at once
    child = subprocess.Popen([sys.executable, "-m", "engine", "train", "xor", "-n", "30000", "--history",
                              str(history)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    child.stdout.readline()
    child.stdout.close()  # as head does after its first line
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0 and b"Traceback" not in err, err
    assert len(history.read_text().splitlines()) == 30001
