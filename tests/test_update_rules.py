"""Issue 19's held-out check: `python -m engine train NET --iterations N --history H.csv --out T.json`
on networks in the issue's file forms (Adam, RMSprop, SGD with Nesterov; L1/L2 penalties; step and
exponential schedules) matches PyTorch float64 (torch.optim, its schedulers, the penalty added to
the loss) at every iteration, the loss and the penalty, and in the final parameters, to 1e-9
relative; and training on from T.json gives the numbers of never having stopped, bit for bit."""
import csv
import json

import numpy as np
import pytest

from tests.helpers import preset_data, run_cli, write_network
from tests.torch_reference import TorchNet

N, MORE = 6, 5  # iterations in the first run, and trained on from its file
RTOL = 1e-9

XOR_SAMPLES = [{"input": [x, y], "target": [float((x > 0) != (y > 0))]}
               for x, y in ((0.9, 0.8), (-0.7, 0.6), (0.5, -0.9), (-0.8, -0.4), (0.3, 0.2), (-0.2, 0.7))]


def mazur(**rule) -> dict:
    """The worked example's network with the update rule `rule` (file keys as the issue writes them)."""
    spec = preset_data("mazur")
    spec.update(rule)
    return spec


def xor(**rule) -> dict:
    """A 2-3-1 tanh/sigmoid bce network on six samples in mini-batches of 4 (the cycle wraps)."""
    spec = {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
            "weights": [[[0.4, -0.6], [0.7, 0.2], [-0.5, 0.9]], [[0.8, -0.3, 0.6]]],
            "biases": [[0.1, -0.2, 0.05], [-0.1]], "batch_size": 4, "samples": XOR_SAMPLES}
    spec.update(rule)
    return spec


CASES = {
    "adam": mazur(optimizer={"name": "adam", "learning_rate": 0.01, "betas": [0.9, 0.999], "eps": 1e-8}),
    "adam_l2_step": mazur(optimizer={"name": "adam", "learning_rate": 0.05, "betas": [0.8, 0.99], "eps": 1e-8},
                          regularization={"kind": "l2", "strength": 0.001},
                          schedule={"name": "step", "step_size": 2, "gamma": 0.5}),
    "rmsprop_l1_exponential": xor(optimizer={"name": "rmsprop", "learning_rate": 0.01, "alpha": 0.99, "eps": 1e-8,
                                             "momentum": 0.0},
                                  regularization={"kind": "l1", "strength": 0.01},
                                  schedule={"name": "exponential", "gamma": 0.9}),
    "rmsprop_momentum_frozen": xor(optimizer={"name": "rmsprop", "learning_rate": 0.02, "alpha": 0.9, "eps": 1e-6,
                                              "momentum": 0.5},
                                   train_biases=False, regularization={"kind": "l2", "strength": 0.01}),
    "nesterov_l2_exponential": mazur(optimizer={"name": "sgd", "learning_rate": 0.3, "momentum": 0.9,
                                                "nesterov": True},
                                     regularization={"kind": "l2", "strength": 0.001},
                                     schedule={"name": "exponential", "gamma": 0.999}),
    "nesterov_sequential": mazur(optimizer={"name": "sgd", "learning_rate": 0.5, "momentum": 0.9, "nesterov": True},
                                 update_order="sequential", regularization={"kind": "l1", "strength": 0.001}),
    "adam_sequential_batches": xor(optimizer={"name": "adam", "learning_rate": 0.02},
                                   update_order="sequential", schedule={"name": "step", "step_size": 3}),
}


def history(path) -> tuple[list[str], list[list[float | None]]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(v) if v else None for v in row] for row in rows[1:]]


def train(tmp_path, net, iterations: int, tag: str):
    h, out = tmp_path / f"{tag}-history.csv", tmp_path / f"{tag}.json"
    r = run_cli("train", net, "--iterations", iterations, "--history", h, "--out", out)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return history(h), json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", list(CASES))
def test_train_from_the_command_line_matches_pytorch_at_every_iteration(tmp_path, case):
    spec = CASES[case]
    net = write_network(tmp_path / "net.json", spec)
    (columns, rows), trained = train(tmp_path, net, N, "first")
    regularized = "regularization" in spec
    expected = ["iteration", "loss", "penalty"] if regularized else ["iteration", "loss"]
    # then the measures evaluation adds (a loss that classifies: accuracy)
    assert columns[:len(expected)] == expected and set(columns[len(expected):]) <= {"test_loss", "accuracy",
                                                                                   "test_accuracy"}
    assert [int(row[0]) for row in rows] == list(range(1, N + 1))

    torch_net = TorchNet(spec)
    depth = torch_net.depth
    for k in range(1, N + 1):
        expected = torch_net.step_sequential() if spec.get("update_order") == "sequential" else torch_net.step()
        np.testing.assert_allclose(rows[k - 1][1], expected[("batch_loss", depth)], rtol=RTOL,
                                   err_msg=f"{case}: the loss of iteration {k}")
        if regularized:
            np.testing.assert_allclose(rows[k - 1][2], expected[("penalty", depth)], rtol=RTOL,
                                       err_msg=f"{case}: the penalty of iteration {k}")
            assert rows[k - 1][2] > 0
    for l in range(depth):
        np.testing.assert_allclose(trained["weights"][l], torch_net.W[l].detach().numpy(), rtol=RTOL, atol=1e-15,
                                   err_msg=f"{case}: the final weights of layer {l + 1}")
        np.testing.assert_allclose(trained["biases"][l], torch_net.b[l].detach().numpy(), rtol=RTOL, atol=1e-15,
                                   err_msg=f"{case}: the final biases of layer {l + 1}")
    for key in ("optimizer", "regularization", "schedule"):  # as given, with the defaults of keys left out
        given = spec.get(key) or {}
        assert {k: trained.get(key, {})[k] for k in given} == given and (key in trained) == (key in spec)

    # trained on from its file: the numbers of one run of N + MORE iterations, bit for bit
    (_, rows_on), trained_on = train(tmp_path, tmp_path / "first.json", MORE, "on")
    (_, rows_whole), trained_whole = train(tmp_path, net, N + MORE, "whole")
    assert rows_on[-MORE:] == rows_whole[-MORE:]
    # the losses before it from the file's training state; penalties are not kept there, nor the
    # evaluations (empty cells)
    assert rows_on[:N] == [row[:2] + [None] * (len(row) - 2) for row in rows_whole[:N]]
    assert trained_on["weights"] == trained_whole["weights"] and trained_on["biases"] == trained_whole["biases"]
    assert trained_on["training_state"] == trained_whole["training_state"]
