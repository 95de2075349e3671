"""Formulas as tokens (issue 18, item 4): one tree per formula, written as plain text, LaTeX, HTML
and Markdown by `engine.concepts.render`; parentheses from the tree, never typed; the trace CSV's
templates write what the plain text writes."""
import itertools
import math

import pytest

from engine.concepts import render
from engine.concepts.formula import exact_in_formula, significant
from engine.concepts.tokens import (E, HALF, Abs, Const, Deriv, Elided, Floor, Group, Num, Quotient, Sym, SumOver,
                                    Text, Token, call, greater, if_else, ln, remark, row, sqrt, squared, terms)

NET, OUT, T = Sym("net", "h1"), Sym("out", "o1"), Sym("target", "o1")

# (formula function, its plain text in symbols, its LaTeX, its HTML)
FORMULAS = [
    (lambda n: 1 / (1 + E ** -n), "1/(1 + e^(−net_h1))", r"1/(1 + e^{-\mathit{net}_{h1}})",
     "1/(1 + e<sup>−net<sub>h1</sub></sup>)"),
    (lambda o: o * (1 - o), "out_o1·(1 − out_o1)", r"\mathit{out}_{o1} \cdot (1 - \mathit{out}_{o1})",
     "out<sub>o1</sub>·(1 − out<sub>o1</sub>)"),
    (lambda o: 1 - o ** 2, "1 − out_o1²", r"1 - \mathit{out}_{o1}^{2}", "1 − out<sub>o1</sub>²"),
    (lambda n: if_else(1, greater(n, 0), 0), "1 if net_h1 > 0 else 0",
     r"1\ \text{if}\ \mathit{net}_{h1} > 0\ \text{else}\ 0", "1 if net<sub>h1</sub> &gt; 0 else 0"),
    (lambda n: call("max", n, 0.01 * n), "max(net_h1, 0.01·net_h1)",
     r"\max(\mathit{net}_{h1},\ 0.01 \cdot \mathit{net}_{h1})", "max(net<sub>h1</sub>, 0.01·net<sub>h1</sub>)"),
    (lambda t, o: HALF * (t - o) ** 2, "½·(target_o1 − out_o1)²",
     r"\tfrac{1}{2} \cdot (\mathit{target}_{o1} - \mathit{out}_{o1})^{2}", "½·(target<sub>o1</sub> − out<sub>o1</sub>)²"),
    (lambda t, o: -(2 * (t - o) / 3), "−2·(target_o1 − out_o1)/3",
     r"-2 \cdot (\mathit{target}_{o1} - \mathit{out}_{o1})/3", "−2·(target<sub>o1</sub> − out<sub>o1</sub>)/3"),
    (lambda t, o: -(Group(t * ln(o) + (1 - t) * ln(1 - o), "[]") / 2),
     "−[target_o1·ln(out_o1) + (1 − target_o1)·ln(1 − out_o1)]/2",
     r"-[\mathit{target}_{o1} \cdot \ln(\mathit{out}_{o1}) + (1 - \mathit{target}_{o1}) \cdot \ln(1 - \mathit{out}_{o1})]/2",
     "−[target<sub>o1</sub>·ln(out<sub>o1</sub>) + (1 − target<sub>o1</sub>)·ln(1 − out<sub>o1</sub>)]/2"),
    (lambda t, o: (o - t) / (o * (1 - o)) / 2, "(out_o1 − target_o1)/(out_o1·(1 − out_o1))/2",
     r"(\mathit{out}_{o1} - \mathit{target}_{o1})/(\mathit{out}_{o1} \cdot (1 - \mathit{out}_{o1}))/2",
     "(out<sub>o1</sub> − target<sub>o1</sub>)/(out<sub>o1</sub>·(1 − out<sub>o1</sub>))/2"),
    (lambda t, o: Quotient(E ** t, E ** t + E ** o, spaced=True), "e^target_o1 / (e^target_o1 + e^out_o1)",
     r"e^{\mathit{target}_{o1}}/(e^{\mathit{target}_{o1}} + e^{\mathit{out}_{o1}})",
     "e<sup>target<sub>o1</sub></sup> / (e<sup>target<sub>o1</sub></sup> + e<sup>out<sub>o1</sub></sup>)"),
    (lambda n: ln(1 + E ** n), "ln(1 + e^net_h1)", r"\ln(1 + e^{\mathit{net}_{h1}})", "ln(1 + e<sup>net<sub>h1</sub></sup>)"),
    (lambda o: sqrt(o) + 1, "√out_o1 + 1", r"\sqrt{\mathit{out}_{o1}} + 1", "√out<sub>o1</sub> + 1"),
    (lambda t, o: squared(t) + squared(o - t), "target_o1² + (out_o1 − target_o1)²",
     r"\mathit{target}_{o1}^{2} + (\mathit{out}_{o1} - \mathit{target}_{o1})^{2}",
     "target<sub>o1</sub>² + (out<sub>o1</sub> − target<sub>o1</sub>)²"),
]


