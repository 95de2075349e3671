"""Issue 19, generalisation: held-out test samples, accuracy, the confusion matrix, evaluation as
training goes (train --history's columns, --eval-every) and stopping early (--patience,
--until-loss), each against PyTorch float64 or a hand count, through the headless command as a
user runs it."""
from __future__ import annotations

import csv
import json
import math
import re

import numpy as np
import pytest

from engine import Session, load
from engine.files.netfile import NetworkFileError, dumps, loads
from engine.session.evaluation import Evaluations, Evaluator, history_columns
from engine.network.maths import Params
from tests.helpers import run_cli, write_network
from tests.torch_reference import TorchNet, evaluate as torch_evaluate

RELATIVE = 1e-9


def samples(x, t) -> list[dict]:
    return [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(x, t)]


def start(sizes: list[int], seed: int) -> dict:
    """Explicit start values (what PyTorch is given too): uniform in ±1/√fan_in."""
    rng = np.random.default_rng(seed)
    bounds = [1 / math.sqrt(n) for n in sizes[:-1]]
    return {"layers": sizes,
            "weights": [rng.uniform(-b, b, (m, n)).tolist() for b, n, m in zip(bounds, sizes, sizes[1:])],
            "biases": [rng.uniform(-b, b, m).tolist() for b, m in zip(bounds, sizes[1:])]}


def xor_bce(n_train=40, n_test=12, seed=3) -> dict:
    """2-5-1 tanh/sigmoid with bce: mini-batches of 8, momentum 0.9."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n_train + n_test, 2))
    t = (x[:, 0] * x[:, 1] > 0).astype(float)[:, None]
    return {**start([2, 5, 1], seed), "activations": ["tanh", "sigmoid"], "loss": "bce",
            "optimizer": {"name": "sgd", "learning_rate": 0.3, "momentum": 0.9}, "batch_size": 8,
            "samples": samples(x[:n_train], t[:n_train]), "test_samples": samples(x[n_train:], t[n_train:])}


def three_classes() -> dict:
    """2-6-3 tanh/softmax with cross-entropy, sequential order, batches of 9, momentum 0.5."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(60, 2))
    t = np.eye(3)[np.digitize(np.arctan2(x[:, 1], x[:, 0]), [-1.0, 1.0])]
    return {**start([2, 6, 3], 8), "activations": ["tanh", "softmax"], "loss": "cross_entropy",
            "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.5}, "batch_size": 9,
            "update_order": "sequential", "samples": samples(x[:45], t[:45]), "test_samples": samples(x[45:], t[45:])}


