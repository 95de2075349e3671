"""Network files (JSON): reading with a check of every field, and writing atomically.

Every problem is reported as a NetworkFileError naming the file, the field and what is
wrong, before any work is done. See docs/file-formats.md for the format.

Reading is bounded: a file of at most MAX_FILE_BYTES, its lists and objects nested at most
MAX_DEPTH deep (measured before json reads it), and its samples read straight into arrays
(`_Samples`), so that opening a file takes memory in proportion to its size. A number no float64
holds (1e-400 is not zero but would be read as 0; 1e400 as infinity) is refused naming its field:
json reads numbers that way only in a file whose text may hold one (`_may_hold_unheld_numbers`).
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
from array import array
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from engine.concepts.activations import ACTIVATIONS, Activation
from engine.files.atomic import write_atomic
from engine.network.limits import MAX_ITERATIONS, MAX_LAYERS, MAX_UNITS, problems as limit_problems
from engine.concepts.losses import LOSSES, Loss
from engine.concepts import optimizers
from engine.concepts.optimizers import DEFAULT as DEFAULT_OPTIMIZER, Optimizer
from engine.concepts.setting import problems as setting_problems
from engine.network.network import UPDATE_ORDERS, Network, TrainingState, learning_rate_problem, target_problem
from engine.network.numbers import TOO_LARGE, TOO_SMALL, ZERO, NumberError
from engine.text.plain import printable

if TYPE_CHECKING:
    from engine.concepts.penalties import Penalty
    from engine.concepts.schedules import Schedule
    from engine.network.runs import Run
# The concepts none of the presets uses (input features, start-value schemes, penalties, schedules)
# are imported where a file first names one: `python -m engine presets` starts without them.

MAX_FILE_BYTES = 32 * 1024 * 1024  # a network file is read whole: larger ones are refused unread
MAX_DEPTH = 32  # lists and objects inside each other; the format needs 4 (samples[k].input)
SHOWN_CHARACTERS = 60  # of a value quoted in a message
KNOWN_KEYS = (
    "layers", "activations", "loss", "weights", "biases", "seed", "train_biases", "optimizer",
    "batch_size", "samples", "test_samples", "update_order", "name", "description", "training_state",
    "regularization", "schedule", "kept_runs", "features",
)


def shown(value) -> str:
    """A value found in a file, as a message quotes it (JSON, one line, shortened)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=_Sample.as_json)
    except (TypeError, ValueError):
        text = repr(value)
    return printable(text, SHOWN_CHARACTERS)


class NetworkFileError(ValueError):
    """A network file (or an option) that cannot be used: one line naming the file, the field
    and what is wrong, in printable characters only."""

    def __init__(self, source: str, field: str, problem: str):
        source, field, problem = printable(source, 200), printable(field, SHOWN_CHARACTERS), printable(problem, 400)
        super().__init__(f"{source}: {field}: {problem}")
        self.source, self.field, self.problem = source, field, problem


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _Unheld:
    """A number of the file that no float64 holds, as json read it (`_float`): its text and why."""
    __slots__ = ("text", "reason")

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason

    def __repr__(self) -> str:
        return self.text


def number_problem(v) -> str | None:
    """Why `v` is not a finite number, if it is not."""
    if isinstance(v, _Unheld):
        return str(NumberError(v.text, v.reason))
    if not _is_number(v):
        return f"expected a number, found {shown(v)}"
    try:
        x = float(v)
    except OverflowError:
        return "must be a finite number, found an integer too large for a float64"
    if not math.isfinite(x):
        return f"must be a finite number, found {x}"
    return None


def whole_number_problem(v, minimum: int) -> str | None:
    """Why `v` is not a whole number ≥ `minimum`, if it is not."""
    if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
        return f"expected a whole number ≥ {minimum}, found {shown(v)}"
    return None


def structure_problems(layers, activations, loss) -> list[tuple[str, str]]:
    """Every rule of a network's structure, as (field, reason) for each one broken, in the order
    `parse` reports them (it refuses the first); empty if the structure is valid. Fields are the
    file's: "layers", "layers[k]", "layers[-1]", "activations", "activations[k]",
    "activations[-1]", "loss". The values may be anything a file holds; engine.files.design checks a
    design with this same function."""
    found = []
    depth = None
    if not isinstance(layers, list) or len(layers) < 2:
        found.append(("layers", f"expected a list of at least 2 layer sizes, found {shown(layers)}"))
    else:
        depth = len(layers) - 1
        if len(layers) > MAX_LAYERS:
            found.append(("layers", f"at most {MAX_LAYERS} layers, found {len(layers)}"))
    sizes = layers if isinstance(layers, list) and len(layers) <= MAX_LAYERS else []  # each entry: not in a long list
    for k, n in enumerate(sizes):
        problem = whole_number_problem(n, 1)
        if problem:
            found.append((f"layers[{k}]", problem))
    for k, n in enumerate(sizes):
        if whole_number_problem(n, 1) is None and n > MAX_UNITS:
            found.append((f"layers[{k}]", f"at most {MAX_UNITS} units in a layer, found {n}"))

    acts = activations if isinstance(activations, list) and len(activations) <= MAX_LAYERS else []
    if not isinstance(activations, list) or (depth is not None and len(activations) != depth):
        count = "" if depth is None else f"{depth} "
        found.append(("activations", f"expected a list of {count}activation names (one per layer after the inputs)"))
    for k, a in enumerate(acts):
        if not isinstance(a, str) or a not in ACTIVATIONS:
            found.append((f"activations[{k}]", f"unknown activation {shown(a)} (known: {', '.join(ACTIVATIONS)})"))
        elif ACTIVATIONS[a].output_only and k != len(acts) - 1:
            found.append((f"activations[{k}]", f"{a} is allowed on the output layer only"))
    loss_known = isinstance(loss, str) and loss in LOSSES
    if not loss_known:
        found.append(("loss", f"unknown loss {shown(loss)} (known: {', '.join(LOSSES)})"))
    last = acts[-1] if acts and isinstance(acts[-1], str) and acts[-1] in ACTIVATIONS else None
    if last is None or not loss_known:
        return found  # the rules between the output layer and the loss need both
    return found + _output_problems(ACTIVATIONS[last], LOSSES[loss], sizes[-1] if sizes else None)