@pytest.mark.parametrize("fn, plain, latex, html", FORMULAS)
def test_a_formula_in_symbols_reads_the_same_in_every_format(fn, plain, latex, html):
    count = fn.__code__.co_argcount
    token = fn(*((NET if "net" in plain else OUT,) if count == 1 else (T, OUT)))
    assert (render.text(token), render.latex(token), render.html(token)) == (plain, latex, html)
    assert render.markdown(token) == f"${latex}$"


def test_numbers_are_written_by_the_format_in_parentheses_where_negative():
    sigmoid = lambda n: 1 / (1 + E ** -n)  # noqa: E731
    assert render.text(sigmoid(Num(-0.3))) == "1/(1 + e^(−(−0.3)))"
    assert render.latex(sigmoid(Num(-0.3))) == "1/(1 + e^{-(-0.3)})"
    softplus = lambda n: ln(1 + E ** n)  # noqa: E731
    assert render.text(softplus(Num(-0.3))) == "ln(1 + e^(−0.3))"
    assert render.latex(softplus(Num(-0.3))) == r"\ln(1 + e^{-0.3})"  # a superscript needs no parentheses
    assert render.html(softplus(Num(-0.3))) == "ln(1 + e<sup>−0.3</sup>)"
    assert render.text(call("tanh", Num(-0.3))) == "tanh(−0.3)"  # a function's only argument: no second pair
    assert render.text(call("max", 0, Num(-0.3))) == "max(0, (−0.3))"
    small = Num(-1.5e-05) * Num(math.inf) + Num(math.nan)
    assert render.text(small) == "(−1.5e−05)·inf + nan"
    assert render.latex(small) == r"(-1.5 \times 10^{-5}) \cdot \infty + \mathrm{NaN}"
    assert render.html(small) == "(−1.5×10<sup>−5</sup>)·∞ + NaN"
    assert render.text(Num(-0.123456789, wrap=False), significant(3)) == "−0.123"


