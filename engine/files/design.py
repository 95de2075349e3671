"""What "New network" and "Edit structure" choose, as data (`Design`), and the network built
from it (`build`).

Every rule is the network file's: `problems` and `unavailable` call the same functions as
`netfile.parse` (`netfile.structure_problems`, `netfile.setting_problem`, `limits.problems`),
and `build` makes the network by reading the design as a network file with `netfile.parse`,
so the dialogs, the headless `new` command and the file reader can never disagree on what is a
network. Start values are drawn from the seed exactly as a file with a `seed` and no `weights`
draws them (or, with another `init`, as that scheme draws them: engine.concepts.inits); with
`keep`, every weight and bias whose units stay keeps its value.

A design's `test_fraction` F holds out round(F·N) of the N samples as test samples (Python's
round: half to even), drawn from the seed (`test_mask`): the classes keep their proportions
where they can (the test samples of each class in proportion to its samples, the remainder to
the classes with the largest fractions), and both lists keep the samples' order.

How layers are matched when the shape changes (for `keep` and `fit_samples`): hidden layers
by position from the input side (hidden layer 1 with hidden layer 1, ...), the output layer
with the output layer; within a layer, unit j with unit j (a unit stays when its index exists
in both). A weight stays when both its units stay and it connected them before (the layers on
either side were matched): adding a hidden layer before the outputs keeps the earlier layers'
weights and the output biases, while the weights into the outputs, which now come from
another layer, are drawn from the seed; removing the last hidden layer does the same the
other way round. An input unit stays where its feature does (engine.concepts.features: x1², sin(x2)
…; without features the raw input xj is unit j), wherever the new feature list places it: turning
a feature on or off keeps the weights of every other input.

The API, for the dialogs:
    Design(sizes=[2, 2, 2], activations=["sigmoid", "sigmoid"], loss="half_sse", ...)
    design_of(setup, seed=0) -> Design
    problems(design, n_samples=1) -> [(field, reason)]
    unavailable(design, field, value) -> reason | None;  with_choice(design, field, value) -> Design
    build(design, inputs, targets, keep=None, name="", description="", labels=None, test=None) -> Network
    with_features(design, features, n) -> Design  (an input layer of features of n raw inputs)
    test_count(fraction, n) -> int;  test_mask(design, targets, labels=None) -> bool array | None
    default_samples(sizes, loss, features=()) -> (inputs, targets)
    fit_samples(inputs, targets, sizes, loss, features=()) -> (inputs, targets)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from engine.concepts import features as feature_forms
from engine.concepts.inits import DEFAULT as DEFAULT_INIT, INITS
from engine.concepts.losses import LOSSES
from engine.concepts.optimizers import DEFAULT as DEFAULT_OPTIMIZER, Optimizer
from engine.concepts.penalties import Penalty
from engine.concepts.schedules import Schedule
from engine.concepts.setting import problems as setting_problems
from engine.files import netfile
from engine.network.limits import MAX_UNITS, problems as limit_problems
from engine.network.network import Network, Setup, target_problem

__all__ = ["Design", "build", "default_samples", "design_of", "fit_samples", "problems", "test_count", "test_mask",
           "unavailable", "with_choice"]


@dataclass(kw_only=True)
class Design:
    """A network's structure and settings without its values or samples: what the New network
    and Edit structure dialogs choose. Any values may be held; `problems` says which the
    network file's rules refuse."""
    sizes: list[int]  # units per layer, the inputs first
    activations: list[str]  # one per layer after the inputs
    loss: str
    learning_rate: float = 0.5
    optimizer: Optimizer = DEFAULT_OPTIMIZER  # with its settings (SGD: momentum), which may hold any values
    penalty: Penalty | None = None  # "regularization", with its settings (any values), or none
    schedule: Schedule | None = None  # the learning rate's schedule, with its settings (any values), or none
    batch_size: int | None = None
    train_biases: bool = True
    update_order: str = "simultaneous"
    seed: int = 0
    # the input units as features of the samples' raw inputs (engine.concepts.features), one per
    # unit (sizes[0] of them); empty: the inputs are the samples' own
    features: tuple = ()
    # how a new network starts: its samples held out as test samples, its start values' scheme
    test_fraction: float = 0.0
    init: str = DEFAULT_INIT.name

    def copy(self) -> "Design":
        return dataclasses.replace(self, sizes=list(self.sizes), activations=list(self.activations))


