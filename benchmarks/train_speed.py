"""How fast the engine trains the worked example, against a plain numpy loop and PyTorch.

    .venv/bin/python benchmarks/train_speed.py [--iterations N] [--repeats R]

Second, a 2-8-8-1 tanh/tanh/sigmoid network with bce on 200 samples in full batches, trained
N/10 iterations by a default session (`Session.run`) and by a hand-written numpy loop, with SGD
and again with Adam (η 0.01, PyTorch's betas and ε; the hand loop's Adam written out as
torch.optim.Adam computes it).

The worked example (preset "mazur": 2-2-2 sigmoid, half squared error, frozen biases,
learning rate 0.5, one sample) is trained for N iterations (20,000 by default) by

  1. the engine, recording only the last 100 iterations (`Session.run`),
  2. the engine, recording every iteration (`Session.train(record_all=True)`),
  3. a hand-written numpy loop of the same maths (float64),
  4. PyTorch float64 autograd with torch.optim.SGD, when torch is installed,

and the full trace of (2) is written as CSV (`engine.session.export.save_trace`). Each figure is
the best of R runs (5 by default): the machine's noise only ever adds time. The script checks
that all of them end with the same loss, so the comparison is of the same computation.
"""
from __future__ import annotations

import argparse
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from engine.session.export import save_trace  # noqa: E402
from engine.record.tracecsv import TraceRows  # noqa: E402

try:
    import torch
except ImportError:  # the comparison with PyTorch is optional
    torch = None

LOSS_TOLERANCE = 1e-9  # relative


def best_of(repeats: int, runs: dict):
    """{name: fastest time in seconds}, {name: result of its last run}. The runs take turns,
    so that a busy spell of the machine does not fall on one of them only."""
    best, results = dict.fromkeys(runs, math.inf), {}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            results[name] = run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best, results


# -- the four ways of training ------------------------------------------------------------

def engine_last_100(net, n: int) -> float:
    s = engine.Session(net, trace_capacity=100)
    s.run(n)
    return float(s.history.values[n - 1])


def engine_full_trace(net, n: int) -> engine.Session:
    s = engine.Session(net, trace_capacity=n + 1)
    for _ in s.train(n, record_all=True):
        pass
    return s


def hand_loop(net, n: int) -> list[float]:
    """The worked example written out with numpy: returns the loss of every iteration."""
    x, t = net.inputs.copy(), net.targets.copy()
    w1, w2 = net.weights[0].copy(), net.weights[1].copy()
    b1, b2 = net.biases[0].copy(), net.biases[1].copy()  # frozen: never updated
    lr = net.learning_rate
    losses = []
    for _ in range(n):
        h = 1.0 / (1.0 + np.exp(-(x @ w1.T + b1)))
        o = 1.0 / (1.0 + np.exp(-(h @ w2.T + b2)))
        losses.append(float(0.5 * ((t - o) ** 2).sum()))
        delta2 = (o - t) * o * (1.0 - o)
        delta1 = (delta2 @ w2) * h * (1.0 - h)
        w2 -= lr * (delta2.T @ h)
        w1 -= lr * (delta1.T @ x)
    return losses


