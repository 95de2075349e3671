"""The trace and loss-history CSV files, written by the headless command and read back with
the csv module: format, order, numbering, labels, formulas, and every value exact."""
from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from engine import Session, open_network
from tests.helpers import PRESETS, published, run_cli

pytestmark = pytest.mark.xdist_group("trace_csv")  # one worker writes the traces of `runs` under -n

HEADER = "iteration,sample,phase,quantity,layer,unit,source,label,formula,value"
PHASES = ("forward", "loss", "backward", "update")
WEIGHT_QUANTITIES = {"w", "grad_w", "velocity_w"}


class Run:
    """A preset trained through the command with --trace and --history, and the same
    training in this process with every iteration recorded."""

    def __init__(self, folder: Path, preset: str, iterations: int, extra=()):
        self.preset, self.iterations = preset, iterations
        self.trace_path, self.history_path = folder / f"{preset}.trace.csv", folder / f"{preset}.history.csv"
        r = run_cli("train", preset, "--iterations", iterations, "--trace", self.trace_path,
                    "--history", self.history_path, *extra)
        assert r.returncode == 0, r.stderr
        with open(self.trace_path, encoding="utf-8-sig", newline="") as f:
            self.header_line = f.readline().rstrip("\n")
        with open(self.trace_path, encoding="utf-8-sig", newline="") as f:
            self.rows = list(csv.DictReader(f))
        with open(self.history_path, encoding="utf-8", newline="") as f:
            self.history = list(csv.reader(f))
        self.by_iteration = defaultdict(list)
        for row in self.rows:
            self.by_iteration[int(row["iteration"])].append(row)

        self.net = open_network(preset)
        self.session = Session(self.net, trace_capacity=iterations + 10)
        for _ in self.session.train(iterations, record_all=True):
            pass

    def record(self, iteration: int):
        rec = self.session.trace.record(iteration)
        assert rec is not None and rec.iteration == iteration
        return rec


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("traces")
    return {
        "mazur": Run(folder, "mazur", 3),
        "softmax": Run(folder, "softmax", 7),
        "xor": Run(folder, "xor", 4),
        "seed-notebook": Run(folder, "seed-notebook", 2),
    }


# -- the format -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PRESETS)
def test_header_and_iterations(runs, name):
    run = runs[name]
    assert run.header_line == HEADER
    assert list(run.rows[0].keys()) == HEADER.split(",")
    assert sorted(run.by_iteration) == list(range(1, run.iterations + 1))
    counts = {len(rows) for rows in run.by_iteration.values()}
    assert len(counts) == 1, "every iteration has the same rows"
    for row in run.rows:
        assert None not in row and all(v is not None for v in row.values()), row  # 10 fields each


@pytest.mark.parametrize("name", PRESETS)
def test_phases_in_order_within_each_iteration(runs, name):
    for it, rows in runs[name].by_iteration.items():
        phases = [row["phase"] for row in rows]
        assert set(phases) == set(PHASES)
        ranks = [PHASES.index(p) for p in phases]
        assert ranks == sorted(ranks), f"iteration {it}: phases out of order"


@pytest.mark.parametrize("name", PRESETS)
def test_layers_units_and_sources(runs, name):
    run = runs[name]
    sizes = run.net.sizes
    for row in run.rows:
        layer = int(row["layer"])
        assert 0 <= layer <= run.net.depth
        assert (layer == 0) == (row["quantity"] == "input"), row  # layer 0 is the input layer
        if row["unit"]:
            assert 1 <= int(row["unit"]) <= sizes[layer], row
        if row["quantity"] in WEIGHT_QUANTITIES:
            assert 1 <= int(row["source"]) <= sizes[layer - 1], row
        else:
            assert row["source"] == "", row
    # 1-based and complete: every unit of every layer appears, from 1
    units = defaultdict(set)
    for row in run.by_iteration[1]:
        if row["quantity"] in ("input", "out"):
            units[int(row["layer"])].add(int(row["unit"]))
    assert {l: sorted(u) for l, u in units.items()} == {l: list(range(1, n + 1)) for l, n in enumerate(sizes)}
    sources = {(int(r["layer"]), int(r["unit"]), int(r["source"])) for r in run.by_iteration[1] if r["quantity"] == "w"}
    assert sources == {(l, j, i) for l in range(1, len(sizes)) for j in range(1, sizes[l] + 1) for i in range(1, sizes[l - 1] + 1)}


