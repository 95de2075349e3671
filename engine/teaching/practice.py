"""Practice mode: the student computes the next value, the engine checks it and names the mistake.

A `Practice` runs over a `Session` and its current iteration. It asks for the computations of
the session's step list (`Session.steps`) in order, the ones its filter selects: all of them,
one phase (forward, loss, backward, update), or the chain rule of chosen parameters (the
backward and update computations their update reads, back to the loss: each ∂E/∂out,
∂out/∂net and δ on a path from the parameter to the outputs, its gradient and its update).
The others, and values that are not finite numbers, advance by themselves. The session's
cursor shows where practice is: every value up to it is known (shown); the question is the
computation just after it.

    practice = Practice(session, phase="backward")
    question = practice.current          # label ∂E/∂out_o1, formula −(target_o1 − out_o1)
    verdict = practice.check("-0.7414")  # wrong, sign_flipped, and why in plain words
    practice.hint()                      # the values the formula reads, then the formula with them put in
    verdict = practice.check("0.7414")   # right: the cursor moves on to the next question
    practice.reveal(); practice.skip()   # give the value / pass over it
    practice.score()                     # per phase: right at the first try, after a hint ...
    practice.choose("update")            # another filter from here on, the score kept

`check` takes the text as typed (`engine.network.numbers`: 0.7514, 0,7514, 3/4) and says right when the
engine's value agrees with it to the significant digits typed (at least 3, at most `digits`;
`rule` says so in a sentence); a wrong value is compared with what the catalogue of mistakes
(`mistakes`) makes of it. Checking only reads: it never changes the network, the record or
the trace; a right answer, Reveal and Skip move the session's cursor (`Session.go_to`), as
stepping does. A view refreshes from the session after each call; if the cursor was moved
elsewhere (step back), `resume()` takes practice up from there.

The report of what happened (for a teacher to collect) is `engine.teaching.practice_report`.
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from engine.network import naming
from engine.concepts import render
from engine.record.describe import context
from engine.concepts.formula import significant, unsigned_zero
from engine.teaching.mistakes import MIN_DIGITS, Mistakes, checked_digits
from engine.network.numbers import agrees, read_typed
from engine.record.quantities import PHASES, QUANTITIES, Key, spec
from engine.session.session import Session

MAX_DIGITS = 17  # a float64 has at most 17 significant digits
DEFAULT_DIGITS = 9
# How an asked value ended: right at the first try, right after wrong tries (no hint), right
# after a hint, revealed, skipped.
OUTCOMES = ("first_try", "after_tries", "after_hint", "revealed", "skipped")


def rule(digits: int = DEFAULT_DIGITS) -> str:
    """When a typed value is right, in a sentence the window can show."""
    return (f"A value is right when it agrees with the engine's to the significant digits you type, "
            f"at least {MIN_DIGITS} and at most {digits}: 0.7514 is checked to 4 digits, 0.75136507 to 8, "
            f"0.5 as 0.500; a fraction such as 3/4 is checked to {digits}.")


@dataclass(frozen=True)
class Question:
    key: Key
    label: str  # as the trace CSV's `label` column writes it: net_h1, ∂E/∂w5, w5⁺
    phase: str
    formula: str  # in symbols: w1·i1 + w2·i2 + b_h1
    sample: int | None  # the sample's position in the network file (1-based), for per-sample values
    number: int  # 1-based, among the values asked in this iteration
    count: int  # values asked in this iteration


@dataclass(frozen=True)
class Verdict:
    verdict: str  # "right", "wrong", "revealed" or "skipped"
    label: str
    value: float | None  # the engine's value: once right, revealed or skipped
    mistake: str | None  # the mistake named (a wrong value), an ID of mistakes.CATALOGUE
    explanation: str  # plain words: right to how many digits, the mistake and where, what to recompute
    digits: int | None = None  # significant digits the typed value was checked to


@dataclass
class Exercise:
    """One asked value and what happened to it."""
    iteration: int
    key: Key
    label: str
    phase: str
    sample: int | None  # the sample's position in the network file (1-based), for per-sample values
    value: float
    answers: list[str] = field(default_factory=list)  # as typed, in order
    mistakes: list[str | None] = field(default_factory=list)  # named for each wrong answer (None: none)
    hints: int = 0
    outcome: str | None = None  # one of OUTCOMES; None while it is asked


@dataclass
class Score:
    phases: dict[str, Counter]  # phase -> outcome -> count
    mistakes: Counter  # mistake ID -> times named
    open: int = 0  # asked and not yet answered

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.phases.values())

    def as_dict(self) -> dict:
        return {"phases": {p: {o: c[o] for o in OUTCOMES} for p, c in self.phases.items()},
                "mistakes": dict(self.mistakes.most_common()), "unanswered": self.open,
                **{o: self.total(o) for o in OUTCOMES}}


class Practice:
    def __init__(self, session: Session, phase: str | None = None, params=(), digits: int = DEFAULT_DIGITS):
        """`phase`: one of PHASES, or None for every computation; `params`: names of weights
        and biases (w5, b_h1) whose chain rule is practised (not together with `phase`);
        `digits`: the most significant digits a value is checked to."""
        if not MIN_DIGITS <= digits <= MAX_DIGITS:
            raise ValueError(f"the digits must be from {MIN_DIGITS} to {MAX_DIGITS}, found {digits}")
        self.session = session
        self.digits = digits
        self.exercises: list[Exercise] = []
        self._mistakes: dict[tuple[int, Key], Mistakes] = {}
        self.choose(phase, params)

    def choose(self, phase: str | None = None, params=()) -> None:
        """Practise another phase, or the chain rule of other parameters, from where the
        session is: what was answered so far (the exercises, the score) stays."""
        if phase is not None and phase not in PHASES:
            raise ValueError(f"the phase must be one of {', '.join(PHASES)}, not {phase!r}")
        if phase is not None and params:
            raise ValueError("practise one phase or the chain rule of parameters, not both")
        chosen = [self._parameter(p) for p in params]
        self.phase, self.params = phase, chosen
        self._chain: tuple[int, set[Key]] | None = None
        self._positions: tuple[tuple, list[int]] | None = None
        self.resume()

    def _parameter(self, name) -> naming.Param:
        if isinstance(name, naming.Param):
            return name
        try:
            return self.session.parameter(name)
        except KeyError:
            names = [p.name for p in self.session.net.parameters()]
            shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
            raise ValueError(f"no parameter named {name!r} (the network has {shown})") from None

    @property
    def rule(self) -> str:
        return rule(self.digits)

    @property
    def what(self) -> str:
        """What is practised, in words."""
        if self.phase:
            return f"the {self.phase} phase"
        if self.params:
            return "the chain rule of " + ", ".join(p.name for p in self.params)
        return "every computation"

    # -- which values are asked ---------------------------------------------------------------
    def _asks(self, key: Key, rec, chain: set[Key] | None, finite: bool = False) -> bool:
        """Does practice ask for this computation (rather than let it advance by itself)?
        `finite`: every value of the record is known to be finite."""
        if self.phase is not None and key.phase != self.phase:
            return False
        if chain is not None and key not in chain:
            return False
        if finite:
            return True
        value = rec.value(key)
        return value - value == 0  # a finite number (an infinite ∂E/∂out of bce is shown)

    def _chain_keys(self) -> set[Key]:
        """The backward and update computations the chosen parameters' updates read."""
        s = self.session
        if self._chain is not None and self._chain[0] == s.iteration:
            return self._chain[1]
        steps = set(s.steps)
        ctx = context(s.net, s.record)
        todo = [Key(p.kind, p.layer, p.unit, p.source) for p in self.params]
        todo += [Key("grad_" + p.kind, p.layer, p.unit, p.source) for p in self.params]
        found: set[Key] = set()
        while todo:
            key = todo.pop()
            if key not in steps:
                per_sample = QUANTITIES[key.quantity].batch_of
                key = Key(per_sample, key.layer, key.unit, key.source, 0) if per_sample and len(ctx.samples) == 1 else None
                if key is None or key not in steps:
                    continue
            if key in found or key.phase not in ("backward", "update"):
                continue
            found.add(key)
            formula = spec(s.net, ctx, key)
            todo += [] if formula is None else formula.keys()
        self._chain = (s.iteration, found)
        return found

    def _asked(self) -> list[int]:
        """Positions in the step list of the values asked in this iteration (found once per
        iteration, and again by `resume`)."""
        s = self.session
        mark = (s.iteration, id(s.steps))
        if self._positions is None or self._positions[0] != mark:
            rec, chain = s.record, self._chain_keys() if self.params else None
            finite = bool(np.isfinite(rec.row).all())  # then so are the products δ·out, nearly always
            self._positions = (mark, [n for n, key in enumerate(s.steps) if self._asks(key, rec, chain, finite)])
        return self._positions[1]

    def resume(self) -> None:
        """Advance the session's cursor over the computations not asked, up to the next asked
        one (never past the end of the iteration). Call it after the session was moved or
        changed elsewhere (a step back, an edit: the values are read again)."""
        self._positions = self._chain = None
        self._mistakes.clear()
        self._settle()
        q, last = self.current, self.exercises[-1] if self.exercises else None
        if q is not None and last is not None and last.outcome is None and last.key == q.key \
                and last.iteration == self.session.iteration:
            last.value = unsigned_zero(self.session.record.value(q.key))

    def _settle(self) -> None:
        s = self.session
        asked = self._asked()
        n = bisect.bisect_left(asked, s.cursor + 1)
        s.go_to((asked[n] if n < len(asked) else len(s.steps)) - 1)

    @property
    def done(self) -> bool:
        """Nothing left to ask in this iteration."""
        return self.current is None

    @property
    def current(self) -> Question | None:
        s = self.session
        asked = self._asked()
        n = bisect.bisect_left(asked, s.cursor + 1)
        if n == len(asked) or asked[n] != s.cursor + 1:
            return None
        key = s.steps[asked[n]]
        entry = s.describe(key)
        sample = None if key.sample is None else int(s.record.samples[key.sample]) + 1
        return Question(key, entry.label, key.phase, entry.formula.symbolic() if entry.formula else "",
                        sample, n + 1, len(asked))

    def next_iteration(self) -> None:
        """On to the next iteration (once this one is done), at its first asked value."""
        s = self.session
        s.go_to(len(s.steps) - 1)
        s.step()  # into the next iteration, at its first computation: asked too, so back before it
        s.go_to(-1)
        self._settle()

    # -- answering ----------------------------------------------------------------------------
    def _question(self) -> Question:
        q = self.current
        if q is None:
            raise ValueError("nothing is asked: this iteration's practice is done")
        return q

    def _exercise(self, q: Question) -> Exercise:
        """The record of the value asked now (made when it is first answered or hinted at)."""
        it = self.session.iteration
        last = self.exercises[-1] if self.exercises else None
        if last is None or last.outcome is not None or last.key != q.key or last.iteration != it:
            last = Exercise(it, q.key, q.label, q.phase, q.sample, unsigned_zero(self.session.record.value(q.key)))
            self.exercises.append(last)
        return last

    def mistakes(self, key: Key) -> Mistakes:
        """What the catalogue makes of one value of the current iteration (made once)."""
        s = self.session
        found = self._mistakes.get((s.iteration, key))
        if found is None:
            if len(self._mistakes) > 256:
                self._mistakes.clear()
            found = self._mistakes[s.iteration, key] = Mistakes(s.net, s.record, key)
        return found

    def check(self, text: str) -> Verdict:
        """The verdict on a typed value of the value asked now. Text that is not a number
        raises ValueError (one line; nothing is counted)."""
        q = self._question()
        typed = read_typed(text)
        ex = self._exercise(q)
        ex.answers.append(text.strip())
        digits = checked_digits(typed, self.digits)
        fmt = significant(self.digits)
        if agrees(typed, ex.value, digits):
            self._close(ex, "after_hint" if ex.hints else "after_tries" if len(ex.answers) > 1 else "first_try")
            return Verdict("right", q.label, ex.value, None,
                           f"Right: {q.label} = {fmt(ex.value)} (checked to {digits} significant digits).", digits)
        diagnosis = self.mistakes(q.key).diagnose(typed, self.digits)
        ex.mistakes.append(diagnosis.mistake)
        return Verdict("wrong", q.label, None, diagnosis.mistake, diagnosis.explanation, digits)

    def hint(self) -> str:
        """More than the question says (its formula in symbols): first the values the formula
        reads, each by its symbol, then (and from then on) the formula with the numbers put
        in, from the engine's own formula text."""
        q = self._question()
        ex = self._exercise(q)
        ex.hints += 1
        entry = self.session.describe(q.key)
        if entry.formula is None:
            return f"{q.label} is given"
        fmt = significant(self.digits)
        formula = entry.formula
        if ex.hints > 1:
            return f"{q.label} = {formula.symbolic()} = {formula.numeric(fmt)}"
        values = {}
        for symbol, value in zip(formula.symbols, formula.values):
            values.setdefault(render.text(symbol), fmt(value))
        read = ", ".join(f"{symbol} = {text}" for symbol, text in values.items())
        return f"{q.label} = {formula.symbolic()}, with {read}" if read else \
            f"{q.label} = {formula.symbolic()} = {formula.numeric(fmt)}"

    def reveal(self) -> Verdict:
        """Give up: the value, and on to the next."""
        return self._give("revealed")

    def skip(self) -> Verdict:
        """Pass over the value (it is shown, as the next computations read it); not scored as
        revealed."""
        return self._give("skipped")

    def _give(self, outcome: str) -> Verdict:
        q = self._question()
        ex = self._exercise(q)
        self._close(ex, outcome)
        fmt = significant(self.digits)
        return Verdict(outcome, q.label, ex.value, None, f"{q.label} = {fmt(ex.value)}")

    def _close(self, ex: Exercise, outcome: str) -> None:
        ex.outcome = outcome
        self.session.go_to(self.session.cursor + 1)
        self._settle()

    # -- the score ----------------------------------------------------------------------------
    def score(self) -> Score:
        phases = {p: Counter() for p in PHASES if self.phase in (None, p)}
        mistakes: Counter = Counter()
        open_ = 0
        for ex in self.exercises:
            mistakes.update(m for m in ex.mistakes if m)
            if ex.outcome is None:
                open_ += 1
            else:
                phases.setdefault(ex.phase, Counter())[ex.outcome] += 1
        return Score(phases, mistakes, open_)
