"""python -m engine practice: practice mode in a terminal (or driven by a program, with --json).

    python -m engine practice NETWORK [--phase forward|loss|backward|update] [--chain w5,b_h1]
        [--json] [--digits N]

Asks for each value of the network's first iteration (or the one its training state starts)
in turn and reads the answers from standard input, one per line: a number (0.7514, 0,7514,
3/4) is checked; an empty line reveals the value and moves on; `?` (or `hint`) gives a hint
(the formula in symbols, then with the numbers); `skip` passes over the value. At the end of
the iteration or of the input, a summary (the score).

With --json every line written is one JSON object: {"ask": LABEL, "formula": SYMBOLS} before
each line read (LABEL exactly the trace CSV's label); after an answer {"verdict": "right" |
"wrong" | "revealed" | "skipped", "mistake": ID or null, "value": V or null, "explanation":
TEXT} (V, the engine's value, once right, revealed or skipped; after "wrong" the same value is
asked again); {"hint": TEXT}; {"error": TEXT} for a line that is not a number; at the end
{"summary": {...}} (practice.Score.as_dict, with the iteration).
"""
from __future__ import annotations

import json
import sys

from engine.teaching.mistakes import CATALOGUE, MIN_DIGITS
from engine.files.netfile import NetworkFileError, printable
from engine.teaching.practice import DEFAULT_DIGITS, MAX_DIGITS, OUTCOMES, Practice, Verdict
from engine.teaching.practice_report import HEADINGS
from engine.record.quantities import PHASES
from engine.session.session import Session
from engine.cli.loader import WHOLE
from engine.cli.terminal import say

HINT, SKIP = ("?", "hint"), ("skip",)
MAX_LINE = 4096  # characters of a line read: no answer is longer (engine.network.numbers.MAX_CHARACTERS)


def add_parser(sub) -> None:
    practice = sub.add_parser("practice", help="compute each value yourself; the engine checks it and names the mistake")
    practice.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    practice.add_argument("--phase", choices=PHASES, help="practise one phase only (the rest advances by itself)")
    practice.add_argument("--chain", metavar="PARAMS", help="practise the chain rule of these parameters: w5,b_h1")
    practice.add_argument("--json", action="store_true", help="one JSON object per line, for programs")
    practice.add_argument("--digits", type=WHOLE, default=DEFAULT_DIGITS, metavar="N",
                          help=f"check values to at most N significant digits ({MIN_DIGITS} to {MAX_DIGITS}, default {DEFAULT_DIGITS})")


def _utf8(stream):
    """The stream, writing or reading UTF-8 whatever the locale (labels use ∂, δ, ⁺)."""
    if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
        stream.reconfigure(encoding="utf-8", errors="replace")
    return stream


def cmd_practice(args, load) -> int:
    """`load(spec)`: the network of a file or preset (raising NetworkFileError)."""
    if not MIN_DIGITS <= args.digits <= MAX_DIGITS:
        raise NetworkFileError("practice", "--digits", f"must be from {MIN_DIGITS} to {MAX_DIGITS}, found {args.digits}")
    if args.phase and args.chain:
        raise NetworkFileError("practice", "--chain", "practise one phase or a chain rule, not both (--phase)")
    net = load(args.network)
    params = [p.strip() for p in args.chain.split(",")] if args.chain else []
    try:
        practice = Practice(Session(net), args.phase, params, args.digits)
    except ValueError as e:  # a parameter the network does not have
        raise NetworkFileError("practice", "--chain", str(e)) from None
    out, read = _utf8(sys.stdout), _utf8(sys.stdin)
    talk = _Json(out) if args.json else _Text(out)
    talk.start(args.network, practice)
    while practice.current is not None:
        talk.ask(practice.current)
        line = read.readline(MAX_LINE + 1)
        if not line:
            break
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while (rest := read.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass  # the rest of a line too long to be an answer, read and dropped
            talk.error(f"a line of more than {MAX_LINE:,} characters")
            continue
        answer = line.strip()
        if answer.lower() in HINT:
            talk.hint(practice.hint())
        elif answer.lower() in SKIP:
            talk.verdict(practice.skip())
        elif not answer:
            talk.verdict(practice.reveal())
        else:
            try:
                talk.verdict(practice.check(answer))
            except ValueError as e:
                talk.error(str(e))
    talk.summary(practice)
    return 0


class _Json:
    def __init__(self, out):
        self.out = out

    def _write(self, obj: dict) -> None:
        say(json.dumps(obj, ensure_ascii=False), file=self.out, flush=True)

    def start(self, name, practice) -> None:
        pass

    def ask(self, q) -> None:
        self._write({"ask": q.label, "formula": q.formula})

    def verdict(self, v: Verdict) -> None:
        self._write({"verdict": v.verdict, "mistake": v.mistake, "value": v.value, "explanation": v.explanation})

    def hint(self, text: str) -> None:
        self._write({"hint": text})

    def error(self, text: str) -> None:
        self._write({"error": text})

    def summary(self, practice: Practice) -> None:
        self._write({"summary": {"iteration": practice.session.iteration, **practice.score().as_dict()}})


class _Text:
    def __init__(self, out):
        self.out = out

    def _line(self, text: str = "", end: str = "\n") -> None:
        say(text, end=end, file=self.out, flush=True)

    def start(self, name, practice: Practice) -> None:
        s = practice.session
        q = practice.current
        count = q.count if q else 0
        self._line(f"{name}: iteration {s.iteration}, {practice.what} ({count} value{'s' if count != 1 else ''} "
                   f"to compute).")
        self._line(practice.rule)
        self._line("Type a value and Enter; an empty line shows the value and moves on; ? gives a hint; skip skips.")

    def ask(self, q) -> None:
        sample = f", sample {q.sample}" if q.sample is not None else ""
        self._line()
        self._line(f"[{q.number}/{q.count} {q.phase}{sample}] {q.label} = {q.formula}")
        self._line(f"{q.label} = ", end="")

    def verdict(self, v: Verdict) -> None:
        if v.verdict == "wrong":
            named = f" ({v.mistake})" if v.mistake else ""
            self._line(f"wrong{named}: {v.explanation}")
        elif v.verdict == "right":
            self._line(v.explanation)
        else:
            self._line(f"{v.verdict}: {v.explanation}")

    def hint(self, text: str) -> None:
        self._line(f"hint: {text}")

    def error(self, text: str) -> None:
        self._line(f"not an answer: {printable(text, 400)}")

    def summary(self, practice: Practice) -> None:
        score = practice.score()
        self._line()
        self._line(f"Score (iteration {practice.session.iteration}):")
        for phase, counts in score.phases.items():
            if sum(counts.values()):
                self._line(f"  {phase}: " + ", ".join(f"{HEADINGS[o]} {counts[o]}" for o in OUTCOMES if counts[o]))
        if score.open:
            self._line(f"  not answered: {score.open}")
        if score.mistakes:
            self._line("Mistakes named:")
            for mistake, n in score.mistakes.most_common():
                self._line(f"  {mistake} ×{n}: {CATALOGUE[mistake].title}")
