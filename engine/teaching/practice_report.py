"""The report of a practice session, for a teacher to collect: CSV (one row per asked value)
and Markdown (the score per phase, the mistakes named with their counts, then every value).

CSV columns: iteration,phase,sample,label,outcome,answers,mistakes,hints,value — `answers` the
typed texts in order joined by " | ", `mistakes` the IDs named for the wrong ones in order
(NONE, `none`, where no mistake matched: a word, which no spreadsheet takes for a formula as it
took `- net_for_out`), `outcome` one of practice.OUTCOMES (empty while the value is still
asked), `value` the engine's (repr, exact). UTF-8 with a byte order mark, as the trace CSV.
Text (the network's name, the labels, the typed answers) is written by engine.text: in the
Markdown as text on one line, never markup; in the CSV on one line, never a spreadsheet formula.
"""
from __future__ import annotations

import csv
import io

from engine.concepts.formula import exact, significant
from engine.teaching.mistakes import CATALOGUE
from engine.teaching.practice import OUTCOMES, Practice
from engine.record.tracecsv import ENCODING
from engine.text import csvcell
from engine.text.markdown import text as md_text

__all__ = ["COLUMNS", "ENCODING", "csv_text", "markdown"]

COLUMNS = ["iteration", "phase", "sample", "label", "outcome", "answers", "mistakes", "hints", "value"]
NONE = "none"  # a wrong answer that no mistake of the catalogue gives, in the CSV's `mistakes`
HEADINGS = {"first_try": "right at the first try", "after_tries": "right after wrong tries",
            "after_hint": "right after a hint", "revealed": "revealed", "skipped": "skipped"}


def csv_text(practice: Practice) -> str:
    """The report as CSV text (write it with ENCODING)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for ex in practice.exercises:
        writer.writerow([ex.iteration, ex.phase, "" if ex.sample is None else ex.sample, csvcell.text(ex.label),
                         ex.outcome or "", csvcell.text(" | ".join(ex.answers)),
                         " ".join(m or NONE for m in ex.mistakes), ex.hints, exact(ex.value)])
    return out.getvalue()


def markdown(practice: Practice, title: str = "Practice report") -> str:
    """The report as Markdown: what was practised and the rule, the score per phase, the
    mistakes named (with what each is), and every asked value."""
    s = practice.session
    net = s.net
    score = practice.score()
    fmt = significant(practice.digits)
    lines = [f"# {md_text(title)}", ""]
    name = f"{md_text(net.name)}: " if net.name else ""
    lines.append(f"Network: {name}{'-'.join(map(str, net.sizes))} {'/'.join(net.activations)}, {net.loss}. "
                 f"Practised: {md_text(practice.what)}.")
    lines += ["", md_text(practice.rule), "", "## Score", ""]
    lines.append("| phase | " + " | ".join(HEADINGS[o] for o in OUTCOMES) + " |")
    lines.append("|---" * (len(OUTCOMES) + 1) + "|")
    for phase, counts in score.phases.items():
        lines.append(f"| {phase} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    lines.append("| **all** | " + " | ".join(f"**{score.total(o)}**" for o in OUTCOMES) + " |")
    if score.open:
        lines += ["", f"{score.open} value{'s' if score.open != 1 else ''} asked and not answered."]
    lines += ["", "## Mistakes named", ""]
    if score.mistakes:
        lines += ["| mistake | times | what it is |", "|---|---|---|"]
        lines += [f"| `{m}` | {n} | {md_text(CATALOGUE[m].title)} |" for m, n in score.mistakes.most_common()]
    else:
        lines.append("None.")
    lines += ["", "## Values", "", "| iteration | phase | sample | value | outcome | answers | mistakes | hints |",
              "|---|---|---|---|---|---|---|---|"]
    for ex in practice.exercises:
        sample = "" if ex.sample is None else ex.sample
        lines.append(f"| {ex.iteration} | {ex.phase} | {sample} | {md_text(ex.label)} = "
                     f"{fmt(ex.value)} | {HEADINGS.get(ex.outcome, 'asked')} | "
                     f"{md_text(' · '.join(ex.answers))} | "
                     f"{' '.join(f'`{m}`' if m else '–' for m in ex.mistakes)} | "
                     f"{ex.hints} |")
    return "\n".join(lines) + "\n"