def regression() -> dict:
    """3-4-2 sigmoid/linear with mse, full batches, frozen biases: a test loss, no accuracy."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, size=(40, 3))
    t = np.stack([np.sin(x.sum(axis=1)), x[:, 0] * x[:, 1]], axis=1)
    return {**start([3, 4, 2], 2), "activations": ["sigmoid", "linear"], "loss": "mse", "train_biases": False,
            "optimizer": {"name": "sgd", "learning_rate": 0.2}, "samples": samples(x[:30], t[:30]),
            "test_samples": samples(x[30:], t[30:])}


def multi_label() -> dict:
    """2-4-3 tanh/sigmoid with bce, several outputs a sample (its accuracy: every output right)."""
    rng = np.random.default_rng(13)
    x = rng.uniform(-1, 1, size=(30, 2))
    t = np.stack([x[:, 0] > 0, x[:, 1] > 0, x.sum(axis=1) > 0.5], axis=1).astype(float)
    return {**start([2, 4, 3], 4), "activations": ["tanh", "sigmoid"], "loss": "bce",
            "optimizer": {"name": "sgd", "learning_rate": 0.8, "momentum": 0.3}, "batch_size": 5,
            "samples": samples(x[:20], t[:20]), "test_samples": samples(x[20:], t[20:])}


def no_test_samples() -> dict:
    spec = xor_bce()
    del spec["test_samples"]
    return spec


def history(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def header(path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.readline().strip().split(",")


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=1e-300)


def torch_history(spec: dict, iterations: int) -> tuple[list[dict], TorchNet]:
    """What the history should hold, by PyTorch: each iteration's batch loss, and, with the
    parameters it starts from, the test loss and the accuracies."""
    net = TorchNet(spec)
    sequential = spec.get("update_order") == "sequential"
    train = ([s["input"] for s in spec["samples"]], [s["target"] for s in spec["samples"]])
    test = ([s["input"] for s in spec.get("test_samples", [])], [s["target"] for s in spec.get("test_samples", [])])
    rows = []
    for k in range(1, iterations + 1):
        row = {"iteration": k}
        _, right = torch_evaluate(net, *train)
        row["accuracy"] = right / len(train[0])
        if test[0]:
            row["test_loss"], right = torch_evaluate(net, *test)
            row["test_accuracy"] = right / len(test[0])
        rec = net.step_sequential() if sequential else net.step()
        row["loss"] = float(rec[("batch_loss", net.depth)])
        rows.append(row)
    return rows, net


@pytest.mark.parametrize("make, iterations, columns", [
    (xor_bce, 60, ["iteration", "loss", "test_loss", "accuracy", "test_accuracy"]),
    (three_classes, 40, ["iteration", "loss", "test_loss", "accuracy", "test_accuracy"]),
    (regression, 30, ["iteration", "loss", "test_loss"]),
    (multi_label, 25, ["iteration", "loss", "test_loss", "accuracy", "test_accuracy"]),
    (no_test_samples, 20, ["iteration", "loss", "accuracy"]),
])
def test_the_history_matches_pytorch_at_every_iteration(tmp_path, make, iterations, columns):
    """The held-out check's form: train NET --iterations N --history H.csv --out T.json; every
    row's loss, test loss and accuracies, and the final parameters, as PyTorch computes them."""
    spec = make()
    net, h, out = tmp_path / "net.json", tmp_path / "h.csv", tmp_path / "t.json"
    write_network(net, spec)
    r = run_cli("train", net, "--iterations", iterations, "--history", h, "--out", out)
    assert r.returncode == 0, r.stderr
    assert header(h) == columns == list(history_columns(load(net)))
    rows = history(h)
    expected, torch_net = torch_history(spec, iterations)
    assert len(rows) == iterations
    for row, want in zip(rows, expected):
        assert int(row["iteration"]) == want["iteration"]
        assert close(float(row["loss"]), want["loss"]), (row, want)
        for name in columns[2:]:
            value = float(row[name])
            if name == "test_loss":
                assert close(value, want[name]), (name, row, want)
            else:  # a fraction of whole samples: exactly
                assert value == want[name], (name, row, want)
    trained = load(out)
    for l in range(torch_net.depth):
        np.testing.assert_allclose(trained.weights[l], torch_net.W[l].detach().numpy(), rtol=RELATIVE, atol=1e-13)
        np.testing.assert_allclose(trained.biases[l], torch_net.b[l].detach().numpy(), rtol=RELATIVE, atol=1e-13)
    if "accuracy" in columns:  # the accuracies change as it learns: the test compares something
        assert len({row["accuracy"] for row in rows}) > 1


def test_eval_every_fills_every_kth_row_and_the_last(tmp_path):
    net, every, some = tmp_path / "net.json", tmp_path / "every.csv", tmp_path / "some.csv"
    write_network(net, xor_bce())
    assert run_cli("train", net, "-n", 23, "--history", every).returncode == 0
    r = run_cli("train", net, "-n", 23, "--history", some, "--eval-every", 5)
    assert r.returncode == 0, r.stderr
    full, thin = history(every), history(some)
    assert header(some) == header(every)
    filled = [int(row["iteration"]) for row in thin if row["test_loss"]]
    assert filled == [5, 10, 15, 20, 23]
    for a, b in zip(full, thin):
        assert a["loss"] == b["loss"]
        if int(b["iteration"]) in filled:
            assert a == b  # the same numbers, bit for bit
        else:
            assert b["test_loss"] == b["accuracy"] == b["test_accuracy"] == ""


