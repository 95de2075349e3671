"""What the diagram writes (guiapp.diagram.content), without a window and without Qt: the worked
example's published numbers in the units' lines and the edges' tags, as the session computes them."""
from __future__ import annotations

import subprocess
import sys

import pytest

from engine import Session, open_network
from engine.concepts.formula import significant
from engine.record.compare import Comparison
from guiapp.diagram import content
from guiapp.diagram.layout import NAMES, VALUES

fmt = significant(9)


@pytest.fixture
def session():
    return Session(open_network("mazur"))


def params(session) -> dict:
    return {p.name: p for p in session.net.parameters()}


def test_units_show_net_out_and_delta_as_they_are_computed(session):
    assert content.unit_lines(session, fmt, None, 0, 0, 0) == ["i1 = 0.05"]
    assert content.unit_lines(session, fmt, None, 1, 0, 0) == [("net ?", "muted"), ("out ?", "muted"),
                                                               ("δ ?", "muted")]
    session.finish_phase()  # the forward pass: the article's net_h1 and out_h1, out_o1
    assert content.unit_lines(session, fmt, None, 1, 0, 0)[:2] == [("net 0.3775", "text"),
                                                                   ("out 0.593269992", "text")]
    o1 = content.unit_lines(session, fmt, None, 2, 0, 0)
    assert o1[1] == ("out 0.75136507", "text") and "target 0.01" in o1 and ("E ?", "muted") in o1


def test_an_edge_tag_its_value_gradient_update_and_change(session):
    w5 = params(session)["w5"]
    assert content.edge_text(session, fmt, None, w5) == content.EdgeText(0.4, ["w5 0.4"], None)
    session.finish_iteration()
    text = content.edge_text(session, fmt, None, w5)  # the article's ∂E/∂w5 and w5⁺
    assert text.lines == ["w5⁺ 0.35891648", ("∂E/∂w5 0.0821670406", "gradient")] and text.shown is None
    assert content.edge_text(session, fmt, None, w5, VALUES).shown == ["w5⁺ 0.35891648"]
    assert content.edge_text(session, fmt, None, w5, NAMES).shown == ["w5⁺"]
    assert content.edge_text(session, fmt, None, w5, untagged=True).shown == []  # on demand only
    session.step()  # iteration 2 compared with 1: w5 moved by −η·∂E/∂w5
    assert content.edge_text(session, fmt, Comparison.of(session, 1), w5).lines == ["w5 0.35891648",
                                                                                    "Δw5 −0.0410835203"]
    assert content.lr_line(session, fmt) == "η = 0.5"


def test_the_first_computation_involves_h1_its_inputs_and_weights(session):
    session.step()
    units, biases, names = content.involvement(session.reads(session.current_step), session.net.sizes)
    assert units == {(1, 0), (0, 0), (0, 1)} and biases == {1} and names == {"w1", "w2", "b_h1"}


def test_content_imports_no_qt():
    code = ("import sys, guiapp.diagram.content; "
            "sys.exit(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=str(__import__("pathlib").Path(__file__).parents[1])
                          ).returncode == 0