def test_names_derivatives_and_remarks():
    cases = [
        (Sym("E", "total", index="2"), "E_total[2]", r"E_{total}^{[2]}", "E<sub>total</sub><sup>[2]</sup>"),
        (Sym("w", "5").updated(), "w5⁺", r"w_{5}^{+}", "w<sub>5</sub>⁺"),
        (Deriv(Sym("E", index="2"), Sym("w", "5")), "∂E[2]/∂w5", r"\frac{\partial E^{[2]}}{\partial w_{5}}",
         "∂E<sup>[2]</sup>/∂w<sub>5</sub>"),
        # a name in a subscript is typeset as a name (the old text parser wrote v_{b}\_h_{1}.2)
        (Sym("v", Sym("b", "h1.2")), "v_b_h1.2", r"v_{b_{h1.2}}", "v<sub>b<sub>h1.2</sub></sub>"),
        # the hat is the spacing circumflex (U+02C6), which fonts draw beside its letter, not above it
        (Sym("m", Sym("w", "5"), accent="^"), "m\u02c6_w5", r"\hat{m}_{w_{5}}", "m\u02c6<sub>w<sub>5</sub></sub>"),
        (Abs(Num(-0.4)) + Floor((Sym("k") - 1) / Sym("s")), "|−0.4| + ⌊(k − 1)/s⌋",
         r"\lvert -0.4\rvert + \lfloor (k - 1)/s\rfloor", "|−0.4| + ⌊(k − 1)/s⌋"),
        (Sym("β", "1") ** Sym("t"), "β1^t", r"\beta_{1}^{t}", "β<sub>1</sub><sup>t</sup>"),
        (SumOver(Sym("target")), "Σtarget", r"\Sigma \mathit{target}", "Σtarget"),
        (remark(Sym("b", "h1"), "not trained"), "b_h1 (not trained)", r"b_{h1}\ (\text{not trained})",
         "b<sub>h1</sub> (not trained)"),
        (row(Deriv(Sym("E", "total"), Sym("w", "1")), Group(row(Text("sample"), Const("2")))),
         "∂E_total/∂w1 (sample 2)", r"\frac{\partial E_{total}}{\partial w_{1}}\ (\text{sample}\ 2)",
         "∂E<sub>total</sub>/∂w<sub>1</sub> (sample 2)"),
        (Sym("a") + Elided(1200) + Num(-2.0), "a + … (1,200 terms) … + (−2)",
         r"a + \dots (1{,}200\ \text{terms})\dots + (-2)", "a + … (1,200 terms) … + (−2)"),
    ]
    for token, plain, latex, html in cases:
        assert (render.text(token), render.latex(token), render.html(token)) == (plain, latex, html)


def test_every_greek_letter_a_formula_names_is_its_latex_command():
    """λ is \\lambda, though Unicode names it LAMDA (the penalty's strength was typeset \\lamda)."""
    commands = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon", "η": r"\eta",
                "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "ρ": r"\rho", "σ": r"\sigma", "Σ": r"\Sigma"}
    for letter, command in commands.items():
        assert render.latex(Sym(letter)) == command
        assert render.latex(Sym(letter, "0")) == command + "_{0}"


def test_latex_and_html_specials_in_names_and_words_are_shown_not_obeyed():
    for ch, math_shown, text_shown in [("%", r"\%", r"\%"), ("#", r"\#", r"\#"), ("&", r"\&", r"\&"),
                                       ("$", r"\$", r"\$"), ("_", r"\_", r"\_"), ("{", r"\{", r"\{"),
                                       ("}", r"\}", r"\}"), ("~", r"\sim ", r"\textasciitilde{}"),
                                       ("\\", r"\backslash ", r"\textbackslash{}")]:
        assert render.latex(Sym("x", index=ch)) == "x^{[" + math_shown + "]}"
        assert render.latex(Text(f"a {ch} b")) == r"\text{a " + text_shown + " b}"
    assert render.latex(Sym("E", "total", index="%") + 1) == r"E_{total}^{[\%]} + 1"
    assert render.html(Text("<b>x</b> & y") + Sym("<i>")) == "&lt;b&gt;x&lt;/b&gt; &amp; y + &lt;i&gt;"


def test_terms_of_the_outermost_sum():
    f = Sym("a") * Sym("b") + (Sym("c") + Sym("d")) / 2 + Sym("e")
    assert [render.text(x) for x in terms(f)] == ["a·b", "(c + d)/2", "e"]
    assert terms(Sym("a") - Sym("b")) == [Sym("a") - Sym("b")]


