"""The headless command, run as a user runs it: python -m engine {train,gradcheck,presets}."""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest

from engine import Session, TrainingDiverged, load, open_network
from engine.session.gradcheck import gradcheck
from tests.helpers import PRESETS, changed, delete_field, preset_data, published, run_cli, set_field, \
    with_literal, write_network


def summary(stdout: str) -> dict[str, str]:
    """'key: value' lines of the training summary."""
    out = {}
    for line in stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            out[key] = value
    return out


# -- presets and gradcheck ---------------------------------------------------------------------

def test_presets_lists_the_four_networks():
    r = run_cli("presets")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    names = [line.split()[0] for line in r.stdout.splitlines() if line.strip()]
    assert sorted(names) == sorted(PRESETS)
    lines = {line.split()[0]: line for line in r.stdout.splitlines()}
    assert "2-2-2 sigmoid/sigmoid, half_sse, lr 0.5" in lines["mazur"]
    assert "2-4-3 tanh/softmax, cross_entropy" in lines["softmax"] and "batches of 2" in lines["softmax"]
    assert "momentum 0.9" in lines["xor"]


def test_gradcheck_mazur_passes_and_prints_the_largest_relative_error():
    r = run_cli("gradcheck", "mazur")
    assert r.returncode == 0, r.stderr
    m = re.search(r"largest relative error: (\S+) \((\w+)\); passed", r.stdout)
    assert m, r.stdout
    worst = float(m.group(1))
    assert 0 < worst <= 1e-5
    expected = gradcheck(open_network("mazur"))
    assert m.group(1) == f"{expected.max_relative_error:.3e}"
    assert m.group(2) == expected.worst.name
    # one line per parameter: 8 weights and 4 biases
    for name in ["w1", "w8", "b_h1", "b_o2"]:
        assert re.search(rf"^{name}\s", r.stdout, re.M), name


def test_gradcheck_that_fails_exits_1(tmp_path):
    """A relu exactly at its kink: backprop says 0, central differences say otherwise."""
    net = write_network(tmp_path / "kink.json", {
        "layers": [1, 1, 1], "activations": ["relu", "linear"], "loss": "half_sse",
        "weights": [[[1.0]], [[1.0]]], "biases": [[-1.0], [0.0]],
        "optimizer": {"learning_rate": 0.1}, "samples": [{"input": [1.0], "target": [2.0]}],
    })
    r = run_cli("gradcheck", net)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILED" in r.stdout


# -- training ----------------------------------------------------------------------------------

def test_mazur_10000_iterations_summary():
    r = run_cli("train", "mazur", "--iterations", "10000")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    s = summary(r.stdout)
    loss = float(s["loss after the last update"])
    assert f"{loss:.6e}" == "3.510188e-05"  # 7 significant digits
    assert s["loss after the last update"].startswith("3.51018778")
    o1, o2 = (float(v) for v in s["outputs for sample 1"].split(","))
    assert o1 == pytest.approx(0.015913620, abs=1e-9)
    assert o2 == pytest.approx(0.984064274, abs=1e-9)
    assert float(s["loss at iteration 1"]) == published(0.298371109)
    assert re.search(r"^trained 10,000 iterations in ", r.stdout, re.M)
    # the same numbers as the engine in this process
    session = Session(open_network("mazur"))
    session.run(10_000)
    assert loss == session.loss
    assert [o1, o2] == session.record["out", 2][0].tolist()


@pytest.mark.parametrize("preset, iterations", [("mazur", 1), ("seed-notebook", 300), ("xor", 257), ("softmax", 77)])
def test_trained_network_written_with_out_equals_the_engine(tmp_path, preset, iterations):
    out = tmp_path / "trained.json"
    r = run_cli("train", preset, "--iterations", iterations, "--out", out)
    assert r.returncode == 0, r.stderr
    assert f"wrote {out}" in r.stdout
    trained = load(out)
    session = Session(open_network(preset))
    session.run(iterations)
    expected = session.current_network()
    for got, want in zip(trained.weights + trained.biases, expected.weights + expected.biases):
        assert got.tolist() == want.tolist()  # exact, every float
    assert trained.inputs.tolist() == expected.inputs.tolist()
    assert trained.targets.tolist() == expected.targets.tolist()
    assert (trained.learning_rate, trained.optimizer, trained.batch_size, trained.train_biases) == \
           (expected.learning_rate, expected.optimizer, expected.batch_size, expected.train_biases)
    assert trained.weights[0].tolist() != open_network(preset).weights[0].tolist()
    assert float(summary(r.stdout)["loss after the last update"]) == session.loss


