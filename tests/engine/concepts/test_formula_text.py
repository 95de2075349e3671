"""Formula text reads the same in the side panel, the trace CSV and the headless output: a
true minus sign everywhere, no doubled parentheses, no mean of a single value; the CSV opens
right in a spreadsheet (UTF-8 with a byte order mark)."""
import csv

from engine import Session, open_network
from engine.files import netfile
from engine.session.export import save_trace, trace_snapshot
from tests.helpers import run_cli

NEGATIVE_TANH = {"layers": [1, 1, 1], "activations": ["tanh", "sigmoid"], "loss": "half_sse",
                 "weights": [[[-0.6]], [[-1.5]]], "biases": [[0.0], [-0.25]],
                 "optimizer": {"name": "sgd", "learning_rate": 0.5},
                 "samples": [{"input": [0.5], "target": [0.25]}]}


def trace_rows(tmp_path, net, iterations=2):
    s = Session(net)
    s.run(iterations - 1)
    path = tmp_path / "t.csv"
    save_trace(path, s.net, s.layout, trace_snapshot(s.trace, 1, iterations))
    return path


def test_trace_csv_has_a_byte_order_mark_and_true_minus_signs(tmp_path):
    path = trace_rows(tmp_path, netfile.parse(NEGATIVE_TANH))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfiteration,")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all("-" not in row["formula"] for row in rows), [r["formula"] for r in rows if "-" in r["formula"]]
    out = next(r for r in rows if r["label"] == "out_h1" and r["iteration"] == "1")
    assert out["formula"] == "tanh(net_h1) = tanh(−0.3)"
    assert float(out["value"]) < 0 and out["value"].startswith("-")  # the value column parses everywhere
    assert not any("tanh((" in r["formula"] for r in rows)


def test_the_batch_loss_of_one_sample_is_not_divided_by_one(tmp_path):
    path = trace_rows(tmp_path, open_network("mazur"), iterations=1)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    batch = next(r for r in rows if r["quantity"] == "loss" and r["sample"] == "")
    assert "/1" not in batch["formula"] and batch["formula"].startswith("E_total[1] = ")


def test_headless_and_panel_formulas_use_the_same_minus(tmp_path):
    net = tmp_path / "n.json"
    net.write_text(netfile.dumps(netfile.parse(NEGATIVE_TANH)), encoding="utf-8")
    headless = tmp_path / "h.csv"
    assert run_cli("train", net, "-n", 1, "--trace", headless).returncode == 0
    assert headless.read_bytes().startswith(b"\xef\xbb\xbf")
    s = Session(netfile.parse(NEGATIVE_TANH))
    for _ in range(len(s.steps)):
        s.step()
        text = s.describe(s.current_step).text()
        assert "-" not in text, text
        assert "tanh((" not in text, text
