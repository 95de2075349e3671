"""python -m engine new: a network file built from choices, as New network builds it.

    python -m engine new --layers 2,4,1 --activations tanh,sigmoid --loss bce
        [--learning-rate LR] [--batch-size B] [--seed S] [--frozen-biases]
        [--update-order simultaneous|sequential] [--name TEXT] [--features "x1,x2,x1^2,x1*x2,sin(x1)"]
        [--dataset NAME [--samples N] [--noise X] | --csv FILE --inputs COLUMNS --targets COLUMNS
         [--scale none|standard|minmax]]
        [--optimizer sgd|adam|rmsprop [--momentum M] [--nesterov] [--betas B1,B2] [--eps E] [--alpha A]]
        [--regularization l1|l2 --strength λ] [--schedule step|exponential [--step-size N] [--gamma G]]
        [--test-fraction F] [--init pytorch|xavier|he|zeros]
        --out NET.json

Without data, the network gets one sample of zeros (engine.files.design.default_samples), as a new
network in the window does. --features makes each input unit a feature of the samples' raw inputs
x1 … xn (n: the data's input columns, or without data as many as the features read): the first
entry of --layers is then the number of features. The file written is an ordinary network file: explicit weights
and biases drawn from the seed, the samples, and a description of where they came from.
"""
from __future__ import annotations

from engine.cli.loader import WHOLE, NUMBER, listed
from engine.concepts import features as feature_forms
from engine.concepts.inits import DEFAULT as DEFAULT_INIT, INITS
from engine.concepts.optimizers import DEFAULT as DEFAULT_OPTIMIZER, OPTIMIZERS
from engine.concepts.penalties import PENALTIES
from engine.concepts.schedules import SCHEDULES
from engine.concepts.setting import Setting
from engine.files.atomic import Outputs
from engine.cli.terminal import say
from engine.files import csvdata, datasets
from engine.files.csvdata import SCALES
from engine.files.datasets import DATASETS
from engine.files.design import Design, build, default_samples, features_problems, problems
from engine.files.netfile import NetworkFileError, written
from engine.network.limits import MAX_UNITS
from engine.network.network import UPDATE_ORDERS
from engine.network.numbers import parse_number, whole_number
from engine.network.targets import Data, OutputsMismatch

DEFAULT_SAMPLES = 200  # of --dataset

# -- the update rule: optimizer, penalty, schedule (issue 19) -----------------------------------------
# Every setting of every optimizer, penalty and schedule is an option named by its key (--betas,
# --step-size); an option for a concept not chosen is refused, as is a required setting left out.
RULE_CONCEPTS = (("--optimizer", "name", OPTIMIZERS), ("--regularization", "kind", PENALTIES),
                 ("--schedule", "name", SCHEDULES))


def _rule_settings() -> dict[str, Setting]:
    """Each setting of any optimizer, penalty or schedule by key, the first of each key."""
    found: dict[str, Setting] = {}
    for _, _, registry in RULE_CONCEPTS:
        for concept in registry.values():
            for setting in concept.settings:
                found.setdefault(setting.key, setting)
    return found


RULE_SETTINGS = _rule_settings()


def _add_rule_options(new) -> None:
    rules = new.add_argument_group("the update rule (docs/file-formats.md: optimizer, regularization, schedule)")
    rules.add_argument("--optimizer", choices=list(OPTIMIZERS), default=DEFAULT_OPTIMIZER.name,
                       help=f"default {DEFAULT_OPTIMIZER.name}")
    rules.add_argument("--regularization", choices=list(PENALTIES), help="a penalty of the weights (with --strength)")
    rules.add_argument("--schedule", choices=list(SCHEDULES), help="the learning rate's schedule")
    for setting in RULE_SETTINGS.values():
        owners = [f"{option} {name}" for option, _, registry in RULE_CONCEPTS for name, concept in registry.items()
                  if setting in concept.settings]
        default = "" if setting.required else f", default {setting.text(setting.default)}"
        text = f"{setting.title} ({' or '.join(owners)}{default})"
        if setting.kind == "flag":
            rules.add_argument(setting.option, action="store_true", default=None, help=text)
        else:
            kind = {"whole": WHOLE, "pair": listed(parse_number, "number")}.get(setting.kind, NUMBER)
            rules.add_argument(setting.option, type=kind, default=None, help=text,
                               metavar="A,B" if setting.kind == "pair" else setting.symbols[0])