def patience_stop(rows: list[dict], patience: int) -> tuple[int, int]:
    """Where --patience stops and which iteration was best, found from the history's test loss:
    the test loss has not reached a new minimum for `patience` evaluations."""
    best, lowest, waited = None, math.inf, 0
    for row in rows:
        if row["test_loss"]:
            loss = float(row["test_loss"])
            if loss < lowest:
                best, lowest, waited = int(row["iteration"]), loss, 0
            else:
                waited += 1
                if waited == patience:
                    return int(row["iteration"]), best
    return int(rows[-1]["iteration"]), best


def test_patience_stops_and_writes_the_network_as_the_best_iteration_starts(tmp_path):
    net, full, h, out = tmp_path / "net.json", tmp_path / "full.csv", tmp_path / "h.csv", tmp_path / "best.json"
    write_network(net, xor_bce())
    assert run_cli("train", net, "-n", 400, "--history", full).returncode == 0
    r = run_cli("train", net, "-n", 400, "--eval-every", 5, "--patience", 3, "--history", h, "--out", out)
    assert r.returncode == 0, r.stderr
    rows = history(h)
    stop, best = patience_stop([row for row in history(full) if int(row["iteration"]) % 5 == 0], 3)
    assert 20 < stop < 400 and best < stop - 10  # it stopped early, well after its best
    assert int(rows[-1]["iteration"]) == stop
    assert patience_stop(rows, 3) == (stop, best)
    assert f"stopped after iteration {stop:,}: the test loss had not reached a new minimum for 3 evaluations" \
        in r.stdout
    assert f"best iteration: {best:,} (test loss " in r.stdout
    assert f"wrote {out} (the network as iteration {best:,} starts, the best)" in r.stdout
    # the network written is the one a session stepped to the best iteration saves
    session = Session(load(net))
    while session.iteration < best:
        session.step()
    assert out.read_text(encoding="utf-8") == dumps(session.current_network())
    # and evaluated, it has the best test loss
    e = run_cli("evaluate", out, "--json")
    assert e.returncode == 0, e.stderr
    best_row = next(row for row in rows if int(row["iteration"]) == best)
    assert json.loads(e.stdout)["test"]["loss"] == float(best_row["test_loss"])


def test_until_loss_stops_after_the_first_iteration_below_it(tmp_path):
    net, full, h, out = tmp_path / "net.json", tmp_path / "full.csv", tmp_path / "h.csv", tmp_path / "t.json"
    write_network(net, xor_bce())
    assert run_cli("train", net, "-n", 300, "--history", full).returncode == 0
    losses = [float(row["loss"]) for row in history(full)]
    stop = next(k for k, v in enumerate(losses, 1) if v < 0.3)
    assert 10 < stop < 300
    r = run_cli("train", net, "-n", 300, "--until-loss", 0.3, "--history", h, "--out", out)
    assert r.returncode == 0, r.stderr
    assert history(h) == history(full)[:stop]
    assert f"stopped after iteration {stop:,}: its loss is below 0.3" in r.stdout
    session = Session(load(net))
    session.run(stop)
    assert out.read_text(encoding="utf-8") == dumps(session.current_network())


def test_stopping_early_with_a_partial_trace(tmp_path):
    """--trace-iterations trains in stretches: stopping early ends them all, as without it."""
    net, h, listed = tmp_path / "net.json", tmp_path / "h.csv", tmp_path / "listed.csv"
    write_network(net, xor_bce())
    plain = run_cli("train", net, "-n", 400, "--eval-every", 5, "--patience", 3, "--history", h)
    r = run_cli("train", net, "-n", 400, "--eval-every", 5, "--patience", 3, "--history", listed,
                "--trace", tmp_path / "t.csv", "--trace-iterations", "3,30-400")
    assert r.returncode == plain.returncode == 0, r.stderr
    assert listed.read_text() == h.read_text()
    stop = int(history(h)[-1]["iteration"])
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as f:
        traced = {int(row["iteration"]) for row in csv.DictReader(f)}
    assert traced == {3, *range(30, stop + 1)}