def _output_problems(last: Activation, loss: Loss, units) -> list[tuple[str, str]]:
    """The rules between the output layer (its activation and its count of units, if known)
    and the loss, as `structure_problems` reports them: an output activation without an
    element-wise derivative needs a loss that takes it in one piece; a loss may need its own
    output activation; an activation may need more units."""
    found = []
    if not last.elementwise and loss.fused_with(last) is None:
        losses = " or ".join(other.name for other in LOSSES.values() if other.fused_with(last) is not None)
        found.append(("loss", f"a {last.name} output layer needs the {losses} loss, found {loss.name}"))
    if whole_number_problem(units, 1) is None and units < last.min_units:
        found.append(("layers[-1]", f"a {last.name} output layer needs at least {last.min_units} units"))
    if loss.output is not None and loss.output.name != last.name:
        needs = loss.output_words or f"a {loss.output.name} output layer"
        found.append(("activations[-1]", f"the {loss.name} loss needs {needs}, found {last.name}"))
    return found


def setting_problem(name: str, value) -> str | None:
    """Why a network cannot have `value` for the setting `name` (one of the file's "seed",
    "train_biases", "optimizer.learning_rate", "batch_size", "update_order"), if it cannot. None
    is a valid seed (no seed) and batch_size (every sample). The optimizer's own settings:
    `optimizer_problems`."""
    if name in ("seed", "batch_size"):
        return None if value is None else whole_number_problem(value, 0 if name == "seed" else 1)
    if name == "train_biases":
        return None if isinstance(value, bool) else f"expected true or false, found {shown(value)}"
    if name == "learning_rate":
        return number_problem(value) or learning_rate_problem(float(value))
    if name == "update_order":
        return None if value in UPDATE_ORDERS else f"expected one of {', '.join(UPDATE_ORDERS)}, found {shown(value)}"
    raise KeyError(name)


class _Checker:
    def __init__(self, source: str):
        self.source = source

    def fail(self, field: str, problem: str):
        raise NetworkFileError(self.source, field, problem)

    def check(self, field: str, problem: str | None):
        if problem is not None:
            self.fail(field, problem)

    def number(self, v, field: str) -> float:
        self.check(field, number_problem(v))
        return float(v)

    def integer(self, v, field: str, minimum: int) -> int:
        self.check(field, whole_number_problem(v, minimum))
        return v

    def vector(self, v, n: int, field: str) -> list[float]:
        if not isinstance(v, list):
            self.fail(field, f"expected a list of {n} numbers, found {shown(v)}")
        if len(v) != n:
            self.fail(field, f"expected {n} numbers, found {len(v)}")
        return [self.number(x, f"{field}[{k}]") for k, x in enumerate(v)]


def parse(data, source: str = "<network>") -> Network:
    """Check a decoded network file and build the Network."""
    c = _Checker(source)
    if not isinstance(data, dict):
        c.fail("(top level)", "expected a JSON object {...}")
    for key in data:
        if key not in KNOWN_KEYS:
            c.fail(key, f"unknown key (known keys: {', '.join(KNOWN_KEYS)})")
    for key in ("layers", "activations", "loss", "optimizer", "samples"):
        if key not in data:
            c.fail(key, "missing")

    layers, acts, loss = data["layers"], data["activations"], data["loss"]
    for field, problem in structure_problems(layers, acts, loss)[:1]:
        c.fail(field, problem)
    sizes = list(layers)

    seed = data.get("seed")
    c.check("seed", setting_problem("seed", seed))
    rng = np.random.default_rng(seed) if seed is not None else None
    weights = _matrices(c, data, "weights", sizes, rng)
    biases = _matrices(c, data, "biases", sizes, rng)

    train_biases = data.get("train_biases", True)
    c.check("train_biases", setting_problem("train_biases", train_biases))

    lr, optimizer = _optimizer(c, data["optimizer"])
    penalty = _penalty(c, data.get("regularization"))
    schedule = _schedule(c, data.get("schedule"))

    batch_size = data.get("batch_size")
    c.check("batch_size", setting_problem("batch_size", batch_size))

    samples = data["samples"]
    if isinstance(samples, list) and samples:
        batch = len(samples) if batch_size is None else batch_size
        raw = (raw_width(samples[0]) or 0) if "features" in data else 0
        for field, problem in limit_problems(sizes, batch, raw):  # before reading the samples
            c.fail(field, problem)
    if not isinstance(samples, list) or not samples:
        c.fail("samples", SAMPLES_EXPECTED)
    features = _features(c, data["features"], sizes, samples) if "features" in data else ()
    n_raw = raw_width(samples[0]) if features else sizes[0]  # with features, the samples' inputs are raw ones
    inputs, targets = _sample_arrays(c, samples, [n_raw, *sizes[1:]], loss)
    test_inputs = test_targets = None
    if "test_samples" in data:  # held out: never trained on, so no batch limit (evaluation goes in parts)
        test = data["test_samples"]
        if not isinstance(test, list) or not test:
            c.fail("test_samples", SAMPLES_EXPECTED + " (leave the key out for none)")
        test_inputs, test_targets = _sample_arrays(c, test, [n_raw, *sizes[1:]], loss, "test_samples")

    order = data.get("update_order", "simultaneous")
    c.check("update_order", setting_problem("update_order", order))
    texts = {}
    for key in ("name", "description"):
        texts[key] = data.get(key, "")
        if not isinstance(texts[key], str):
            c.fail(key, f"expected a text, found {shown(texts[key])}")

    state = _training_state(c, data["training_state"], sum(w.size for w in weights) + sum(b.size for b in biases),
                            optimizer) if "training_state" in data else None
    runs = _kept_runs(c, data["kept_runs"]) if "kept_runs" in data else ()
    return Network(
        sizes=sizes, activations=list(acts), loss=loss, weights=weights, biases=biases,
        inputs=inputs, targets=targets, test_inputs=test_inputs, test_targets=test_targets,
        train_biases=train_biases, learning_rate=lr, optimizer=optimizer, penalty=penalty, schedule=schedule,
        batch_size=batch_size,
        update_order=order, name=texts["name"], description=texts["description"], state=state, runs=runs,
        features=features,
    )