def design_of(setup: Setup, seed: int = 0) -> Design:
    """The design of an existing network (its values are not part of it)."""
    return Design(sizes=list(setup.sizes), activations=list(setup.activations), loss=setup.loss,
                  learning_rate=float(setup.learning_rate), optimizer=setup.optimizer, penalty=setup.penalty,
                  schedule=setup.schedule, batch_size=setup.batch_size, train_biases=setup.train_biases,
                  update_order=setup.update_order, seed=seed, features=tuple(setup.features))


def _file(design: Design, inputs, targets, name: str = "", description: str = "") -> dict:
    """The design as a network file's contents (start values from the seed)."""
    data = {}
    if name:
        data["name"] = name
    if description:
        data["description"] = description
    data["layers"] = list(design.sizes)
    if design.features:
        data["features"] = feature_forms.spellings(design.features)
    data.update({
        "activations": list(design.activations), "loss": design.loss,
        "seed": design.seed, "train_biases": design.train_biases,
        "optimizer": netfile.optimizer_object(design.optimizer, design.learning_rate),
        "regularization": netfile.penalty_object(design.penalty),
        "schedule": netfile.schedule_object(design.schedule),
        "batch_size": design.batch_size, "update_order": design.update_order,
        "samples": [{"input": list(map(float, x)), "target": list(map(float, t))} for x, t in zip(inputs, targets)],
    })
    return data


def _samples(design: Design, inputs, targets, key: str = "samples") -> tuple[np.ndarray, np.ndarray]:
    """The samples as float64 arrays, checked by the network file's rules for samples (finite
    numbers, `network.target_problem`); NetworkFileError naming the first bad one as a file
    would ("samples[3].target[0]", or in the list `key`)."""
    def fail(field: str, problem: str):
        raise netfile.NetworkFileError("the new network", field, problem)

    x, t = np.array(inputs, dtype=np.float64), np.array(targets, dtype=np.float64)
    n_in = design.sizes[0]  # with features, the raw inputs (the features' rules check how many: `build`)
    if x.ndim != 2 or t.ndim != 2 or len(x) != len(t) or t.shape[1] != design.sizes[-1] or \
            (x.shape[1] < 1 if design.features else x.shape[1] != n_in):
        wide = "raw" if design.features else n_in
        fail(key, f"expected (samples, {wide}) inputs and (samples, {design.sizes[-1]}) targets, "
                  f"found {x.shape} and {t.shape}")
    for part, values in (("input", x), ("target", t)):
        bad = np.argwhere(~np.isfinite(values))
        if len(bad):
            k, m = bad[0]
            fail(f"{key}[{k}].{part}[{m}]", netfile.number_problem(float(values[k, m])))
    for k, row in enumerate(t.tolist()):
        problem = target_problem(design.loss, row)
        if problem is not None:
            m, text = problem
            fail(f"{key}[{k}].target" + ("" if m is None else f"[{m}]"), text)
    return x, t


def _design_field(field: str, design: Design) -> str:
    """A network file's field as the design names it: "layers[1]" is "sizes[1]",
    "activations[-1]" the last activation by its index, "optimizer.momentum" "momentum" (each
    setting of the optimizer by its key)."""
    last = len(design.activations) - 1 if isinstance(design.activations, list) else -1
    field = field.replace("activations[-1]", f"activations[{last}]")
    if field.startswith("layers"):
        field = "sizes" + field[len("layers"):]
        if isinstance(design.sizes, list):
            field = field.replace("sizes[-1]", f"sizes[{len(design.sizes) - 1}]")
    return field.removeprefix("optimizer.")


def test_count(fraction: float, n: int) -> int:
    """How many of n samples a test fraction holds out: round(F·N), half to even."""
    return round(fraction * n)


def _fraction_problem(fraction, n_samples: int | None) -> str | None:
    """Why a design cannot hold out this fraction of `n_samples` samples (None: not known yet)."""
    problem = netfile.number_problem(fraction)
    if problem is not None:
        return problem
    if not 0.0 <= fraction < 1.0:
        return f"must be from 0 to less than 1, found {fraction}"
    if isinstance(n_samples, int) and 0 < n_samples <= test_count(fraction, n_samples):
        return (f"holds out {test_count(fraction, n_samples):,} of the {n_samples:,} sample"
                f"{'s' if n_samples != 1 else ''}, which leaves none to train on")
    return None