def test_train_a_network_file_by_path_relative_and_absolute(tmp_path):
    data = preset_data("seed-notebook")
    data["optimizer"]["learning_rate"] = 0.25
    write_network(tmp_path / "my net.json", data)
    trace, history, out = tmp_path / "t.csv", tmp_path / "h.csv", tmp_path / "trained.json"
    r = run_cli("train", "my net.json", "-n", "20", "--trace", "t.csv", "--history", "h.csv", "--out", "trained.json",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert trace.exists() and history.exists() and out.exists()
    session = Session(load(tmp_path / "my net.json"))
    session.run(20)
    assert load(out).weights[1].tolist() == session.current_network().weights[1].tolist()
    assert history.read_text(encoding="utf-8").splitlines()[-1] == f"20,{float(session.history.values[19])!r}"

    r2 = run_cli("train", tmp_path / "my net.json", "--iterations", "20", "--out", tmp_path / "again.json")
    assert r2.returncode == 0, r2.stderr
    assert (tmp_path / "again.json").read_bytes() == out.read_bytes()


def test_outputs_replace_existing_files(tmp_path):
    out, history = tmp_path / "trained.json", tmp_path / "h.csv"
    out.write_text("old", encoding="utf-8")
    history.write_text("old", encoding="utf-8")
    r = run_cli("train", "mazur", "-n", "3", "--out", out, "--history", history)
    assert r.returncode == 0, r.stderr
    assert load(out).weights[0].tolist() != open_network("mazur").weights[0].tolist()
    assert history.read_text(encoding="utf-8").splitlines()[0] == "iteration,loss"
    assert sorted(os.listdir(tmp_path)) == ["h.csv", "trained.json"]


# -- bad input: status 2, one line naming the file and the field, nothing written ---------------------

def _bad(base: str, *changes) -> str:
    """The text of preset `base`'s file after `changes`."""
    return json.dumps(changed(preset_data(base), *changes))


BAD_FILES = [
    # (id, file text, field named in the message)
    ("bad-json", '{"layers": [2, 2, 2], "activations": ', "(file)"),
    ("top-level-list", "[[0.15, 0.2], [0.25, 0.3]]", "(top level)"),
    ("unknown-key", _bad("mazur", set_field("learning_rate", 0.5)), "learning_rate"),
    ("missing-samples", _bad("mazur", delete_field("samples")), "samples"),
    ("weights-columns", _bad("mazur", lambda d: d["weights"][1][0].append(0.3)), "weights[1][0]"),
    ("biases-length", _bad("xor", set_field("biases[0]", [0.1])), "biases[0]"),
    ("unknown-activation", _bad("mazur", set_field("activations[1]", "sigmoidal")), "activations[1]"),
    ("unknown-loss", _bad("mazur", set_field("loss", "hinge")), "loss"),
    ("softmax-hidden", _bad("softmax", set_field("activations[0]", "softmax")), "activations[0]"),
    ("softmax-with-mse", _bad("softmax", set_field("loss", "mse")), "loss"),
    ("cross-entropy-with-sigmoid", _bad("softmax", set_field("activations[1]", "sigmoid")), "activations[-1]"),
    ("bce-with-tanh", _bad("xor", set_field("activations[1]", "tanh")), "activations[-1]"),
    ("nan-weight", with_literal(preset_data("mazur"), "weights[0][1][0]", "NaN"), "weights[0][1][0]"),
    ("infinity-learning-rate", with_literal(preset_data("mazur"), "optimizer.learning_rate", "Infinity"),
     "optimizer.learning_rate"),
    ("minus-infinity-target", with_literal(preset_data("xor"), "samples[3].target[0]", "-Infinity"), "samples[3].target[0]"),
    ("nan-input", with_literal(preset_data("softmax"), "samples[4].input[1]", "NaN"), "samples[4].input[1]"),
    ("zero-learning-rate", _bad("mazur", set_field("optimizer.learning_rate", 0)), "optimizer.learning_rate"),
    ("momentum-one", _bad("xor", set_field("optimizer.momentum", 1.0)), "optimizer.momentum"),
    ("bce-target-2", _bad("xor", set_field("samples[1].target", [2.0])), "samples[1].target[0]"),
    ("cross-entropy-not-probabilities", _bad("softmax", set_field("samples[2].target", [0.5, 0.5, 0.5])), "samples[2].target"),
    ("no-samples", _bad("mazur", set_field("samples", [])), "samples"),
    ("input-wrong-length", _bad("xor", set_field("samples[2].input", [1.0])), "samples[2].input"),
    ("boolean-learning-rate", _bad("mazur", set_field("optimizer.learning_rate", True)), "optimizer.learning_rate"),
    ("string-input", _bad("mazur", set_field("samples[0].input[0]", "0.05")), "samples[0].input[0]"),
    ("batch-size-0", _bad("softmax", set_field("batch_size", 0)), "batch_size"),
    ("missing-weights-no-seed", _bad("mazur", delete_field("weights")), "weights"),
    # two inputs that once crashed engine.files.netfile (a TypeError and an OverflowError)
    ("loss-is-a-list", _bad("mazur", set_field("loss", ["half_sse"])), "loss"),
    ("huge-integer-weight", with_literal(preset_data("mazur"), "weights[0][0][0]", "1" + "0" * 400), "weights[0][0][0]"),
]

OLD_OUT = b"{\"a previous trained network\": true}\n"
OLD_HISTORY = b"iteration,loss\n1,0.5\n"


def _prepare_outputs(folder: Path):
    out, history, trace = folder / "trained.json", folder / "h.csv", folder / "t.csv"
    out.write_bytes(OLD_OUT)
    history.write_bytes(OLD_HISTORY)
    return out, history, trace


def _assert_refused(r, folder: Path, before: list[str], *names: str):
    both = r.stdout + r.stderr
    assert "Traceback" not in both, both
    assert r.returncode == 2, both
    assert r.stdout == "", "nothing may be done for a bad input: " + r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and r.stderr.endswith("\n"), r.stderr
    for name in names:
        assert name in lines[0], f"{name!r} not named in: {lines[0]}"
    assert sorted(os.listdir(folder)) == before, "an output file was created or a temporary file left"
    assert (folder / "trained.json").read_bytes() == OLD_OUT
    assert (folder / "h.csv").read_bytes() == OLD_HISTORY


@pytest.mark.parametrize("case, text, field", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_network_file_exits_2_with_one_line(tmp_path, case, text, field):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    out, history, trace = _prepare_outputs(outputs)
    net = tmp_path / "bad net.json"
    net.write_text(text, encoding="utf-8")
    before = sorted(os.listdir(outputs))
    r = run_cli("train", net, "--iterations", "5", "--trace", trace, "--history", history, "--out", out)
    _assert_refused(r, outputs, before, str(net), field)


@pytest.mark.parametrize("case", ["nan-weight", "unknown-activation", "bad-json"])
def test_bad_network_file_in_gradcheck_exits_2(tmp_path, case):
    text, field = next((t, f) for c, t, f in BAD_FILES if c == case)
    net = tmp_path / "bad.json"
    net.write_text(text, encoding="utf-8")
    r = run_cli("gradcheck", net)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and str(net) in r.stderr and field in r.stderr


BAD_OPTIONS = [
    # (id, arguments after "train" (the outputs are added), words the one line must contain)
    ("iterations-0", ["mazur", "--iterations", "0"], ["--iterations", "0"]),
    ("iterations-negative", ["mazur", "--iterations", "-3"], ["--iterations"]),
    ("iterations-not-a-number", ["mazur", "--iterations", "ten"], ["--iterations", "ten"]),
    ("iterations-missing", ["mazur"], ["--iterations"]),
    ("no-such-preset", ["mazurr", "--iterations", "5"], ["mazurr", "(file)", "not a preset"]),
    ("no-such-file", ["{tmp}/absent.json", "--iterations", "5"], ["absent.json", "(file)", "no such file"]),
    ("network-is-a-folder", ["{tmp}", "--iterations", "5"], ["(file)", "folder"]),
    ("bad-update-order", ["mazur", "--iterations", "5", "--update-order", "random"], ["--update-order", "random"]),
    ("unknown-option", ["mazur", "--iterations", "5", "--epochs", "3"], ["--epochs"]),
]


@pytest.mark.parametrize("case, args, words", BAD_OPTIONS, ids=[c[0] for c in BAD_OPTIONS])
def test_bad_options_exit_2_with_one_line(tmp_path, case, args, words):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    out, history, trace = _prepare_outputs(outputs)
    before = sorted(os.listdir(outputs))
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = run_cli("train", *args, "--trace", trace, "--history", history, "--out", out)
    _assert_refused(r, outputs, before, *words)


@pytest.mark.parametrize("option", ["--trace", "--history", "--out"])
def test_output_in_a_missing_folder_exits_2_before_any_work(tmp_path, option):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    out, history, trace = _prepare_outputs(outputs)
    paths = {"--trace": trace, "--history": history, "--out": out}
    missing = tmp_path / "no such folder" / "file.out"
    paths[option] = missing
    before = sorted(os.listdir(outputs))
    args = [x for opt, p in paths.items() for x in (opt, p)]
    r = run_cli("train", "mazur", "--iterations", "100000", *args)
    _assert_refused(r, outputs, before, str(missing), option)
    assert not missing.parent.exists()


def test_output_that_is_a_folder_exits_2(tmp_path):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    _prepare_outputs(outputs)
    (outputs / "a folder").mkdir()
    before = sorted(os.listdir(outputs))
    r = run_cli("train", "mazur", "-n", "5", "--out", outputs / "a folder", "--history", outputs / "h.csv")
    _assert_refused(r, outputs, before, "a folder", "--out")


def test_no_command_exits_2_with_one_line():
    r = run_cli()
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.splitlines()) == 1
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("columns", [80, 120])
def test_help_is_as_wide_as_the_terminal(monkeypatch, capsys, columns):
    """The width argparse writes help to is the terminal's ($COLUMNS where it is set), found without
    importing shutil (2 ms of every command's start)."""
    from engine.cli import main
    monkeypatch.setenv("COLUMNS", str(columns))
    with pytest.raises(SystemExit) as exit:
        main.main(["train", "--help"])
    widest = max(map(len, capsys.readouterr().out.splitlines()))
    assert exit.value.code == 0 and widest == columns - 2  # argparse's margin


# -- divergence --------------------------------------------------------------------------------------

DIVERGING = {
    "name": "linear, learning rate far too large",
    "layers": [1, 1],
    "activations": ["linear"],
    "loss": "half_sse",
    "weights": [[[1.0]]],
    "biases": [[0.0]],
    "optimizer": {"name": "sgd", "learning_rate": 100.0},
    "samples": [{"input": [1.0], "target": [2.0]}],
}


def test_diverging_network_stops_with_status_3_and_writes_history_so_far(tmp_path):
    net = write_network(tmp_path / "diverge.json", DIVERGING)
    # the engine itself: the loss really becomes non-finite, some way into training
    session = Session(load(net))
    with pytest.raises(TrainingDiverged) as info:
        session.run(1000)
    stop = info.value.iteration
    losses = session.history.values[:stop].tolist()
    assert 10 < stop < 1000
    assert all(math.isfinite(v) for v in losses[:-1]) and not math.isfinite(losses[-1])
    assert losses[stop - 2] > 1e100 * losses[0]

    history = tmp_path / "h.csv"
    r = run_cli("train", net, "--iterations", "1000", "--history", history)
    both = r.stdout + r.stderr
    assert r.returncode == 3, both
    assert "Traceback" not in both
    assert re.search(rf"\biteration {stop}\b", r.stderr), r.stderr
    assert "loss after the last update" not in r.stdout
    rows = history.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "iteration,loss"
    assert [int(row.split(",")[0]) for row in rows[1:]] == list(range(1, stop + 1))
    assert [float(row.split(",")[1]) for row in rows[1:-1]] == losses[:-1]
    assert not math.isfinite(float(rows[-1].split(",")[1]))
    assert sorted(os.listdir(tmp_path)) == ["diverge.json", "h.csv"]


# -- no numpy warnings on extreme values ---------------------------------------------------------------

EXTREME = {
    "tanh-sigmoid-bce": {
        "layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
        "weights": [[[0.5, -0.4], [-0.3, 0.6], [0.8, 0.7]], [[0.4, -0.5, 0.3]]], "biases": [[0.1, -0.1, 0.2], [0.0]],
        "optimizer": {"learning_rate": 0.5, "momentum": 0.5},
        "samples": [{"input": [1e4, -1e4], "target": [0.0]}, {"input": [-1e4, 1e4], "target": [1.0]}],
    },
    "saturated-bce": {  # the output saturates to exactly 0 or 1: ln(0) in the loss
        "layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
        "weights": [[[0.5, -0.4], [-0.3, 0.6], [0.8, 0.7]], [[400.0, -500.0, 300.0]]], "biases": [[0.1, -0.1, 0.2], [0.0]],
        "optimizer": {"learning_rate": 0.5},
        "samples": [{"input": [1e4, -1e4], "target": [0.0]}, {"input": [-1e4, 1e4], "target": [1.0]}],
    },
    "sigmoid-softmax": {
        "layers": [2, 3, 3], "activations": ["sigmoid", "softmax"], "loss": "cross_entropy",
        "weights": [[[0.5, -0.4], [-0.3, 0.6], [0.8, 0.7]], [[1e3, -1e3, 5e2], [-1e3, 1e3, 1.0], [1.0, 2.0, -1e3]]],
        "biases": [[0.1, -0.1, 0.2], [0.0, 0.0, 0.0]],
        "optimizer": {"learning_rate": 0.5},
        "samples": [{"input": [1e4, -1e4], "target": [0.0, 0.0, 1.0]}, {"input": [-1e4, 1e4], "target": [1.0, 0.0, 0.0]}],
    },
    "sigmoid-tanh-mse": {
        "layers": [2, 2, 2], "activations": ["sigmoid", "tanh"], "loss": "mse",
        "weights": [[[1e3, -1e3], [-1e3, 1e3]], [[1e2, -1e2], [1e2, 1e2]]], "biases": [[0.0, 0.0], [0.0, 0.0]],
        "optimizer": {"learning_rate": 0.5},
        "samples": [{"input": [1e4, -1e4], "target": [0.5, -0.5]}],
    },
}


@pytest.mark.parametrize("name", sorted(EXTREME))
def test_no_numpy_warnings_on_huge_inputs(tmp_path, name):
    net = write_network(tmp_path / f"{name}.json", EXTREME[name])
    outs = ["--trace", tmp_path / "t.csv", "--history", tmp_path / "h.csv", "--out", tmp_path / "o.json"]
    for args, allowed in ((["train", net, "-n", "40", *outs], {0, 3}), (["gradcheck", net], {0, 1})):
        r = run_cli(*args, warnings="always")
        both = r.stdout + r.stderr
        assert r.returncode in allowed, both
        assert "Traceback" not in both
        assert "Warning" not in r.stderr, r.stderr
        assert "overflow" not in r.stderr.lower() and "invalid value" not in r.stderr.lower(), r.stderr
        assert "divide by zero" not in r.stderr.lower(), r.stderr
