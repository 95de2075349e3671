"""The network as a PyTorch or NumPy script (issue 10, item 2): `python -m engine export` and
File ▸ Export ▸ PyTorch script… / NumPy script….

Each script is run as a user runs it, `python SCRIPT [ITERATIONS]` from its folder, without this
checkout on the path, all of them in one interpreter kept running for this module (`run_in_runner`),
and must print the engine's loss history: `iteration,loss`, the batch loss of each
iteration's forward pass, to a relative 1e-10 (see RTOL). The NumPy script does the engine's own
operations in the engine's order, so its losses are also checked bit for bit. Random networks
come from the parity tests' strategies (every activation and loss, momentum, mini-batches,
frozen biases, both update orders), and are skipped where two correct float64 programs need not
agree (a relu kink, a diverging network, a bce output at torch's clamp:
test_torch_parity.require_comparable).
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import Session, open_network
from engine.concepts.optimizers.sgd import SGD
from engine.files import netfile
from engine.scripts import pyexport
from engine.concepts.activations import ACTIVATIONS
from engine.concepts.losses import FUSED, LOSSES
from tests.driver import last_message, train
from tests.helpers import PRESETS, preset_data, run_cli, run_limited, write_network
from tests.network_strategies import network_specs
from tests.engine.cli.test_reliability import refused
from tests.engine.session.test_torch_parity import require_comparable

pytestmark = pytest.mark.xdist_group("script_export")

# Relative 1e-10; and 1e-14 absolute, for a loss that has decayed to nearly 0: it is then a
# cancellation (t − o as o reaches t; ln o or 1 − o as o reaches 1) whose roundings, ~1e-16
# absolute in two correct float64 programs, no relative tolerance survives (a loss of 5.5e-14
# differing by 5.5e-23, 1 ulp of the target in t − o). Measured on 1,500 random networks of 12
# iterations each: the PyTorch scripts' worst relative difference 6e-11 (at a loss of 1e-16),
# typically 1e-13 and below; the NumPy scripts' none at all (asserted below).
RTOL, ATOL = 1e-10, 1e-14
ITERATIONS = 100  # of the presets, the command's default
RANDOM_ITERATIONS = 12  # of a random network: enough for mini-batches to wrap around
FORMATS = list(pyexport.FORMATS)

# Each example costs about 40 ms (the scripts run in one interpreter: `run_in_runner`);
# SCRIPT_EXAMPLES=1000 runs more.
SCRIPTS = settings(max_examples=int(os.environ.get("SCRIPT_EXAMPLES", 40)), deadline=None, derandomize=True,
                   database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- running a script ------------------------------------------------------------------------------
# Many scripts, one interpreter: each is run as `python SCRIPT ARGS` runs it (runpy as __main__,
# its own argv, folder, globals, output and exit status), so that torch is imported once and not
# for every script (2-3 s each on a loaded machine). The module's tests run in one worker under -n
# (their xdist_group), so that they share it there too.
RUNNER = r"""
import contextlib, io, json, os, runpy, sys, traceback
for line in sys.stdin:
    job = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    sys.argv = [job["path"], *job["args"]]
    os.chdir(os.path.dirname(job["path"]))
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(job["path"], run_name="__main__")
        except SystemExit as e:
            if isinstance(e.code, str):
                print(e.code, file=sys.stderr)
            status = e.code if isinstance(e.code, int) else int(e.code is not None)
        except BaseException:
            traceback.print_exc()
            status = 1
    print(json.dumps({"stdout": out.getvalue(), "stderr": err.getvalue(), "returncode": status}), flush=True)
