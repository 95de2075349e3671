"""Network files (JSON): reading with a check of every field, and writing atomically.

Every problem is reported as a NetworkFileError naming the file, the field and what is
wrong, before any work is done. See docs/file-formats.md for the format.
"""
from __future__ import annotations

import json
import math
import os
import stat

import numpy as np

from engine.concepts.activations import ACTIVATIONS
from engine.files.atomic import write_atomic
from engine.network.limits import MAX_ITERATIONS, MAX_LAYERS, MAX_UNITS, problems as limit_problems
from engine.concepts.losses import LOSSES
from engine.network.network import UPDATE_ORDERS, Network, TrainingState, learning_rate_problem, target_problem
from engine.text.plain import printable

MAX_FILE_BYTES = 32 * 1024 * 1024  # a network file is read whole: larger ones are refused unread
SHOWN_CHARACTERS = 60  # of a value quoted in a message
KNOWN_KEYS = (
    "layers", "activations", "loss", "weights", "biases", "seed", "train_biases", "optimizer",
    "batch_size", "samples", "update_order", "name", "description", "training_state",
)


def shown(value) -> str:
    """A value found in a file, as a message quotes it (JSON, one line, shortened)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
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


def number_problem(v) -> str | None:
    """Why `v` is not a finite number, if it is not."""
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
        elif a == "softmax" and k != len(acts) - 1:
            found.append((f"activations[{k}]", "softmax is allowed on the output layer only"))
    loss_known = isinstance(loss, str) and loss in LOSSES
    if not loss_known:
        found.append(("loss", f"unknown loss {shown(loss)} (known: {', '.join(LOSSES)})"))
    last = acts[-1] if acts and isinstance(acts[-1], str) and acts[-1] in ACTIVATIONS else None
    if last is None or not loss_known:
        return found  # the rules between the output layer and the loss need both
    if last == "softmax" and loss != "cross_entropy":
        found.append(("loss", f"a softmax output layer needs the cross_entropy loss, found {loss}"))
    if loss == "cross_entropy" and last != "softmax":
        found.append(("activations[-1]", f"the cross_entropy loss needs a softmax output layer, found {last}"))
    if last == "softmax" and sizes and whole_number_problem(sizes[-1], 1) is None and sizes[-1] < 2:
        found.append(("layers[-1]", "a softmax output layer needs at least 2 units"))
    if loss == "bce" and last != "sigmoid":
        found.append(("activations[-1]", f"the bce loss needs outputs in (0, 1): a sigmoid output layer, found {last}"))
    return found


def setting_problem(name: str, value) -> str | None:
    """Why a network cannot have `value` for the setting `name` (one of the file's
    "seed", "train_biases", "optimizer.learning_rate", "optimizer.momentum", "batch_size",
    "update_order"), if it cannot. None is a valid seed (no seed) and batch_size (every sample)."""
    if name in ("seed", "batch_size"):
        return None if value is None else whole_number_problem(value, 0 if name == "seed" else 1)
    if name == "train_biases":
        return None if isinstance(value, bool) else f"expected true or false, found {shown(value)}"
    if name in ("learning_rate", "momentum"):
        problem = number_problem(value)
        if problem is not None:
            return problem
        if name == "learning_rate":
            return learning_rate_problem(float(value))
        return None if 0.0 <= value < 1.0 else f"must be in [0, 1), found {float(value)}"
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

    opt = data["optimizer"]
    if not isinstance(opt, dict):
        c.fail("optimizer", 'expected an object like {"name": "sgd", "learning_rate": 0.5, "momentum": 0.0}')
    for key in opt:
        if key not in ("name", "learning_rate", "momentum"):
            c.fail(f"optimizer.{key}", "unknown key (known keys: name, learning_rate, momentum)")
    if opt.get("name", "sgd") != "sgd":
        c.fail("optimizer.name", f"only \"sgd\" is supported, found {shown(opt.get('name'))}")
    if "learning_rate" not in opt:
        c.fail("optimizer.learning_rate", "missing")
    c.check("optimizer.learning_rate", setting_problem("learning_rate", opt["learning_rate"]))
    lr = float(opt["learning_rate"])
    c.check("optimizer.momentum", setting_problem("momentum", opt.get("momentum", 0.0)))
    momentum = float(opt.get("momentum", 0.0))

    batch_size = data.get("batch_size")
    c.check("batch_size", setting_problem("batch_size", batch_size))

    samples = data["samples"]
    if isinstance(samples, list) and samples:
        batch = len(samples) if batch_size is None else batch_size
        for field, problem in limit_problems(sizes, batch):  # before reading the samples
            c.fail(field, problem)
    if not isinstance(samples, list) or not samples:
        c.fail("samples", "expected a non-empty list of {\"input\": [...], \"target\": [...]}")
    inputs, targets = [], []
    for k, s in enumerate(samples):
        field = f"samples[{k}]"
        if not isinstance(s, dict) or set(s) != {"input", "target"}:
            c.fail(field, 'expected an object with exactly the keys "input" and "target"')
        inputs.append(c.vector(s["input"], sizes[0], f"{field}.input"))
        target = c.vector(s["target"], sizes[-1], f"{field}.target")
        problem = target_problem(loss, target)
        if problem is not None:
            m, text = problem
            c.fail(f"{field}.target" + ("" if m is None else f"[{m}]"), text)
        targets.append(target)

    order = data.get("update_order", "simultaneous")
    c.check("update_order", setting_problem("update_order", order))
    texts = {}
    for key in ("name", "description"):
        texts[key] = data.get(key, "")
        if not isinstance(texts[key], str):
            c.fail(key, f"expected a text, found {shown(texts[key])}")

    state = _training_state(c, data["training_state"], sum(w.size for w in weights) + sum(b.size for b in biases),
                            momentum) if "training_state" in data else None
    return Network(
        sizes=sizes, activations=list(acts), loss=loss, weights=weights, biases=biases,
        inputs=np.array(inputs, dtype=np.float64), targets=np.array(targets, dtype=np.float64),
        train_biases=train_biases, learning_rate=lr, momentum=momentum, batch_size=batch_size,
        update_order=order, name=texts["name"], description=texts["description"], state=state,
    )


def _training_state(c: "_Checker", value, n_parameters: int, momentum: float) -> TrainingState:
    """The optional `training_state`: {"iteration": k, "momentum_buffer": [...] or null,
    "loss_history": [k − 1 losses]}."""
    field = "training_state"
    if not isinstance(value, dict) or set(value) != {"iteration", "momentum_buffer", "loss_history"}:
        c.fail(field, 'expected {"iteration": K, "momentum_buffer": [...] or null, "loss_history": [...]}')
    iteration = c.integer(value["iteration"], f"{field}.iteration", 1)
    if iteration > MAX_ITERATIONS:
        c.fail(f"{field}.iteration", f"at most {MAX_ITERATIONS:,}, found {iteration:,}")
    history = value["loss_history"]
    if not isinstance(history, list) or len(history) != iteration - 1:
        c.fail(f"{field}.loss_history", f"expected the {iteration - 1:,} losses of the iterations before "
               f"iteration {iteration:,}")
    losses = np.array([c.number(v, f"{field}.loss_history[{k}]") for k, v in enumerate(history)], dtype=np.float64)
    buffer = value["momentum_buffer"]
    if buffer is not None:
        if not momentum:
            c.fail(f"{field}.momentum_buffer", "must be null without momentum")
        buffer = np.array(c.vector(buffer, n_parameters, f"{field}.momentum_buffer"), dtype=np.float64)
    return TrainingState(iteration, buffer, losses)


def _matrices(c: _Checker, data: dict, key: str, sizes: list[int], rng) -> list[np.ndarray]:
    depth = len(sizes) - 1
    if key not in data:
        if rng is None:
            c.fail(key, "missing: give weights and biases, or a seed for a random start")
        # PyTorch's nn.Linear default: U(-1/√fan_in, 1/√fan_in) for weights and biases.
        out = []
        for l in range(1, depth + 1):
            bound = 1.0 / math.sqrt(sizes[l - 1])
            shape = (sizes[l], sizes[l - 1]) if key == "weights" else (sizes[l],)
            out.append(rng.uniform(-bound, bound, size=shape))
        return out
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


def loads(text: str, source: str = "<network>") -> Network:
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_object)
    except _DuplicateKey as e:
        raise NetworkFileError(source, e.key, "appears twice in one object; give each key once") from None
    except json.JSONDecodeError as e:
        message = e.msg[:-3] if e.msg.endswith(" at") else e.msg  # "Invalid control character at"
        raise NetworkFileError(source, "(file)", f"not valid JSON: {message} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise NetworkFileError(source, "(file)", "not valid JSON: nested too deeply") from None
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        raise NetworkFileError(source, "(file)", f"not valid JSON: {e}") from None
    return parse(data, source)


def to_dict(net: Network, samples: bool = True) -> dict:
    """The network file's contents; without `samples`, the key "samples" holds None (dumps
    writes them one at a time)."""
    data = {}
    if net.name:
        data["name"] = net.name
    if net.description:
        data["description"] = net.description
    data.update({
        "layers": list(net.sizes),
        "activations": list(net.activations),
        "loss": net.loss,
        "weights": [w.tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
        "train_biases": net.train_biases,
        "optimizer": {"name": "sgd", "learning_rate": net.learning_rate, "momentum": net.momentum},
        "batch_size": net.batch_size,
        "update_order": net.update_order,
        "samples": [{"input": x.tolist(), "target": t.tolist()} for x, t in zip(net.inputs, net.targets)]
        if samples else None,
    })
    if net.state is not None:
        buffer = net.state.momentum_buffer
        data["training_state"] = {"iteration": net.state.iteration,
                                  "momentum_buffer": None if buffer is None else buffer.tolist(),
                                  "loss_history": net.state.loss_history.tolist()}
    return data


def dumps(net: Network) -> str:
    """JSON with one key per line and one sample per line; floats exact (repr)."""
    data = to_dict(net, samples=False)
    lines = []
    for key, value in data.items():
        if key == "samples":  # one at a time: 100,000 samples as Python lists would take 150 MB
            body = ",\n".join("    " + json.dumps({"input": x.tolist(), "target": t.tolist()})
                              for x, t in zip(net.inputs, net.targets))
            lines.append(f'  "samples": [\n{body}\n  ]')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def save(net: Network, path: str | os.PathLike) -> None:
    write_atomic(path, dumps(net))
