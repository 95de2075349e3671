"""python -m engine maps (issue 20, the headless counterpart of View ▸ Unit maps and the output map's
Discretize): every unit's grid and the decision regions as CSV, equal to the engine's forward pass
at the iteration asked; refusals in one line, nothing written."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from engine import Session, open_network
from engine.network import outputmap
from engine.network.maths import forward
from tests.helpers import run_cli, write_network
from tests.engine.network.test_outputmap_engine import random_spec


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(v) for v in row] for row in rows[1:]])


def test_every_unit_and_the_regions_of_xor_at_iteration_300(tmp_path):
    out = tmp_path / "maps.csv"
    r = run_cli("maps", "xor", "--iteration", "300", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (f"wrote {out}: the maps of 4 units of xor and its decision regions at iteration 300, "
                                "over a 100×100 grid (10,000 rows)")
    header, rows = read(out)
    assert header == ["i1", "i2", "out_h1", "out_h2", "out_h3", "out_o1", "region_o1"]
    s = Session(open_network("xor"))
    s.run(299)  # the parameters iteration 300 starts from, as the window shows them there
    bounds = outputmap.extent(s.net.inputs)
    np.testing.assert_array_equal(rows[:, :2], outputmap.points(bounds, 100))
    _, outs = forward(s.plan, s.params, rows[:, :2])
    np.testing.assert_array_equal(rows[:, 2:5], outs[1])  # written exactly: repr reads back bit for bit
    np.testing.assert_array_equal(rows[:, 5], outs[2][:, 0])
    np.testing.assert_array_equal(rows[:, 6], (outs[2][:, 0] >= 0.5).astype(float))
    assert {0.0, 1.0} == set(rows[:, 6])  # trained: both regions on the plane
    with open(out, encoding="utf-8") as f:
        assert f.readlines()[1].rstrip("\n").split(",")[-1] in ("0", "1")


def test_softmax_gives_the_winning_class_and_a_line_gives_a_curve(tmp_path):
    out = tmp_path / "softmax.csv"
    assert run_cli("maps", "softmax", "-k", "40", "-r", "20", "-o", str(out)).returncode == 0
    header, rows = read(out)
    assert header[-4:] == ["out_o1", "out_o2", "out_o3", "class"] and len(rows) == 400
    np.testing.assert_array_equal(rows[:, -1], np.argmax(rows[:, -4:-1], axis=1) + 1)
    spec = random_spec(np.random.default_rng(4), [1, 3, 2], loss="mse")
    line = write_network(tmp_path / "line.json", spec)
    out = tmp_path / "line.csv"
    assert run_cli("maps", str(line), "-o", str(out)).returncode == 0
    header, rows = read(out)
    assert header == ["i1", "out_h1", "out_h2", "out_h3", "out_o1", "out_o2", "region_o1", "region_o2"]
    assert len(rows) == 400 and np.all(np.diff(rows[:, 0]) > 0)


@pytest.mark.parametrize("args, message", [
    (["-r", "1"], "--resolution: value: must be from 2 to 1,000 for 2 inputs, found 1"),
    (["-r", "400"], "400 points along each input give 160,000 rows of 7 columns"),  # xor: 1.12 M values
    (["-k", "0"], "--iteration: value: must be from 1 (the network's next iteration)"),
])
def test_refusals_are_one_line_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "maps.csv"
    r = run_cli("maps", "xor", *args, "-o", str(out))
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_network_of_three_inputs_has_no_maps(tmp_path):
    spec = random_spec(np.random.default_rng(5), [3, 2, 1], loss="mse")
    net = write_network(tmp_path / "three.json", spec)
    r = run_cli("maps", str(net), "-o", str(tmp_path / "m.csv"))
    assert r.returncode == 2 and "maps are made for networks of 1 or 2 inputs" in r.stderr, r.stderr
    assert "this one has 3 inputs" in r.stderr and not (tmp_path / "m.csv").exists()
    assert json.loads(net.read_text())["layers"] == [3, 2, 1]
