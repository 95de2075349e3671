"""The worked example as a Jupyter notebook (issue 20, item 6): python -m engine export NETWORK --format
notebook and File ▸ Export ▸ Jupyter notebook.

Most tests run the notebook's code cells, top to bottom, in this process (they are plain Python) and
read what they print: every `name = value` line must be the engine's value of that name. The "Done
when" test executes the notebooks written by the command with nbclient in a real kernel (one kernel
for the three: starting one costs seconds), and reads the article's figures from its outputs.
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re

import numpy as np
import pytest

from engine import Session, open_network
from engine.concepts.optimizers.sgd import SGD
from engine.files import netfile
from engine.network.network import Network
from engine.record.quantities import Key, label
from engine.scripts import notebook
from engine.teaching import document
from tests.driver import train
from tests.helpers import preset_data, run_cli, write_network

# The published figures (../shared/reference/worked-example.md), by the name the notebook prints them
ARTICLE = {
    "net_h1": "0.3775", "out_h1": "0.593269992", "net_h2": "0.3925", "out_h2": "0.596884378",
    "net_o1": "1.105905967", "out_o1": "0.75136507", "net_o2": "1.224921404", "out_o2": "0.772928465",
    "E_o1": "0.274811083", "E_o2": "0.023560026", "E_total": "0.298371109",
    "∂E/∂out_o1": "0.74136507", "∂out_o1/∂net_o1": "0.186815602", "∂E/∂w5": "0.082167041", "δ_o1": "0.138498562",
    "w5⁺": "0.35891648", "w6⁺": "0.408666186", "w7⁺": "0.511301270", "w8⁺": "0.561370121",
    "∂E/∂out_o2": "-0.217071535", "∂out_o2/∂net_o2": "0.175510053", "δ_o2": "-0.038098237",
    "∂E/∂out_h1": "0.036350306", "∂out_h1/∂net_h1": "0.241300709", "∂E/∂w1": "0.000438568", "w1⁺": "0.149780716",
    "∂E/∂w2": "0.000877135", "∂E/∂w3": "0.000497713", "∂E/∂w4": "0.000995425",
    "∂E/∂out_h2": "0.041370323", "∂out_h2/∂net_h2": "0.240613417",
    "w2⁺": "0.19956143", "w3⁺": "0.24975114", "w4⁺": "0.29950229",
    "E_total after the update": "0.291027774",  # the simultaneous order's (the article prints the sequential one's)
}
DEEP = ["--layers", "2,4,3,3,2", "--activations", "tanh,relu,sigmoid,sigmoid", "--loss", "mse", "--momentum", "0.5",
        "--batch-size", "3", "--dataset", "circle", "--samples", "7", "--seed", "4", "--name", "deep"]


def printed(text: str) -> dict[str, list]:
    """`name = value` lines: name → the values (one per sample of a batch; "..." where numpy summarised)."""
    found = {}
    for line in text.splitlines():
        name, sep, value = line.partition(" = ")
        if not sep:
            continue
        assert name not in found, f"printed twice: {name}"
        value = value.strip()
        items = value[1:-1].split(",") if value.startswith("[") else [value]
        found[name] = [item.strip() if item.strip() == "..." else float(item) for item in items]
    return found


def engine_values(net, rec) -> dict[str, np.ndarray]:
    """Every value the notebook may print, by its label, from the engine's record."""
    L, values = net.depth, {}
    for l in range(1, L + 1):
        for q in ("net", "out", "dE_dout", "dout_dnet", "delta"):
            for j in range(net.sizes[l]):
                try:
                    values[label(net, Key(q, l, j, sample=0))] = rec[q, l][:, j]
                except KeyError:
                    pass
        for kind in ("w", "b"):
            keys = [(kind, p) for p in net.parameters() if p.kind == kind and p.layer == l]
            for _, p in keys:
                for q in (f"grad_{kind}", kind, *(f"{b.name}_{kind}" for b in net.optimizer.buffers)):
                    key = Key(q, l, p.unit, p.source)
                    values[label(net, key)] = np.array([rec.value(key)])
    for k in range(net.sizes[L]):
        values[label(net, Key("loss_term", L, k, sample=0))] = rec["loss_term", L][:, k]
    total = "E_total" if len(rec.samples) == 1 else "E"
    values["E_total"] = rec["loss", L]
    values["E"] = np.array([rec.batch_loss])
    values[f"{total} (PyTorch)"] = np.array([rec.batch_loss])
    values[f"{total} after the update"] = np.array([document.loss_after(net, rec)])
    return values