@pytest.mark.parametrize("name", PRESETS)
def test_quantities_per_sample_and_per_batch(runs, name):
    run = runs[name]
    net = run.net
    n_weights = sum(a * b for a, b in zip(net.sizes[1:], net.sizes[:-1]))
    n_biases = sum(net.sizes[1:])
    for it, rows in run.by_iteration.items():
        quantities = {row["quantity"] for row in rows}
        assert {"input", "net", "out", "target", "loss", "delta", "grad_w", "grad_b", "w", "b"} <= quantities
        per = defaultdict(int)
        for row in rows:
            per[row["quantity"], row["sample"] == ""] += 1
        batch = net.batch
        assert per["loss", True] == 1, "one batch-loss row (empty sample)"
        assert per["loss", False] == batch, "one loss row per sample"
        assert per["grad_w", True] == n_weights and per["grad_w", False] == batch * n_weights
        assert per["grad_b", True] == n_biases and per["grad_b", False] == batch * n_biases
        assert per["w", True] == n_weights and per["w", False] == 0
        assert per["b", True] == n_biases
        assert per["net", False] == batch * n_biases and per["net", True] == 0
        assert per["delta", False] == batch * n_biases
        if net.optimizer.buffers:
            assert per["velocity_w", True] == n_weights


# -- the values: exactly the engine's float64 ------------------------------------------------------

def expected_value(rec, row) -> float:
    q, l = row["quantity"], int(row["layer"])
    j = int(row["unit"]) - 1 if row["unit"] else None
    i = int(row["source"]) - 1 if row["source"] else None
    if row["sample"] == "":
        if q == "loss":
            return rec.batch_loss
        if q in ("grad_w", "w", "velocity_w"):
            return float(rec[q, l][j, i])
        if q in ("grad_b", "b", "velocity_b"):
            return float(rec[q, l][j])
        raise AssertionError(f"unexpected batch row {row}")
    positions = rec.samples.tolist()
    s = positions.index(int(row["sample"]) - 1)  # the file position -> the place in the batch
    if q == "loss":
        return float(rec["loss", l][s])
    if q == "grad_w":  # the sample's own gradient: δ_j · out_i of the layer below
        below = rec["input", 0] if l == 1 else rec["out", l - 1]
        return float(rec["delta", l][s, j] * below[s, i])
    if q == "grad_b":
        return float(rec["delta", l][s, j])
    return float(rec[q, l][s, j])


@pytest.mark.parametrize("name", PRESETS)
def test_every_value_reads_back_as_the_engines_float64(runs, name):
    run = runs[name]
    checked = 0
    for row in run.rows:
        got = float(row["value"])
        want = expected_value(run.record(int(row["iteration"])), row)
        assert got == want or (math.isnan(got) and math.isnan(want)), (row, want)
        assert repr(got) == row["value"], "value written with repr"
        checked += 1
    assert checked == len(run.rows) > 100


def test_values_are_the_worked_examples(runs):
    """Independent of the engine's records: the published figures of Mazur (2015)."""
    rows = runs["mazur"].by_iteration[1]

    def value(quantity, layer, unit, source="", sample="1"):
        found = [r for r in rows if (r["quantity"], r["layer"], r["unit"], r["source"], r["sample"]) ==
                 (quantity, str(layer), str(unit), str(source), sample)]
        assert len(found) == 1, (quantity, layer, unit, source, sample)
        return float(found[0]["value"])

    assert value("net", 1, 1) == published(0.3775)
    assert value("out", 1, 1) == published(0.593269992)
    assert value("out", 2, 2) == published(0.772928465)
    assert value("loss", 2, "", sample="") == published(0.298371109)
    assert value("delta", 2, 1) == published(0.138498562)
    assert value("grad_w", 2, 1, 1, sample="") == published(0.082167041)
    assert value("w", 2, 1, 1, sample="") == published(0.35891648, 8)
    assert value("w", 1, 1, 1, sample="") == published(0.149780716)
    assert value("b", 1, 1, sample="") == 0.35  # frozen biases


def test_labels_and_formulas(runs):
    rows = runs["mazur"].by_iteration[1]

    def find(label, sample=None):
        found = [r for r in rows if r["label"] == label and (sample is None or r["sample"] == sample)]
        assert found, label
        return found[0]

    net_h1 = find("net_h1")
    assert (net_h1["phase"], net_h1["quantity"], net_h1["layer"], net_h1["unit"]) == ("forward", "net", "1", "1")
    assert "0.15·0.05 + 0.2·0.1 + 0.35" in net_h1["formula"]
    assert net_h1["formula"].startswith("w1·i1 + w2·i2 + b_h1 = ")
    grad_w5 = find("∂E/∂w5", sample="")
    assert (grad_w5["quantity"], grad_w5["layer"], grad_w5["unit"], grad_w5["source"]) == ("grad_w", "2", "1", "1")
    w5 = find("w5⁺")
    assert (w5["phase"], w5["quantity"], w5["layer"], w5["unit"], w5["source"]) == ("update", "w", "2", "1", "1")
    assert w5["formula"] == "w5 − η·∂E/∂w5 = 0.4 − 0.5·0.08216704056423078"
    assert find("δ_o1")["quantity"] == "delta"
    assert find("E_total")["sample"] == "1" and find("E", sample="")["quantity"] == "loss"
    assert find("out_h2")["formula"].startswith("1/(1 + e^(−net_h2))")
    # iteration 2 starts from the weights iteration 1 wrote
    net_o1_2 = next(r for r in runs["mazur"].by_iteration[2] if r["label"] == "net_o1")
    assert f"{float(w5['value'])!r}·" in net_o1_2["formula"]


