"""Practice mode (engine/teaching/practice.py, engine/teaching/practice_report.py, python -m engine practice): the
worked example's published figures accepted step by step, hints, reveal, skip, the filters, the
score, the report, and the command driven through its standard input."""
from __future__ import annotations

import csv
import io
import json

import pytest

from engine import Session, open_network
from engine.teaching import practice_report
from engine.teaching.mistakes import CATALOGUE
from engine.teaching.practice import OUTCOMES, Practice, rule
from engine.record.tracecsv import TraceRows
from tests.helpers import run_cli

# The first iteration of the worked example as the article publishes it (9 digits; 4.. 10 where
# it prints so). Not published there: ∂E/∂w6..w8, taken from its w6⁺..w8⁺ (∂E/∂w = (w − w⁺)/η),
# the bias gradients (δ, the article does not train biases) and δ_h1, δ_h2 (the float64
# gradients of fc1.bias in ../shared/reference/worked-example.md).
PUBLISHED = [
    ("net_h1", "0.3775"), ("out_h1", "0.593269992"), ("net_h2", "0.3925"), ("out_h2", "0.596884378"),
    ("net_o1", "1.105905967"), ("out_o1", "0.75136507"), ("net_o2", "1.224921404"), ("out_o2", "0.772928465"),
    ("E_o1", "0.274811083"), ("E_o2", "0.023560026"), ("E_total", "0.298371109"),
    ("∂E/∂out_o1", "0.74136507"), ("∂out_o1/∂net_o1", "0.186815602"), ("δ_o1", "0.138498562"),
    ("∂E/∂w5", "0.082167041"), ("∂E/∂w6", "0.082667628"), ("∂E/∂b_o1", "0.138498562"),
    ("∂E/∂out_o2", "-0.217071535"), ("∂out_o2/∂net_o2", "0.175510053"), ("δ_o2", "-0.038098237"),
    ("∂E/∂w7", "-0.02260254"), ("∂E/∂w8", "-0.022740242"), ("∂E/∂b_o2", "-0.038098237"),
    ("∂E/∂out_h1", "0.036350306"), ("∂out_h1/∂net_h1", "0.241300709"), ("δ_h1", "0.00877135469"),
    ("∂E/∂w1", "0.000438568"), ("∂E/∂w2", "0.000877135"), ("∂E/∂b_h1", "0.00877135469"),
    ("∂E/∂out_h2", "0.041370323"), ("∂out_h2/∂net_h2", "0.240613417"), ("δ_h2", "0.00995425471"),
    ("∂E/∂w3", "0.000497713"), ("∂E/∂w4", "0.000995425"), ("∂E/∂b_h2", "0.00995425471"),
    ("w1⁺", "0.149780716"), ("w2⁺", "0.19956143"), ("w3⁺", "0.24975114"), ("w4⁺", "0.29950229"),
    ("w5⁺", "0.35891648"), ("w6⁺", "0.408666186"), ("w7⁺", "0.511301270"), ("w8⁺", "0.561370121"),
]


def four(text: str) -> str:
    """The same figure to 4 significant digits (trailing zeros kept: −0.03810)."""
    return f"{float(text):#.4g}"


@pytest.fixture
def mazur():
    return Session(open_network("mazur"))


# -- the worked example, step by step --------------------------------------------------------------
@pytest.mark.parametrize("digits", [9, 4])
def test_the_published_figures_are_accepted_through_the_first_iteration(mazur, digits):
    practice = Practice(mazur)
    assert [practice.current.count] == [len(PUBLISHED)]
    for label, text in PUBLISHED:
        q = practice.current
        assert q.label == label
        typed = text if digits == 9 else four(text)
        verdict = practice.check(typed)
        assert verdict.verdict == "right", (label, typed, verdict.explanation)
        assert verdict.value == mazur.record.value(q.key)
    assert practice.done and practice.current is None
    assert practice.score().total("first_try") == len(PUBLISHED)
    assert mazur.iteration == 1 and mazur.cursor == len(mazur.steps) - 1


def test_the_number_entry_forms_are_accepted(mazur):
    practice = Practice(mazur)
    assert practice.check("151/400").verdict == "right"  # net_h1 = 0.3775, as a fraction
    assert practice.check("0,5933").verdict == "right"  # out_h1, decimal comma
    assert practice.check("0.39250").verdict == "right"  # net_h2
    assert practice.check("−0.5").verdict == "wrong"  # out_h2 (a true minus sign is read)
    with pytest.raises(ValueError, match="is not a number"):
        practice.check("abc")
    assert [e.answers for e in practice.exercises][-1] == ["−0.5"]  # text that is no number is not an answer