@pytest.mark.parametrize("spec, args, words", [
    ("mazur", ["--eval-every", "3"], "--eval-every: value: this network has nothing to evaluate"),
    ("xor", ["--patience", "3"], "--patience: value: needs test samples (the network file's test_samples)"),
    ("NET", ["--patience", "0"], "--patience: value: must be a whole number ≥ 1, found 0"),
    ("NET", ["--eval-every", "-2"], "--eval-every: value: must be a whole number ≥ 1, found -2"),
    ("NET", ["--until-loss", "x"], "argument --until-loss: "),
    ("NET", ["-n", "50000000"], "evaluating every 1 of 50,000,000 iterations would keep 1,600 MB of evaluations, "
                                "at most 400: give --eval-every 5 or more"),
])
def test_refusals_are_one_line_and_write_nothing(tmp_path, spec, args, words):
    if spec == "NET":
        spec = str(write_network(tmp_path / "net.json", xor_bce()))
    r = run_cli("train", spec, *(["-n", "5"] if "-n" not in args else []), *args, "--history", tmp_path / "h.csv")
    assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "h.csv").exists()


# -- the evaluate command ---------------------------------------------------------------------

def hand_network(loss: str) -> dict:
    """Outputs known by hand. bce: one sigmoid unit of weight 1 and bias 0, so o = σ(x): right
    where x ≥ 0 exactly when t ≥ 0.5 (σ(0) = 0.5 is on the upper side). cross_entropy: a softmax
    of the inputs themselves (identity weights): the predicted class is the largest input (the
    first of equal ones)."""
    if loss == "bce":
        train = [([-2.0], [0.0]), ([3.0], [1.0]), ([0.0], [0.0]), ([-1.0], [1.0]), ([0.5], [0.5]), ([-0.1], [0.4])]
        test = [([1.0], [1.0]), ([-3.0], [1.0]), ([0.0], [0.5])]
        return {"layers": [1, 1], "activations": ["sigmoid"], "loss": "bce", "weights": [[[1.0]]], "biases": [[0.0]],
                "optimizer": {"learning_rate": 0.1}, "samples": [{"input": x, "target": t} for x, t in train],
                "test_samples": [{"input": x, "target": t} for x, t in test]}
    eye = np.eye(3).tolist()
    train = [([1, 0, 0], [1, 0, 0]), ([0, 2, 1], [0, 1, 0]), ([1, 1, 0], [0, 1, 0]), ([0, 0, 5], [1, 0, 0]),
             ([3, 3, 3], [1, 0, 0]), ([0, 1, 2], [0, 0, 1]), ([2, 1, 0], [0, 0.4, 0.6])]
    return {"layers": [3, 3], "activations": ["softmax"], "loss": "cross_entropy", "weights": [eye],
            "biases": [[0.0, 0.0, 0.0]], "optimizer": {"learning_rate": 0.1},
            "samples": [{"input": [float(v) for v in x], "target": [float(v) for v in t]} for x, t in train]}