def assert_engines(found: dict, net, rec) -> None:
    """Each printed value is the engine's (to ~1e-9), and the units and parameters the document writes
    out are all printed."""
    expected = engine_values(net, rec)
    for name, got in found.items():
        assert name in expected, f"printed {name}, which the engine does not know"
        want = list(expected[name])
        if "..." in got:  # numpy summarised a long batch: its first and last values
            k = got.index("...")
            got, want = got[:k] + got[k + 1:], want[:k] + want[len(want) - (len(got) - k - 1):]
        assert len(got) == len(want), name
        assert np.allclose(got, want, rtol=1e-9, atol=1e-12), (name, got, want)
    shortened = document.is_shortened(net.sizes)
    for l in range(1, net.depth + 1):
        for j in document.shown_units(net.sizes, l, shortened):
            for q in ("net", "out", "delta"):
                assert label(net, Key(q, l, j, sample=0)) in found
        for p in document.written_parameters(net.sizes, l, shortened):
            assert label(net, Key("grad_" + p.kind, l, p.unit, p.source)) in found


def run_code(text: str) -> str:
    """The notebook's code cells run top to bottom in a namespace of their own: what they print."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(notebook.code_of(text), "notebook", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def at(net: Network, iteration: int, order: str | None = None) -> Session:
    if order:
        net.update_order = order
    session = Session(net)
    session.run(iteration - 1)
    return session


def deep_network(folder) -> Network:
    path = folder / "deep.json"
    r = run_cli("new", *DEEP, "--out", path)
    assert r.returncode == 0, r.stderr
    return netfile.load(path)


def markdown_of(text: str) -> str:
    return "\n\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")


# -- the notebook's numbers are the engine's ------------------------------------------------------------
@pytest.mark.parametrize("name, iteration, order", [
    ("mazur", 1, None), ("mazur", 1, "sequential"), ("seed-notebook", 3, None), ("xor", 1, None),
    ("xor", 300, None), ("softmax", 5, None), ("softmax", 2, "sequential")])
def test_the_notebook_prints_the_engines_numbers_and_torch_agrees(name, iteration, order):
    import nbformat

    session = at(open_network(name), iteration, order)
    text = notebook.notebook(session.net, session.record)
    nbformat.validate(nbformat.reads(text, as_version=4))
    out = run_code(text)  # its asserts against PyTorch pass, or this raises
    found = printed(out)
    assert_engines(found, session.net, session.record)
    assert "PyTorch's autograd gives the gradients computed by hand" in out
    if order != "sequential":
        assert "torch.optim.SGD updates every parameter as it was updated by hand" in out
    else:
        assert "for the output layer" in out and "Sequential" not in out
        assert "In the sequential update order the layers below" in markdown_of(text)


def test_the_mazur_notebook_prints_the_articles_figures():
    import base64
    import xml.etree.ElementTree as ET

    session = Session(open_network("mazur"))
    text = notebook.notebook(session.net, session.record)
    first = json.loads(text)["cells"][0]  # the title, the introduction and the figure, as a cell's attachment
    assert "![The network](attachment:network.svg)" in "".join(first["source"])
    svg = ET.fromstring(base64.b64decode(first["attachments"]["network.svg"]["image/svg+xml"]))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    markdown = markdown_of(text)
    for heading in ("## The Starting Values", "## The Forward Pass", "### Hidden Layer", "### Output Layer",
                    "## Calculating the Total Error", "## The Backwards Pass", "## After the Update",
                    "## Checking with PyTorch"):
        assert f"\n{heading}\n" in markdown
    assert r"E_{total} &= E_{o1} + E_{o2}" in markdown  # the formulas in LaTeX, from the engine's texts
    found = printed(run_code(text))
    for name, published in ARTICLE.items():
        decimals = len(published.partition(".")[2])
        assert abs(found[name][0] - float(published)) <= 10.0 ** -decimals, (name, found[name], published)


def test_a_deep_network_with_momentum_and_minibatches(tmp_path):
    session = at(deep_network(tmp_path), 4)  # a momentum buffer from the iterations before
    assert session.record["has_state", 0] and len(session.record.samples) == 3 and session.net.depth == 4
    text = notebook.notebook(session.net, session.record)
    out = run_code(text)
    assert_engines(printed(out), session.net, session.record)
    assert "v_w1 = " in out and "h3.3" in out


def test_frozen_biases_with_momentum(tmp_path):
    """torch.optim is given the weights only, with the momentum buffers where training stood."""
    path = tmp_path / "frozen.json"
    assert run_cli("new", "--layers", "2,3,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor",
                   "--samples", "6", "--momentum", "0.7", "--frozen-biases", "--batch-size", "4",
                   "--out", path).returncode == 0
    session = at(netfile.load(path), 5)
    text = notebook.notebook(session.net, session.record)
    assert "optimizer = torch.optim.SGD([linear.weight for linear in linears]" in text
    out = run_code(text)
    found = printed(out)
    assert_engines(found, session.net, session.record)
    assert "v_w1" in found and "v_b_h1" not in found and "b_h1⁺" not in found
    assert "torch.optim.SGD updates every parameter as it was updated by hand" in out


def test_a_network_of_more_than_200_parameters_gets_the_shortened_form(tmp_path):
    path = tmp_path / "big.json"
    assert run_cli("new", "--layers", "2,16,16,1", "--activations", "tanh,tanh,sigmoid", "--loss", "bce",
                   "--dataset", "xor", "--samples", "30", "--out", path).returncode == 0
    session = Session(netfile.load(path))
    assert len(session.net.parameters()) > document.FULL_PARAMETERS
    text = notebook.notebook(session.net, session.record)
    out = run_code(text)
    found = printed(out)
    assert_engines(found, session.net, session.record)
    assert "net_h1.16" in found and "net_h1.2" not in found and "∂E/∂w2" not in found  # as the document writes out
    assert "Left out:" in markdown_of(text) and "(the other units of layer 1" in notebook.code_of(text)
    assert "..." in found["out_o1"]  # a batch of 30 printed as numpy summarises it
    small = Session(open_network("xor"))
    assert len(notebook.notebook(small.net, small.record)) < len(text) < 4 * len(notebook.notebook(
        small.net, small.record)) + 60_000  # shortened, not every unit written out


def test_an_optimizer_without_a_numpy_update_is_said_and_left_to_torch():
    class Unwritten(SGD):  # as an optimizer of another branch may be: no NumPy source of its update
        def numpy(self, starts):
            raise NotImplementedError

    net = open_network("xor")
    net.optimizer = Unwritten(momentum=0.9)
    session = at(net, 3)
    text = notebook.notebook(session.net, session.record)
    assert "does not write out the SGD update by hand: PyTorch's `torch.optim.SGD` computes it" in markdown_of(text)
    assert "def update(" not in notebook.code_of(text)
    found = printed(run_code(text))
    assert_engines(found, session.net, session.record)
    assert "w1⁺" in found and "v_w1" not in found  # torch's new values: the engine's


@pytest.mark.parametrize("optimizer, schedule", [
    ({"name": "adam", "learning_rate": 0.05, "betas": [0.8, 0.99], "eps": 1e-6}, None),
    ({"name": "rmsprop", "learning_rate": 0.02, "alpha": 0.9, "momentum": 0.5}, {"name": "exponential", "gamma": 0.9}),
    ({"name": "sgd", "learning_rate": 0.5, "momentum": 0.9, "nesterov": True}, {"name": "step", "step_size": 2,
                                                                              "gamma": 0.5}),
])
def test_the_other_update_rules_and_schedules_print_the_engines_numbers(tmp_path, optimizer, schedule):
    """Adam, RMSprop and Nesterov (issue 19), with the learning rate of a schedule's iteration:
    the notebook's update prints the engine's new values and torch.optim agrees."""
    data = preset_data("xor")
    data.pop("training_state", None)
    data["optimizer"] = optimizer
    if schedule is not None:
        data["schedule"] = schedule
    session = at(netfile.parse(data), 4)
    text = notebook.notebook(session.net, session.record)
    found = printed(run_code(text))
    assert_engines(found, session.net, session.record)
    assert "w1⁺" in found


def test_a_network_with_input_features_prints_the_engines_numbers(tmp_path):
    """The document's forward pass opens with its inputs' features (a sub-section before the
    layers): the notebook's code follows the layers all the same (an IndexError before)."""
    made = tmp_path / "features.json"
    r = run_cli("new", "--layers", "5,4,1", "--activations", "tanh,sigmoid", "--loss", "bce", "--dataset", "xor",
                "--samples", 12, "--features", "x1,x2,x1^2,x1*x2,sin(x1)", "--out", made)
    assert r.returncode == 0, r.stderr
    session = at(netfile.load(made), 3)
    text = notebook.notebook(session.net, session.record)
    assert "Input features" in markdown_of(text)
    found = printed(run_code(text))
    assert_engines(found, session.net, session.record)
    assert "w1⁺" in found