def test_right_to_the_digits_typed_at_least_three_at_most_the_setting(mazur):
    practice = Practice(mazur, digits=4)
    assert "at least 3 and at most 4" in practice.rule
    assert practice.check("0.3775").verdict == "right"
    assert practice.check("0.593269000").verdict == "right"  # out_h1 = 0.593269992: checked to 4 digits
    verdict = practice.check("0.4")  # net_h2 = 0.3925: "0.4" is 0.400
    assert verdict.verdict == "wrong" and verdict.mistake == "rounding" and verdict.digits == 3
    assert Practice(Session(open_network("mazur"))).check("0.37750001").verdict == "wrong"  # 9 digits: no
    assert "0.7514 is checked to 4 digits" in rule()


# -- hint, reveal, skip ----------------------------------------------------------------------------
def test_hint_gives_the_values_read_then_the_formula_with_numbers(mazur):
    """The first hint adds to the question (which shows the formula in symbols): the values its
    symbols stand for (issue 17: it repeated the question)."""
    practice = Practice(mazur)
    assert practice.current.formula == "w1·i1 + w2·i2 + b_h1"
    assert practice.hint() == "net_h1 = w1·i1 + w2·i2 + b_h1, with w1 = 0.15, i1 = 0.05, w2 = 0.2, i2 = 0.1, b_h1 = 0.35"
    assert practice.hint() == "net_h1 = w1·i1 + w2·i2 + b_h1 = 0.15·0.05 + 0.2·0.1 + 0.35"
    assert practice.hint().endswith("= 0.15·0.05 + 0.2·0.1 + 0.35")  # and so on
    assert practice.check("0.3775").verdict == "right"
    assert practice.exercises[0].outcome == "after_hint" and practice.exercises[0].hints == 3
    assert practice.current.label == "out_h1"


def test_reveal_and_skip_give_the_value_and_move_on(mazur):
    practice = Practice(mazur)
    assert practice.check("0.5").verdict == "wrong"
    revealed = practice.reveal()
    assert (revealed.verdict, revealed.label, revealed.value) == ("revealed", "net_h1", 0.3775)
    skipped = practice.skip()
    assert (skipped.verdict, skipped.label) == ("skipped", "out_h1")
    assert skipped.value == mazur.record.value(mazur.steps[1])
    assert practice.current.label == "net_h2" and mazur.cursor == 1
    assert mazur.value("out", 1, 0, sample=0) == skipped.value  # shown: the next values read it


def test_a_wrong_answer_then_a_right_one_counts_after_tries(mazur):
    practice = Practice(mazur)
    assert practice.check("0.3").verdict == "wrong"
    assert practice.check("0.3775").verdict == "right"
    assert practice.exercises[0].outcome == "after_tries"


# -- filters ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("phase, count, first", [("forward", 8, "net_h1"), ("loss", 3, "E_o1"),
                                                 ("backward", 24, "∂E/∂out_o1"), ("update", 8, "w1⁺")])
def test_one_phase_is_asked_and_the_rest_advances_by_itself(mazur, phase, count, first):
    practice = Practice(mazur, phase=phase)
    assert practice.current.label == first and practice.current.count == count
    asked = []
    while not practice.done:
        asked.append(practice.current)
        practice.reveal()
    assert len(asked) == count and {q.phase for q in asked} == {phase}
    assert mazur.iteration == 1 and mazur.cursor == len(mazur.steps) - 1  # never into the next iteration
    assert set(practice.score().phases) == {phase}


@pytest.mark.parametrize("params, labels", [
    (["w5"], ["∂E/∂out_o1", "∂out_o1/∂net_o1", "δ_o1", "∂E/∂w5", "w5⁺"]),
    (["w1"], ["∂E/∂out_o1", "∂out_o1/∂net_o1", "δ_o1", "∂E/∂out_o2", "∂out_o2/∂net_o2", "δ_o2",
              "∂E/∂out_h1", "∂out_h1/∂net_h1", "δ_h1", "∂E/∂w1", "w1⁺"]),
    (["b_o2", "w8"], ["∂E/∂out_o2", "∂out_o2/∂net_o2", "δ_o2", "∂E/∂w8", "∂E/∂b_o2", "w8⁺"]),  # b_o2 is frozen
])
def test_the_chain_rule_of_chosen_parameters(mazur, params, labels):
    practice = Practice(mazur, params=params)
    asked = []
    while not practice.done:
        asked.append(practice.current.label)
        practice.skip()
    assert asked == labels
    assert "the chain rule of " + ", ".join(params) == practice.what


def test_a_batch_gradient_is_practised_with_its_samples():
    """softmax, mini-batches of 2: the chain rule of w9 asks both samples' gradients, then
    their mean, then the update."""
    session = Session(open_network("softmax"))
    practice = Practice(session, params=["w9"])
    asked = []
    while not practice.done:
        q = practice.current
        asked.append((q.label, q.sample))
        practice.reveal()
    assert asked == [("δ_o1", 1), ("∂E/∂w9", 1), ("δ_o1", 2), ("∂E/∂w9", 2), ("∂E/∂w9", None), ("w9⁺", None)]


