"""Kept runs in the engine (issue 20, item 5): runs kept from sessions, saved in the network file
and read back bit for bit, refused in one line when a file breaks a rule, written as the CSV
`iteration,run,loss,…` whose rows are the histories exactly; and the headless commands
`train --keep NAME [--runs-from R.json] --out T.json` and `runs NETWORK [-o RUNS.csv]`."""
from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from engine import NetworkFileError, Session, load, loads, open_network
from engine.files import netfile
from engine.network import runs as kept
from engine.network.network import summary
from engine.session import runs
from engine.text import csvcell
from tests.helpers import preset_data, run_cli, write_network


def network(preset: str, batch_size=None, **optimizer):
    """A preset with other settings, as its file would give them (optimizer.momentum, ...)."""
    data = preset_data(preset)
    data["optimizer"].update(optimizer)
    if batch_size is not None:
        data["batch_size"] = batch_size
    return loads(json.dumps(data), preset)


def trained(preset: str, iterations: int, **settings) -> Session:
    s = Session(network(preset, **settings))
    s.run(iterations)
    return s


def three_runs() -> tuple[kept.Run, ...]:
    """SGD, momentum 0.9 and a mini-batch of 2 on xor's network, 40, 60 and 25 iterations."""
    kept_runs = ()
    for name, n, settings in (("SGD", 40, {"momentum": 0.0}), ("momentum 0.9", 60, {"momentum": 0.9}),
                              ("batches of 2", 25, {"momentum": 0.0, "batch_size": 2})):
        kept_runs = runs.keep(trained("xor", n, **settings), name, kept_runs)
    return kept_runs


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def histories_in(text: str) -> dict[str, dict[str, list[str]]]:
    """The CSV's cells by run (its `run` cell) and column, in row order; checks the iterations."""
    out: dict[str, dict[str, list[str]]] = {}
    for row in csv_rows(text):
        columns = out.setdefault(row.pop("run"), {})
        iteration = int(row.pop("iteration"))
        for key, cell in row.items():
            columns.setdefault(key, []).append(cell)
        assert iteration == len(columns["loss"])  # 1, 2, 3 ... within each run
    return out


def cells(values: np.ndarray) -> list[str]:
    """What the CSV must hold for these values: exact, nothing where there is none."""
    return [repr(float(v)) if math.isfinite(v) else "" for v in values]


# -- keeping, saving, reading back -----------------------------------------------------------------

def test_a_kept_run_is_the_sessions_history_under_its_name_with_its_settings():
    s = trained("xor", 30)
    (run,) = runs.keep(s, "SGD", ())
    assert (run.name, run.settings) == ("SGD", summary(s.net))
    assert len(run) == s.latest == 31 and run.loss.tobytes() == s.history.values.tobytes()
    assert list(run.columns) == ["loss"] and not run.loss.flags.writeable
    s.run(5)  # the session goes on: the run kept stays as it was
    assert len(run) == 31


def test_kept_runs_are_saved_and_read_back_bit_for_bit(tmp_path):
    kept_runs = three_runs()
    net = trained("xor", 10).current_network()
    net.runs = kept_runs
    netfile.save(net, tmp_path / "runs.json")
    back = load(tmp_path / "runs.json")
    assert len(back.runs) == 3 and all(a.same(b) for a, b in zip(back.runs, kept_runs))
    assert [len(r) for r in back.runs] == [41, 61, 26]
    assert back.runs[1].settings == summary(network("xor", momentum=0.9))
    assert "batches of 2" in back.runs[2].settings
    again = tmp_path / "again.json"
    netfile.save(back, again)  # written again: the same text
    assert again.read_text() == (tmp_path / "runs.json").read_text()


def test_a_run_with_more_columns_and_values_not_computed_round_trips_and_exports(tmp_path):
    """The columns the loss-history CSV has besides the loss (a test loss evaluated every other
    iteration): null in the file where not computed, an empty cell in the CSV."""
    data = preset_data("mazur")
    data["kept_runs"] = [
        {"name": "with test loss", "settings": "lr 0.5", "loss": [0.5, 0.25, 1e-300, 0],
         "test_loss": [0.75, None, 0.125, None]},
        {"name": "plain", "loss": [2, 1.5]},
    ]
    net = load(write_network(tmp_path / "n.json", data))
    first, second = net.runs
    assert first.columns["test_loss"][1] != first.columns["test_loss"][1]  # NaN
    assert second.settings == "" and list(second.columns) == ["loss"]
    written = json.loads(netfile.dumps(net))["kept_runs"]
    assert written == [{"name": "with test loss", "settings": "lr 0.5", "loss": [0.5, 0.25, 1e-300, 0.0],
                        "test_loss": [0.75, None, 0.125, None]},
                       {"name": "plain", "settings": "", "loss": [2.0, 1.5]}]
    out = io.StringIO()
    for _ in runs.runs_to(out, net.runs):
        pass
    assert out.getvalue() == ("iteration,run,loss,test_loss\n"
                              "1,with test loss,0.5,0.75\n2,with test loss,0.25,\n3,with test loss,1e-300,0.125\n"
                              "4,with test loss,0.0,\n1,plain,2.0,\n2,plain,1.5,\n")