"""


@pytest.fixture(scope="module")
def run_in_runner(tmp_path_factory):
    """run(path, *args): what `python path args` prints and returns, from one interpreter kept
    running (without this checkout on its path) for the module's tests."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONWARNINGS")}
    runner = subprocess.Popen([sys.executable, "-c", RUNNER], cwd=tmp_path_factory.getbasetemp(), env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def run(path, *args) -> subprocess.CompletedProcess:
        runner.stdin.write(json.dumps({"path": str(path), "args": list(map(str, args))}) + "\n")
        runner.stdin.flush()
        done = json.loads(runner.stdout.readline())
        return subprocess.CompletedProcess([path, *args], done["returncode"], done["stdout"], done["stderr"])

    yield run
    runner.stdin.close()
    runner.wait(timeout=60)
    runner.stdout.close()


def printed(r: subprocess.CompletedProcess) -> tuple[list[int], list[float], list[float] | None]:
    """The iterations, losses and (with a penalty) penalties a script printed, its CSV checked as
    the history file's."""
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] in (["iteration", "loss"], ["iteration", "loss", "penalty"]), r.stdout[:200]
    width = len(rows[0])
    assert all(len(row) == width and all(float(v) == float(repr(float(v))) for v in row[1:]) for row in rows[1:])
    penalties = [float(row[2]) for row in rows[1:]] if width == 3 else None
    return [int(row[0]) for row in rows[1:]], [float(row[1]) for row in rows[1:]], penalties


def printed_losses(r: subprocess.CompletedProcess) -> tuple[list[int], list[float]]:
    """The iterations and losses a script printed."""
    iterations, losses, _ = printed(r)
    return iterations, losses


def exported(tmp_path, net, fmt: str, iterations: int = ITERATIONS, name: str = "net"):
    path = tmp_path / f"{name}_{fmt}.py"
    path.write_text(pyexport.script(net, fmt, iterations, source=name, filename=path.name), encoding="utf-8")
    return path


class _Reference(dict):
    """An engine record read as test_torch_parity's reference dicts are: ref[(quantity, layer)]."""

    def __init__(self, rec):
        super().__init__()
        self.rec = rec

    def __getitem__(self, key):
        return self.rec[key]


def engine_losses(net, iterations: int, spec: dict | None = None, penalties: list | None = None) -> list[float]:
    """The loss history of `iterations` iterations from where `net` starts (and, into
    `penalties`, the penalty of each). With `spec` (a random network): each iteration must be one
    that two float64 programs compute alike."""
    session = Session(net)
    losses = []
    for _ in range(iterations):
        if spec is not None:
            require_comparable(_Reference(session.record), spec)
        losses.append(session.loss)
        if penalties is not None and net.penalty is not None:
            penalties.append(float(session.record["penalty", net.depth]))
        session.run(1)
    return losses


def assert_losses(got: list[float], expected: list[float], what: str) -> None:
    assert len(got) == len(expected), f"{what}: {len(got)} rows, the engine {len(expected)}"
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL, err_msg=what)


# -- the presets, through the command --------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", PRESETS)
def test_a_presets_script_prints_the_engines_loss_history(tmp_path, run_in_runner, name, fmt):
    path = tmp_path / f"{name}.py"
    r = run_cli("export", name, "--format", fmt, "-o", path)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert f"wrote {path}" in r.stdout
    ran = run_in_runner(path)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    iterations, losses = printed_losses(ran)
    assert iterations == list(range(1, ITERATIONS + 1))
    expected = engine_losses(open_network(name), ITERATIONS)
    assert_losses(losses, expected, f"{name} as a {fmt} script")
    if fmt == "numpy":  # the engine's operations in the engine's order
        assert losses == expected, f"{name}: the NumPy script's losses differ in the last bits"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_worked_example_in_sequential_order(tmp_path, run_in_runner, fmt):
    """The article's order: its loss after one update, 0.291027924 (0.291027774 simultaneously)."""
    net = open_network("mazur")
    net.update_order = "sequential"
    _, losses = printed_losses(run_in_runner(exported(tmp_path, net, fmt, 2, "mazur")))
    assert round(losses[1], 9) == 0.291027924
    assert_losses(losses, engine_losses(net, 2), "mazur, sequential")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_network_saved_mid_training_goes_on_as_the_engine(tmp_path, run_in_runner, fmt):
    """softmax with momentum, frozen biases, in sequential order and mini-batches of 2 of 6
    samples, saved after 37 iterations: the script starts at iteration 38 with the saved momentum
    buffer and its place in the batch cycle, and goes on as if it had never stopped."""
    net = open_network("softmax")
    net.optimizer, net.train_biases, net.update_order = SGD(momentum=0.8), False, "sequential"
    session = Session(net)
    session.run(37)
    saved = netfile.loads(netfile.dumps(session.current_network()))  # as a file holds it
    assert saved.state.iteration == 38 and saved.state.optimizer_state is not None
    path = exported(tmp_path, saved, fmt, 25)
    assert "iteration 38 starts" in path.read_text(encoding="utf-8")
    iterations, losses = printed_losses(run_in_runner(path))
    assert iterations == list(range(38, 63))
    assert_losses(losses, engine_losses(saved, 25), "softmax resumed at 38")
    assert_losses(losses, _trained(net, 62)[37:], "the uninterrupted run")