def bce_network(optimizer: dict | None = None):
    """2-8-8-1 tanh/tanh/sigmoid with bce, 200 samples of an XOR pattern in full batches (SGD
    with η 0.5, or `optimizer`)."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, size=(200, 2))
    t = (x[:, 0] * x[:, 1] > 0).astype(float)[:, None]
    return engine.files.netfile.parse({
        "layers": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"], "loss": "bce", "seed": 1,
        "optimizer": optimizer or {"name": "sgd", "learning_rate": 0.5},
        "samples": [{"input": a.tolist(), "target": b.tolist()} for a, b in zip(x, t)]})


def engine_default(net, n: int) -> float:
    """A session as the window and the headless command make it (default trace), trained n."""
    s = engine.Session(net)
    s.run(n)
    return float(s.history.values[n - 1])


def sgd_steps(lr: float):
    """The plain SGD update of the hand loops: p −= η·g, in place."""
    def step(params, grads):
        for p, g in zip(params, grads):
            p -= lr * g
    return step


def adam_steps(lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
    """Adam written out with numpy, as torch.optim.Adam (amsgrad off, no weight decay): m, v,
    the bias corrections and p −= η·m̂/(√v̂ + ε), in place."""
    state = {}

    def step(params, grads):
        for k, (p, g) in enumerate(zip(params, grads)):
            m, v, t = state.get(k, (np.zeros_like(p), np.zeros_like(p), 0))
            t += 1
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            denom = np.sqrt(v) / math.sqrt(1 - beta2 ** t) + eps
            p -= (lr / (1 - beta1 ** t)) * m / denom
            state[k] = (m, v, t)
    return step


def hand_loop_bce(net, n: int, step=None) -> list[float]:
    """The 2-8-8-1 bce network written out with numpy (mean over the batch, biases trained),
    updated by `step` (default: SGD with the network's η)."""
    x, t = net.inputs, net.targets
    w = [a.copy() for a in net.weights]
    b = [a.copy() for a in net.biases]
    batch = len(x)
    step = step or sgd_steps(net.learning_rate)
    params = [w[2], b[2], w[1], b[1], w[0], b[0]]
    losses = []
    for _ in range(n):
        h1 = np.tanh(x @ w[0].T + b[0])
        h2 = np.tanh(h1 @ w[1].T + b[1])
        o = 1.0 / (1.0 + np.exp(-(h2 @ w[2].T + b[2])))
        losses.append(float(-(t * np.log(o) + (1 - t) * np.log(1 - o)).sum()) / batch)
        d3 = (o - t) / batch
        d2 = (d3 @ w[2]) * (1 - h2 * h2)
        d1 = (d2 @ w[1]) * (1 - h1 * h1)
        step(params, [d3.T @ h2, d3.sum(0), d2.T @ h1, d2.sum(0), d1.T @ x, d1.sum(0)])
    return losses


def torch_loop(net, n: int) -> list[float]:
    """The same network in PyTorch float64: autograd and torch.optim.SGD on the weights only."""
    x = torch.tensor(net.inputs, dtype=torch.float64)
    t = torch.tensor(net.targets, dtype=torch.float64)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 2), torch.nn.Sigmoid()
    ).double()
    with torch.no_grad():
        for layer, w, b in zip((model[0], model[2]), net.weights, net.biases):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
            layer.bias.requires_grad_(False)
    opt = torch.optim.SGD([model[0].weight, model[2].weight], lr=net.learning_rate)
    losses = []
    for _ in range(n):
        opt.zero_grad()
        loss = 0.5 * ((t - model(x)) ** 2).sum()  # half squared error of the one sample
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


# -- the report --------------------------------------------------------------------------

