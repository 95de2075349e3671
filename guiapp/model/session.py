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

from PySide6.QtCore import QObject, Signal

from engine import Network, Session, TrainingDiverged
from engine.network.network import samples_problems
from engine.network.runs import Run
from engine.session.session import Bookmark
from engine.record.compare import Comparison
from engine.record.quantities import Key
from engine.concepts.features import raw_name
from engine.concepts.formula import significant

from guiapp.model.jobs import Export, Job, Training

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.01  # training yields to the event loop this often (wall time)
REFRESH_SECONDS = 0.1  # while training, `changed` is emitted about this often, or less often ...
VIEW_SHARE = 0.06  # ... so that following the views (refresh and repaint) takes at most this share
DEFAULT_DIGITS = 9
TEXT_SCALES = (70, 80, 90, 100, 110, 125, 140, 160, 180, 200, 250, 300)  # % of the desktop's text size
DEFAULT_TEXT_SCALE = 100
PRESENTATION_SCALE = 1.5  # presentation mode's text, relative to the text size chosen


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
class Problem:
    """Something the user must be told (the window shows it)."""

    title: str
    text: str
    severe: bool = False  # an unexpected error rather than a warning


def _text_scale_within(percent) -> int:
    return min(max(int(percent), TEXT_SCALES[0]), TEXT_SCALES[-1])


class SessionModel(QObject):
    changed = Signal()  # the session moved (cursor, iteration) or its numbers were recomputed
    networkReplaced = Signal()  # another network (maybe another shape) was opened
    sourceChanged = Signal(str)  # the network was saved to another file
    selectionChanged = Signal(object)  # ValueRef of a parameter, UnitRef, BiasUnitRef, or None
    sampleChanged = Signal(int)  # the sample (position in the batch) the diagram shows
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
    extended = Signal()  # iterations were computed past the timeline's end (training, a step): Save writes another network
    refused = Signal(str)  # a move the model refused (practising), in a sentence for the status bar
    runsChanged = Signal()  # the kept runs changed: a run kept or removed, another network opened
    runsShownChanged = Signal(bool)  # the loss curve shows the kept runs, or not

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
        self._practising = False
        self._latest = self.session.latest  # the timeline's end as last announced (see `extended`)
        self._runs: tuple[Run, ...] = tuple(net.runs)
        self._runs_shown = True

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

    # -- practice -------------------------------------------------------------------------------
    @property
    def practising(self) -> bool:
        """Is practice mode on? Then the student computes the next value: nothing the views
        show may give away a value not yet answered, and no move but practice's own goes
        forward (Step, the list of computations, the timeline, Train)."""
        return self._practising

    def set_practising(self, on: bool) -> None:
        if bool(on) != self._practising:
            self._practising = bool(on)
            self.practiceChanged.emit(self._practising)

    def reveals(self, key: Key) -> bool:
        """May the views show this value of the current iteration with its number? Outside
        practice every value the iteration computed (the side panel's breakdowns show the
        whole iteration); while practising only those answered (up to the cursor)."""
        return not self._practising or self.session.is_known(key)

    def _refused(self, what: str) -> bool:
        """While practising, a move other than practice's own is refused: said, and True."""
        if self._practising:
            self.refused.emit(f"Practising: {what} would go past the value asked. Answer it, Reveal or Skip it, "
                              "or leave practice (Ctrl+P).")
        return self._practising

    def moved(self) -> None:
        """Practice moved the session's cursor (an answer, Reveal, Skip, Next iteration): the
        views follow, as after a step."""
        self._session_changed()

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

    def _session_changed(self) -> None:
        """Announce a change of the session; the diagram follows the current computation's sample."""
        step = self.session.current_step
        if step is not None and step.sample is not None:
            self.sample_chosen = False
            if step.sample != self._sample:
                self._sample = step.sample
                self.sampleChanged.emit(step.sample)
        self.changed.emit()
        extended = self.session.latest > self._latest
        self._latest = self.session.latest
        if extended:
            self.extended.emit()

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
        self.networkReplaced.emit()
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
        self._session_changed()

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
        s = self.session
        with self._branching():
            if ref.kind == "param":
                s.set_parameter(s.parameter(ref.key), value)
            elif ref.kind == "input":
                s.set_input(*ref.key, value)
            elif ref.kind == "target":
                s.set_target(*ref.key, value)
            else:
                s.set_learning_rate(value)
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

    def set_samples(self, inputs, targets) -> bool:
        """Take these samples; True if the session started again at iteration 1."""
        layout = self.session.layout
        with self._branching():
            restarted = self.session.set_samples(inputs, targets)
            self._changed_from(layout)
        return restarted

    def _changed_from(self, layout) -> None:
        """The session changed, maybe to another layout (another number of samples per
        iteration): then the views are built again."""
        stale = self._stale_reference()
        if self.session.layout is not layout:
            if self._sample >= self.session.layout.batch:
                self._sample, self.sample_chosen = 0, False
                self.sampleChanged.emit(0)
            self.networkReplaced.emit()
        if stale:
            self.referenceChanged.emit(None)
        self._session_changed()

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

    def train(self, n: int) -> None:
        if self._refused("training"):
            return
        self.run_job(Training(n), self.session.train(n, chunk_seconds=SLICE_SECONDS))

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
        self.job.start()
        self.busyChanged.emit(True)

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
            self._session_changed()
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
            self.problem.emit(Problem("Export failed", f"{what.path} could not be written: "
                                      f"{error.strerror or error}. No file was changed."))
        elif isinstance(error, MemoryError):
            done = (f"{what.path} was not written. No file was changed." if isinstance(what, Export) else
                    f"The window shows iteration {self.session.iteration:,}.")
            self.problem.emit(Problem("Not enough memory", f"{what.text} stopped: there was not enough memory. "
                                      f"{done} Closing other programs may make room."))
        else:
            log.error("%s failed", what.text, exc_info=error)
            self.problem.emit(Problem("Unexpected error", f"{type(error).__name__}: {error}", severe=True))