def test_filters_and_settings_are_checked(mazur):
    with pytest.raises(ValueError, match="phase must be one of"):
        Practice(mazur, phase="sideways")
    with pytest.raises(ValueError, match="not both"):
        Practice(mazur, phase="update", params=["w5"])
    with pytest.raises(ValueError, match="no parameter named 'w9'"):
        Practice(mazur, params=["w9"])
    with pytest.raises(ValueError, match="from 3 to 17"):
        Practice(mazur, digits=2)


def test_practice_takes_up_where_the_session_was_moved(mazur):
    practice = Practice(mazur, phase="loss")
    practice.reveal()
    assert practice.current.label == "E_o2"
    mazur.step_back()  # the window stepped back to out_o2
    practice.resume()
    assert practice.current.label == "E_o1"  # the next asked value after the cursor
    while not practice.done:
        practice.reveal()
    practice.next_iteration()
    assert mazur.iteration == 2 and practice.current.label == "E_o1"
    assert practice.check(f"{mazur.record.value(practice.current.key):.9g}").verdict == "right"
    assert [e.iteration for e in practice.exercises][-1] == 2


# -- score and report ----------------------------------------------------------------------------------
def played(session: Session) -> Practice:
    """A short practice with each outcome and a few mistakes (forward and loss phases of mazur)."""
    practice = Practice(session)
    practice.check("0.3775")  # net_h1: first try
    practice.check("0.3775")  # out_h1: net for out
    practice.check("0.5933")  # then right: after tries
    practice.hint()
    practice.check("0.3925")  # net_h2: after a hint
    practice.reveal()  # out_h2
    practice.skip()  # net_o1
    practice.check("1.10590597")  # out_o1: the activation not applied
    practice.check("1.10590597")  # again
    return practice


def test_the_score_counts_each_outcome_per_phase_and_the_mistakes(mazur):
    score = played(mazur).score()
    forward = score.phases["forward"]
    assert [forward[o] for o in OUTCOMES] == [1, 1, 1, 1, 1]
    assert score.mistakes == {"net_for_out": 3} and score.open == 1
    assert score.as_dict()["first_try"] == 1 and score.as_dict()["unanswered"] == 1


def test_the_report_as_csv_and_markdown(mazur):
    practice = played(mazur)
    rows = list(csv.reader(io.StringIO(practice_report.csv_text(practice))))
    assert rows[0] == practice_report.COLUMNS
    assert rows[1] == ["1", "forward", "1", "net_h1", "first_try", "0.3775", "", "0", "0.3775"]
    assert rows[2][3:7] == ["out_h1", "after_tries", "0.3775 | 0.5933", "net_for_out"]
    assert rows[6][3:5] == ["out_o1", ""]  # still asked
    assert rows[6][5:7] == ["1.10590597 | 1.10590597", "net_for_out net_for_out"]
    assert len(rows) == 7
    text = practice_report.markdown(practice, title="Practice: Ada")
    assert text.startswith("# Practice: Ada\n")
    assert "| forward | 1 | 1 | 1 | 1 | 1 |" in text
    assert "| `net_for_out` | 3 | the net input used where the output belongs" in text
    assert r"| 1 | forward | 1 | out\_h2 = 0.596884378 | revealed |" in text  # _ escaped: text, not emphasis
    assert "1 value asked and not answered." in text
    assert practice.rule in text


def test_the_reports_mistakes_cell_says_none_in_a_word_never_a_formula(mazur):
    """A wrong answer that no mistake of the catalogue gives is `none` in the mistakes cell: a
    spreadsheet read `- net_for_out` as a formula (#NAME?)."""
    from engine.text.csvcell import FORMULA_STARTERS

    practice = Practice(mazur)
    practice.check("12345")  # net_h1: wrong, no mistake matched
    practice.check("12345")  # again
    practice.check("0.3775")  # right
    practice.check("0.3775")  # out_h1: net for out (the activation not applied)
    practice.check("67890")  # out_h1: wrong, no mistake matched
    rows = list(csv.reader(io.StringIO(practice_report.csv_text(practice))))
    mistakes = [row[rows[0].index("mistakes")] for row in rows[1:]]
    assert mistakes == ["none none", "net_for_out none"]
    assert not [cell for cell in mistakes if cell.startswith(FORMULA_STARTERS)]
    assert "none" not in CATALOGUE  # the word names no mistake

