"""Save never writes a network file the reader refuses (issue 17): the samples one per line and
compact, a loss history too long for the file thinned to one iteration in k (stated in the file,
the rest "not kept"), and a file that cannot fit refused in one line before anything is written."""
import json
import math

import numpy as np
import pytest

from engine import Session, load, loads, open_network
from engine.files import netfile
from engine.network.network import TrainingState
from engine.network.runs import Run
from tests.driver import last_message, train
from tests.helpers import preset_data, run_cli, write_network

MINIMAL_SAMPLE = '{"input":[0],"target":[0]}'  # the least a sample takes in a file the reader accepts


def samples_of(text: str) -> list[str]:
    return text.split('  "samples": [\n')[1].split("\n  ]")[0].split("\n")


def test_samples_are_written_one_per_line_compact_and_exact(tmp_path):
    """Indented, with spaces ({"input": [0.0], "target": [0.0]}): a 29.7 MB file of a million
    samples was written back as 42.9 MB."""
    data = preset_data("xor")
    special = [-0.0, 3.0, 1e16, -10.0, 0.1, 1e-05, 5e-324, 123456789012345.0, -1.7976931348623157e308]
    data["layers"][0] = len(special)
    data.pop("weights"), data.pop("biases")
    data["seed"] = 1
    data["samples"] = [{"input": special, "target": [1]}, {"input": [0.0] * len(special), "target": [0]}]
    net = load(write_network(tmp_path / "n.json", data))
    text = netfile.dumps(net)
    assert samples_of(text) == [
        '{"input":[-0.0,3,1e+16,-10,0.1,1e-05,5e-324,123456789012345,-1.7976931348623157e+308],"target":[1]},',
        '{"input":[0,0,0,0,0,0,0,0,0],"target":[0]}']
    back = loads(text)
    assert np.array_equal(back.inputs, net.inputs) and math.copysign(1, back.inputs[0, 0]) == -1
    assert np.array_equal(back.targets, net.targets)


def file_at_the_limit(limit: int) -> str:
    """A 1-1 network file of `limit` bytes (within one sample's), the most samples it can hold
    written as small as the reader accepts them: one line."""
    data = preset_data("mazur")
    data.update(layers=[1, 1], activations=["sigmoid"], weights=[[[0.5]]], biases=[[0.25]], batch_size=1,
                samples=[{"input": [0], "target": [0]}])
    head = netfile.dumps(loads(json.dumps(data)))
    before, after = head.split(MINIMAL_SAMPLE)
    count = (limit - len(before) - len(after) + 1) // (len(MINIMAL_SAMPLE) + 1)
    text = before + ",".join([MINIMAL_SAMPLE] * count) + after
    assert limit - len(MINIMAL_SAMPLE) - 1 < len(text) <= limit
    return text


def test_a_file_at_the_limit_is_saved_within_it_its_samples_on_one_line():
    limit = 200_000
    text = file_at_the_limit(limit)
    net = loads(text)
    again = netfile.written(net, limit=limit).text
    assert len(again.encode()) <= limit
    assert again == text  # the line breaks did not fit: the samples on one line, as they were read
    assert np.array_equal(loads(again).inputs, net.inputs)
    smaller = netfile.written(loads(text), limit=limit + len(net.inputs)).text  # room for the line breaks
    assert len(samples_of(smaller)) == len(net.inputs)


@pytest.mark.long
def test_the_largest_network_file_the_reader_accepts_is_saved_and_accepted_again(tmp_path):
    path = tmp_path / "largest.json"
    path.write_text(file_at_the_limit(netfile.MAX_FILE_BYTES), encoding="utf-8")
    net = load(path)
    assert netfile.save(net, tmp_path / "again.json") == 1
    assert (tmp_path / "again.json").stat().st_size <= netfile.MAX_FILE_BYTES
    assert np.array_equal(load(tmp_path / "again.json").inputs, net.inputs)


ITERATIONS = 1_700_000