def raw_width(sample) -> int | None:
    """How many inputs a sample of a file has (None if its input is not a list)."""
    if isinstance(sample, _Sample):
        return sample.read.where(sample.index)[1]
    if isinstance(sample, dict) and isinstance(sample.get("input"), list):
        return len(sample["input"])
    return None


def features_problem(features, sizes: list[int], n: int) -> tuple[str, str] | None:
    """Why a network of these layer sizes cannot take these features (read already) over n
    raw inputs, as (field, reason); None if it can. Each feature is one input unit."""
    if n > MAX_UNITS:
        return "samples[0].input", f"at most {MAX_UNITS} raw inputs, found {n:,}"
    if len(features) != sizes[0]:
        return "layers[0]", f"the input layer has one unit per feature: {len(features)}, found {sizes[0]}"
    return None


def _features(c: _Checker, value, sizes: list[int], samples: list):
    """The file's "features", over the raw inputs of its samples (as many as the first one's)."""
    n = raw_width(samples[0])
    if n is None:
        c.fail("samples[0].input", "expected a list of numbers")
    if n > MAX_UNITS:
        c.fail(*features_problem((), sizes, n))
    from engine.concepts.features import FeatureError, parse
    try:
        features = parse(value, n, MAX_UNITS)
    except FeatureError as e:
        c.fail(e.field, e.problem)
    problem = features_problem(features, sizes, n)
    if problem is not None:
        c.fail(*problem)
    return features


def optimizer_object(optimizer: Optimizer, learning_rate) -> dict:
    """The file's "optimizer" object: {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0, ...}."""
    return {"name": optimizer.name, "learning_rate": learning_rate, **_setting_values(optimizer)}


def penalty_object(penalty: Penalty | None) -> dict | None:
    """The file's "regularization" object: {"kind": "l2", "strength": 0.001}, or None."""
    return None if penalty is None else {"kind": penalty.name, **_setting_values(penalty)}


def schedule_object(schedule: Schedule | None) -> dict | None:
    """The file's "schedule" object: {"name": "step", "step_size": 100, "gamma": 0.5}, or None."""
    return None if schedule is None else {"name": schedule.name, **_setting_values(schedule)}


def _setting_values(concept) -> dict:
    """Each setting's value; a flag only when it is on (a file without "nesterov" is SGD's
    plain momentum, as files written before it had the flag)."""
    return {s.key: s.json(getattr(concept, s.key)) for s in concept.settings
            if not (s.kind == "flag" and getattr(concept, s.key) is False)}


def optimizer_problems(optimizer: Optimizer) -> list[tuple[str, str]]:
    """Why the optimizer cannot have the values its settings hold (any values: a design may
    hold them), as (key, reason) in the order of its settings, then its rules between them
    (Nesterov needs momentum); empty if it can."""
    return setting_problems(optimizer)


def _kind(c: "_Checker", field: str, obj, kinds: dict, name_key: str, default_kind=None, extra=()):
    """The class of the concept (an optimizer, a penalty, a schedule) a file's object names
    ({name_key: its name, its settings, and the `extra` keys}), its keys checked."""
    if not isinstance(obj, dict):
        example = {name_key: next(iter(kinds)), **{k: "..." for k in extra}}
        c.fail(field, f"expected an object like {json.dumps(example)}")
    name = obj.get(name_key, default_kind)
    kind = kinds.get(name) if isinstance(name, str) else None
    if kind is None:
        c.fail(f"{field}.{name_key}", "missing" if name is None else
               f"unknown {field} {shown(name)} (known: {', '.join(kinds)})")
    known = (name_key, *extra, *(s.key for s in kind.settings))
    for key in obj:
        if key not in known:
            c.fail(f"{field}.{key}", f"unknown key (known keys: {', '.join(known)})")
    return kind


def _unheld(value) -> tuple[str, str] | None:
    """Where and why a setting's value (a number, or a list of them: Adam's betas) holds a number
    no float64 holds, if it does ("[k]" of a list): the settings' own rules would only see
    something that is not a number."""
    for k, v in enumerate(value) if isinstance(value, list) else [(None, value)]:
        if isinstance(v, _Unheld):
            return ("" if k is None else f"[{k}]"), number_problem(v)
    return None


def _settings(c: "_Checker", field: str, obj: dict, kind):
    """The concept of class `kind` with the settings of the file's object: each checked by its
    own rule (the first problem refused in one line naming the field), PyTorch's defaults for
    those left out (one without a default must be given), then the rules between them."""
    values = {}
    for setting in kind.settings:
        if setting.key not in obj:
            if setting.required:
                c.fail(f"{field}.{setting.key}", f"missing (the {kind.name} {field} needs its {setting.title})")
            values[setting.key] = setting.default
            continue
        value = obj[setting.key]
        unheld = _unheld(value)
        if unheld is not None:
            c.fail(f"{field}.{setting.key}{unheld[0]}", unheld[1])
        c.check(f"{field}.{setting.key}", setting.problem_of(value))
        values[setting.key] = setting.read(value)
    concept = kind(**values)
    for key, problem in setting_problems(concept)[:1]:
        c.fail(f"{field}.{key}", problem)
    return concept