def test_the_csv_rows_are_the_histories_exactly(tmp_path):
    kept_runs = three_runs()
    runs.save_runs(tmp_path / "runs.csv", kept_runs)
    text = (tmp_path / "runs.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "iteration,run,loss"
    found = histories_in(text)
    assert list(found) == [r.name for r in kept_runs]
    for run in kept_runs:
        assert found[run.name]["loss"] == cells(run.loss)
        assert np.array(found[run.name]["loss"], dtype=np.float64).tobytes() == run.loss.tobytes()


def test_a_name_is_proposed_from_the_settings_that_differ():
    sgd = trained("xor", 3, momentum=0.0)
    assert runs.proposal(sgd, ()) == "lr 0.5"
    kept_runs = runs.keep(sgd, runs.proposal(sgd, ()), ())
    momentum = trained("xor", 3)
    assert runs.proposal(momentum, kept_runs) == "lr 0.5, momentum 0.9"
    batches = trained("xor", 3, momentum=0.0, batch_size=2)
    assert runs.proposal(batches, kept_runs) == "lr 0.5, batches of 2"
    assert runs.proposal(sgd, kept_runs) == "lr 0.5 (2)"  # the same settings again: a name of its own


# -- the rules, checked before any work --------------------------------------------------------------

def keeping(name, kept_runs=(), length=3, columns=None):
    return kept.keep(kept_runs, name, "lr 0.5", columns or {"loss": np.zeros(length)})


@pytest.mark.parametrize("name, reason", [
    ("", "a run's name needs at least one visible character"),
    (" \n\t ", "a run's name needs at least one visible character"),
    ("x" * 101, "a run's name has at most 100 characters, found 101"),
    ("SGD", "“SGD” names kept run 1 already: give each run its own name"),
    (" SGD\n", "“SGD” names kept run 1 already: give each run its own name"),  # shown the same: the same name
])
def test_a_name_that_cannot_name_a_run_is_refused(name, reason):
    with pytest.raises(ValueError) as e:
        keeping(name, keeping("SGD"))
    assert str(e.value) == reason


def test_too_many_runs_or_values_are_refused_before_anything_is_copied(monkeypatch):
    full = ()
    for k in range(kept.MAX_RUNS):
        full = keeping(f"run {k}", full)
    with pytest.raises(ValueError, match=f"^at most {kept.MAX_RUNS} runs are kept: remove one first$"):
        keeping("one more", full)
    copied = []
    monkeypatch.setattr(kept.Run, "of", classmethod(lambda cls, *a: copied.append(a)))
    with pytest.raises(ValueError) as e:
        kept.keep((), "long", "", {"loss": np.zeros(kept.MAX_VALUES + 1)})
    assert str(e.value) == (f"this run's history holds {kept.MAX_VALUES + 1:,} values ({kept.MAX_VALUES + 1:,} "
                            f"iterations); at most {kept.MAX_VALUES:,} in all: remove a kept run, or keep a shorter run")
    assert copied == []


def file_with(tmp_path, value) -> str:
    data = preset_data("mazur")
    data["kept_runs"] = value
    path = write_network(tmp_path / "n.json", data)
    with pytest.raises(NetworkFileError) as e:
        load(path)
    message = str(e.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(f"{path}: "):]


RUN = {"name": "SGD", "loss": [0.5, 0.25]}


@pytest.mark.parametrize("value, message", [
    ({"name": "x"}, 'kept_runs: expected a list of {"name": "...", "settings": "...", "loss": [...]}'),
    ([RUN] + [dict(RUN, name=f"r{k}") for k in range(kept.MAX_RUNS)], f"kept_runs: at most {kept.MAX_RUNS} runs, "
                                                                      f"found {kept.MAX_RUNS + 1}"),
    ([{"loss": [1]}], 'kept_runs[0]: expected an object {"name": "...", "settings": "...", "loss": [...]}'),
    ([dict(RUN, colour="red")], "kept_runs[0].colour: unknown key (known keys: name, settings, loss, penalty, "
                                "test_loss, accuracy, test_accuracy)"),
    ([dict(RUN, name=3)], "kept_runs[0].name: expected a text"),
    ([dict(RUN, name="\u2028")], "kept_runs[0].name: a run's name needs at least one visible character"),
    ([RUN, dict(RUN, name="SGD\r")], "kept_runs[1].name: “SGD” names kept run 1 already: give each run its own name"),
    ([dict(RUN, settings=["lr"])], "kept_runs[0].settings: expected a text"),
    ([dict(RUN, settings="s" * 2001)], "kept_runs[0].settings: at most 2000 characters, found 2,001"),
    ([dict(RUN, loss=[])], "kept_runs[0].loss: a run has the loss of at least one iteration"),
    ([dict(RUN, loss="0.5")], 'kept_runs[0].loss: expected a list of numbers (null where not computed), found "0.5"'),
    ([dict(RUN, test_loss=[1])], "kept_runs[0].test_loss: expected 2 values, one per iteration of the loss, found 1"),
    ([dict(RUN, loss=[0.5, "x"])], 'kept_runs[0].loss[1]: expected a number, found "x"'),
    ([dict(RUN, loss=[0.5, True])], "kept_runs[0].loss[1]: expected a number, found true"),
    ([dict(RUN, loss=[0.5, 10**400])], "kept_runs[0].loss[1]: must be a finite number, found an integer too large "
                                       "for a float64"),
    ([{"name": "long", "loss": [0] * (kept.MAX_VALUES // 2 + 1), "test_loss": [0] * (kept.MAX_VALUES // 2 + 1)}],
     f"kept_runs[0].loss: this run's history holds {kept.MAX_VALUES + 2:,} values ({kept.MAX_VALUES // 2 + 1:,} "
     f"iterations); at most {kept.MAX_VALUES:,} in all: remove a kept run, or keep a shorter run"),
])
def test_a_file_that_breaks_a_rule_of_kept_runs_is_refused_in_one_line(tmp_path, value, message):
    assert file_with(tmp_path, value) == message


def test_nan_in_a_kept_run_is_named(tmp_path):
    data = preset_data("mazur")
    text = json.dumps(dict(data, kept_runs=[RUN])).replace("[0.5, 0.25]", "[0.5, NaN]")
    with pytest.raises(NetworkFileError, match=r"kept_runs\[0\]\.loss\[1\]: must be a finite number, found nan$"):
        loads(text, "n.json")


def test_a_file_without_kept_runs_is_written_without_the_key():
    assert "kept_runs" not in json.loads(netfile.dumps(open_network("xor")))


# -- hostile names --------------------------------------------------------------------------------

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "a,b\"c", "line\nbreak", "\rreturn", "<b>bold</b>",
           "&amp; &", "\x1b[31mred\x1b[0m", "tab\tname", "\u202eevil", "'quoted'", "1,2", "# heading"]


def test_hostile_names_are_text_in_the_file_the_csv_and_the_listing(tmp_path):
    kept_runs = ()
    for k, name in enumerate(HOSTILE):
        kept_runs = kept.keep(kept_runs, name, f"settings {name}", {"loss": [k + 0.5, k + 0.25]})
    net = open_network("mazur")
    net.runs = kept_runs
    netfile.save(net, tmp_path / "n.json")
    back = load(tmp_path / "n.json")
    assert [r.name for r in back.runs] == HOSTILE  # the file keeps each name as it is
    r = run_cli("runs", tmp_path / "n.json", "-o", tmp_path / "runs.csv")
    assert r.returncode == 0, r.stderr
    listed = r.stdout.splitlines()[: len(HOSTILE)]
    for k, (line, name) in enumerate(zip(listed, HOSTILE), 1):
        assert line.isprintable() and line.startswith(f"{k}. {kept.shown_name(name)}: 2 iterations"), line
    text = (tmp_path / "runs.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 2 * len(HOSTILE) and all(len(row) == 3 for row in rows)
    for k, name in enumerate(HOSTILE):
        for row in rows[1 + 2 * k: 3 + 2 * k]:
            assert row[1] == csvcell.text(name)
            assert not row[1].startswith(("=", "+", "-", "@", "\t", "\r")) and row[1].isprintable()
    assert histories_in(text)[csvcell.text(HOSTILE[0])]["loss"] == ["0.5", "0.25"]


# -- the headless commands --------------------------------------------------------------------------

def test_train_keep_then_runs_from_compare_three_runs_without_the_window(tmp_path):
    """SGD, momentum 0.9 and a larger learning rate trained headless into one file, opened again
    and written as CSV: each run the history `train --history` writes, and the loss after."""
    nets = {}
    for name, change in (("sgd", {"momentum": 0.0}), ("momentum", {"momentum": 0.9}),
                         ("fast", {"momentum": 0.0, "learning_rate": 2.0})):
        nets[name] = tmp_path / f"{name}.json"
        netfile.save(network("xor", **change), nets[name])
    out = tmp_path / "all.json"
    r = run_cli("train", nets["sgd"], "-n", 50, "--keep", "SGD", "--out", out, "--history", tmp_path / "h1.csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == f"wrote {out} (the network after 50 updates; kept this run as “SGD”: 1 kept run)"
    for name, keep in (("momentum", "momentum 0.9"), ("fast", "lr 2")):
        r = run_cli("train", nets[name], "-n", 50, "--runs-from", out, "--keep", keep, "--out", out)
        assert r.returncode == 0, r.stderr
    net = load(out)
    assert [r.name for r in net.runs] == ["SGD", "momentum 0.9", "lr 2"]
    for run, name in zip(net.runs, ("sgd", "momentum", "fast")):
        session = Session(load(nets[name]))
        session.run(50)
        assert run.loss.tobytes() == session.history.values.tobytes() and run.settings == summary(session.net)
    history = [row["loss"] for row in csv_rows((tmp_path / "h1.csv").read_text())]
    assert history == cells(net.runs[0].loss[:50])  # --history: iterations 1 to 50; the run also the loss after
    r = run_cli("runs", out, "-o", tmp_path / "runs.csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("1. SGD: 51 iterations, loss ")
    assert r.stdout.splitlines()[-1] == f"wrote {tmp_path / 'runs.csv'} (3 runs, 153 rows)"
    found = histories_in((tmp_path / "runs.csv").read_text(encoding="utf-8"))
    assert {name: columns["loss"] for name, columns in found.items()} == {r.name: cells(r.loss) for r in net.runs}


def test_training_a_network_with_kept_runs_keeps_them(tmp_path):
    net = open_network("xor")
    net.runs = three_runs()
    netfile.save(net, tmp_path / "n.json")
    r = run_cli("train", tmp_path / "n.json", "-n", 5, "--out", tmp_path / "t.json")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1].endswith("(the network after 5 updates; 3 kept runs)")
    assert all(a.same(b) for a, b in zip(load(tmp_path / "t.json").runs, net.runs))


@pytest.mark.parametrize("args, message", [
    (["--keep", "x"], "error: --keep: value: goes with --out TRAINED.json: the network written keeps the runs"),
    (["--runs-from", "xor"], "error: --runs-from: value: goes with --out TRAINED.json: the network written keeps "
                             "the runs"),
    (["--keep", "SGD", "--out", "{out}"], "error: --keep: value: “SGD” names kept run 1 already: give each run its "
                                          "own name"),
    (["--keep", " ", "--out", "{out}"], "error: --keep: value: a run's name needs at least one visible character"),
    (["--runs-from", "{net}", "--out", "{out}"], "error: {net}: --runs-from: kept_runs[0]: “SGD” names kept run 1 "
                                                 "already: give each run its own name"),
])
def test_keep_and_runs_from_are_refused_before_any_work(tmp_path, args, message):
    net = open_network("xor")
    net.runs = keeping("SGD")
    netfile.save(net, tmp_path / "n.json")
    out = tmp_path / "out.json"
    values = {"out": str(out), "net": str(tmp_path / "n.json")}
    r = run_cli("train", tmp_path / "n.json", "-n", 5, *(a.format(**values) for a in args))
    assert (r.returncode, r.stdout, r.stderr) == (2, "", message.format(**values) + "\n")
    assert not out.exists()


def test_a_run_too_long_to_keep_is_refused_before_training(tmp_path):
    r = run_cli("train", "mazur", "-n", kept.MAX_VALUES, "--keep", "long", "--out", tmp_path / "t.json")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"error: --keep: value: this run's history holds {kept.MAX_VALUES + 1:,} values "
                        f"({kept.MAX_VALUES + 1:,} iterations); at most {kept.MAX_VALUES:,} in all: remove a kept run, "
                        "or keep a shorter run\n")
    assert list(tmp_path.iterdir()) == []


def test_runs_of_a_network_without_kept_runs(tmp_path):
    r = run_cli("runs", "xor")
    assert (r.returncode, r.stdout) == (0, "xor: no kept runs\n")
    r = run_cli("runs", "xor", "-o", tmp_path / "runs.csv")
    assert r.returncode == 2 and r.stderr.startswith("error: xor: kept_runs: no kept runs to write")
    assert not (tmp_path / "runs.csv").exists()


def test_runs_will_not_write_over_the_network_it_reads(tmp_path):
    net = open_network("xor")
    net.runs = keeping("SGD")
    netfile.save(net, tmp_path / "n.json")
    before = (tmp_path / "n.json").read_text()
    r = run_cli("runs", tmp_path / "n.json", "-o", tmp_path / "n.json")
    assert r.returncode == 2 and "is the network file whose runs are written" in r.stderr
    assert (tmp_path / "n.json").read_text() == before