@pytest.mark.parametrize("fn, plain, latex, html", FORMULAS)
def test_the_trace_csv_template_writes_what_the_plain_text_writes(fn, plain, latex, html):
    count = fn.__code__.co_argcount
    pieces, slots = render.template(fn, count)
    values = [0.25, -0.5, -1.5e-300, math.inf, -math.inf, math.nan, 0.0]
    for numbers in itertools.product(values, repeat=count):
        texts = [exact_in_formula(v) for v in numbers]
        written = pieces[0] + "".join(
            (f"({texts[k]})" if mode and texts[k].startswith("−") or mode == render.BASE and "e" in texts[k]
             else texts[k]) + piece
            for (k, mode), piece in zip(slots, pieces[1:]))
        assert written == render.text(fn(*map(Num, numbers)), exact_in_formula)


def test_a_squared_number_is_in_parentheses_where_negative_or_written_with_an_exponent():
    """As the optimizers' and penalties' formulas write g² and w² with numbers: (−0.05)², (1e−05)²."""
    cases = [(0.05, "0.05²"), (-0.05, "(−0.05)²"), (1e-05, "(1e−05)²"), (-1e-05, "(−1e−05)²"), (math.inf, "inf²")]
    for value, plain in cases:
        assert render.text(squared(Num(value)), exact_in_formula) == plain


def _concept_formulas():
    """Every formula the concept modules write, in symbols: each activation's and its derivative,
    each loss's term, ∂E/∂out and fused δ, each optimizer's update of the parameter and of each
    buffer it declares or shows (as the iteration's first or a later one), each penalty's value,
    gradient and term, each schedule's learning rate."""
    from engine.concepts.activations import ACTIVATIONS
    from engine.concepts.losses import LOSSES
    from engine.concepts.optimizers import OPTIMIZERS
    from engine.concepts.penalties import PENALTIES
    from engine.concepts.schedules import SCHEDULES

    net, out, target = Sym("net", "o1"), Sym("out", "o1"), Sym("target", "o1")
    for a in ACTIVATIONS.values():
        yield f"{a.name} text", a.text(net, [net, Sym("net", "o2")])
        yield f"{a.name} grad_text", a.grad_text(net, out)
    for loss in LOSSES.values():
        yield f"{loss.name} text", loss.text(target, out, 3)
        yield f"{loss.name} grad_text", loss.grad_text(target, out, 3)
        if loss.fused is not None:
            yield f"{loss.name} fused", loss.fused.text(out, target, 3, None)
            yield f"{loss.name} fused, Σtarget", loss.fused.text(out, target, 3, SumOver(Sym("target")))
    for cls in OPTIMIZERS.values():
        for name in ("", *(b.name for b in cls.declared + cls.shows)):
            for first in (True, False):
                update = cls().formula(name, first)
                yield f"{cls.name} {name or 'parameter'} first={first}", \
                    update.fn(*(Sym("x", str(k)) for k in range(len(update.operands))))
    lam, w, g = Sym("λ"), Sym("w", "5"), Deriv(Sym("E", "data"), Sym("w", "5"))
    for cls in PENALTIES.values():
        yield f"{cls.name} text", cls.text(lam, w, Sym("w", "6"))
        yield f"{cls.name} text of one weight", cls.text(lam, w)
        yield f"{cls.name} gradient_text", cls.gradient_text(g, lam, w)
        yield f"{cls.name} term_text", cls.term_text(lam, w)
    for cls in SCHEDULES.values():
        yield f"{cls.name} text", cls.text(Sym("η", "0"), Sym("k"), *(s.sym() for s in cls.settings))


@pytest.mark.parametrize("what, formula", list(_concept_formulas()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_formula_of_a_concept_is_tokens_that_typeset_without_plain_text(what, formula):
    """A concept module builds its formulas with tokens (never text): its LaTeX is made from the
    tree, so no character of the plain text (− · × ² ⁺ ∂ √ Σ) reaches it untranslated."""
    assert isinstance(formula, Token), f"{what}: {formula!r} is not a token"
    latex = render.latex(formula)
    assert not set(latex) & set("−·×²⁺∂√Σδ"), f"{what}: {latex}"
    assert render.text(formula) and render.html(formula)