def long_trained(name: str) -> Session:
    """A session as if trained ITERATIONS iterations: trained 3, its history made up to that
    length (training 1.7 million iterations takes minutes), its iteration moved on (the batch
    cycle follows)."""
    s = Session(open_network(name))
    s.run(3)
    net = s.current_network()
    losses = 0.7 * np.exp(-np.arange(ITERATIONS) / 4e5) + np.random.default_rng(1).random(ITERATIONS) * 1e-3
    net.state = TrainingState(ITERATIONS + 1, net.state.optimizer_state, losses)
    return Session(net)


@pytest.mark.parametrize("name", ["xor", "softmax"])  # momentum (its buffer); batches of 2 (the cycle)
def test_a_long_history_is_saved_thinned_and_training_on_gives_the_same_numbers(tmp_path, name):
    """Saved whole, the 1.7-million-iteration history took 40 MB: opening it was refused."""
    never_stopped = long_trained(name)
    path = tmp_path / "long.json"
    every = netfile.save(never_stopped.current_network(), path)
    assert every == 2 and path.stat().st_size <= netfile.MAX_FILE_BYTES
    state = json.loads(path.read_text())["training_state"]
    assert state["loss_history_every"] == 2 and len(state["loss_history"]) == ITERATIONS // 2
    opened = Session(load(path))
    losses, kept = opened.history.values, never_stopped.history.values
    assert len(losses) == len(kept) == ITERATIONS + 1  # and the current iteration's
    assert np.array_equal(losses[:ITERATIONS:2], kept[:ITERATIONS:2]) and np.isnan(losses[1:ITERATIONS:2]).all()
    assert opened.losses_not_kept == ITERATIONS
    for s in (never_stopped, opened):
        s.run(5)
    assert np.array_equal(opened.history.values[ITERATIONS:], never_stopped.history.values[ITERATIONS:])
    for a, b in zip(opened.params.weights + opened.params.biases, never_stopped.params.weights
                    + never_stopped.params.biases):
        assert np.array_equal(a, b)
    if opened.params.state is not None:
        assert np.array_equal(opened.params.state, never_stopped.params.state)


def thinned_file(tmp_path, every: int = 2, iteration: int = 11):
    """A small xor network file whose history holds one iteration in `every`."""
    s = Session(open_network("xor"))
    s.run(iteration - 1)
    data = json.loads(netfile.dumps(s.current_network()))
    full = data["training_state"]["loss_history"]
    data["training_state"]["loss_history_every"] = every
    data["training_state"]["loss_history"] = full[::every]
    return write_network(tmp_path / "thinned.json", data), full


def test_a_thinned_history_is_read_with_the_losses_not_kept_and_written_so(tmp_path):
    path, full = thinned_file(tmp_path)
    net = load(path)
    assert np.array_equal(net.state.loss_history[::2], full[::2]) and np.isnan(net.state.loss_history[1::2]).all()
    text, every = netfile.written(net)
    assert every == 2 and json.loads(text)["training_state"]["loss_history"] == full[::2]


@pytest.mark.parametrize("every, losses, words", [
    (3, 4, "expected a power of 2"), (0, 5, "expected a whole number ≥ 1, found 0"), (2, 10, "expected the 5 losses (one iteration in 2: 1, 3, …)"),
    (2, 4, "expected the 5 losses"), (1, 5, "expected the 10 losses"),
])
def test_a_wrong_loss_history_every_is_refused(tmp_path, every, losses, words):
    path, full = thinned_file(tmp_path)
    data = json.loads(path.read_text())
    data["training_state"].update(loss_history_every=every, loss_history=full[:losses])
    with pytest.raises(netfile.NetworkFileError) as e:
        load(write_network(path, data))
    assert "training_state." in str(e.value) and words in str(e.value), str(e.value)