def _optimizer(c: "_Checker", opt) -> tuple[float, Optimizer]:
    """The learning rate and the optimizer of the file's "optimizer" object."""
    if not isinstance(opt, dict):
        c.fail("optimizer", f"expected an object like {json.dumps(optimizer_object(DEFAULT_OPTIMIZER, 0.5))}")
    # the default's name needs no registry (which imports every optimizer: the presets use the default)
    default = opt.get("name", DEFAULT_OPTIMIZER.name) == DEFAULT_OPTIMIZER.name
    kinds = {DEFAULT_OPTIMIZER.name: type(DEFAULT_OPTIMIZER)} if default else optimizers.OPTIMIZERS
    kind = _kind(c, "optimizer", opt, kinds, "name", DEFAULT_OPTIMIZER.name, ("learning_rate",))
    if "learning_rate" not in opt:
        c.fail("optimizer.learning_rate", "missing")
    c.check("optimizer.learning_rate", setting_problem("learning_rate", opt["learning_rate"]))
    return float(opt["learning_rate"]), _settings(c, "optimizer", opt, kind)


def _penalty(c: "_Checker", obj) -> Penalty | None:
    """The file's optional "regularization" object (null or left out: none)."""
    if obj is None:
        return None
    from engine.concepts.penalties import PENALTIES
    return _settings(c, "regularization", obj, _kind(c, "regularization", obj, PENALTIES, "kind"))


def _schedule(c: "_Checker", obj) -> Schedule | None:
    """The file's optional "schedule" object (null or left out: none)."""
    if obj is None:
        return None
    from engine.concepts.schedules import SCHEDULES
    return _settings(c, "schedule", obj, _kind(c, "schedule", obj, SCHEDULES, "name"))


SAMPLES_EXPECTED = 'expected a non-empty list of {"input": [...], "target": [...]}'


def _sample(c: _Checker, k: int, s, sizes: list[int], loss: str, key: str = "samples") -> tuple[list[float], list[float]]:
    """The input and target of samples[k] (or another list's, `key`), checked: the first problem
    raises NetworkFileError."""
    field = f"{key}[{k}]"
    if isinstance(s, _Sample):
        s = s.as_json()
    if not isinstance(s, dict) or set(s) != {"input", "target"}:
        c.fail(field, 'expected an object with exactly the keys "input" and "target"')
    x = c.vector(s["input"], sizes[0], f"{field}.input")
    target = c.vector(s["target"], sizes[-1], f"{field}.target")
    problem = target_problem(loss, target)
    if problem is not None:
        m, text = problem
        c.fail(f"{field}.target" + ("" if m is None else f"[{m}]"), text)
    return x, target


def _sample_arrays(c: _Checker, samples: list, sizes: list[int], loss: str,
                   key: str = "samples") -> tuple[np.ndarray, np.ndarray]:
    """The inputs and targets of the samples (the file's list `key`) as arrays, every sample
    checked. Samples json read
    into `_Samples` are checked as arrays (their lengths, that they are finite, and the loss's
    rule on each distinct target); the first with a problem is then checked alone by `_sample`,
    which names it. Anything else is checked sample by sample."""
    n_in, n_out = sizes[0], sizes[-1]
    read = samples[0].read if isinstance(samples[0], _Sample) else None
    if read is not None and all(type(s) is _Sample and s.read is read for s in samples):
        x, t, first = read.arrays(np.fromiter((s.index for s in samples), np.int64, len(samples)), n_in, n_out)
        distinct, which = np.unique(t[:first], axis=0, return_inverse=True)
        refused = [j for j, row in enumerate(distinct.tolist()) if target_problem(loss, row) is not None]
        if refused:
            first = int(np.flatnonzero(np.isin(which.reshape(-1), refused))[0])
        if first == len(samples):
            return x, t
        _sample(c, first, samples[first], sizes, loss, key)  # raises, naming the problem
    pairs = [_sample(c, k, s, sizes, loss, key) for k, s in enumerate(samples)]
    return (np.array([p[0] for p in pairs], dtype=np.float64).reshape(len(pairs), n_in),
            np.array([p[1] for p in pairs], dtype=np.float64).reshape(len(pairs), n_out))


def _numbers(c: _Checker, values: list, field: str) -> np.ndarray:
    """A long list of numbers from a file (the loss history) as an array, checked as one."""
    if set(map(type, values)) <= {int, float}:
        try:
            out = np.array(values, dtype=np.float64)
        except OverflowError:  # an integer beyond a float64: named below
            pass
        else:
            bad = np.flatnonzero(~np.isfinite(out))
            if not len(bad):
                return out
    return np.array([c.number(v, f"{field}[{k}]") for k, v in enumerate(values)], dtype=np.float64)


EVERY = "loss_history_every"  # training_state's key: the loss history holds one iteration in this many