def test_momentum_rows_of_xor(runs):
    rows = runs["xor"].by_iteration[2]
    v = next(r for r in rows if r["quantity"] == "velocity_w" and (r["layer"], r["unit"], r["source"]) == ("2", "1", "1"))
    assert v["phase"] == "update" and v["label"].startswith("v_w")
    assert "μ·v_" in v["formula"]


# -- mini-batches: sample numbers are positions in the file ----------------------------------------

def test_softmax_batches_cycle_through_the_file(runs):
    run = runs["softmax"]
    assert (run.net.n_samples, run.net.batch_size) == (6, 2)
    expected = {1: ["1", "2"], 2: ["3", "4"], 3: ["5", "6"], 4: ["1", "2"], 5: ["3", "4"], 6: ["5", "6"], 7: ["1", "2"]}
    for it, rows in run.by_iteration.items():
        samples = []
        for row in rows:
            if row["sample"] and row["sample"] not in samples:
                samples.append(row["sample"])
        assert samples == expected[it], f"iteration {it}"
        # the sample number is the position in the file: its inputs are that sample's
        for row in rows:
            if row["quantity"] == "input":
                k, i = int(row["sample"]) - 1, int(row["unit"]) - 1
                assert float(row["value"]) == run.net.inputs[k, i]
            if row["quantity"] == "target":
                k, i = int(row["sample"]) - 1, int(row["unit"]) - 1
                assert float(row["value"]) == run.net.targets[k, i]
        # batch loss = mean of the two sample losses
        losses = [float(r["value"]) for r in rows if r["quantity"] == "loss" and r["sample"]]
        batch = next(float(r["value"]) for r in rows if r["quantity"] == "loss" and not r["sample"])
        assert len(losses) == 2 and batch == pytest.approx(sum(losses) / 2, rel=1e-15)


def test_softmax_batch_gradient_is_the_mean_of_the_sample_gradients(runs):
    rows = runs["softmax"].by_iteration[3]
    per_sample = defaultdict(list)
    batch = {}
    for r in rows:
        if r["quantity"] == "grad_w":
            key = (r["layer"], r["unit"], r["source"])
            if r["sample"]:
                per_sample[key].append(float(r["value"]))
            else:
                batch[key] = float(r["value"])
    assert len(batch) == 2 * 4 + 4 * 3
    for key, value in batch.items():
        assert len(per_sample[key]) == 2
        assert value == pytest.approx(np.mean(per_sample[key]), rel=1e-12, abs=1e-300)


# -- the loss history ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PRESETS)
def test_history_csv(runs, name):
    run = runs[name]
    classifies = open_network(name).loss_fn.classes is not None  # bce, cross-entropy: the accuracy too
    assert run.history[0] == ["iteration", "loss", *(["accuracy"] if classifies else [])]
    body = [row[:2] for row in run.history[1:]]
    assert [int(it) for it, _ in body] == list(range(1, run.iterations + 1))
    engine_losses = run.session.history.values[: run.iterations].tolist()
    assert [float(v) for _, v in body] == engine_losses
    # and the trace's batch-loss rows say the same
    trace_losses = [float(r["value"]) for r in run.rows if r["quantity"] == "loss" and r["sample"] == ""]
    assert trace_losses == engine_losses


def test_long_history_matches_engine(tmp_path):
    history = tmp_path / "h.csv"
    r = run_cli("train", "xor", "--iterations", "3000", "--history", history)
    assert r.returncode == 0, r.stderr
    with open(history, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    session = Session(open_network("xor"))
    session.run(3000)
    assert rows[0] == ["iteration", "loss", "accuracy"] and len(rows) == 3001  # xor: bce, so its accuracy
    assert [float(row[1]) for row in rows[1:]] == session.history.values[:3000].tolist()
    assert [int(row[0]) for row in rows[1:]] == list(range(1, 3001))


def test_trace_of_many_iterations_is_complete(tmp_path):
    """More iterations than the command keeps unread at a time: none lost, none repeated."""
    trace = tmp_path / "t.csv"
    r = run_cli("train", "mazur", "--iterations", "6000", "--trace", trace)
    assert r.returncode == 0, r.stderr
    last_w5 = None
    iterations = []
    with open(trace, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["label"] == "net_h1":
                iterations.append(int(row["iteration"]))
            if row["label"] == "w5⁺" and row["iteration"] == "6000":
                last_w5 = float(row["value"])
    assert iterations == list(range(1, 6001))
    session = Session(open_network("mazur"))
    session.run(6000)
    assert last_w5 == float(session.params.weights[1][0, 0])