def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=20_000, metavar="N")
    parser.add_argument("--repeats", type=int, default=5, metavar="R", help="best of R runs (default 5)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--no-csv", action="store_true", help="do not time writing the trace CSV")
    args = parser.parse_args(argv)
    n, repeats = args.iterations, args.repeats
    if n < 1 or repeats < 1:
        parser.error("--iterations and --repeats must be at least 1")
    use_torch = torch is not None and not args.no_torch

    net = engine.open_network("mazur")
    assert net.sizes == [2, 2, 2] and net.activations == ["sigmoid", "sigmoid"] and net.loss == "half_sse"
    assert not net.train_biases and net.optimizer.plain and net.n_samples == 1

    versions = f"Python {platform.python_version()}, numpy {np.__version__}"
    if torch is not None:
        versions += f", torch {torch.__version__}"
    print(f"worked example (mazur), {n:,} iterations, best of {repeats} runs; {versions}")
    print()

    runs = {
        "engine": lambda: engine_last_100(net, n),
        "recording": lambda: engine_full_trace(net, n),
        "hand": lambda: hand_loop(net, n),
    }
    if use_torch:
        runs["torch"] = lambda: torch_loop(net, n)
    times, results = best_of(repeats, runs)
    engine_loss, session, hand_losses = results["engine"], results["recording"], results["hand"]

    labels = {
        "engine": "engine, trace of the last 100 (run)",
        "recording": f"engine, full trace of all {n:,}",
        "hand": "hand-written numpy loop",
        "torch": "PyTorch float64 (autograd + SGD)",
    }
    width = max(len(v) for v in labels.values())
    print(f"{'':<{width}}  {'seconds':>9}  {'µs/iteration':>12}")
    for key, seconds in times.items():
        print(f"{labels[key]:<{width}}  {seconds:9.3f}  {seconds / n * 1e6:12.2f}")
    print()
    ratios = [("engine / hand loop", times["engine"] / times["hand"], "target ≤ 1.1"),
              ("full trace / last 100", times["recording"] / times["engine"], "target ≤ 2")]
    if use_torch:
        ratios.append(("torch / engine", times["torch"] / times["engine"], ""))
    for name, ratio, target in ratios:
        print(f"{name:<{width}}  {ratio:9.2f}  {target}")
    print()

    bce, m = bce_network(), max(1, n // 10)
    times_bce, results_bce = best_of(repeats, {"engine": lambda: engine_default(bce, m),
                                               "hand": lambda: hand_loop_bce(bce, m)})
    print(f"2-8-8-1 tanh/tanh/sigmoid bce, 200 samples, full batches, {m:,} iterations "
          f"(engine: a default session, Session.run):")
    for key, label in (("engine", "engine (default session)"), ("hand", labels["hand"])):
        print(f"{label:<{width}}  {times_bce[key]:9.3f}  {times_bce[key] / m * 1e6:12.2f}")
    print(f"{'engine / hand loop':<{width}}  {times_bce['engine'] / times_bce['hand']:9.2f}  target ≤ 1.1")
    print(f"  same loss: {relative(results_bce['engine'], results_bce['hand'][-1]):.1e} relative difference")
    print()

    adam = bce_network({"name": "adam", "learning_rate": 0.01})
    times_adam, results_adam = best_of(repeats, {"engine": lambda: engine_default(adam, m),
                                                 "hand": lambda: hand_loop_bce(adam, m, adam_steps(0.01))})
    print(f"the same network with Adam (η 0.01), {m:,} iterations:")
    for key, label in (("engine", "engine (default session)"), ("hand", "hand-written numpy Adam loop")):
        print(f"{label:<{width}}  {times_adam[key]:9.3f}  {times_adam[key] / m * 1e6:12.2f}")
    print(f"{'engine / hand loop':<{width}}  {times_adam['engine'] / times_adam['hand']:9.2f}  target ≤ 1.1")
    adam_same = relative(results_adam["engine"], results_adam["hand"][-1])
    print(f"  same loss: {adam_same:.1e} relative difference")
    print()

    # Same maths: every way ends with the same loss at iteration n.
    final = {"engine": engine_loss, "engine, full trace": float(session.history.values[n - 1]),
             "hand loop": hand_losses[-1]}
    if use_torch:
        final["torch"] = results["torch"][-1]
    same = True
    print(f"loss at iteration {n:,}:")
    for name, loss in final.items():
        diff = relative(loss, engine_loss)
        same &= diff <= LOSS_TOLERANCE
        print(f"  {name:<{width - 2}}  {loss!r:<24}  relative difference to the engine {diff:.1e}")
    same &= adam_same <= LOSS_TOLERANCE
    print(f"same loss to {LOSS_TOLERANCE:g} relative (and with Adam): {'yes' if same else 'NO'}")

    if not args.no_csv:
        records = list(session.trace.records(1, n))
        rows = len(records) * len(TraceRows(session.net, session.layout))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "trace.csv"
            seconds = best_of(repeats, {"csv": lambda: save_trace(path, session.net, session.layout, records)})[0]["csv"]
            size = path.stat().st_size
        print()
        print(f"trace CSV of {n:,} iterations: {rows:,} rows, {size / 1e6:.1f} MB in {seconds:.2f} s: "
              f"{seconds / rows * 1e6:.2f} µs/row")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