def test_the_confusion_matrix_of_one_bce_output_is_the_hand_count(tmp_path):
    net = write_network(tmp_path / "net.json", hand_network("bce"))
    r = run_cli("evaluate", net, "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    # training: (x, t) → (predicted, true): (−2, 0) → 0,0; (3, 1) → 1,1; (0, 0) → 1,0; (−1, 1) → 0,1;
    # (0.5, 0.5) → 1,1; (−0.1, 0.4) → 0,0. Right: 4 of 6.
    assert got["classes"] == ["0", "1"]
    assert got["training"]["confusion"] == [[2, 1], [1, 2]]
    assert got["training"]["correct"] == 4 and got["training"]["accuracy"] == 4 / 6
    # test: (1, 1) → 1,1; (−3, 1) → 0,1; (0, 0.5) → 1,1. Right: 2 of 3.
    assert got["test"]["confusion"] == [[0, 0], [1, 2]] and got["test"]["correct"] == 2
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    bce = lambda x, t: -(t * math.log(sig(x)) + (1 - t) * math.log(1 - sig(x)))  # noqa: E731
    train = hand_network("bce")["samples"]
    assert math.isclose(got["training"]["loss"], sum(bce(s["input"][0], s["target"][0]) for s in train) / 6,
                        rel_tol=1e-14)
    text = run_cli("evaluate", net).stdout
    assert "training accuracy: 0.6666666666666666 (4 of 6)" in text
    assert "test accuracy: 0.6666666666666666 (2 of 3)" in text
    assert re.search(r"confusion matrix of the training samples \(rows: the true class, columns: the predicted\):\n"
                     r"\s+0\s+1\n\s+0\s+2\s+1\n\s+1\s+1\s+2\n", text), text


def test_the_confusion_matrix_of_softmax_classes_is_the_hand_count(tmp_path):
    net = write_network(tmp_path / "net.json", hand_network("cross_entropy"))
    r = run_cli("evaluate", net, "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    # (true → predicted): o1 → o1; o2 → o2; o2 → o1 (1, 1, 0: the first of equal ones); o1 → o3;
    # o1 → o1 (3, 3, 3); o3 → o3; o3 (0.6 is its largest) → o1
    assert got["classes"] == ["o1", "o2", "o3"] and got["test"] is None
    assert got["training"]["confusion"] == [[2, 0, 1], [1, 1, 0], [1, 0, 1]]
    assert got["training"]["correct"] == 4 and got["training"]["accuracy"] == 4 / 7


def test_evaluate_a_regression_network_prints_losses_only(tmp_path):
    net = write_network(tmp_path / "net.json", regression())
    r = run_cli("evaluate", net)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1] == "evaluated with the parameters iteration 1 starts from"
    assert [line.split(":")[0] for line in lines[2:]] == ["training loss", "test loss"]
    got = json.loads(run_cli("evaluate", net, "--json").stdout)
    assert got["training"]["accuracy"] is None and got["training"]["confusion"] is None
    spec = regression()
    torch_net = TorchNet(spec)
    expected, _ = torch_evaluate(torch_net, [s["input"] for s in spec["test_samples"]],
                                 [s["target"] for s in spec["test_samples"]])
    assert close(got["test"]["loss"], expected)


def test_evaluation_goes_in_parts_with_the_same_numbers(monkeypatch):
    """A forward pass takes at most CHUNK_VALUES values: many parts give the numbers of one."""
    net = loads(json.dumps(three_classes()))
    params = Params.of(net)
    whole = Evaluator(net).report(params)
    monkeypatch.setattr("engine.session.evaluation.CHUNK_VALUES", 4 * sum(net.sizes))  # 4 samples a part
    parts = Evaluator(net).report(params)
    for a, b in ((whole.training, parts.training), (whole.test, parts.test)):
        assert a.correct == b.correct and (a.confusion == b.confusion).all()
        assert math.isclose(a.loss, b.loss, rel_tol=1e-14)
    assert whole.test.confusion.sum() == 15 and whole.training.confusion.sum() == 45


# -- the network file -------------------------------------------------------------------------

def test_test_samples_are_read_checked_and_written_back():
    net = loads(json.dumps(xor_bce()))
    assert net.n_test == 12 and net.test_inputs.shape == (12, 2) and net.n_samples == 40
    again = loads(dumps(net))
    assert (again.test_inputs == net.test_inputs).all() and (again.test_targets == net.test_targets).all()
    # a session keeps them: Save writes them
    session = Session(net)
    session.run(5)
    saved = session.current_network()
    assert (saved.test_targets == net.test_targets).all()
    assert '"test_samples": [\n{"input":' in dumps(saved)  # one per line, compact as the samples


@pytest.mark.parametrize("value, field, words", [
    ([], "test_samples", 'expected a non-empty list of {"input": [...], "target": [...]} (leave the key out for none)'),
    ({"input": [1, 2]}, "test_samples", "expected a non-empty list"),
    ([{"input": [1.0, 2.0], "target": [2.0]}], "test_samples[0].target[0]", "the bce loss needs targets in [0, 1]"),
    ([{"input": [1.0], "target": [1.0]}], "test_samples[0].input", "expected 2 numbers, found 1"),
    ([{"input": [1.0, 2.0], "target": [1.0], "x": 1}], "test_samples[0]", 'exactly the keys "input" and "target"'),
])
def test_bad_test_samples_are_refused_naming_the_field(value, field, words):
    spec = xor_bce()
    spec["test_samples"] = value
    with pytest.raises(NetworkFileError) as e:
        loads(json.dumps(spec))
    assert e.value.field == field and words in e.value.problem


# -- evaluating as often as the budget allows ---------------------------------------------------

class Clock:
    """A clock that training moves on by `step` and each evaluation by `cost`."""

    def __init__(self, cost: float, step: float = 1e-3):
        self.now, self.cost, self.step = 0.0, cost, step
        self.evaluating = False

    def __call__(self) -> float:
        if self.evaluating:  # the evaluation's second reading: it took `cost`
            self.now += self.cost
        return self.now

    def train(self, watch: Evaluations, iterations: range, params) -> None:
        for iteration in iterations:
            if iteration >= watch.due:
                watch._clock = self._reading  # noqa: SLF001 (the evaluation reads it twice)
                self.evaluating = False
                watch.see(iteration, params)
            self.now += self.step

    def _reading(self) -> float:
        now = self()
        self.evaluating = not self.evaluating
        return now


def test_without_every_it_evaluates_as_often_as_the_budget_allows():
    """An evaluation that costs as much as 3 iterations: it evaluates every 2^k-th iteration,
    k the least with which evaluating takes at most a third of BUDGET of the time (5 %): every
    64th (4.7 %; every 32nd would be 9.4 %), at once after its first measure."""
    net = loads(json.dumps(xor_bce()))
    params, clock = Params.of(net), Clock(cost=3e-3)
    watch = Evaluations(net, every=None, clock=clock)
    clock.train(watch, range(1, 20_000), params)
    assert watch.iterations[:4].tolist() == [1, 2, 3, 4]
    assert watch.every == 64 and (np.diff(watch.iterations[-20:]) == 64).all()
    # there at once, from the first measure: never every 2nd, 4th, ... 32nd on the way
    assert not set(np.diff(watch.iterations).tolist()) & {2, 4, 8, 16, 32}
    clock.cost = 1e-5  # evaluating became cheap: it evaluates more often again
    clock.train(watch, range(20_000, 30_000), params)
    assert watch.every == 1


def test_the_history_columns_come_in_the_kept_runs_order():
    """The history's header is made in one place (evaluation.history_columns, from TRAINED and
    MEASURES) in the order the kept runs keep the columns (engine.network.runs.COLUMNS); a column
    training computes at every iteration (issue 19's penalty) is a line in TRAINED, its values
    written between the loss and the measures."""
    import io
    from engine.network.runs import COLUMNS
    from engine.session import export
    net = loads(json.dumps(xor_bce()))
    assert list(history_columns(net)) == ["iteration", *COLUMNS[:1], *COLUMNS[2:]]
    net = loads(json.dumps(dict(xor_bce(), regularization={"kind": "l2", "strength": 0.001})))  # the penalty too
    assert list(history_columns(net)) == ["iteration", *COLUMNS]
    watch = Evaluations(net, every=2)
    params = Params.of(net)
    for k in (2, 4):
        watch.see(k, params)
    f = io.StringIO()
    penalty = np.array([np.nan, 0.125, -0.0, 0.375])  # NaN: not known (before a saved network was opened)
    for _ in export.history_to(f, np.array([0.5, 0.25, -0.0, 0.125]), watch, trained={"penalty": penalty}):
        pass
    lines = f.getvalue().splitlines()
    assert lines[0] == ",".join(history_columns(net))
    assert lines[1] == "1,0.5,,,," and lines[3] == "3,0.0,0.0,,,"  # 0, never -0
    assert lines[2].startswith("2,0.25,0.125,") and lines[2].split(",")[3:] == [repr(v) for v in watch.at(2).tolist()]
    with pytest.raises(ValueError, match="not a column training computes: l2"):
        list(export.history_to(io.StringIO(), np.zeros(4), trained={"l2": np.zeros(4)}))


def test_a_kept_run_keeps_the_measures_the_history_has(tmp_path):
    """train --keep NAME: the kept run holds the test loss and accuracies beside the loss, the
    numbers of the history's rows, empty (null) where an iteration was not evaluated."""
    net, h, out = tmp_path / "net.json", tmp_path / "h.csv", tmp_path / "t.json"
    write_network(net, xor_bce())
    r = run_cli("train", net, "-n", 12, "--eval-every", 5, "--history", h, "--keep", "held out", "--out", out)
    assert r.returncode == 0, r.stderr
    run = load(out).runs[0]
    assert list(run.columns) == ["loss", "test_loss", "accuracy", "test_accuracy"]
    for row in history(h):
        k = int(row["iteration"]) - 1
        for name, column in run.columns.items():
            assert (repr(float(column[k])) if np.isfinite(column[k]) else "") == row[name], (name, row)
    assert [k + 1 for k in np.flatnonzero(np.isfinite(run.columns["test_loss"]))] == [5, 10, 12]


@pytest.mark.parametrize("args, seen", [
    ([], [30]),  # nothing keeps the numbers: only the last iteration, for what is printed
    (["--history", "h.csv"], list(range(1, 31))),
    (["--patience", "50"], list(range(1, 31))),
    (["--eval-every", "7"], [7, 14, 21, 28, 30]),
])
def test_train_evaluates_as_it_goes_only_where_something_keeps_it(tmp_path, monkeypatch, capsys, args, seen):
    """An evaluation costs as much as 1 to 3 iterations: train spends it where a history, a kept
    run or patience keeps the numbers, and without them evaluates only the last iteration."""
    from engine.cli.main import main
    from engine.session import evaluation
    done = []
    see = evaluation.Evaluations.see
    monkeypatch.setattr(evaluation.Evaluations, "see", lambda self, k, params: (done.append(k), see(self, k, params)))
    monkeypatch.chdir(tmp_path)
    write_network(tmp_path / "net.json", xor_bce())
    assert main(["train", "net.json", "-n", "30", *args]) == 0
    assert done == seen
    assert "test accuracy at iteration 30: " in capsys.readouterr().out


@pytest.mark.long  # about 50 s; the default run reads test_samples by the same reader on small files
def test_half_a_million_test_samples_open_and_evaluate_in_memory_in_proportion(tmp_path):
    """test_samples are read as samples are (straight into arrays, not a dict per sample: about
    1.3 GB for this file otherwise) and evaluated a part at a time: a 32 MB file of 550,000
    samples and as many test samples trains with its history and evaluates within 400 MB, with
    the numbers of its first 10 samples alone (the same start: the same seed)."""
    from engine.files.netfile import MAX_FILE_BYTES
    from tests.helpers import run_limited
    head = {"layers": [1, 1], "activations": ["sigmoid"], "loss": "bce", "seed": 0, "batch_size": 1,
            "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0}}

    def write(path, n):
        items = ",".join('{"input":[%d],"target":[%d]}' % (k % 10, k % 2) for k in range(n))
        path.write_text(json.dumps(head)[:-1] + f', "samples": [{items}], "test_samples": [{items}]}}')
        return path

    path = write(tmp_path / "big.json", 550_000)
    assert 0.8 * MAX_FILE_BYTES < path.stat().st_size <= MAX_FILE_BYTES
    r = run_limited(["train", path, "-n", "3", "--history", tmp_path / "h.csv"], seconds=240, memory_mb=1024)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.peak_mb < 400, r.peak_mb
    e = run_limited(["evaluate", path, "--json"], seconds=240, memory_mb=1024)
    assert e.returncode == 0 and e.peak_mb < 400, (e.peak_mb, e.stderr[-2000:])
    # the samples repeat every 10: the test loss and accuracies are those of the first 10 alone
    ten = load(write(tmp_path / "ten.json", 10))
    small = Evaluator(ten).report(Params.of(ten))
    found = json.loads(e.stdout)
    assert found["test"]["samples"] == 550_000 and found["test"]["correct"] == 55_000 * small.test.correct
    assert found["test"]["loss"] == pytest.approx(small.test.loss, rel=1e-12)
    assert found["training"]["confusion"] == (55_000 * small.training.confusion).tolist()
    rows = history(tmp_path / "h.csv")
    assert len(rows) == 3 and all(row["test_loss"] for row in rows)