def kept_count(n: int, every: int) -> int:
    """How many of n losses a history of one iteration in `every` holds (iterations 1, 1 + every, …)."""
    return -(-n // every)


def _training_state(c: "_Checker", value, n_parameters: int, optimizer: Optimizer) -> TrainingState:
    """The optional `training_state`: {"iteration": k, "momentum_buffer": [...] or null,
    "loss_history": [k − 1 losses]}, with a key for each buffer the optimizer may keep. With
    "loss_history_every": e (a power of 2), the history holds the losses of iterations 1,
    1 + e, 1 + 2e, …: the others are NaN in the TrainingState ("not kept")."""
    field = "training_state"
    declared = type(optimizer).declared
    keys = [b.file_key for b in declared]
    if not isinstance(value, dict) or set(value) - {EVERY} != {"iteration", *keys, "loss_history"}:
        shape = ", ".join(['"iteration": K', *(f'"{k}": [...] or null' for k in keys), '"loss_history": [...]'])
        c.fail(field, f"expected {{{shape}}}")
    iteration = c.integer(value["iteration"], f"{field}.iteration", 1)
    if iteration > MAX_ITERATIONS:
        c.fail(f"{field}.iteration", f"at most {MAX_ITERATIONS:,}, found {iteration:,}")
    every = c.integer(value.get(EVERY, 1), f"{field}.{EVERY}", 1)
    if every & (every - 1) or every > MAX_ITERATIONS:
        c.fail(f"{field}.{EVERY}", f"expected a power of 2 (1, 2, 4, …) up to {MAX_ITERATIONS:,}, found {every:,}")
    history, kept = value["loss_history"], kept_count(iteration - 1, every)
    if not isinstance(history, list) or len(history) != kept:
        losses = f"{iteration - 1:,} losses" if every == 1 else \
            f"{kept:,} losses (one iteration in {every:,}: 1, {1 + every:,}, …)"
        c.fail(f"{field}.loss_history", f"expected the {losses} of the iterations before iteration {iteration:,}")
    losses = _numbers(c, history, f"{field}.loss_history")
    if every > 1:  # the iterations not kept: NaN
        read, losses = losses, np.full(iteration - 1, np.nan)
        losses[::every] = read
    rows, kept = [], optimizer.buffers
    for b in declared:
        buffer = value[b.file_key]
        if buffer is not None:
            if b not in kept:
                c.fail(f"{field}.{b.file_key}", optimizer.unkept(b))
            rows.append(np.array(c.vector(buffer, n_parameters, f"{field}.{b.file_key}"), dtype=np.float64))
            if b.problem is not None:
                c.check(f"{field}.{b.file_key}", b.problem(rows[-1]))
    if rows and len(rows) < len(kept):  # one kept and another not: all of them are saved, or none
        missing = next(b for b in kept if value[b.file_key] is None)
        c.fail(f"{field}.{missing.file_key}", f"expected {n_parameters} numbers, as the optimizer's other buffers "
                                              "are given")
    return TrainingState(iteration, np.stack(rows) if rows else None, losses)


def _kept_runs(c: _Checker, value) -> tuple[Run, ...]:
    """The optional `kept_runs`: a list of {"name": text, "settings": text, "loss": [...], and
    any other column of kept_runs.COLUMNS as long}, a value null where it was not computed.
    The bounds (how many runs, names, values in all) are checked before any list is read."""
    from engine.network import runs as kept_runs  # where a file keeps runs: the presets do not

    field, runs = "kept_runs", []
    if not isinstance(value, list):
        c.fail(field, 'expected a list of {"name": "...", "settings": "...", "loss": [...]}')
    if len(value) > kept_runs.MAX_RUNS:
        c.fail(field, f"at most {kept_runs.MAX_RUNS} runs, found {len(value):,}")
    known = ("name", "settings", *kept_runs.COLUMNS)
    for k, run in enumerate(value):
        at = f"{field}[{k}]"
        if not isinstance(run, dict) or "name" not in run or "loss" not in run:
            c.fail(at, 'expected an object {"name": "...", "settings": "...", "loss": [...]}')
        for key in run:
            if key not in known:
                c.fail(f"{at}.{key}", f"unknown key (known keys: {', '.join(known)})")
        c.check(f"{at}.name", kept_runs.name_problem(run["name"], runs))
        c.check(f"{at}.settings", kept_runs.settings_problem(run.get("settings", "")))
        columns = [key for key in kept_runs.COLUMNS if key in run]
        for key in columns:
            if not isinstance(run[key], list):
                c.fail(f"{at}.{key}", f"expected a list of numbers (null where not computed), found {shown(run[key])}")
            if len(run[key]) != len(run["loss"]):
                c.fail(f"{at}.{key}", f"expected {len(run['loss']):,} values, one per iteration of the loss, found "
                       f"{len(run[key]):,}")
        c.check(f"{at}.loss", kept_runs.room_problem(runs, len(run["loss"]), len(columns)))
        runs.append(kept_runs.Run.of(run["name"], run.get("settings", ""),
                                     {key: _values(c, run[key], f"{at}.{key}") for key in columns}))
    return tuple(runs)


def _values(c: _Checker, values: list, field: str) -> np.ndarray:
    """A kept run's column: numbers, null where not computed (NaN)."""
    if set(map(type, values)) <= {int, float, type(None)}:
        try:
            out = np.array(values, dtype=np.float64)  # null: NaN
        except OverflowError:  # an integer beyond a float64: named below
            pass
        else:
            if all(values[k] is None for k in np.flatnonzero(~np.isfinite(out))):
                return out
    return np.array([np.nan if v is None else c.number(v, f"{field}[{k}]") for k, v in enumerate(values)])


def runs_json(runs) -> list[dict]:
    """The file's `kept_runs` (a value not finite is null)."""
    return [{"name": run.name, "settings": run.settings,
             **{key: [v if math.isfinite(v) else None for v in column.tolist()] for key, column in run.columns.items()}}
            for run in runs]


def _matrices(c: _Checker, data: dict, key: str, sizes: list[int], rng) -> list[np.ndarray]:
    depth = len(sizes) - 1
    if key not in data:
        if rng is None:
            c.fail(key, "missing: give weights and biases, or a seed for a random start")
        from engine.concepts.inits import DEFAULT as DEFAULT_INIT  # PyTorch's nn.Linear default
        draw = DEFAULT_INIT.weights if key == "weights" else DEFAULT_INIT.biases
        return [draw(rng, sizes[l], sizes[l - 1]) for l in range(1, depth + 1)]
    value = data[key]
    if not isinstance(value, list) or len(value) != depth:
        c.fail(key, f"expected a list of {depth} layers, found {shown(value)}")
    out = []
    for l in range(1, depth + 1):
        field = f"{key}[{l - 1}]"
        if key == "biases":
            out.append(np.array(c.vector(value[l - 1], sizes[l], field)))
            continue
        rows = value[l - 1]
        if not isinstance(rows, list) or len(rows) != sizes[l]:
            c.fail(field, f"expected {sizes[l]} rows (one per unit of layer {l}) of {sizes[l - 1]} numbers")
        out.append(np.array([c.vector(r, sizes[l - 1], f"{field}[{j}]") for j, r in enumerate(rows)]))
    return out


def _reject_constant(name: str):
    # JSON has no NaN or Infinity; Python's json would accept them. Keep them as floats so
    # that the field check names where they are.
    return float(name.replace("Infinity", "inf"))


def _float(text: str) -> float | _Unheld:
    """A JSON number with a fraction or an exponent, as json's parse_float: its float64, or
    `_Unheld` where it rounds to infinity or is not zero but rounds to zero."""
    value = float(text)
    if math.isinf(value):
        return _Unheld(text, TOO_LARGE)
    if value == 0.0 and not ZERO.fullmatch(text):
        return _Unheld(text, TOO_SMALL)
    return value


_KINDS = bytes(ord("d") if b in b"0123456789" else ord("e") if b in b"eE" else ord("s") if b in b"+-" else ord(".")
               for b in range(256))  # each byte of the text as what it is in a number
_DIGITS = ord("d")
LONG_DIGITS = 200  # digits in a row a number needs to leave a float64's range with an exponent of 2 digits


def _may_hold_unheld_numbers(data: bytes) -> bool:
    """Might a number of this JSON text (UTF-8) be one no float64 holds? True if it has an
    exponent of 3 digits or more (1e-400, 1E+0310), or LONG_DIGITS digits in a row (0.000…1):
    with at most 2 digits of exponent and fewer digits than that, a number is between 1e-299
    and 1e299, or 0. Strings count too (a name may write 1e-400): that only costs the slower
    reading. Measured on the bytes, without parsing: a few tens of ms for the largest file."""
    kinds = data.translate(_KINDS)
    if b"d" * LONG_DIGITS in kinds:
        return True
    marks = np.frombuffer(kinds, np.uint8)
    at = np.flatnonzero(marks[:-3] == ord("e"))  # an e with 3 bytes after it
    at = at + 1 + (marks[at + 1] == ord("s"))  # where its digits start, past a sign
    at = at[at + 2 < len(marks)]
    return bool(((marks[at] == _DIGITS) & (marks[at + 1] == _DIGITS) & (marks[at + 2] == _DIGITS)).any())


def read_text(path: str | os.PathLike, what: str = "network file", limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file of at most `limit` bytes (UTF-8, with or without a byte
    order mark), or NetworkFileError: a FIFO, a device or a folder is refused before it is
    read (a FIFO would block, /dev/zero never end), and so is a file that is too large."""
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise NetworkFileError(source, "(file)", "no such file") from None
    except IsADirectoryError:
        raise NetworkFileError(source, "(file)", f"is a folder, not a {what}") from None
    except OSError as e:
        raise NetworkFileError(source, "(file)", f"cannot be read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NetworkFileError(source, "(file)", f"is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) or \
                stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file"
            raise NetworkFileError(source, "(file)", f"is {kind}, not a {what}")
        if info.st_size > limit:
            raise NetworkFileError(source, "(file)", f"is {info.st_size:,} bytes; a {what} may have at most {limit:,}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
        del chunks
    except OSError as e:
        raise NetworkFileError(source, "(file)", f"cannot be read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise NetworkFileError(source, "(file)", f"is larger than {limit:,} bytes, the most a {what} may have")
    try:
        return data.decode("utf-8-sig")  # a byte order mark, as many Windows editors write, is fine
    except UnicodeDecodeError:
        raise NetworkFileError(source, "(file)", f"not a text file (a {what} is UTF-8 text)") from None


def load(path: str | os.PathLike) -> Network:
    return loads(read_text(path), str(path))


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _object(pairs: list) -> dict:
    """A JSON object whose keys are all different: a repeated key is refused, not silently
    overridden by its last value."""
    data = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKey(key)
        data[key] = value
    return data


class _Sample:
    """An object {"input": [numbers], "target": [numbers]} that json read into `_Samples`: where
    its numbers are. (56 bytes where the dict, lists and floats took several hundred.)"""
    __slots__ = ("read", "index")

    def __init__(self, read: "_Samples", index: int):
        self.read, self.index = read, index

    def as_json(self) -> dict:
        """The object as json would have made it (its numbers as floats)."""
        if not isinstance(self, _Sample):  # json.dumps's default for anything else
            raise TypeError(type(self).__name__)
        start, n_in, n_out = self.read.where(self.index)
        values = self.read.values[start: start + n_in + n_out].tolist()
        return {"input": values[:n_in], "target": values[n_in:]}


class _Samples:
    """json's object_pairs_hook: each object that has the keys "input" and "target" only, each a
    list of numbers (wherever it is in the file), is kept as its numbers in one flat array and
    becomes a `_Sample`; any other object is made by `_object`. A million samples take tens of
    MB, not the gigabyte their dicts, lists and floats would."""

    def __init__(self):
        self.values = array("d")  # the numbers of each sample: its inputs, then its targets
        self.lengths = array("q")  # the number of inputs, then of targets, of each sample

    def __call__(self, pairs: list):
        if len(pairs) == 2:
            (k1, v1), (k2, v2) = pairs
            if k1 == "target":
                (k1, v1), (k2, v2) = (k2, v2), (k1, v1)
            if k1 == "input" and k2 == "target" and type(v1) is list and type(v2) is list \
                    and bool not in map(type, v1) and bool not in map(type, v2):
                start = len(self.values)
                try:
                    self.values.extend(v1)
                    self.values.extend(v2)
                except (TypeError, OverflowError):  # not numbers, or an integer beyond a float64
                    del self.values[start:]
                else:
                    self.lengths.extend((len(v1), len(v2)))
                    return _Sample(self, len(self.lengths) // 2 - 1)
        return _object(pairs)

    def _starts(self) -> np.ndarray:
        counts = np.frombuffer(self.lengths, np.int64).reshape(-1, 2).sum(axis=1)
        return np.cumsum(counts) - counts

    def where(self, index: int) -> tuple[int, int, int]:
        """Where sample `index`'s numbers start, and its numbers of inputs and targets."""
        n_in, n_out = self.lengths[2 * index], self.lengths[2 * index + 1]
        return int(self._starts()[index]), n_in, n_out

    def arrays(self, index: np.ndarray, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, int]:
        """The inputs and targets of these samples, and the first of them that has not n_in
        inputs and n_out targets, or a number that is not finite (len(index) if none has):
        the rows from there on are not filled in."""
        lengths = np.frombuffer(self.lengths, np.int64).reshape(-1, 2)[index]
        wrong = np.flatnonzero((lengths[:, 0] != n_in) | (lengths[:, 1] != n_out))
        good = int(wrong[0]) if len(wrong) else len(index)
        width = n_in + n_out
        flat = np.frombuffer(self.values, np.float64)
        if good == len(index) and np.array_equal(index, np.arange(index[0], index[0] + len(index))):
            start = int(self._starts()[index[0]]) if index[0] else 0  # samples read one after the other
            rows = flat[start: start + len(index) * width].reshape(-1, width)  # the numbers as they lie
        else:
            rows = np.zeros((len(index), width))
            rows[:good] = flat[self._starts()[index[:good], None] + np.arange(width)]
        bad = np.flatnonzero(~np.isfinite(rows[:good]).all(axis=1))
        first = int(bad[0]) if len(bad) else good
        return np.array(rows[:, :n_in]), np.array(rows[:, n_in:]), first


_KEPT = b'[]{}"'
_OTHERS = bytes(b for b in range(256) if b not in _KEPT)
_STEP = np.zeros(256, np.int8)  # what each byte does to the depth: [ and { open, ] and } close
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1


class Shape(NamedTuple):
    depth: int  # the most lists and objects open at once
    lists: int
    objects: int
    texts: int  # strings, keys included


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def shape(text: str | bytes) -> Shape:
    """How deep the lists and objects of JSON text (or its UTF-8 bytes) nest (the most [ and {
    open at once outside strings), and how many lists, objects and strings there are. Measured
    on the bytes with numpy, without parsing: any depth, in a fraction of a second for the
    largest file."""
    data = text if isinstance(text, bytes) else _utf8(text)
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"")  # escapes, as JSON pairs them
    data = np.frombuffer(data.translate(None, _OTHERS), np.uint8)  # quotes and brackets only
    quote = data == ord('"')
    quotes = int(np.count_nonzero(quote))
    if quotes:
        data = data[~np.logical_xor.accumulate(quote)]  # outside strings (and each closing quote: no step)
    del quote
    depth = level = 0
    for start in range(0, len(data), 1 << 22):  # in parts: 4 bytes of level for each bracket would be 4 × the file
        levels = np.cumsum(_STEP[data[start: start + (1 << 22)]], dtype=np.int32) + level
        depth, level = max(depth, int(levels.max())), int(levels[-1])
    return Shape(depth, int(np.count_nonzero(data == ord("["))), int(np.count_nonzero(data == ord("{"))), quotes // 2)


def most_containers(size: int) -> Shape:
    """The most lists, objects and strings a network file of `size` bytes holds: a sample (at
    least 27 bytes: {"input":[0],"target":[0]},) is 2 lists, an object and 2 keys; the weights'
    rows are at most MAX_LAYERS × MAX_UNITS lists. More is not a network file, and would take
    memory out of proportion to the file before it could be refused (3 bytes, [], make a 64-byte
    list; 5, "ab", a 59-byte string)."""
    return Shape(MAX_DEPTH, size // 12 + 2 * MAX_LAYERS * MAX_UNITS, size // 24 + 64, size // 12 + 1024)


def loads(text: str, source: str = "<network>") -> Network:
    if text.startswith("\ufeff"):
        text = text[1:]
    data = _utf8(text)
    found, most = shape(data), most_containers(len(text))
    if found.depth > most.depth:
        raise NetworkFileError(source, "(file)", f"lists and objects nested {found.depth:,} deep; a network file "
                               f"nests them at most {MAX_DEPTH} deep")
    for kind, name in (("lists", "lists"), ("objects", "objects"), ("texts", "strings")):
        if getattr(found, kind) > getattr(most, kind):
            raise NetworkFileError(source, "(file)", f"{getattr(found, kind):,} {name}: a network file of "
                                   f"{len(text):,} characters holds at most {getattr(most, kind):,}")
    try:
        checked = {"parse_float": _float} if _may_hold_unheld_numbers(data) else {}
        del data
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_Samples(), **checked)
    except _DuplicateKey as e:
        raise NetworkFileError(source, e.key, "appears twice in one object; give each key once") from None
    except json.JSONDecodeError as e:
        message = e.msg[:-3] if e.msg.endswith(" at") else e.msg  # "Invalid control character at"
        raise NetworkFileError(source, "(file)", f"not valid JSON: {message} at line {e.lineno} column {e.colno}") from None
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        raise NetworkFileError(source, "(file)", f"not valid JSON: {e}") from None
    return parse(data, source)


def to_dict(net: Network, samples: bool = True, every: int = 1) -> dict:
    """The network file's contents; without `samples`, the key "samples" holds None (dumps
    writes them one at a time); the loss history of one iteration in `every`."""
    data = {}
    if net.name:
        data["name"] = net.name
    if net.description:
        data["description"] = net.description
    data["layers"] = list(net.sizes)
    if net.features:
        from engine.concepts.features import spellings
        data["features"] = spellings(net.features)
    data.update({
        "activations": list(net.activations),
        "loss": net.loss,
        "weights": [w.tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
        "train_biases": net.train_biases,
        "optimizer": optimizer_object(net.optimizer, net.learning_rate),
        **({"regularization": penalty_object(net.penalty)} if net.penalty is not None else {}),
        **({"schedule": schedule_object(net.schedule)} if net.schedule is not None else {}),
        "batch_size": net.batch_size,
        "update_order": net.update_order,
        "samples": [{"input": x.tolist(), "target": t.tolist()} for x, t in zip(net.inputs, net.targets)]
        if samples else None,
    })
    if net.test_inputs is not None:
        data["test_samples"] = [{"input": x.tolist(), "target": t.tolist()}
                                for x, t in zip(net.test_inputs, net.test_targets)] if samples else None
    if net.state is not None:
        state, kept = net.state.optimizer_state, [b.name for b in net.optimizer.buffers]
        buffers = {b.file_key: None if state is None or b.name not in kept else _buffer_values(b, state[kept.index(b.name)])
                   for b in type(net.optimizer).declared}
        data["training_state"] = {"iteration": net.state.iteration, **buffers, **({EVERY: every} if every > 1 else {}),
                                  "loss_history": net.state.loss_history[::every].tolist()}
    if net.runs:
        data["kept_runs"] = runs_json(net.runs)
    return data


def _buffer_values(buffer, row: np.ndarray) -> list:
    """A kept buffer's values as the file writes them: exact, counts as whole numbers."""
    values = row.tolist()
    return [int(v) for v in values] if buffer.counts and np.isfinite(row).all() else values


_WHOLE = r"(?<!-0)\.0(?=[,\]])"  # the ".0" of a whole number's repr in a list (not -0.0's); compiled where first used
SAMPLES_AT_ONCE = 50_000  # samples made into Python objects at once, to write them


def _samples_text(inputs: np.ndarray, targets: np.ndarray) -> str:
    """The samples as a network file writes them, compact ({"input":[0.05,0.1],"target":[1]}),
    separated by commas (a line break may follow each: `written`); numbers exact (repr), a
    whole number without ".0" (3.0 is 3, read back as 3.0; -0.0 stays). json writes them."""
    parts = []
    for start in range(0, len(inputs), SAMPLES_AT_ONCE):
        end = start + SAMPLES_AT_ONCE
        rows = [{"input": x, "target": t} for x, t in zip(inputs[start:end].tolist(), targets[start:end].tolist())]
        parts.append(re.sub(_WHOLE, "", json.dumps(rows, separators=(",", ":"))[1:-1]))
    return ",".join(parts)


def _losses_text(values: np.ndarray) -> str:
    return json.dumps(values.tolist(), separators=(",", ":"))[1:-1]


class Written(NamedTuple):
    text: str
    every: int  # the loss history holds the loss of one iteration in this many (1: every one)


def written(net: Network, source: str = "<network>", limit: int | None = None) -> Written:
    """The network file's text, within `limit` bytes, so that the reader takes it again: one key
    per line; the samples one per line, compact (or, only when those line breaks would not fit,
    on one line); numbers exact. A loss history that would not fit is thinned to the losses of
    one iteration in k (k the least power of 2 that fits; k also leaves out the losses a history
    read thinned does not hold): the parameters and the optimizer's state never are. When even
    that cannot fit (the samples and kept runs alone are too large), NetworkFileError, before
    anything is written."""
    limit = MAX_FILE_BYTES if limit is None else limit
    data = to_dict(net, samples=False)
    history = data.get("training_state", {}).pop("loss_history", None)
    del history  # the losses are written from the array, thinned as needed
    samples = _samples_text(net.inputs, net.targets)
    n_samples = len(net.inputs)
    lines = []
    for key, value in data.items():
        if key == "samples":
            lines.append(None)  # placed below: with or without line breaks
        elif key == "test_samples":  # compact as the samples, one per line
            test = _samples_text(net.test_inputs, net.test_targets).replace('},{"input":', '},\n{"input":')
            lines.append(f'  "{key}": [\n{test}\n  ]')
        elif key == "training_state":
            head = json.dumps(value)[:-1]
            lines.append(f"  {json.dumps(key)}: {head}, " + "{history}}")
        elif key == "kept_runs":
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    # json.dumps writes ASCII only: characters are bytes
    fixed = 4 + sum(len(line) + 2 for line in lines if line is not None) + len('  "samples": [\n\n  ]')
    room = limit - fixed - len(samples)  # the samples on one line
    losses = net.state.loss_history if net.state is not None else None
    every, thinned = 1, ""
    if losses is not None:
        every, thinned = _thinned(losses, room)
        room -= len(thinned) + (len(f'"{EVERY}": {every}, ') if every > 1 else 0)
    if room < 0:
        runs = sum(len(line) for line in lines if line is not None and line.startswith('  "kept_runs"'))
        raise NetworkFileError(source, "(file)", f"would be at least {limit - room:,} bytes; a network file may have at most "
                               f"{limit:,} (its {n_samples:,} samples take {len(samples):,} bytes"
                               f"{f', its kept runs {runs:,}' if runs else ''}"
                               f"{f', its loss history {len(thinned):,} with one iteration in {every:,}' if losses is not None else ''})"
                               ": keep fewer samples or kept runs")
    if room >= n_samples - 1:  # a line break after each sample's comma still fits
        samples = samples.replace('},{"input":', '},\n{"input":')
    lines[lines.index(None)] = '  "samples": [\n' + samples + "\n  ]"
    if losses is not None:
        at = next(k for k, line in enumerate(lines) if line.startswith('  "training_state"'))
        lines[at] = lines[at].replace("{history}", (f'"{EVERY}": {every}, ' if every > 1 else "")
                                      + f'"loss_history": [{thinned}]')
    return Written("{\n" + ",\n".join(lines) + "\n}\n", every)


def _thinned(losses: np.ndarray, room: int) -> tuple[int, str]:
    """(k, the text of the losses of iterations 1, 1 + k, …): k the least power of 2 for which
    they are all held (a history read thinned holds NaN for the losses it left out) and their
    text takes at most `room` characters, or the k that holds one loss if none does."""
    every, n = 1, len(losses)
    while True:
        values = losses[::every]
        last = every >= n
        if last or np.isfinite(values).all():
            sample = values[:: max(1, len(values) // 2000)][:2000]
            estimate = len(values) * (len(_losses_text(sample)) + 1) / max(1, len(sample))
            if last or estimate <= room * 1.01:  # worth writing out: it may fit
                text = _losses_text(values)
                if last or len(text) <= room:
                    return every, text
        every *= 2


def dumps(net: Network) -> str:
    """The network file's text (see `written`)."""
    return written(net).text


def save(net: Network, path: str | os.PathLike) -> int:
    """Write the network file (see `written`: a NetworkFileError before anything is written if
    it cannot fit); returns k, its loss history holding the loss of one iteration in k."""
    text, every = written(net, str(path))
    write_atomic(path, text)
    return every


def thinned_line(every: int) -> str:
    """What Save and `train --out` say when they thinned the loss history ("" if they did not)."""
    return "" if every == 1 else (f"the loss history holds one iteration in {every:,} (1, {1 + every:,}, …), "
                                  f"to keep the file within {MAX_FILE_BYTES:,} bytes")
