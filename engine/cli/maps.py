"""python -m engine maps: every unit's map and the decision regions as CSV, the window's View ▸ Unit
maps and the output map's Discretize without the window.

    python -m engine maps NETWORK [--iteration K] [--resolution N] -o MAPS.csv

The network (of 1 or 2 inputs) is trained up to iteration K (as `explain` does: 1 by default, a
saved network goes on from its own iteration); with the parameters that iteration starts from
(what the window shows there), every hidden and output unit is computed over the grid the window
uses (engine.network.outputmap: the samples' range with a 10 % margin, N points along each input,
100 for a plane and 400 for a line by default, fewer for a large network) in one forward pass.

One row per grid point, the first input varying fastest: the inputs (i1,i2; the raw inputs x1,x2 of
a network with input features, whose grid is over them), then out_h1 … of
every unit, layer by layer, then the decision regions: for a softmax output layer `class`, the
winning class (1 for o1 …); otherwise `region_o1` … for each output unit, 1 where its output is
at least 0.5, else 0. Numbers are written exactly (Python's repr; 0, never −0).
"""
from __future__ import annotations

import numpy as np

from engine.cli.loader import WHOLE, load_network, session_at
from engine.cli.terminal import EXIT_DIVERGED, say
from engine.files.atomic import Outputs
from engine.files.netfile import NetworkFileError
from engine.network import outputmap
from engine.network.limits import MAX_BATCH_VALUES
from engine.record.quantities import Key, label
from engine.session.session import Session

DEFAULT_POINTS = {1: 400, 2: 100}  # the window's output map and unit maps
MAX_POINTS = {1: MAX_BATCH_VALUES, 2: 1000}  # along each input: --resolution's bound


def add_parser(sub) -> None:
    p = sub.add_parser("maps", help="write every unit's output over the inputs' grid and the decision regions (CSV)")
    p.add_argument("network", help="a network file (JSON) or a preset name, of 1 or 2 inputs")
    p.add_argument("--iteration", "-k", type=WHOLE, default=None, metavar="K",
                   help="the iteration whose starting parameters are mapped (default: the first the network has "
                        "not trained)")
    p.add_argument("--resolution", "-r", type=WHOLE, default=None, metavar="N",
                   help="points along each input (default: the window's, 100 for 2 inputs and 400 for 1)")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="the CSV file to write")


def columns(net) -> list[str]:
    """The header: the inputs, every unit's out, the decision regions."""
    depth = net.depth
    names = net.raw_names()
    names += [label(net, Key("out", l, j)) for l in range(1, depth + 1) for j in range(net.sizes[l])]
    if net.activation(net.depth).class_probabilities:
        return names + ["class"]
    return names + [f"region_{net.unit_name(depth, j)}" for j in range(net.sizes[-1])]


def table(session: Session, resolution: int) -> np.ndarray:
    """The rows `columns` names, for the grid of `resolution` points along each input."""
    net = session.net
    units = [(l, j) for l in range(1, net.depth + 1) for j in range(net.sizes[l])]
    bounds = outputmap.extent(net.inputs)
    x = outputmap.points(bounds, resolution)
    outs = outputmap.unit_outputs(session.plan, session.params, units, x)
    last = outs[-net.sizes[-1]:]
    if net.activation(net.depth).class_probabilities:
        decided = outputmap.regions(last, softmax=True)[None] + 1.0  # classes from 1
    else:
        decided = outputmap.regions(last, softmax=False)
    return np.concatenate([x.T, outs, decided]).T


def _resolution(args, net) -> int:
    dims = net.raw_width
    names = len(columns(net))
    if args.resolution is None:
        return outputmap.resolution(net.sizes, DEFAULT_POINTS[dims], maps=names, dims=dims)
    n = args.resolution
    if not 2 <= n <= MAX_POINTS[dims]:
        raise NetworkFileError("--resolution", "value", f"must be from 2 to {MAX_POINTS[dims]:,} for "
                               f"{dims} input{'s' if dims > 1 else ''}, found {n:,}")
    if n ** dims * names > MAX_BATCH_VALUES:
        raise NetworkFileError("--resolution", "value", f"{n:,} points along each input give {n ** dims:,} rows of "
                               f"{names:,} columns; at most {MAX_BATCH_VALUES:,} values (a smaller --resolution)")
    return n


def cmd_maps(args, path) -> int:
    """`path`: the checked path of --output."""
    net = load_network(args.network)
    why = outputmap.why_empty(net)
    if why is not None:
        raise NetworkFileError(args.network, "layers", why.replace("The output map shows", "maps are made for"))
    resolution = _resolution(args, net)
    session = session_at(net, args.iteration, "mapped")
    if session is None:
        return EXIT_DIVERGED
    k = session.iteration
    header = columns(session.net)
    rows = table(session, resolution)
    regions = len(header) - net.raw_width - sum(net.sizes[1:])
    outputs = Outputs()
    try:
        with outputs.open(path, "--output") as f:
            f.write(",".join(header) + "\n")
            f.writelines(",".join([repr(float(v) + 0.0) for v in row[:-regions]]  # 0, never −0
                                  + [_region(v) for v in row[-regions:]]) + "\n" for row in rows)
        outputs.commit()
    finally:
        outputs.discard()
    grid = "×".join([f"{resolution:,}"] * net.raw_width)
    say(f"wrote {args.output}: the maps of {sum(net.sizes[1:]):,} units of {args.network} and its decision regions "
        f"at iteration {k:,}, over a {grid} grid ({len(rows):,} rows)")
    return 0


def _region(value: float) -> str:
    """A decision region's cell: a whole number (0 or 1, or a class from 1), nan where the outputs are."""
    return str(int(value)) if value == value else "nan"