def test_train_out_goes_on_from_a_thinned_history_and_says_so(tmp_path):
    path, full = thinned_file(tmp_path)
    out, history = tmp_path / "out.json", tmp_path / "h.csv"
    r = run_cli("train", path, "-n", "3", "--out", out, "--history", history)
    assert r.returncode == 0, r.stderr
    assert f"{out}: the loss history holds one iteration in 2 (1, 3, …), to keep the file within 33,554,432 bytes" \
        in r.stdout.splitlines()
    state = json.loads(out.read_text())["training_state"]
    assert state["iteration"] == 14 and state["loss_history_every"] == 2 and len(state["loss_history"]) == 7
    rows = history.read_text().splitlines()
    assert rows[0].startswith("iteration,loss") and len(rows) == 1 + 13  # then the accuracy (bce)
    assert [row.split(",")[1] == "" for row in rows[1:11]] == [k % 2 == 1 for k in range(10)]
    assert rows[1].split(",")[:2] == ["1", repr(full[0])] and all(row.split(",")[1] for row in rows[11:])


def test_a_network_that_cannot_fit_is_refused_in_one_line_and_nothing_is_written(tmp_path, monkeypatch):
    net = open_network("xor")
    target = tmp_path / "n.json"
    target.write_text("old\n")
    monkeypatch.setattr(netfile, "MAX_FILE_BYTES", 600)  # the samples and the rest take 660 bytes
    with pytest.raises(netfile.NetworkFileError) as e:
        netfile.save(net, target)
    line = str(e.value)
    assert line.startswith(str(target))
    assert "\n" not in line and line.endswith(": (file): would be at least 656 bytes; a network file may have at most "
                                              "600 (its 4 samples take 115 bytes): keep fewer samples or kept runs"), line
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["n.json"]


def test_a_long_history_with_kept_runs_thins_as_much_as_they_need(tmp_path, monkeypatch):
    """The history takes what the rest leaves: more kept runs, one iteration in more."""
    path, full = thinned_file(tmp_path, every=1, iteration=201)
    net = load(path)
    text, every = netfile.written(net)
    base = len(text)
    monkeypatch.setattr(netfile, "MAX_FILE_BYTES", base - 1000)
    text, every = netfile.written(net)
    assert every == 2 and len(text) <= base - 1000
    net.runs = (Run.of("a", "", {"loss": np.array(full[:100])}),)
    text, more = netfile.written(net)
    assert more > every and len(text) <= base - 1000
    assert np.array_equal(loads(text).state.loss_history[::more], np.array(full)[::more])


def test_the_window_draws_the_kept_losses_and_says_when_save_thins(qtbot, make_window, tmp_path):
    path, full = thinned_file(tmp_path)
    w = make_window("mazur")
    assert w.files.open_path(str(path))
    x, y = w.plot.data()
    assert list(x[:5]) == [1, 3, 5, 7, 9] and list(y[:5]) == full[::2]  # the kept points, joined
    assert x[5] == 11 and len(x) == 6  # then the current iteration's, once computed
    w.plot._hover = 2
    w.plot._update_readout()
    assert w.plot.readout.text().startswith("iteration 2: loss not kept")
    train(qtbot, w, 2)
    assert w.files.save_to(str(tmp_path / "again.json"))
    assert w.statusBar().currentMessage() == f"Saved {tmp_path / 'again.json'}: the loss history holds one " \
                                             "iteration in 2 (1, 3, …), to keep the file within 33,554,432 bytes"
    assert json.loads((tmp_path / "again.json").read_text())["training_state"]["loss_history_every"] == 2


def test_the_window_refuses_to_save_a_network_that_cannot_fit(qtbot, make_window, tmp_path, monkeypatch):
    w = make_window("xor")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "n.json"
    target.write_text("old\n")
    monkeypatch.setattr(netfile, "MAX_FILE_BYTES", 600)
    assert not w.files.save_to(str(target))
    title, text = last_message(w)
    assert title == "Cannot save" and text == f"{target}: the network file would be at least 656 bytes; a network " \
        "file may have at most 600 (its 4 samples take 115 bytes): keep fewer samples or kept runs. No file was changed."
    assert target.read_text() == "old\n" and [p.name for p in target.parent.iterdir()] == ["n.json"]