def problems(design: Design, n_samples: int | None = 1) -> list[tuple[str, str]]:
    """Every rule of the network file this design breaks with `n_samples` samples, as (field,
    reason) in the order the file reader checks them (the first is what `build` and a file
    would refuse); empty if it is a valid network. The rules are netfile's own
    (`structure_problems`, `setting_problem`, `optimizer_problems`) and the limits of
    engine.network.limits; fields are the design's: "sizes", "sizes[k]", "activations",
    "activations[k]", "loss", "seed", "train_biases", "learning_rate", each setting of the
    optimizer, the penalty and the schedule by its key ("momentum", "strength", "step_size"),
    "batch_size", "samples", "update_order", "init", "test_fraction". With `n_samples` None (not
    known yet) the limits are those of one sample per iteration and the test fraction's count is
    not checked."""
    found = [(_design_field(f, design), reason) for f, reason in
             netfile.structure_problems(design.sizes, design.activations, design.loss)]
    structure_valid = not found
    found += features_problems(design)
    if design.seed is None:
        found.append(("seed", "expected a whole number ≥ 0, found null"))
    for name in ("seed", "train_biases", "learning_rate"):
        problem = netfile.setting_problem(name, getattr(design, name))
        if problem is not None:
            found.append((name, problem))
    found += netfile.optimizer_problems(design.optimizer)
    for concept in (design.penalty, design.schedule):
        if concept is not None:
            found += setting_problems(concept)
    problem = netfile.setting_problem("batch_size", design.batch_size)
    if problem is not None:
        found.append(("batch_size", problem))
    batch_valid = netfile.setting_problem("batch_size", design.batch_size) is None
    fraction_problem = _fraction_problem(design.test_fraction, n_samples)
    if n_samples is not None and (not isinstance(n_samples, int) or n_samples < 1):
        found.append(("samples", f"at least one sample is needed, found {n_samples}"))
    elif structure_valid and batch_valid:
        trained = 1 if n_samples is None else n_samples - (0 if fraction_problem else
                                                           test_count(design.test_fraction, n_samples))
        batch = trained if design.batch_size is None else design.batch_size
        found += [(_design_field(f, design), reason) for f, reason in limit_problems(design.sizes, batch)]
    problem = netfile.setting_problem("update_order", design.update_order)
    if problem is not None:
        found.append(("update_order", problem))
    if not isinstance(design.init, str) or design.init not in INITS:
        found.append(("init", f"unknown start values {netfile.shown(design.init)} (known: {', '.join(INITS)})"))
    if fraction_problem is not None:
        found.append(("test_fraction", fraction_problem))
    return found


def features_problems(design: Design, n: int | None = None) -> list[tuple[str, str]]:
    """The network file's rules for the design's features over n raw inputs (by default as
    many as they read), as (field, reason): "features[k]" for a feature, "sizes[0]" for an
    input layer of another width."""
    if not design.features:
        return []
    n = feature_forms.needs(design.features) if n is None else n
    try:
        feature_forms.parse(feature_forms.spellings(design.features), n, MAX_UNITS)
    except feature_forms.FeatureError as e:
        return [(e.field, e.problem)]
    problem = netfile.features_problem(design.features, design.sizes, n) if isinstance(design.sizes, list) \
        and design.sizes else None
    return [] if problem is None else [(_design_field(problem[0], design), problem[1])]


FIELDS = ("sizes", "activations", "loss", "learning_rate", "batch_size", "train_biases", "update_order", "seed",
          "features", "init", "test_fraction")


def with_features(design: Design, features, n: int) -> Design:
    """The design whose input layer is `features` of n raw inputs, sizes[0] their number:
    none, or x1 … xn in order (the raw inputs as they are), make a design without features
    of n inputs."""
    chosen = design.copy()
    features = tuple(features)
    chosen.features = () if features == feature_forms.plain(n) else features
    chosen.sizes[0] = len(chosen.features) or n
    return chosen


