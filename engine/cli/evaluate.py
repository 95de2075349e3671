"""python -m engine evaluate NETWORK [--json]: the loss and accuracy of a network on its samples
and its test samples, and for a loss that classifies the confusion matrices
(engine.session.evaluation), with the parameters the file holds (a saved network: those the
iteration it stopped at starts from)."""
from __future__ import annotations

import json
import math

from engine.cli.terminal import say
from engine.concepts.formula import exact
from engine.network.maths import Params
from engine.network.network import Network, summary as describe_network
from engine.session.evaluation import Evaluation, Evaluator, Part


def add_parser(sub) -> None:
    evaluate = sub.add_parser("evaluate", help="loss, accuracy and confusion matrix on the samples and test samples")
    evaluate.add_argument("network", help="a network file (JSON) or a preset name (see: presets)")
    evaluate.add_argument("--json", action="store_true", help="one JSON object, for programs")


def cmd_evaluate(args, net: Network) -> int:
    iteration = 1 if net.state is None else net.state.iteration
    evaluation = Evaluator(net).report(Params.of(net))
    if args.json:
        say(json.dumps({"network": args.network, "iteration": iteration, "classes": evaluation.classes,
                        "training": _json(evaluation.training),
                        "test": None if evaluation.test is None else _json(evaluation.test)}, ensure_ascii=False))
        return 0
    say(f"{args.network}: {describe_network(net)}")
    say(f"evaluated with the parameters iteration {iteration:,} starts from")
    parts = [("training", evaluation.training), ("test", evaluation.test)]
    for name, part in parts:
        if part is not None:
            plural = "s" if part.samples != 1 else ""
            say(f"{name} loss: {exact(part.loss)} (the mean over {part.samples:,} sample{plural})")
            if part.correct is not None:
                say(f"{name} accuracy: {exact(part.accuracy)} ({part.correct:,} of {part.samples:,})")
    for name, part in parts:
        if part is not None and part.confusion is not None:
            say(f"confusion matrix of the {name} samples (rows: the true class, columns: the predicted):")
            for line in _matrix(part.confusion, evaluation):
                say(line)
    return 0


def _number(v: float) -> float | str:
    """A JSON number, or for one that JSON cannot hold its name: "inf", "-inf", "nan"."""
    return v if math.isfinite(v) else repr(v)


def _json(part: Part) -> dict:
    return {"samples": part.samples, "loss": _number(part.loss),
            "accuracy": part.accuracy, "correct": part.correct,
            "confusion": None if part.confusion is None else part.confusion.tolist()}


def _matrix(confusion, evaluation: Evaluation) -> list[str]:
    """The matrix as aligned lines, the classes along the top and down the side."""
    names = evaluation.classes
    width = max(len(n) for n in names + [str(int(confusion.max()))]) + 2
    lines = [" " * width + "".join(f"{n:>{width}}" for n in names)]
    lines += [f"{n:>{width}}" + "".join(f"{int(c):>{width}}" for c in row) for n, row in zip(names, confusion)]
    return lines