RESUMED_RULES = {  # issue 19: the optimizer's state, the penalty and the schedule's place carried over
    "adam_l2_step": {"optimizer": {"name": "adam", "learning_rate": 0.05, "betas": [0.8, 0.99], "eps": 1e-6},
                     "regularization": {"kind": "l2", "strength": 0.01},
                     "schedule": {"name": "step", "step_size": 4, "gamma": 0.5}, "update_order": "sequential"},
    "rmsprop_l1_exponential": {"optimizer": {"name": "rmsprop", "learning_rate": 0.01, "alpha": 0.9,
                                             "momentum": 0.5},
                               "regularization": {"kind": "l1", "strength": 0.01},
                               "schedule": {"name": "exponential", "gamma": 0.95}, "batch_size": 2},
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", list(RESUMED_RULES))
def test_an_update_rule_saved_mid_training_goes_on_as_the_engine(tmp_path, run_in_runner, fmt, rule):
    """Adam (sequential order) and RMSprop with momentum (mini-batches), each with a penalty and a
    schedule, saved after 6 iterations: the script starts at iteration 7 with torch.optim's state
    (Adam's step counts and moments), the scheduler where it was, and prints the engine's losses
    and penalties of iterations 7 to 12."""
    spec = {**preset_data("softmax"), **RESUMED_RULES[rule]}
    session = Session(netfile.parse(spec))
    session.run(6)
    saved = netfile.loads(netfile.dumps(session.current_network()))
    path = exported(tmp_path, saved, fmt, 6)
    iterations, losses, penalties = printed(run_in_runner(path))
    assert iterations == list(range(7, 13))
    expected_penalties = []
    assert_losses(losses, engine_losses(saved, 6, penalties=expected_penalties), f"{rule} resumed at 7")
    assert_losses(penalties, expected_penalties, f"the penalties of {rule} resumed at 7")
    whole = Session(netfile.parse(spec))
    whole.run(12)
    assert_losses(losses, whole.history.values[6:12].tolist(), "the uninterrupted run")


def _trained(net, iterations: int) -> list[float]:
    session = Session(net)
    session.run(iterations)
    return session.history.values[:iterations].tolist()


# -- random networks ---------------------------------------------------------------------------------
SEQUENTIAL_EXAMPLE = {  # every feature at once: 3 layers, leaky_relu, momentum, a batch that wraps, frozen biases
    "layers": [2, 3, 2, 2], "activations": ["leaky_relu", "tanh", "linear"], "loss": "mse",
    "weights": [[[0.5, -0.25], [0.75, 0.1], [-0.6, 0.3]], [[0.2, -0.4, 0.9], [0.35, 0.15, -0.7]],
                [[1.1, -0.3], [0.4, 0.6]]],
    "biases": [[0.1, -0.2, 0.05], [0.0, 0.3], [-0.1, 0.2]], "train_biases": False,
    "optimizer": {"name": "sgd", "learning_rate": 0.3, "momentum": 0.7},
    "batch_size": 2, "update_order": "sequential",
    "samples": [{"input": [0.5, -1.0], "target": [0.25, -0.5]}, {"input": [1.5, 0.25], "target": [1.0, 0.0]},
                {"input": [-0.75, 0.5], "target": [-0.25, 0.75]}],
}
SOFTMAX_EXAMPLE = {  # soft targets, relu hidden units, full batch, biases learning
    "layers": [3, 4, 3], "activations": ["relu", "softmax"], "loss": "cross_entropy",
    "weights": [[[0.2, -0.5, 0.3], [0.7, 0.1, -0.2], [-0.4, 0.6, 0.5], [0.3, 0.3, -0.8]],
                [[0.5, -0.1, 0.2, 0.4], [-0.3, 0.8, 0.1, -0.6], [0.2, 0.2, -0.5, 0.3]]],
    "biases": [[0.1, 0.1, -0.1, 0.05], [0.0, 0.1, -0.1]], "train_biases": True,
    "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0},
    "batch_size": None, "update_order": "simultaneous",
    "samples": [{"input": [1.0, 0.5, -0.5], "target": [0.7, 0.2, 0.1]},
                {"input": [-1.0, 0.25, 0.75], "target": [0.0, 0.0, 1.0]}],
}


@SCRIPTS
@given(spec=st.one_of(network_specs(), network_specs(update_order="sequential")))
@example(spec=SEQUENTIAL_EXAMPLE)
@example(spec=SOFTMAX_EXAMPLE)
def test_a_random_networks_scripts_print_the_engines_loss_history(tmp_path_factory, run_in_runner, spec):
    net = netfile.parse(spec)
    expected_penalties = []
    expected = engine_losses(net, RANDOM_ITERATIONS, spec, expected_penalties)
    folder = tmp_path_factory.mktemp("scripts")
    for fmt in FORMATS:
        ran = run_in_runner(exported(folder, net, fmt, RANDOM_ITERATIONS))
        assert ran.returncode == 0, ran.stderr
        iterations, losses, penalties = printed(ran)
        assert iterations == list(range(1, RANDOM_ITERATIONS + 1))
        assert_losses(losses, expected, f"the {fmt} script of {json.dumps(spec)}")
        assert (penalties is None) == (net.penalty is None)
        if penalties is not None:
            assert_losses(penalties, expected_penalties, f"the penalties of the {fmt} script of {json.dumps(spec)}")
        if fmt == "numpy":  # the engine's operations in the engine's order
            assert losses == expected, "the NumPy script's losses differ from the engine's in the last bits"
            assert penalties in (None, expected_penalties), "the NumPy script's penalties differ in the last bits"


# -- what the scripts hold and say ---------------------------------------------------------------------
def test_every_activation_and_loss_has_its_text():
    """Each concept carries its own source for both scripts: an element-wise derivative for the
    NumPy script exactly where the activation has one, ∂E/∂out exactly where a loss's δ can be a
    product (where its output layer is not always the one it has δ in one piece with)."""
    for act in ACTIVATIONS.values():
        assert act.torch_module.startswith("nn.") and act.numpy_fn.startswith(("return ", "e = "))
        assert (act.numpy_grad is None) == (not act.elementwise), act.name
    for loss in LOSSES.values():
        assert loss.torch_loss and loss.numpy_terms
        always_fused = loss.output is not None and loss.fused_with(loss.output) is not None
        assert (loss.numpy_grad is None) == always_fused, loss.name
    assert all(f.numpy_delta for f in FUSED.values())


def _numpy_functions(*texts: str) -> dict:
    scope = {"np": np}
    for text in texts:
        exec(text, scope)
    return scope


AWKWARD = np.array([[0.0, -0.0, 1e-300, -1e-300, 0.3, -0.3, 2.5, -2.5], [17.0, -17.0, 40.0, -40.0, 710.0, -710.0,
                                                                           800.0, -800.0]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_the_numpy_activations_are_the_engines_bit_for_bit(name):
    act = ACTIVATIONS[name]
    fn_text, grad_text = act.numpy_fn, act.numpy_grad
    scope = _numpy_functions(f"def fn(net):\n{_indent(fn_text)}",
                             f"def grad(net, out):\n{_indent(grad_text)}" if grad_text else "")
    with np.errstate(all="ignore"):
        out = act.fn(AWKWARD)
        np.testing.assert_array_equal(scope["fn"](AWKWARD), out)
        assert (grad_text is None) == (act.grad is None)
        if act.grad is not None:
            np.testing.assert_array_equal(scope["grad"](AWKWARD, out), act.grad(AWKWARD, out))


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_the_numpy_losses_and_output_deltas_are_the_engines_bit_for_bit(loss):
    """The terms of E_s and the output δ, on outputs that include exact 0 and 1 (where bce's
    quick form gives 0·ln 0) and targets of 0."""
    rng = np.random.default_rng(5)
    net = rng.normal(0.0, 3.0, (6, 3))
    act = LOSSES[loss].output.name if LOSSES[loss].output is not None else "tanh"
    out = ACTIVATIONS[act].fn(net)
    target = rng.uniform(0.0, 1.0, (6, 3))
    if loss == "cross_entropy":
        target[:3] = np.eye(3)
        target[3:] /= target[3:].sum(axis=1, keepdims=True)
    if loss == "bce":
        out[0], target[0] = [0.0, 1.0, 0.5], [0.0, 1.0, 0.0]
    scope = _numpy_functions(*LOSSES[loss].numpy_helpers)
    scope.update(net=net, out=out, target=target, K=3)
    with np.errstate(all="ignore"):
        terms, _ = LOSSES[loss].terms_of(net, out, target)
        np.testing.assert_array_equal(eval(LOSSES[loss].numpy_terms, scope), terms)
        fused = FUSED.get((act, loss))
        if fused is not None:
            np.testing.assert_array_equal(eval(fused.numpy_delta, scope), fused.delta(out, target))
        else:
            expected = LOSSES[loss].grad(out, target) * ACTIVATIONS[act].grad(net, out)
            scope["derivative"] = [ACTIVATIONS[act].grad]
            got = eval(f"({LOSSES[loss].numpy_grad}) * derivative[-1](net, out)", scope)
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_script_starts_by_saying_what_it_is_and_how_to_run_it(tmp_path, run_in_runner, fmt):
    data = preset_data("xor")
    data["name"] = "Mine\n; import os"
    data["description"] = "Two lines\nof text\x1b[31m with an escape\u2028and a line separator"
    source = write_network(tmp_path / "mine.json", data)
    path = tmp_path / "mine.py"
    assert run_cli("export", source, "-f", fmt, "-n", 7, "-o", path).returncode == 0
    text = path.read_text(encoding="utf-8")
    header = text[: text.index("\nimport ")].splitlines()
    assert all(line.startswith("#") and line.isprintable() for line in header), header
    said = " ".join(line.lstrip("# ") for line in header)
    assert "Mine" in said and "Two lines" in said and "\\x1b" in said
    assert "2-3-1 tanh/sigmoid, bce, lr 0.5, momentum 0.9" in said
    assert f"Backprop Stepper from {source}" in said
    assert "python3 mine.py [ITERATIONS]" in said and "7 iterations unless told" in said
    assert ("torch" if fmt == "pytorch" else "numpy") in said
    compile(text, str(path), "exec")
    assert printed_losses(run_in_runner(path, 3))[0] == [1, 2, 3]  # the command line's count
    preset = tmp_path / "preset.py"
    run_cli("export", "mazur", "-f", fmt, "-o", preset)
    assert "from the preset mazur." in " ".join(preset.read_text(encoding="utf-8").splitlines()[:12])


def test_the_numpy_script_fits_on_a_screen_and_the_pytorch_script_uses_torch_nn(tmp_path):
    numpy_text = exported(tmp_path, open_network("mazur"), "numpy").read_text(encoding="utf-8")
    code = [line for line in numpy_text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(code) <= 80, len(code)
    assert "import torch" not in numpy_text and "net" in numpy_text and "delta" in numpy_text
    torch_text = exported(tmp_path, open_network("softmax"), "pytorch").read_text(encoding="utf-8")
    for piece in ("nn.Linear(2, 4), nn.Tanh()", "nn.Linear(4, 3), nn.Softmax(dim=1)", "nn.CrossEntropyLoss()",
                  "torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.0)", "torch.float64", "BATCH_SIZE = 2"):
        assert piece in torch_text, piece
    frozen = exported(tmp_path, open_network("mazur"), "pytorch").read_text(encoding="utf-8")
    assert "requires_grad_(False)" in frozen and "if p.requires_grad" in frozen
    assert "(0.5 * (target - out) ** 2).sum() / len(target)" in frozen  # half_sse has no torch module


def test_a_diverging_network_stops_where_the_engine_stops(tmp_path, run_in_runner):
    """A loss that overflows: the engine's history ends with the infinite loss; so does the script's
    output, and it exits with a message instead of going on."""
    data = preset_data("seed-notebook")
    data["activations"] = ["linear", "linear"]
    data["optimizer"]["learning_rate"] = 40.0
    net = netfile.parse(data)
    session = Session(net)
    with pytest.raises(Exception, match="not finite|infinite|NaN|overflow"):
        session.run(60)
    expected = session.history.values[: session.iteration].tolist()
    assert not math.isfinite(expected[-1]) and all(map(math.isfinite, expected[:-1]))
    for fmt in FORMATS:
        ran = run_in_runner(exported(tmp_path, net, fmt, 60))
        assert ran.returncode == 1 and "training stops here" in ran.stderr, ran.stderr
        _, losses = printed_losses(ran)
        assert len(losses) == len(expected) and not math.isfinite(losses[-1]), (fmt, losses[-3:])
        assert_losses(losses[:-1], expected[:-1], fmt)


# -- the command's refusals --------------------------------------------------------------------------
def test_the_command_refuses_bad_options_in_one_line(tmp_path):
    out = tmp_path / "s.py"
    refused(run_limited(["export", "mazur", "--format", "jax", "-o", out]), "--format", "invalid choice: 'jax'")
    refused(run_limited(["export", "mazur", "--format", "numpy", "-n", "0", "-o", out]), "--iterations",
            "from 1 to 50,000,000", "found 0")
    refused(run_limited(["export", "mazur", "--format", "numpy", "-n", "-3", "-o", out]), "--iterations")
    refused(run_limited(["export", "mazur", "--format", "numpy", "-n", "ten", "-o", out]), "--iterations",
            "“ten” is not a whole number")
    refused(run_limited(["export", "mazur", "--format", "numpy"]), "--out")
    refused(run_limited(["export", "nosuch", "--format", "numpy", "-o", out]), "nosuch", "not a preset")
    assert not out.exists()


def test_the_command_refuses_the_network_file_itself_a_device_and_a_folder(tmp_path):
    source = write_network(tmp_path / "net.json", preset_data("xor"))
    before = source.read_bytes()
    refused(run_limited(["export", source, "-f", "pytorch", "--out", source]), str(source),
            "is the network file being exported")
    refused(run_limited(["export", source, "-f", "pytorch", "-o", tmp_path / "." / "net.json"]), "being exported")
    refused(run_limited(["export", source, "-f", "numpy", "-o", "/dev/null"]), "/dev/null", "--out",
            "is a device")
    refused(run_limited(["export", source, "-f", "numpy", "-o", tmp_path]), "is a folder")
    refused(run_limited(["export", source, "-f", "numpy", "-o", tmp_path / "no such folder" / "s.py"]),
            "does not exist")
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]  # nothing written, nothing left


# -- the window ----------------------------------------------------------------------------------------
def test_the_window_exports_the_network_as_the_current_iteration_starts(qtbot, make_window, tmp_path, monkeypatch,
                                                                        run_in_runner):
    w = make_window("xor")
    train(qtbot, w, 20)  # iteration 21 is current, with a momentum buffer
    from PySide6.QtWidgets import QMenu

    menu = w.findChild(QMenu, "exportMenu")  # File ▸ Export
    names = [a.objectName() or "|" for a in menu.actions()]
    assert names[names.index("export_picture"):][:4] == ["export_picture", "|", "export_pytorch", "export_numpy"]
    for fmt in FORMATS:
        path = tmp_path / f"window_{fmt}.py"
        monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
        w.actions[f"export_{fmt}"].trigger()
        message = w.statusBar().currentMessage()
        assert f"Wrote {path}" in message and "from iteration 21" in message
        assert not list(tmp_path.glob(".*.part"))
        text = path.read_text(encoding="utf-8")
        assert "from the preset xor, as iteration 21 starts" in " ".join(text.splitlines()[:12])
        assert text == pyexport.script(w.model.session.current_network(), fmt, source="xor", filename=path.name)
    iterations, losses = printed_losses(run_in_runner(tmp_path / "window_numpy.py", 30))
    assert iterations == list(range(21, 51))
    assert losses == _trained(open_network("xor"), 50)[20:]


def test_the_window_says_why_it_cannot_export(qtbot, make_window, tmp_path):
    w = make_window("mazur")
    path = tmp_path / "no such folder" / "s.py"
    assert not w.files.export_script_to(str(path), "numpy")
    title, text = last_message(w)
    assert title == "Cannot export the script" and str(path) in text and "No file was changed" in text
    net = w.model.session.current_network()
    net.weights[1][0, 0] = math.inf  # as a diverged training leaves them
    w.model.session.current_network = lambda: net
    assert not w.files.export_script_to(str(tmp_path / "s.py"), "pytorch")
    assert "not finite" in last_message(w)[1] and not (tmp_path / "s.py").exists()