def test_a_regularized_network_is_refused_in_one_line(tmp_path, qtbot, make_window, monkeypatch):
    """The notebook has no penalty term yet: it says so rather than print gradients that are not
    the network's (the command, status 2, nothing written; the window, a message)."""
    data = dict(preset_data("xor"), regularization={"kind": "l2", "strength": 0.01})
    data.pop("training_state", None)
    source, out = write_network(tmp_path / "l2.json", data), tmp_path / "l2.ipynb"
    r = run_cli("export", source, "--format", "notebook", "-o", out)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "the notebook does not write out the L2" in r.stderr and not out.exists()
    w = make_window("l2", net=netfile.parse(data))
    said = []
    monkeypatch.setattr(w, "show_message", lambda title, text, *a: said.append((title, text)))
    assert w.files.export_notebook_to(str(out)) is False and not out.exists()
    assert said and said[0][0] == "Cannot export the notebook" and "L2" in said[0][1]


# -- the command ---------------------------------------------------------------------------------------
def test_the_command_writes_the_notebook_of_the_iteration_asked(tmp_path):
    out = tmp_path / "xor.ipynb"
    r = run_cli("export", "xor", "--format", "notebook", "--iteration", 7, "-o", out)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.startswith(f"wrote {out}: a Jupyter notebook of iteration 7 of xor")
    session = at(open_network("xor"), 7)
    assert out.read_text(encoding="utf-8") == notebook.notebook(session.net, session.record)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xor.ipynb"]  # written atomically: nothing beside it


