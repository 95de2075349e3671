"""python -m engine new: a network file built from choices, as New network builds it.

    python -m engine new --layers 2,4,1 --activations tanh,sigmoid --loss bce
        [--learning-rate LR] [--momentum M] [--batch-size B] [--seed S] [--frozen-biases]
        [--update-order simultaneous|sequential] [--name TEXT]
        [--dataset NAME [--samples N] [--noise X] | --csv FILE --inputs COLUMNS --targets COLUMNS
         [--scale none|standard|minmax]]
        --out NET.json

Without data, the network gets one sample of zeros (engine.design.default_samples), as a new
network in the window does. The file written is an ordinary network file: explicit weights
and biases drawn from the seed, the samples, and a description of where they came from.
"""
from __future__ import annotations

import argparse
import sys

from .atomic import OutputError, Outputs
from .design import Design, build, default_samples, problems
from .netfile import NetworkFileError, dumps
from .network import UPDATE_ORDERS

# the option that sets each field of a network file (what a refusal names)
OPTIONS = {"layers": "--layers", "activations": "--activations", "loss": "--loss",
           "optimizer.learning_rate": "--learning-rate", "optimizer.momentum": "--momentum",
           "batch_size": "--batch-size", "seed": "--seed", "update_order": "--update-order", "samples": "--samples"}


def _list(kind):
    def parse(text: str) -> list:
        try:
            return [kind(v.strip()) for v in text.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a comma-separated list, found {text!r}") from None
    return parse


def add_parser(sub) -> None:
    new = sub.add_parser("new", help="write a network file of your own design (as Network ▸ New network does)")
    new.add_argument("--layers", type=_list(int), required=True, metavar="N,N,...",
                     help="units per layer, inputs first: 2,4,1")
    new.add_argument("--activations", type=_list(str), required=True, metavar="NAME,...",
                     help="one per layer after the inputs: tanh,sigmoid")
    new.add_argument("--loss", required=True, help="half_sse, mse, bce or cross_entropy")
    new.add_argument("--learning-rate", type=float, default=0.5, metavar="LR", help="default 0.5")
    new.add_argument("--momentum", type=float, default=0.0, metavar="M", help="default 0")
    new.add_argument("--batch-size", type=int, default=None, metavar="B", help="default: every sample in each update")
    new.add_argument("--seed", type=int, default=0, metavar="S", help="of the random start values (default 0)")
    new.add_argument("--frozen-biases", action="store_true", help="biases are not trained")
    new.add_argument("--update-order", choices=UPDATE_ORDERS, default="simultaneous")
    new.add_argument("--name", default="", help="the network's name")
    new.add_argument("--out", required=True, metavar="NET.json", help="the network file to write")


def field_option(field: str) -> str:
    for prefix, option in OPTIONS.items():
        if field == prefix or field.startswith(prefix + "[") or field.startswith(prefix + "."):
            return option
    return field


def cmd_new(args, out) -> int:
    """`out`: the checked path of --out."""
    design = Design(sizes=args.layers, activations=args.activations, loss=args.loss,
                    learning_rate=args.learning_rate, momentum=args.momentum, batch_size=args.batch_size,
                    train_biases=not args.frozen_biases, update_order=args.update_order, seed=args.seed)
    found = problems(design)
    if found:
        field, reason = found[0]
        raise NetworkFileError("new", field_option(field), reason)
    inputs, targets = default_samples(design.sizes, design.loss)
    net = build(design, inputs, targets, name=args.name)
    outputs = Outputs()
    try:
        with outputs.open(out, "--out") as f:
            f.write(dumps(net))
        outputs.commit()
    except OutputError as e:
        print(f"error: {e}; no output file was changed", file=sys.stderr)
        return 4
    finally:
        outputs.discard()
    print(f"wrote {args.out}: {'-'.join(map(str, design.sizes))} {'/'.join(design.activations)}, {design.loss}, "
          f"{net.n_samples} sample{'s' if net.n_samples != 1 else ''}")
    return 0
