"""The chain rule of a gradient as a tree of formulas (engine.teaching.chainrule): each line a token
(engine.concepts.tokens) that the side panel writes as text and the documents and Copy as LaTeX
typeset, with the numbers of the recorded iteration."""
import re

from engine import Session, open_network
from engine.concepts import render
from engine.concepts.formula import significant
from engine.teaching import chainrule

FMT = significant(9)


def _lines(session: Session, name: str, fmt=FMT) -> list[tuple[int, str]]:
    return chainrule.gradient(session.net, session.record, session.parameter(name)).text_lines(fmt)


def test_the_worked_examples_w5_and_w1_as_the_article_writes_them():
    session = Session(open_network("mazur"))
    assert _lines(session, "w5") == [
        (0, "∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5 = 0.74136507 × 0.186815602 × "
            "0.593269992 = 0.0821670406"),
        (1, "∂E_total/∂out_o1 = −(target_o1 − out_o1) = −(0.01 − 0.75136507) = 0.74136507"),
        (1, "∂out_o1/∂net_o1 = out_o1·(1 − out_o1) = 0.75136507·(1 − 0.75136507) = 0.186815602"),
        (1, "∂net_o1/∂w5 = out_h1 = 0.593269992"),
    ]
    w1 = _lines(session, "w1")
    assert w1[1] == (1, "∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.0553994247 + (−0.0190491183) = "
                        "0.0363503064")
    assert w1[2] == (2, "∂E_o1/∂out_h1 = ∂E_o1/∂net_o1 × ∂net_o1/∂out_h1 = 0.138498562 × 0.4 = 0.0553994247")


def test_a_batch_gradient_is_the_mean_of_its_samples_and_a_weight_is_written_once():
    """softmax trains on mini-batches of 2: ∂E/∂w1 is the mean of the two samples' (their names
    not in parentheses of their own); a weight the path goes through is its name, then its value
    once (not “w13 = (−0.23) = −0.23”)."""
    session = Session(open_network("softmax"))
    session.run(1)
    rec, fmt = session.record, significant(6)
    a, b = (int(k) + 1 for k in rec.samples)
    per = rec["grad_w_sample", 1][:, 0, 0]
    wrap = (lambda text: f"({text})" if text.startswith("−") else text)
    lines = _lines(session, "w1", fmt)
    assert lines[0] == (0, f"∂E/∂w1 = (∂E_total/∂w1 (sample {a}) + ∂E_total/∂w1 (sample {b}))/2 = "
                           f"({wrap(fmt(per[0]))} + {wrap(fmt(per[1]))})/2 = {fmt(rec['grad_w', 1][0, 0])}")
    w13 = rec["w_before", 2][1, 0]
    assert (4, f"∂net_o2/∂out_h1 = w13 = {fmt(w13)}") in lines and w13 < 0


def test_every_line_typesets_as_latex_and_html_from_its_tokens():
    """No Unicode maths left in the LaTeX (every symbol a command), the HTML's names with
    subscripts; the text, the LaTeX and the HTML are one tree written three ways."""
    session = Session(open_network("xor"))
    session.run(2)
    node = chainrule.gradient(session.net, session.record, session.parameter("w1"))
    for depth, line in node.lines(FMT):
        latex, html = render.latex(line, FMT), render.html(line, FMT)
        assert latex.isascii(), latex
        assert r"\frac{\partial " in latex and "<sub>" in html
        numbers = re.findall(r"\d+\.\d+", render.text(line, FMT))
        assert numbers == re.findall(r"\d+\.\d+", latex) == re.findall(r"\d+\.\d+", html)


def test_delta_has_factors_where_its_spec_says_so_and_both_are_finite():
    """δ of an output is ∂E/∂out × ∂out/∂net in the chain rule wherever the activation acts on each unit
    alone (xor's sigmoid with bce, though the engine computes that δ in one piece), and in one piece
    where it cannot be split: softmax with cross-entropy, or an output that rounds to exactly 1 with
    bce (∂E/∂out is infinite there)."""
    from engine.files import netfile

    xor = Session(open_network("xor"))
    node = chainrule.gradient(xor.net, xor.record, xor.parameter("w7"), 0)
    assert [c.name for c in node.children] == ["∂E_total/∂out_o1", "∂out_o1/∂net_o1", "∂net_o1/∂w7"]
    product = node.children[0].value * node.children[1].value * node.children[2].value
    assert abs(node.value - product) <= 1e-15 * abs(product)

    softmax = Session(open_network("softmax"))
    w = next(p for p in softmax.net.parameters() if p.kind == "w" and p.layer == softmax.net.depth)
    node = chainrule.gradient(softmax.net, softmax.record, w, 0)
    assert [c.name for c in node.children] == ["∂E_total/∂net_o1", f"∂net_o1/∂{w.name}"]

    saturated = Session(netfile.parse({
        "layers": [2, 2, 1], "activations": ["sigmoid", "sigmoid"], "loss": "bce", "optimizer": {"learning_rate": 0.5},
        "weights": [[[40, 40], [40, 40]], [[40, 40]]], "biases": [[0, 0], [30]],
        "samples": [{"input": [1, 1], "target": [0]}]}))
    assert saturated.record["out", 2][0, 0] == 1.0  # rounds to exactly 1: ∂E/∂out = 1/(1 − out) is inf
    assert _lines(saturated, "w5") == [
        (0, "∂E_total/∂w5 = ∂E_total/∂net_o1 × ∂net_o1/∂w5 = 1 × 1 = 1"),
        (1, "∂E_total/∂net_o1 = (out_o1 − target_o1)/1 = (1 − 0)/1 = 1"),
        (1, "∂net_o1/∂w5 = out_h1 = 1"),
    ]