def _rule(args, option: str, registry: dict, name: str | None, given: set[str]):
    """The concept `name` of `registry` with the settings given on the command line (its
    defaults for the others), or None; the settings it reads are taken out of `given`."""
    if name is None:
        return None
    concept = registry[name]
    values = {}
    for setting in concept.settings:
        value = getattr(args, setting.key)
        if value is None:
            if setting.required:
                raise NetworkFileError("new", setting.option, f"needed with {option} {name}")
            continue
        given.discard(setting.key)
        values[setting.key] = tuple(value) if setting.kind == "pair" else value
    return concept(**values) if registry is not OPTIMIZERS else concept().with_values(**values)


def _update_rule(args):
    """(optimizer, penalty, schedule) the options choose; a setting given for none of them is refused."""
    given = {key for key in RULE_SETTINGS if getattr(args, key) is not None}
    optimizer = _rule(args, "--optimizer", OPTIMIZERS, args.optimizer, given)
    penalty = _rule(args, "--regularization", PENALTIES, args.regularization, given)
    schedule = _rule(args, "--schedule", SCHEDULES, args.schedule, given)
    for key in given:
        setting = RULE_SETTINGS[key]
        owners = [f"{option} {name}" for option, _, registry in RULE_CONCEPTS for name, concept in registry.items()
                  if any(s.key == key for s in concept.settings)]
        raise NetworkFileError("new", setting.option, f"goes with {' or '.join(owners)}")
    return optimizer, penalty, schedule

# the option that sets each field of a design (what a refusal names; engine.files.design.problems),
# and each setting of an optimizer, a penalty or a schedule (--momentum, --strength)
OPTIONS = {"sizes": "--layers", "activations": "--activations", "loss": "--loss", "learning_rate": "--learning-rate",
           "batch_size": "--batch-size", "seed": "--seed", "update_order": "--update-order",
           "train_biases": "--frozen-biases", "features": "--features", "test_fraction": "--test-fraction",
           "init": "--init",
           **{key: s.option for key, s in RULE_SETTINGS.items()}}


def add_parser(sub) -> None:
    new = sub.add_parser("new", help="write a network file of your own design (as Network ▸ New network does)")
    new.add_argument("--layers", type=listed(whole_number, "whole number"), required=True, metavar="N,N,...",
                     help="units per layer, inputs first: 2,4,1")
    new.add_argument("--activations", type=listed(str, "name"), required=True, metavar="NAME,...",
                     help="one per layer after the inputs: tanh,sigmoid")
    new.add_argument("--loss", required=True, help="half_sse, mse, bce or cross_entropy")
    new.add_argument("--learning-rate", type=NUMBER, default=0.5, metavar="LR", help="default 0.5")
    new.add_argument("--batch-size", type=WHOLE, default=None, metavar="B", help="default: every sample in each update")
    new.add_argument("--seed", type=WHOLE, default=0, metavar="S",
                     help="of the random start values and of --dataset (default 0)")
    new.add_argument("--frozen-biases", action="store_true", help="biases are not trained")
    new.add_argument("--update-order", choices=UPDATE_ORDERS, default="simultaneous")
    new.add_argument("--name", default="", help="the network's name")
    new.add_argument("--features", metavar="LIST",
                     help="input units as features of the raw inputs, separated by commas: xi, xi^2, xi*xj, sin(xi), "
                          "cos(xi) (--layers' first entry is then their number)")
    data = new.add_mutually_exclusive_group()
    data.add_argument("--dataset", choices=list(DATASETS), help="a generated data set (see docs/commands.md)")
    data.add_argument("--csv", metavar="FILE", help="samples from a CSV file (with --inputs and --targets)")
    new.add_argument("--samples", type=WHOLE, metavar="N", help=f"samples of --dataset (default {DEFAULT_SAMPLES})")
    new.add_argument("--noise", type=NUMBER, metavar="X", help="noise of --dataset (default 0)")
    new.add_argument("--inputs", metavar="COLUMNS", help="input columns of --csv: names or numbers, 1-4 ranges")
    new.add_argument("--targets", metavar="COLUMNS", help="target columns of --csv (one column of classes: one-hot)")
    new.add_argument("--scale", choices=SCALES, help="scaling of the --csv inputs (default none)")
    # how the network starts: held-out test samples and the start values (engine.files.design)
    new.add_argument("--test-fraction", type=NUMBER, default=0.0, metavar="F",
                     help="hold out round(F·N) of the N samples as test samples, drawn from --seed (default 0)")
    new.add_argument("--init", choices=list(INITS), default=DEFAULT_INIT.name,
                     help=f"the start values' scheme (default {DEFAULT_INIT.name}: {DEFAULT_INIT.title})")
    new.add_argument("--out", required=True, metavar="NET.json", help="the network file to write")
    _add_rule_options(new)


