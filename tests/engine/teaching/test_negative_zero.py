"""No negative zero reaches a reader (issue 17, section 5, item 13): with cross-entropy a loss
term whose target is 0 was −0.0 ("E_total = 0.94597729 + (−0) + (−0)", "E_o2 = −0", `-0.0` in
the trace); a product of a zero and a negative number is −0.0 too (δ·w with w = 0 and δ < 0).
The loss terms are 0 where they are computed, and every number written goes through the one
formatter (`engine.concepts.formula`), which writes 0."""
import math
import re

import numpy as np
import pytest

from engine import Session, open_network
from engine.concepts.formula import exact, exact_in_formula, significant
from engine.record.quantities import Key
from engine.record.tracecsv import TraceRows
from engine.teaching import chainrule, document
from engine.teaching.explain import text_of
from engine.teaching.practice import Practice
from engine.teaching import practice_report
from tests.helpers import run_cli

# −0, -0.0, (−0); not −0.5, 10, x−0.1, nor a formula's own minus before a target of 0: −target·ln(out)
# and −target/out written −0·ln(0.2), −0/0.2
NEGATIVE_ZERO = re.compile(r"(?<![\w.])[-−]0(\.0*)?(?![\w.]|\s*(·|\\cdot|×|/))")


def is_negative_zero(value: float) -> bool:
    return value == 0.0 and math.copysign(1.0, value) < 0


def zero_weights() -> Session:
    """The softmax preset with its output layer's weights 0: every hidden δ is 0, and so the
    gradient of a first-layer weight for sample 2, δ_h·i1 = 0·(−0.8), is −0.0 as computed."""
    net = open_network("softmax")
    net.weights[-1] = np.zeros_like(net.weights[-1])
    return Session(net)


def test_the_formatter_writes_zero():
    assert significant(9)(-0.0) == "0" and significant(3)(-0.0) == "0"
    assert exact(-0.0) == "0.0" and exact_in_formula(-0.0) == "0.0"
    assert significant(9)(-0.25) == "−0.25" and exact(-1e-300) == "-1e-300"  # other negatives keep their sign
    assert math.isnan(float(exact(float("nan")))) and exact(float("-inf")) == "-inf"


def test_cross_entropy_terms_of_target_0_are_0():
    s = Session(open_network("softmax"))
    terms = s.record["loss_term", s.net.depth]
    assert (terms[s.record["target", s.net.depth] == 0.0] == 0.0).all()
    assert not any(is_negative_zero(v) for v in terms.ravel())


@pytest.mark.parametrize("make", [lambda: Session(open_network("softmax")), zero_weights],
                         ids=["softmax", "zero-weights"])
def test_no_output_writes_minus_zero(make):
    s = make()
    rec = s.record
    # the record holds zeros (and, for the zero weights, negative ones): the outputs have something to get wrong
    assert (rec.row == 0.0).any()
    texts = {"panel": "\n".join(s.describe(key).text(significant(9)) for key in s.steps),
             "breakdowns": "\n".join(line for p in s.net.parameters()
                                     for _, line in chainrule.gradient(s.net, rec, p).text_lines(significant(9))),
             "trace": "\n".join(",".join(row) for row in TraceRows(s.net, s.layout).rows(rec))}
    doc = document.build(s.net, rec, 9)
    for fmt in ("md", "html"):
        texts[fmt] = text_of(doc, fmt)
    practice = Practice(s)
    while practice.current is not None:
        texts.setdefault("practice", "")
        texts["practice"] += practice.reveal().explanation + "\n"
    texts["report"] = practice_report.csv_text(practice) + practice_report.markdown(practice)
    assert any(is_negative_zero(e.value) for e in practice.exercises) is False
    for name, text in texts.items():
        found = [m.group() for m in NEGATIVE_ZERO.finditer(text)]
        assert not found, f"{name} writes {found[:3]}"


def test_zero_weights_compute_negative_zeros_that_show_as_0():
    """The proof the test above checks something: this value is −0.0 as computed."""
    s = zero_weights()
    key = Key("grad_w_sample", 1, 0, 0, 1)
    assert is_negative_zero(s.record.value(key))
    assert s.describe(key).text(significant(9)) == "∂E/∂w1 = δ_h1·i1 = 0·(−0.8) = 0"


def test_the_commands_print_no_minus_zero(tmp_path):
    trace, doc = tmp_path / "trace.csv", tmp_path / "softmax.md"
    done = run_cli("train", "softmax", "--iterations", "3", "--trace", trace)
    assert done.returncode == 0, done.stderr
    done = run_cli("explain", "softmax", "-o", doc)
    assert done.returncode == 0, done.stderr
    text = doc.read_text(encoding="utf-8")
    assert "E_{total} &= E_{o1} + E_{o2} + E_{o3} \\\\\n&= 0.94597729 + 0 + 0 \\\\" in text
    for path in (trace, doc):
        found = NEGATIVE_ZERO.findall(path.read_text(encoding="utf-8-sig"))
        assert not found, (path.name, found[:3])


def test_the_window_shows_0(qtbot, make_window):
    """The softmax preset stepped to its total loss: the panel and the diagram's tags say 0."""
    w = make_window("softmax")
    s = w.model.session
    while s.current_step is None or s.current_step.quantity != "loss":
        w.actions["step"].trigger()
    assert w.panel.now.toPlainText().strip().endswith("= 0.94597729 + 0 + 0 = 0.94597729")
    tags = " ".join(" ".join(t for t, *_ in unit.values._lines) for unit in w.diagram.units.values())
    assert "E 0" in tags and not NEGATIVE_ZERO.search(tags)