def with_choice(design: Design, field: str, value) -> Design:
    """A copy of the design with `field` set to `value`: a field of Design ("loss", "sizes",
    ...), a setting of its optimizer by its key ("momentum"), or one entry of a list,
    "sizes[k]" (k 0-based, the inputs first) or "activations[k]" (k 0-based after the inputs).
    ValueError (one line) for a field that is not one of these."""
    chosen = design.copy()
    name, _, index = field.partition("[")
    settings = [s.key for s in design.optimizer.settings]
    if name in settings and not index:
        chosen.optimizer = design.optimizer.with_values(**{name: value})
        return chosen
    if name not in FIELDS or (index and name not in ("sizes", "activations")):
        raise ValueError(f"unknown design field {netfile.printable(field, 60)!r} (fields: "
                         f"{', '.join(FIELDS + tuple(settings))}, sizes[k], activations[k])")
    if not index:
        setattr(chosen, name, list(value) if name in ("sizes", "activations") else tuple(value) if name == "features"
                else value)
        return chosen
    items = getattr(chosen, name)
    try:
        k = int(index.removesuffix("]"))
        if not index.endswith("]") or not 0 <= k < len(items):
            raise ValueError
    except ValueError:
        raise ValueError(f"no {name} entry {netfile.printable(field, 60)!r}: the design has {name}[0] to "
                         f"{name}[{len(items) - 1}]") from None
    items[k] = value
    return chosen


def unavailable(design: Design, field: str, value) -> str | None:
    """Why `value` cannot be chosen for `field` ("activations[k]" (k 0-based after the
    inputs), "loss", "sizes[k]", "sizes", "activations", "batch_size", "learning_rate", a
    setting of the optimizer ("momentum"), "update_order", "train_biases", "seed"; see
    `with_choice`) with the rest of
    the design as it is, in the file reader's words; None if it can. Only a problem the choice
    brings is a reason: a problem the design has anyway (the same field and reason) is not.
    Examples on the worked example's design: "activations[0]" = "softmax": "softmax is allowed
    on the output layer only"; "loss" = "cross_entropy": "the cross_entropy loss needs a softmax
    output layer, found sigmoid"."""
    before = problems(design)
    for found in problems(with_choice(design, field, value)):
        if found not in before:
            return found[1]
    return None


def test_mask(design: Design, targets: np.ndarray, labels=None) -> np.ndarray | None:
    """Which samples the design's test fraction holds out (True), drawn from its seed (numpy's
    default_rng of the seed's first spawned SeedSequence, so that the start values are those of
    the seed alone), the classes in proportion (see the module): the classes are the `labels`
    (one per sample) if given, else the loss's classes of the targets (a loss that classifies),
    else all samples are one class. None if it holds out none."""
    n = len(targets)
    count = test_count(design.test_fraction, n)
    if not count:
        return None
    if labels is not None:
        _, group = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    elif LOSSES[design.loss].classes is not None:
        group = LOSSES[design.loss].classes.of(np.asarray(targets, dtype=np.float64))
    else:
        group = np.zeros(n, np.int64)
    group = np.asarray(group).reshape(-1)
    sizes = np.bincount(group)
    share = count * sizes / n  # each class's part of the test samples
    quota = np.floor(share).astype(np.int64)
    left = count - int(quota.sum())
    quota[np.argsort(-(share - quota), kind="stable")[:left]] += 1  # the largest fractions first
    rng = np.random.default_rng(np.random.SeedSequence(design.seed).spawn(1)[0])
    held = np.zeros(n, bool)
    for c in range(len(sizes)):
        members = np.flatnonzero(group == c)
        held[members[rng.permutation(len(members))[: quota[c]]]] = True
    return held


def default_samples(sizes: list[int], loss: str, features=()) -> tuple[np.ndarray, np.ndarray]:
    """What a brand-new network starts with: one sample, inputs 0 (with features, the raw
    inputs they read), a valid target (`Loss.first_target`: the first class for cross-entropy,
    0 otherwise)."""
    rules = LOSSES.get(loss)
    width = feature_forms.needs(features) if features else sizes[0]
    return np.zeros((1, width)), (np.zeros(sizes[-1]) if rules is None else rules.first_target(sizes[-1]))[None]