def field_option(field: str) -> str:
    """The option that sets a design's field: "sizes[1]" is "--layers (entry 2)"."""
    name, _, index = field.partition("[")
    option = OPTIONS.get(name, field)
    if index.rstrip("]").isdigit():
        option += f" (entry {int(index.rstrip(']')) + 1})"
    return option


def _data(args) -> Data | None:
    """The samples the options ask for, read and checked in full (None: the default sample)."""
    for option, source in (("samples", "--dataset"), ("noise", "--dataset"), ("inputs", "--csv"),
                           ("targets", "--csv"), ("scale", "--csv")):
        if getattr(args, option) is not None and getattr(args, source[2:]) is None:
            raise NetworkFileError("new", f"--{option}", f"goes with {source}")
    if args.csv is not None:
        if not args.inputs or not args.targets:
            raise NetworkFileError("new", "--csv", "needs --inputs COLUMNS and --targets COLUMNS")
        try:
            return csvdata.select(csvdata.read(args.csv), args.inputs, args.targets, args.scale or "none")
        except csvdata.CsvError as e:
            raise NetworkFileError("new", "--csv", str(e)) from None
    if args.dataset is not None:
        samples = DEFAULT_SAMPLES if args.samples is None else args.samples
        try:
            return datasets.generate(args.dataset, samples, args.noise or 0.0, args.seed)
        except ValueError as e:
            raise NetworkFileError("new", "--dataset", str(e)) from None
    return None


def _refuse(found: list[tuple[str, str]]) -> None:
    for field, reason in found[:1]:
        raise NetworkFileError("new", field_option(field), reason)


def cmd_new(args, out) -> int:
    """`out`: the checked path of --out."""
    optimizer, penalty, schedule = _update_rule(args)
    design = Design(sizes=args.layers, activations=args.activations, loss=args.loss,
                    learning_rate=args.learning_rate, optimizer=optimizer, penalty=penalty, schedule=schedule,
                    batch_size=args.batch_size,
                    train_biases=not args.frozen_biases, update_order=args.update_order, seed=args.seed,
                    test_fraction=args.test_fraction, init=args.init)
    if args.features is not None:  # read here; the raw inputs they read are checked with the data
        try:
            design.features = feature_forms.parse_text(args.features, MAX_UNITS, MAX_UNITS, "features")
        except feature_forms.FeatureError as e:
            _refuse([(e.field, e.problem)])
    _refuse(problems(design, None))  # before any data is read
    data = _data(args)
    labels = None
    if design.features:
        width = data.n_inputs if data is not None else feature_forms.needs(design.features)
        _refuse(features_problems(design, width))
    if data is None:
        inputs, targets = default_samples(design.sizes, design.loss, design.features)
        description = ""
        _refuse(problems(design, len(inputs)))
    else:
        if data.n_inputs != design.sizes[0] and not design.features:
            raise NetworkFileError("new", "--layers", f"the data has {data.n_inputs} input column"
                                   f"{'s' if data.n_inputs != 1 else ''}: the first layer needs {data.n_inputs} "
                                   f"unit{'s' if data.n_inputs != 1 else ''}, not {design.sizes[0]}")
        try:
            targets = data.targets(design.sizes[-1], design.loss)
        except OutputsMismatch as e:
            raise NetworkFileError("new", "--layers", f"the last layer: {e}") from None
        except ValueError as e:  # a target the loss cannot take
            raise NetworkFileError("new", "--csv" if args.csv else "--dataset", f"{data.description}: {e}") from None
        inputs, description, labels = data.inputs, data.description, data.labels
        _refuse(problems(design, data.n_samples))  # the limits and the test fraction, with this many samples
    net = build(design, inputs, targets, name=args.name, description=description, labels=labels)
    try:
        text = written(net, args.out).text  # refused (too large) before it is opened
    except NetworkFileError as e:
        raise NetworkFileError(args.out, "--out", e.problem) from None
    outputs = Outputs()
    try:
        with outputs.open(out, "--out") as f:
            f.write(text)
        outputs.commit()
    finally:
        outputs.discard()
    test = f" and {net.n_test} test sample{'s' if net.n_test != 1 else ''}" if net.n_test else ""
    say(f"wrote {args.out}: {'-'.join(map(str, design.sizes))} {'/'.join(design.activations)}, {design.loss}, "
          f"{net.n_samples} sample{'s' if net.n_samples != 1 else ''}{test}")
    return 0