def test_a_saved_network_goes_on_from_its_own_iteration(tmp_path):
    session = Session(open_network("xor"))
    session.run(5)
    saved = tmp_path / "saved.json"
    netfile.save(session.current_network(), saved)
    r = run_cli("export", saved, "-f", "notebook", "-o", tmp_path / "n.ipynb")
    assert r.returncode == 0 and "iteration 6 of" in r.stdout
    assert (tmp_path / "n.ipynb").read_text(encoding="utf-8") == notebook.notebook(session.net, session.record)
    r = run_cli("export", saved, "-f", "notebook", "-k", 5, "-o", tmp_path / "m.ipynb")
    assert r.returncode == 2 and "--iteration: value: must be from 6 (the network's next iteration)" in r.stderr


@pytest.mark.parametrize("args, words", [
    (["-f", "notebook", "-n", "3"], "--iterations: value: is for the scripts: a notebook retraces one iteration"),
    (["-f", "numpy", "-k", "3"], "--iteration: value: is for --format notebook"),
    (["-f", "notebook", "-k", "0"], "--iteration: value: must be from 1"),
    (["-f", "notebook", "-k", "x"], "argument --iteration/-k: “x” is not a whole number"),
])
def test_the_commands_refusals(tmp_path, args, words):
    r = run_cli("export", "mazur", *args, "-o", tmp_path / "n.ipynb")
    assert r.returncode == 2 and words in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not list(tmp_path.iterdir())


def test_the_command_writes_nothing_over_the_network_it_reads(tmp_path):
    source = write_network(tmp_path / "net.json", preset_data("mazur"))
    before = source.read_bytes()
    r = run_cli("export", source, "-f", "notebook", "-o", source)
    assert r.returncode == 2 and "is the network file being exported" in r.stderr, r.stderr
    assert source.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]