# -- the command ---------------------------------------------------------------------------------------
def answers(lines) -> str:
    return "".join(f"{line}\n" for line in lines)


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_the_command_practises_the_whole_first_iteration_as_json(mazur):
    r = run_cli("practice", "mazur", "--json", input=answers(text for _, text in PUBLISHED))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    lines = json_lines(r.stdout)
    asks, verdicts, summary = lines[0:-1:2], lines[1:-1:2], lines[-1]
    assert [a["ask"] for a in asks] == [label for label, _ in PUBLISHED]
    assert all(v == {"verdict": "right", "mistake": None, "value": v["value"], "explanation": v["explanation"]}
               for v in verdicts)
    values = [mazur.record.value(key) for key in mazur.steps]
    assert [v["value"] for v in verdicts] == values  # exact: JSON numbers read back as the same floats
    assert summary["summary"]["first_try"] == len(PUBLISHED) and summary["summary"]["iteration"] == 1
    # LABEL is the trace CSV's label, and the formula its symbols
    trace = {}
    for row in TraceRows(mazur.net, mazur.layout).rows(mazur.record):
        trace.setdefault(row[7], row[8].split(" = ")[0])
    for a in asks:
        assert trace[a["ask"]] == a["formula"]


def test_the_command_names_a_wrong_answer_and_asks_again_and_an_empty_line_reveals():
    r = run_cli("practice", "mazur", "--phase", "backward", "--json",
                input=answers(["-0.74136507", "?", "?", "0.7414", "", "skip", "abc"]))
    assert r.returncode == 0, r.stderr
    lines = json_lines(r.stdout)
    assert lines[0] == {"ask": "∂E/∂out_o1", "formula": "−(target_o1 − out_o1)"}
    assert lines[1]["verdict"] == "wrong" and lines[1]["mistake"] == "sign_flipped" and lines[1]["value"] is None
    assert "−(target_o1 − out_o1)" in lines[1]["explanation"]
    assert lines[2] == lines[0]  # asked again
    assert lines[3] == {"hint": "∂E/∂out_o1 = −(target_o1 − out_o1), with target_o1 = 0.01, out_o1 = 0.75136507"}
    assert lines[5] == {"hint": "∂E/∂out_o1 = −(target_o1 − out_o1) = −(0.01 − 0.75136507)"}
    assert lines[7]["verdict"] == "right" and lines[7]["value"] == 0.7413650695523157
    assert lines[8]["ask"] == "∂out_o1/∂net_o1"
    assert lines[9]["verdict"] == "revealed" and lines[9]["value"] == 0.18681560180895948
    assert lines[10]["ask"] == "δ_o1"
    assert lines[11]["verdict"] == "skipped"
    assert lines[12]["ask"] == "∂E/∂w5"
    assert lines[13] == {"error": "“abc” is not a number"}
    assert lines[14]["ask"] == "∂E/∂w5"
    summary = lines[15]["summary"]
    assert summary["phases"]["backward"]["after_hint"] == 1 and summary["mistakes"] == {"sign_flipped": 1}
    assert summary["revealed"] == 1 and summary["skipped"] == 1 and len(lines) == 16


def test_the_command_in_a_terminal_reads_as_text():
    r = run_cli("practice", "mazur", "--chain", "w5", input=answers(["0.7414", "0.186815602", "0.74136507", ""]))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "mazur: iteration 1, the chain rule of w5 (5 values to compute)." in out
    assert "[1/5 backward, sample 1] ∂E/∂out_o1 = −(target_o1 − out_o1)" in out
    assert "Right: ∂E/∂out_o1 = 0.74136507 (checked to 4 significant digits)." in out
    assert "wrong (missing_activation_derivative): the factor ∂out_o1/∂net_o1" in out
    assert "revealed: δ_o1 = 0.138498562" in out
    assert "right at the first try 2, revealed 1" in out
    assert "missing_activation_derivative ×1:" in out


@pytest.mark.parametrize("args, message", [
    (["--digits", "2"], "error: practice: --digits: must be from 3 to 17, found 2"),
    (["--chain", "w99"], "error: practice: --chain: no parameter named 'w99'"),
    (["--phase", "loss", "--chain", "w5"], "error: practice: --chain: practise one phase or a chain rule"),
])
def test_the_command_refuses_bad_options_in_one_line(args, message):
    r = run_cli("practice", "mazur", *args, input="")
    assert r.returncode == 2
    assert r.stderr.startswith(message) and r.stderr.count("\n") == 1
    assert r.stdout == ""


def test_after_an_edit_the_value_asked_is_read_again(mazur):
    practice = Practice(mazur)
    assert practice.check("0.3").verdict == "wrong"  # net_h1 = 0.3775
    mazur.set_parameter(mazur.parameter("w1"), 0.25)  # the window's edit: the iteration starts again
    practice.resume()
    assert practice.current.label == "net_h1"
    verdict = practice.check("0.3825")  # 0.25·0.05 + 0.2·0.1 + 0.35
    assert verdict.verdict == "right" and verdict.value == practice.exercises[-1].value == mazur.record.value(
        practice.exercises[-1].key) == pytest.approx(0.3825)