def fit_samples(inputs, targets, sizes: list[int], loss: str, features=()) -> tuple[np.ndarray, np.ndarray]:
    """The samples fitted to other input and output counts: columns kept by position, new
    ones 0, extra ones dropped (with `features` the raw inputs are kept as they are, with new
    columns 0 if the features read more of them); targets made valid for `loss` where they no
    longer are (`Loss.fitted_targets`: clipped to [0, 1] for bce and cross-entropy; a
    cross-entropy target that does not sum to 1 any more becomes one-hot on its largest value)."""
    inputs, targets = np.asarray(inputs, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    width = max(inputs.shape[1], feature_forms.needs(features)) if features else sizes[0]
    x = np.zeros((len(inputs), width))
    n = min(width, inputs.shape[1])
    x[:, :n] = inputs[:, :n]
    t = np.zeros((len(targets), sizes[-1]))
    m = min(sizes[-1], targets.shape[1])
    t[:, :m] = targets[:, :m]
    return x, LOSSES[loss].fitted_targets(t)


def _matched(old_sizes: list[int], new_sizes: list[int]) -> dict[int, int]:
    """new layer index -> old layer index, for the layers that are matched (see the module)."""
    old_last, new_last = len(old_sizes) - 1, len(new_sizes) - 1
    pairs = {0: 0, new_last: old_last}
    for l in range(1, min(old_last, new_last)):
        pairs[l] = l
    return pairs


def _same_inputs(old: Setup, design: Design) -> list[tuple[int, int]]:
    """(new input unit, old input unit) for each input that stays: the same feature (a raw
    input as it is, without features), wherever it now is in the layer."""
    before = old.features or feature_forms.plain(old.sizes[0])
    after = design.features or feature_forms.plain(design.sizes[0])
    where = {f.key(): i for i, f in enumerate(before)}
    return [(j, where[f.key()]) for j, f in enumerate(after) if f.key() in where]


def build(design: Design, inputs, targets, keep: Network | tuple | None = None, name: str = "",
          description: str = "", labels=None, test: tuple | None = None) -> Network:
    """The network of this design with these samples ((n, sizes[0]) inputs, (n, sizes[-1])
    targets), of which the design's test fraction is held out as test samples (`test_mask`,
    the classes of `labels` in proportion, if given); or, without a test fraction, with `test`
    ((inputs, targets)) as its test samples (those of a network whose structure changes).

    Start values are drawn from `design.seed` exactly as a network file with that seed and no
    weights or biases draws them (for the default `init`; another scheme draws them in the same
    order: engine.concepts.inits): `build(d, x, t)` equals `netfile.parse` of the same choices
    written as a file with `"seed"`. With `keep` (a Network, or (setup, weights, biases) of the
    network being changed), every weight and bias between units that stay keeps its value (see
    the module: hidden layers matched by position from the inputs, the output layer with the
    output layer, unit j with unit j); the others are the seed's.

    Raises NetworkFileError (one line naming the field: the design's, as `problems` names it,
    or the samples' as a file names them, "samples[3].target[0]") if the network file's rules
    refuse the network."""
    for field, reason in problems(design, len(inputs))[:1]:
        raise netfile.NetworkFileError("the new network", field, reason)
    x, t = _samples(design, inputs, targets)
    for field, reason in features_problems(design, x.shape[1])[:1]:  # over the samples' raw inputs
        raise netfile.NetworkFileError("the new network", field, reason)
    held = test_mask(design, t, labels)
    if held is not None:
        test = x[held], t[held]
        x, t = x[~held], t[~held]
    elif test is not None:
        test = _samples(design, *test, key="test_samples")
    # the file's own reading, with the first sample (the others: checked above by the same rules)
    net = netfile.parse(_file(design, x[:1], t[:1], name, description), "the new network")
    net.inputs, net.targets = x, t
    if test is not None and len(test[0]):
        net.test_inputs, net.test_targets = test
    net.weights, net.biases = INITS[design.init].draw(design.sizes, design.seed)
    if keep is not None:
        old_setup, old_weights, old_biases = (keep, keep.weights, keep.biases) if isinstance(keep, Setup) else keep
        old_sizes = old_setup.sizes
        pairs = _matched(old_sizes, design.sizes)
        for l in range(1, len(design.sizes)):
            old = pairs.get(l)
            if old is None:
                continue
            rows = min(design.sizes[l], old_sizes[old])
            net.biases[l - 1][:rows] = np.asarray(old_biases[old - 1], dtype=np.float64)[:rows]
            old_w = np.asarray(old_weights[old - 1], dtype=np.float64)
            if pairs.get(l - 1) != old - 1:  # the layer below is not the one that was below it
                continue
            if l == 1:  # from the inputs: an input stays where its feature does (x1 … xn without features)
                for j, i in _same_inputs(old_setup, design):
                    net.weights[0][:rows, j] = old_w[:rows, i]
            else:
                columns = min(design.sizes[l - 1], old_sizes[old - 1])
                net.weights[l - 1][:rows, :columns] = old_w[:rows, :columns]
    return net