def test_a_diverged_iteration_is_refused(tmp_path):
    from tests.engine.cli.test_cli import DIVERGING

    source = write_network(tmp_path / "wild.json", DIVERGING)
    r = run_cli("export", source, "-f", "notebook", "-k", 1000, "-o", tmp_path / "n.ipynb")
    assert r.returncode == 3 and "error: iteration 1,000 cannot be written out" in r.stderr, (r.returncode, r.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wild.json"]


# -- the window ------------------------------------------------------------------------------------------
def test_the_window_writes_the_file_the_command_writes(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMenu

    w = make_window("xor")
    train(qtbot, w, 20)  # iteration 21 is current, with a momentum buffer
    menu = w.findChild(QMenu, "exportMenu")  # File ▸ Export
    names = [a.objectName() for a in menu.actions()]
    assert names[names.index("export_numpy") + 1] == "export_notebook"
    assert w.actions["export_notebook"].text() == "J&upyter notebook…"  # j: Export tra&jectories
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "window.ipynb"
    monkeypatch.setattr("guiapp.menus.file.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    w.actions["export_notebook"].trigger()
    qtbot.waitUntil(lambda: not w.model.busy)
    assert f"Wrote {path}" in w.statusBar().currentMessage()
    r = run_cli("export", "xor", "-f", "notebook", "-k", 21, "-o", folder / "command.ipynb")
    assert r.returncode == 0, r.stderr
    assert path.read_bytes() == (folder / "command.ipynb").read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["command.ipynb", "window.ipynb"]


# -- Done when: the notebooks run in a kernel ---------------------------------------------------------------
@pytest.mark.long  # the default run keeps within its 4 minutes: `-m long` runs it
def test_the_notebooks_run_in_a_kernel_and_print_the_articles_numbers(tmp_path):
    """The mazur notebook in a fresh kernel, then xor at iteration 300 and a 3-hidden-layer network in
    the same kernel, each after %reset (one kernel start, not three)."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    deep_network(tmp_path)  # tmp_path / "deep.json"
    files = {"mazur": ["mazur"], "xor": ["xor", "-k", 300], "deep": [tmp_path / "deep.json"]}
    for name, args in files.items():
        r = run_cli("export", *args, "-f", "notebook", "-o", tmp_path / f"{name}.ipynb")
        assert r.returncode == 0, r.stderr
    async def execute_all() -> dict[str, str]:
        # the async API throughout: its sync wrappers would leave a thread of jupyter_core's running
        km = AsyncKernelManager(kernel_name="python3")
        await km.start_kernel(extra_arguments=["--HistoryManager.enabled=False"])
        outputs = {}
        try:
            for k, name in enumerate(files):
                nb = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
                nbformat.validate(nb)
                if k:
                    nb.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
                client = NotebookClient(nb, km=km, timeout=120, allow_errors=False)
                try:
                    await client.async_execute()
                finally:
                    if client.kc is not None:  # the kernel is ours: the client's channels are its own
                        client.kc.stop_channels()
                streams = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
                assert all(o.output_type == "stream" and o.name == "stdout" for o in streams), streams
                outputs[name] = "".join(o.text for o in streams)
        finally:
            await km.shutdown_kernel(now=True)
        return outputs

    outputs = asyncio.run(execute_all())
    found = printed(outputs["mazur"])
    for name, published in ARTICLE.items():
        decimals = len(published.partition(".")[2])
        assert abs(found[name][0] - float(published)) <= 10.0 ** -decimals, (name, found[name], published)
    session = at(open_network("xor"), 300)
    assert_engines(printed(outputs["xor"]), session.net, session.record)
    session = Session(netfile.load(tmp_path / "deep.json"))
    assert_engines(printed(outputs["deep"]), session.net, session.record)
    for text in outputs.values():
        assert "PyTorch's autograd gives the gradients computed by hand." in text
        assert "torch.optim.SGD updates every parameter as it was updated by hand." in text
    assert re.search(r"^E_total = \[", outputs["xor"], re.M)  # a batch: one value per sample
