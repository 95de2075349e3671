"""The document: everything the views show, behind a QObject with one signal per kind of change.

The model owns the engine's Session (the numbers), the kept runs of the document (other runs'
loss histories, saved with the network), the job running on it (training, an export) and a
small view state shared by all views: the selected element, the sample of the
batch the diagram shows, the number of significant digits, the size of the text, whether
the window is in presentation mode, the layers the diagram shows whole (not folded), the
iteration the diagram compares with (Δ), the parameters whose trajectories are shown, whether the
diagram draws unit maps and whether the output map shows decision regions. Views read from here and
listen to the signals; user actions come back here (or through undo commands that call
`write` and `restore`). A signal is emitted only when its value really changed, so a view
that writes a value back to the model does not start a ping-pong. Nothing is computed here.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from engine import Network, Session, TrainingDiverged
from engine.network.network import samples_problems
from engine.network.runs import Run
from engine.session.session import Bookmark
from engine.record.compare import Comparison
from engine.record.quantities import Key
from engine.concepts.features import raw_name
from engine.concepts.formula import significant
from engine.teaching.practice import Practice

from guiapp.model.evaluation import SessionEvaluations
from guiapp.model.jobs import NOTHING_CHANGED, Export, Job, Training, not_written

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.01  # training yields to the event loop this often (wall time)
REFRESH_SECONDS = 0.1  # while training, `changed` is emitted about this often, or less often ...
VIEW_SHARE = 0.06  # ... so that following the views (refresh and repaint) takes at most this share
DEFAULT_DIGITS = 9
TEXT_SCALES = (70, 80, 90, 100, 110, 125, 140, 160, 180, 200, 250, 300)  # % of the desktop's text size
DEFAULT_TEXT_SCALE = 100
PRESENTATION_SCALE = 1.5  # presentation mode's text, relative to the text size chosen
PLAY_SPEEDS = (1, 60)  # Play: the least and the most computations per second
DEFAULT_PLAY_SPEED = 5
CHAIN = "chain"  # a practice choice: the chain rule of the weight or bias selected


@dataclass(frozen=True)
class ValueRef:
    """An editable value: a parameter ('param', name), an input or a target ('input' or
    'target', (sample, unit), 0-based; with input features an input's unit is the raw input's
    column, x1 … xn), or the learning rate ('lr', None)."""

    kind: str
    key: object = None

    def describe(self, session: Session) -> str:
        if self.kind == "param":
            return self.key
        if self.kind == "lr":
            return "the learning rate η"
        sample, unit = self.key
        layer = 0 if self.kind == "input" else session.net.depth
        name = raw_name(unit) if self.kind == "input" and session.net.features else session.net.unit_name(layer, unit)
        what = name if self.kind == "input" else f"target_{name}"
        return what + (f" of sample {sample + 1}" if session.net.n_samples > 1 else "")


@dataclass(frozen=True)
class UnitRef:
    """A unit of the diagram (layer 0 holds the inputs), 0-based."""

    layer: int
    unit: int


@dataclass(frozen=True)
class BiasUnitRef:
    """The bias unit feeding `layer` (b1 feeds layer 1); drawn in the column of layer − 1."""

    layer: int


@dataclass(frozen=True)
class Possible:
    """What the model's state allows now, as the window's actions need it: the window enables
    them by it, when `possibleChanged` says it changed (not at every step)."""

    busy: bool = False  # a job runs: it owns the session
    training: bool = False  # the job is a training (the sample shown follows it)
    practising: bool = False  # only practice moves on
    step_back: bool = False  # there is a computation before the cursor (or an iteration before)
    past: bool = False  # the iteration shown is not the latest of the timeline
    timeline: bool = False  # there is more than one iteration to go to
    runs: bool = False  # the document keeps runs
    tests: bool = False  # the network holds test samples (Train until the test loss stops improving)


@dataclass(frozen=True)
class Problem:
    """Something the user must be told (the window shows it)."""

    title: str
    text: str
    severe: bool = False  # an unexpected error rather than a warning


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """The same numbers, bit for bit (−0 is not 0: it is written otherwise)."""
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _text_scale_within(percent) -> int:
    return min(max(int(percent), TEXT_SCALES[0]), TEXT_SCALES[-1])


class SessionModel(QObject):
    # `changed`, once per change of the session: the cursor or the iteration moved (the sample shown
    # with it), the numbers were recomputed, or practice moved on or chose other values
    changed = Signal()
    networkReplaced = Signal()  # another network (maybe another shape) was opened
    sourceChanged = Signal(str)  # the network was saved to another file
    selectionChanged = Signal(object)  # ValueRef of a parameter, UnitRef, BiasUnitRef, or None
    sampleChanged = Signal(int)  # the sample (position in the batch) the diagram shows, chosen by hand
    digitsChanged = Signal(int)  # significant digits of every number shown
    textScaleChanged = Signal(int)  # text size, in % of the desktop's
    presentationChanged = Signal(bool)  # presentation mode on or off
    textFactorChanged = Signal()  # `text_factor` or `audience_factor` changed (text size, presentation mode)
    expandedChanged = Signal(object)  # the layers the diagram shows whole (a frozenset)
    referenceChanged = Signal(object)  # the iteration values are compared with (Δ), or None
    tracedChanged = Signal(object)  # the parameters whose trajectories are shown (a tuple of names)
    unitMapsChanged = Signal(bool)  # View ▸ Unit maps: a map of its output inside every unit, or not
    discretizeChanged = Signal(bool)  # the output map's decision regions, or its values
    branched = Signal(int, int)  # an edit at iteration k discarded the later ones, up to this latest
    busyChanged = Signal(bool)  # a job started (True) or ended
    jobProgress = Signal(int, int)  # done, total
    jobFinished = Signal(object)  # a job (Training or Export) ran to its end
    problem = Signal(object)  # a Problem to tell the user
    practiceChanged = Signal(bool)  # practice mode on or off
    practiceSaid = Signal()  # practice said something (a verdict, a hint) and the session stayed
    playingChanged = Signal(bool)  # Play: stepping by itself, or not
    playSpeedChanged = Signal(int)  # Play's speed, computations per second
    logScaleChanged = Signal(bool)  # the loss curve's scale: logarithmic, or linear
    possibleChanged = Signal(object)  # what the state allows now (a Possible) changed
    extended = Signal()  # iterations were computed past the timeline's end (training, a step): Save writes another network
    refused = Signal(str)  # a move the model refused (practising), in a sentence for the status bar
    runsChanged = Signal()  # the kept runs changed: a run kept or removed, another network opened
    runsShownChanged = Signal(bool)  # the loss curve shows the kept runs, or not
    markedChanged = Signal(object)  # the samples marked on the output map (a confusion matrix cell), or None
    stoppedEarly = Signal(int)  # training stopped as the test loss stopped improving: the best iteration

    def __init__(self, net: Network, source: str = "", parent=None):
        super().__init__(parent)
        self.session = Session(net)
        self.source = source  # the file or preset it came from
        self.job: Job | None = None  # the job running, if any
        self._selection = None
        self._sample = 0
        self.sample_chosen = False  # the sample was picked by hand, not by the current computation
        self._digits = DEFAULT_DIGITS
        self.fmt = significant(DEFAULT_DIGITS)
        self._text_scale = DEFAULT_TEXT_SCALE
        self._presentation_scale = DEFAULT_TEXT_SCALE
        self._presentation = False
        self._expanded: frozenset[int] = frozenset()
        self._reference: Comparison | None = None
        self._traced: tuple[str, ...] = ()
        self._unit_maps = False
        self._discretize = False
        self._last_refresh = 0.0
        self._practice: Practice | None = None
        self._practice_choice: str | None = None
        self._practice_said = self._practice_hint = ""
        self._play = QTimer(self, objectName="play")
        self._play.timeout.connect(self.step)
        self._play_speed = 0
        self.set_play_speed(DEFAULT_PLAY_SPEED)
        self._log_scale = False
        self._samples_version = 0
        self._latest = self.session.latest  # the timeline's end as last announced (see `extended`)
        self._runs: tuple[Run, ...] = tuple(net.runs)
        self._runs_shown = True
        self._samples = (self.session.net.inputs, self.session.net.targets)  # as `samples_version` last counted
        self._possible = self._now_possible()
        self.evaluation = SessionEvaluations()  # test loss and accuracies as training goes
        self._marked: tuple[np.ndarray, np.ndarray] | None = None  # rows of the samples and of the test samples

    # -- view state -------------------------------------------------------------------------
    @property
    def selection(self):
        return self._selection

    def set_selection(self, selection) -> None:
        if selection != self._selection:
            self._selection = selection
            self.selectionChanged.emit(selection)

    @property
    def sample(self) -> int:
        return self._sample

    def set_sample(self, sample: int) -> None:
        """Show another sample of the batch: a view choice, which the next computation about
        a sample overrides."""
        if sample != self._sample:
            self.sample_chosen = True
            self._sample = sample
            self.sampleChanged.emit(sample)

    @property
    def digits(self) -> int:
        return self._digits

    def set_digits(self, digits: int) -> None:
        if digits != self._digits:
            self._digits = digits
            self.fmt = significant(digits)
            self.digitsChanged.emit(digits)

    @property
    def text_scale(self) -> int:
        """The text size chosen, in % of the desktop's."""
        return self._text_scale

    def set_text_scale(self, percent: int) -> None:
        percent = _text_scale_within(percent)
        if percent != self._text_scale:
            self._text_scale = percent
            self.textScaleChanged.emit(percent)
            if not self._presentation:
                self.textFactorChanged.emit()

    @property
    def presentation_scale(self) -> int:
        """Presentation mode's own size of the text an audience reads, in % of its usual size:
        Larger and Smaller text change it in presentation mode (the window's other text stays),
        and leaving presentation leaves the text as it was."""
        return self._presentation_scale

    def set_presentation_scale(self, percent: int) -> None:
        percent = _text_scale_within(percent)
        if percent != self._presentation_scale:
            self._presentation_scale = percent
            if self._presentation:
                self.textFactorChanged.emit()

    def larger_text(self) -> None:
        """The text one size larger (presentation mode's, in presentation mode)."""
        now = self._presentation_scale if self._presentation else self._text_scale
        self._set_current_scale(next((p for p in TEXT_SCALES if p > now), TEXT_SCALES[-1]))

    def smaller_text(self) -> None:
        now = self._presentation_scale if self._presentation else self._text_scale
        self._set_current_scale(next((p for p in reversed(TEXT_SCALES) if p < now), TEXT_SCALES[0]))

    def _set_current_scale(self, percent: int) -> None:
        (self.set_presentation_scale if self._presentation else self.set_text_scale)(percent)

    @property
    def presentation(self) -> bool:
        return self._presentation

    def set_presentation(self, on: bool) -> None:
        if bool(on) != self._presentation:
            self._presentation = bool(on)
            self.presentationChanged.emit(self._presentation)
            self.textFactorChanged.emit()

    @property
    def expanded(self) -> frozenset[int]:
        """The layers the diagram shows whole, however many units they have."""
        return self._expanded

    def set_expanded(self, layers) -> None:
        layers = frozenset(layers)
        if layers != self._expanded:
            self._expanded = layers
            self.expandedChanged.emit(layers)

    def fold(self, layer: int) -> None:
        self.set_expanded(self._expanded - {layer})

    @property
    def show_all(self) -> bool:
        """Is every layer shown whole?"""
        return self._expanded >= set(range(len(self.session.net.sizes)))

    def set_show_all(self, on: bool) -> None:
        self.set_expanded(range(len(self.session.net.sizes)) if on else ())

    # -- kept runs ----------------------------------------------------------------------------
    @property
    def runs(self) -> tuple[Run, ...]:
        """The document's kept runs (engine.network.runs), in the order they were kept."""
        return self._runs

    def set_runs(self, runs) -> None:
        """Other kept runs (an undo command's, or another network's)."""
        runs = tuple(runs)
        if len(runs) != len(self._runs) or any(a is not b for a, b in zip(runs, self._runs)):
            self._runs = runs
            self.runsChanged.emit()
            self._announce_possible()

    @property
    def runs_shown(self) -> bool:
        return self._runs_shown

    def set_runs_shown(self, on: bool) -> None:
        if bool(on) != self._runs_shown:
            self._runs_shown = bool(on)
            self.runsShownChanged.emit(self._runs_shown)

    def document(self) -> Network:
        """What Save writes: the network as the current iteration starts, with its kept runs."""
        net = self.session.current_network()
        net.runs = self._runs
        return net

    # -- what the diagram and the output map draw ------------------------------------------------
    @property
    def unit_maps(self) -> bool:
        """Does the diagram draw inside every hidden and output unit a map of its output over
        the inputs' plane?"""
        return self._unit_maps

    def set_unit_maps(self, on: bool) -> None:
        if bool(on) != self._unit_maps:
            self._unit_maps = bool(on)
            self.unitMapsChanged.emit(self._unit_maps)

    @property
    def discretize(self) -> bool:
        """Does the output map show decision regions (each point's class) rather than values?"""
        return self._discretize

    def set_discretize(self, on: bool) -> None:
        if bool(on) != self._discretize:
            self._discretize = bool(on)
            self.discretizeChanged.emit(self._discretize)

    # -- playing and the loss curve's scale ------------------------------------------------------
    @property
    def playing(self) -> bool:
        """Run ▸ Play: the session steps by itself, `play_speed` computations a second."""
        return self._play.isActive()

    def set_playing(self, on: bool) -> None:
        """Play or pause. Not while a job owns the session or practice asks a value."""
        on = bool(on) and not self.busy and not self.practising
        if on != self.playing:
            self._play.start() if on else self._play.stop()
            self.playingChanged.emit(on)

    @property
    def play_speed(self) -> int:
        return self._play_speed

    def set_play_speed(self, per_second: int) -> None:
        per_second = min(max(int(per_second), PLAY_SPEEDS[0]), PLAY_SPEEDS[1])
        if per_second != self._play_speed:
            self._play_speed = per_second
            self._play.setInterval(int(1000 / per_second))
            self.playSpeedChanged.emit(per_second)

    @property
    def log_scale(self) -> bool:
        """Is the loss curve (and every picture of it) drawn on a logarithmic scale?"""
        return self._log_scale

    def set_log_scale(self, on: bool) -> None:
        if bool(on) != self._log_scale:
            self._log_scale = bool(on)
            self.logScaleChanged.emit(self._log_scale)

    # -- what the state allows --------------------------------------------------------------------
    @property
    def possible(self) -> Possible:
        return self._possible

    def _now_possible(self) -> Possible:
        s, job = self.session, self.job
        return Possible(busy=job is not None, training=job is not None and isinstance(job.what, Training),
                        practising=self._practice is not None, step_back=s.can_step_back(),
                        past=s.iteration < s.latest, timeline=s.latest > s.first, runs=bool(self._runs),
                        tests=bool(s.net.n_test))

    def _announce_possible(self) -> None:
        possible = self._now_possible()
        if possible != self._possible:
            self._possible = possible
            self.possibleChanged.emit(possible)

    # -- practice -------------------------------------------------------------------------------
    @property
    def practising(self) -> bool:
        """Is practice mode on? Then the student computes the next value: nothing the views
        show may give away a value not yet answered, and no move but practice's own goes
        forward (Step, the list of computations, the timeline, Train)."""
        return self._practice is not None

    @property
    def practice(self) -> Practice | None:
        """Practice mode's exercises on the session (engine.teaching.practice), while practising:
        the value asked, the score. Only the model's practice methods move it."""
        return self._practice

    @property
    def practice_choice(self) -> str | None:
        """What is practised: every computation (None), one phase, or CHAIN (the chain rule of
        the weight or bias selected when it was chosen)."""
        return self._practice_choice

    @property
    def practice_said(self) -> str:
        """What practice said last about the value asked (a verdict, a value that is no number,
        a choice it could not take); "" once the session moved by other means."""
        return self._practice_said

    @property
    def practice_hint(self) -> str:
        """The hint asked for the value asked, if any ("" for the next value)."""
        return self._practice_hint

    def set_practising(self, on: bool) -> None:
        """Practice on (the choice made before, from where the session is) or off. Play stops."""
        if bool(on) == self.practising:
            return
        self.set_playing(False)
        cursor = self.session.cursor
        self._practice = self._new_practice() if on else None
        self.practiceChanged.emit(self.practising)
        self._announce_possible()
        if self.session.cursor != cursor:  # practice moved on to the first value it asks
            self._session_changed(practised=True)

    def choose_practice(self, choice: str | None) -> None:
        """Practise every computation (None), one phase, or CHAIN: the chain rule of the weight
        or bias selected (without one, every computation, and practice says so). From where
        the session is; the score so far stays."""
        self._practice_choice = choice
        if self._practice is None:
            return
        phase, params, said = self._resolved_choice()
        self._practice.choose(phase, params)
        self._practised(said)

    def _resolved_choice(self) -> tuple[str | None, tuple, str]:
        """The choice as Practice takes it (a phase, parameter names) and what practice says:
        CHAIN without a weight or bias selected is every computation, said."""
        if self._practice_choice != CHAIN:
            return self._practice_choice, (), ""
        selection = self._selection
        if isinstance(selection, ValueRef) and selection.kind == "param":
            return None, (selection.key,), ""
        self._practice_choice = None
        return None, (), "Select a weight or bias in the diagram first, then choose its chain rule."

    def _new_practice(self) -> Practice:
        """Practice afresh on the session (another network, another shape of its record),
        the choice made, answers checked to the digits shown (3 to 17)."""
        phase, params, said = self._resolved_choice()
        practice = Practice(self.session, phase=phase, params=params, digits=max(3, min(17, self._digits)))
        self._practice_said, self._practice_hint = said, ""
        return practice

    def practice_check(self, text: str) -> str | None:
        """The student's value of the value asked: right, practice moves on; wrong, or not a
        number, nothing moves and practice says why. The verdict ("right", "wrong"), or None
        (not a number, or nothing asked)."""
        p = self._practice
        if p is None or p.current is None:
            return None
        try:
            verdict = p.check(text)
        except ValueError as e:
            self._say(_capital(str(e)) + ".")
            return None
        if verdict.verdict == "right":
            self._practised(verdict.explanation)
        else:
            self._say("Not right. " + _capital(verdict.explanation))
        return verdict.verdict

    def practice_hint_asked(self) -> None:
        """A hint for the value asked: first the values its formula reads, then the numbers in it."""
        p = self._practice
        if p is not None and p.current is not None:
            self._practice_hint = "Hint: " + p.hint()
            self.practiceSaid.emit()

    def practice_reveal(self) -> None:
        """The value asked, given up: shown, counted as revealed, and on to the next."""
        if self._practice is not None and self._practice.current is not None:
            self._practised(self._practice.reveal().explanation)

    def practice_skip(self) -> None:
        """The value asked, passed over (shown, not counted as revealed), and on to the next."""
        if self._practice is not None and self._practice.current is not None:
            self._practised(self._practice.skip().explanation)

    def practice_next_iteration(self) -> None:
        """This iteration's practice is done: on to the next iteration, its first value asked."""
        if self._practice is not None and self._practice.done:
            self._practice.next_iteration()
            self._practised("")

    def practice_say(self, text: str) -> None:
        """Practice says something, the value asked staying (a report written)."""
        self._say(text)

    def _say(self, text: str) -> None:
        """Practice says something about the value asked, which stays."""
        self._practice_said = text
        self.practiceSaid.emit()

    def _practised(self, said: str) -> None:
        """Practice moved on (or chose again): what it says, no hint yet; the views follow."""
        self._practice_said, self._practice_hint = said, ""
        self._session_changed(practised=True)

    def reveals(self, key: Key) -> bool:
        """May the views show this value of the current iteration with its number? Outside
        practice every value the iteration computed (the side panel's breakdowns show the
        whole iteration); while practising only those answered (up to the cursor)."""
        return self._practice is None or self.session.is_known(key)

    def _refused(self, what: str) -> bool:
        """While practising, a move other than practice's own is refused: said, and True."""
        if self.practising:
            self.refused.emit(f"Practising: {what} would go past the value asked. Answer it, Reveal or Skip it, "
                              "or leave practice (Ctrl+P).")
        return self.practising

    # -- comparing and trajectories -----------------------------------------------------------
    @property
    def reference(self) -> "Comparison | None":
        """The iteration the diagram shows each value's change since (Δ), as it started."""
        return self._reference

    def set_reference(self, iteration: int | None) -> None:
        """Compare with `iteration` of the timeline (None: no comparison)."""
        if iteration is not None and iteration not in self.session.trace:
            iteration = None
        if iteration != (None if self._reference is None else self._reference.iteration):
            self._reference = None if iteration is None else Comparison.of(self.session, iteration)
            self.referenceChanged.emit(iteration)

    def _stale_reference(self) -> bool:
        """The reference is an iteration of the timeline: gone with it (an edit before it or in
        it, an undo, another network). Dropped here; True if the caller must announce it."""
        ref = self._reference
        if ref is not None and not ref.still_in(self.session):
            self._reference = None
            return True
        return False

    @property
    def traced(self) -> tuple[str, ...]:
        return self._traced

    def set_traced(self, names) -> None:
        names = tuple(dict.fromkeys(n for n in names if n in self.parameter_names()))
        if names != self._traced:
            self._traced = names
            self.tracedChanged.emit(names)

    def parameter_names(self) -> list[str]:
        return [p.name for p in self.session.net.parameters()]

    def trace_selection(self) -> None:
        """Show the trajectories of the selected parameter, or of the parameters into the
        selected unit (its weights and bias), besides those shown."""
        self.set_traced(self._traced + tuple(self.parameters_of(self._selection)))

    def parameters_of(self, selection) -> list[str]:
        net = self.session.net
        if isinstance(selection, ValueRef) and selection.kind == "param":
            return [selection.key]
        if isinstance(selection, UnitRef) and selection.layer > 0:
            return [p.name for p in net.parameters() if p.layer == selection.layer and p.unit == selection.unit]
        if isinstance(selection, BiasUnitRef):
            return [p.name for p in net.parameters() if p.kind == "b" and p.layer == selection.layer]
        return []

    @property
    def text_factor(self) -> float:
        """How much larger than the desktop's every text of the window is drawn (the size
        chosen, presentation mode)."""
        return self._text_scale / 100 * (PRESENTATION_SCALE if self._presentation else 1.0)

    @property
    def audience_factor(self) -> float:
        """How much larger than the desktop's the text an audience reads is drawn (the diagram's
        and the current computation's): the window's, times presentation mode's own size."""
        return self.text_factor * (self._presentation_scale / 100 if self._presentation else 1.0)

    def value_ref(self, selection) -> ValueRef | None:
        """What editing a selected element changes: a parameter, the shown sample's input of an
        input unit or target of an output unit; None for anything else."""
        if isinstance(selection, ValueRef):
            return selection
        if isinstance(selection, UnitRef) and selection.layer in (0, self.session.net.depth):
            kind = "input" if selection.layer == 0 else "target"
            sample = int(self.session.record.samples[self._sample])
            features = self.session.net.features if kind == "input" else ()
            if features:  # a raw input is edited where a unit is one as it is; a feature of them is computed
                feature = features[selection.unit]
                return ValueRef(kind, (sample, feature.indices[0])) if feature.plain else None
            return ValueRef(kind, (sample, selection.unit))
        return None

    def _session_changed(self, practised: bool = False) -> None:
        """Announce a change of the session, once (`changed`). The diagram follows the current
        computation's sample (`sample`, said by `changed` too); practice takes up from where an
        edit, an undo or a reset left the session (unless it moved it itself, `practised`), what
        it said gone; the samples' version counts a change of their values."""
        if self._practice is not None and not practised and not self.busy:
            self._practice.resume()  # may move the cursor on to the next value asked
            self._practice_said, self._practice_hint = "", ""
        step = self.session.current_step
        if step is not None and step.sample is not None:
            self.sample_chosen = False
            self._sample = step.sample
        self._follow_samples()
        self.changed.emit()
        extended = self.session.latest > self._latest
        self._latest = self.session.latest
        if extended:
            self.extended.emit()
        self._announce_possible()

    @property
    def samples_version(self) -> int:
        """A number that changes when the values of the samples (inputs, targets) the session
        holds change: an edit, new data, an undo, another iteration of the timeline computed
        with other samples. A view laid out for their numbers compares it on `changed`."""
        return self._samples_version

    def _follow_samples(self) -> None:
        """Count a change of the samples' values. The session's setup is another object after
        every edit of them (its arrays with it): only then are the values compared."""
        net, (inputs, targets) = self.session.net, self._samples
        if net.inputs is inputs and net.targets is targets:
            return
        if not (_same(net.inputs, inputs) and _same(net.targets, targets)):
            self._samples_version += 1
        self._samples = (net.inputs, net.targets)

    # -- samples marked -------------------------------------------------------------------------
    @property
    def marked(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The samples marked on the output map: (rows of the samples, rows of the test samples)."""
        return self._marked

    def set_marked(self, marked: tuple[np.ndarray, np.ndarray] | None) -> None:
        self._marked = marked
        self.markedChanged.emit(marked)

    # -- opening ----------------------------------------------------------------------------
    def replace(self, net: Network, source: str) -> None:
        """Another network (opened from a file or a preset): a new session, its kept runs."""
        self.set_session(Session(net), source)
        self.set_runs(net.runs)

    def set_session(self, session: Session, source: str) -> None:
        """Show this session (a new one, or one an undo brings back)."""
        self.cancel_job()
        self.session = session
        self.source = source
        self._latest = session.latest  # its iterations are its own, not computed here
        selection, sample, expanded = self._selection, self._sample, self._expanded
        reference, traced = self._reference, self._traced
        self._selection, self._sample, self.sample_chosen = None, 0, False
        self._expanded = frozenset()  # another network opens folded
        self._reference, self._traced = None, ()  # its timeline and parameters are others
        if self._practice is not None:
            self._practice = self._new_practice()  # the score was another network's
        self._follow_samples()
        self._marked = None
        self.networkReplaced.emit()
        self.markedChanged.emit(None)
        if reference is not None:
            self.referenceChanged.emit(None)
        if traced:
            self.tracedChanged.emit(())
        if expanded:
            self.expandedChanged.emit(self._expanded)
        if selection is not None:
            self.selectionChanged.emit(None)
        if sample != 0:
            self.sampleChanged.emit(0)
        self._session_changed(practised=True)

    @property
    def stem(self) -> str:
        """What the names of files written from this network start with: its file's or
        preset's name ("network" for a new one)."""
        return Path(self.source or "network").stem

    def set_source(self, source: str) -> None:
        if source != self.source:
            self.source = source
            self.sourceChanged.emit(source)

    # -- stepping ---------------------------------------------------------------------------
    def _move(self, action, what: str = "stepping") -> None:
        if self.busy or self._refused(what):  # a job owns the session; practice asks the next value
            return
        try:
            action()
        except TrainingDiverged as e:
            self.problem.emit(Problem("Training stopped", str(e)))
        self._session_changed()

    def step(self):
        self._move(self.session.step)

    def step_back(self):
        self._move(self.session.step_back)

    def finish_phase(self):
        self._move(self.session.finish_phase)

    def finish_iteration(self):
        self._move(self.session.finish_iteration)

    def go_to(self, cursor: int):
        self._move(lambda: self.session.go_to(cursor), "another computation")

    def go_to_iteration(self, iteration: int):
        """Be at this iteration of the timeline (clamped to it), at its start; nothing is discarded."""
        s = self.session
        iteration = min(max(int(iteration), s.first), s.latest)
        if iteration != s.iteration or s.cursor != -1:
            self._move(lambda: s.go_to_iteration(iteration), "another iteration")

    def back_to_latest(self):
        self.go_to_iteration(self.session.latest)

    # -- values and edits ---------------------------------------------------------------------
    def read(self, ref: ValueRef) -> float:
        s = self.session
        if ref.kind == "param":
            return s.start_value(s.parameter(ref.key))
        if ref.kind == "input":
            return float(s.net.inputs[ref.key])
        if ref.kind == "target":
            return float(s.net.targets[ref.key])
        return float(s.net.learning_rate)

    def edit_problem(self, ref: ValueRef, value: float) -> str | None:
        """Why `value` cannot be given to `ref` (the network file's rules), or None."""
        if ref.kind == "param":
            return None
        return self.session.edit_problem(ref.kind, ref.key, value)

    def write(self, ref: ValueRef, value: float) -> None:
        with self._branching():
            self.session.set_value(ref.kind, ref.key, value)
            self._session_changed()

    @contextmanager
    def _branching(self):
        """An edit in a past iteration starts a new branch there: say which iterations it
        discarded (once the change is announced: the views show the new branch)."""
        s = self.session
        at, latest = s.iteration, s.latest
        try:
            yield
        finally:
            if self._stale_reference():  # an edit of the iteration compared with changes it
                self.referenceChanged.emit(None)
            if self.session is s and at < latest and s.latest < latest:
                self.branched.emit(at, latest)

    def samples_problems(self, inputs, targets) -> list[tuple[int | None, int | None, str]]:
        """Why the network cannot take these samples (see engine.samples_problems)."""
        return samples_problems(self.session.net, inputs, targets)

    def set_samples(self, inputs, targets, test: bool = False) -> bool:
        """Take these samples (the test samples if `test`); True if the session started again
        at iteration 1."""
        layout = self.session.layout
        with self._branching():
            restarted = self.session.set_samples(inputs, targets, test)
            self._changed_from(layout)
        return restarted

    def _changed_from(self, layout) -> None:
        """The session changed, maybe to another layout (another number of samples per
        iteration): then the views are built again, and practice starts afresh."""
        stale = self._stale_reference()
        fresh = self.session.layout is not layout
        if fresh:
            if self._sample >= self.session.layout.batch:
                self._sample, self.sample_chosen = 0, False
                self.sampleChanged.emit(0)
            if self._practice is not None:
                self._practice = self._new_practice()
            self._follow_samples()
            self.networkReplaced.emit()
        if stale:
            self.referenceChanged.emit(None)
        self._session_changed(practised=fresh)

    def set_update_order(self, order: str) -> None:
        layout = self.session.layout
        with self._branching():
            self.session.set_update_order(order)
            self._changed_from(layout)

    # -- undo and reset ---------------------------------------------------------------------
    def bookmark(self, whole: bool = False) -> Bookmark:
        """Where the current iteration starts (what an edit's undo returns to) or, if `whole`,
        the whole session (what a reset's undo brings back): an engine bookmark."""
        return self.session.bookmark(whole)

    def restore(self, bookmark: Bookmark) -> None:
        layout = self.session.layout
        self.session.restore(bookmark)
        self._latest = self.session.latest  # iterations brought back, not computed
        self._changed_from(layout)

    def reset(self) -> None:
        layout = self.session.layout
        self.session.reset()
        self._latest = self.session.latest
        self._changed_from(layout)

    # -- jobs -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Is a job running? Then it owns the session: no stepping or editing."""
        return self.job is not None

    def train(self, n: int, patience: int | None = None) -> None:
        """Train n iterations, evaluating as it goes; with `patience` (the network has test
        samples), stop once the test loss has not reached a new minimum for that many evaluations."""
        if self._refused("training"):
            return
        watch = self.evaluation.watch(self.session, patience)
        self.run_job(Training(n, patience), self.session.train(n, chunk_seconds=SLICE_SECONDS, watch=watch))

    def run_job(self, what: Training | Export, generator) -> None:
        """Run a generator of Progress as a job; `changed` follows a training about every
        REFRESH_SECONDS, and once at its end."""
        if self.busy:
            generator.close()
            return
        self.job = Job(what, generator, self)
        self.job.progress.connect(self._job_progress)
        self.job.finished.connect(self._job_finished)
        self.job.cancelled.connect(self._end_job)
        self.job.failed.connect(self._job_failed)
        self._last_refresh = time.monotonic()
        self._view_cost = 0.0  # seconds the last refresh of the views cost, repaint included
        self._away = 0.0  # seconds spent in the views (refresh) and the event loop since the last refresh
        self.set_playing(False)
        self.job.start()
        self.busyChanged.emit(True)
        self._announce_possible()

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _job_progress(self, done: int, total: int) -> None:
        """Follow the job at a steady rate: about every REFRESH_SECONDS, less often when the
        views are slow to refresh and repaint (a large network, a long loss curve), so that
        training keeps most of the time."""
        job = self.job
        self._away += job.outside  # what the event loop did since the last slice: mostly repainting
        now = time.monotonic()
        if now - self._last_refresh < max(REFRESH_SECONDS, self._view_cost / VIEW_SHARE):
            return
        self._last_refresh = now
        self._view_cost, self._away = self._away, 0.0  # the last refresh, its repaint and the rest
        self.jobProgress.emit(done, total)
        if isinstance(job.what, Training):
            started = time.perf_counter()
            self._session_changed()
            self._away += time.perf_counter() - started

    def _end_job(self) -> Training | Export:
        job, self.job = self.job, None
        job.deleteLater()
        self.busyChanged.emit(False)
        if isinstance(job.what, Training):
            best = self.evaluation.trained(self.session)
            self._session_changed()
            if best is not None:
                self.stoppedEarly.emit(best)
        self._announce_possible()
        return job.what

    def _job_finished(self) -> None:
        self.jobFinished.emit(self._end_job())

    def _job_failed(self, error: Exception) -> None:
        if isinstance(error, TrainingDiverged):
            self.session.rewind_to_finite()
        what = self._end_job()
        if isinstance(error, TrainingDiverged):
            self.problem.emit(Problem(
                "Training stopped",
                f"Training stopped: {error}. The window shows iteration {self.session.iteration:,}, the last "
                "whose numbers are all finite; step through it to see them grow."))
        elif isinstance(error, OSError) and isinstance(what, Export):
            self.problem.emit(Problem("Export failed", not_written(what.path, error)))
        elif isinstance(error, MemoryError):
            done = (f"{what.path} was not written. {NOTHING_CHANGED}" if isinstance(what, Export) else
                    f"The window shows iteration {self.session.iteration:,}.")
            self.problem.emit(Problem("Not enough memory", f"{what.text} stopped: there was not enough memory. "
                                      f"{done} Closing other programs may make room."))
        else:
            log.error("%s failed", what.text, exc_info=error)
            self.problem.emit(Problem("Unexpected error", f"{type(error).__name__}: {error}", severe=True))
