"""PyTorch float64 reference for the engine's parity tests (tests/engine/session/test_torch_parity.py).

Everything here is computed by torch: the forward pass with F.linear (what nn.Linear
calls) and torch's own activations, the losses with torch's loss functions (nn.MSELoss,
nn.BCELoss, nn.CrossEntropyLoss with probability targets; half_sse has no torch module and
is ½·Σ(t−o)² in torch ops), every derivative with torch.autograd, every update with the
torch.optim optimizer the file names (SGD with momentum or Nesterov, Adam, RMSprop), a penalty
added to the loss in torch ops (L2: (λ/2)·Σw², L1: λ·Σ|w|, the weights only), and the learning
rate of each iteration by torch.optim.lr_scheduler's StepLR or ExponentialLR stepped after every
update. Nothing is taken from the engine except the network's starting values.

Conventions match the engine's record (see engine/record/layout.py): arrays are numpy float64,
layers are 1-based (index 0 of the per-layer lists is layer 1), and the backward-pass
quantities dE_dout, dout_dnet and delta are derivatives of the per-sample loss E_s.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DTYPE = torch.float64
LEAKY_SLOPE = 0.01

ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,  # torch's derivative at 0 is 0
    "leaky_relu": lambda z: F.leaky_relu(z, LEAKY_SLOPE),
    "linear": lambda z: z,
    # ln(1 + e^z) as written at every z: torch's threshold (20 by default, above which it
    # returns z, 2e-9 off) set where it never applies
    "softplus": lambda z: F.softplus(z, beta=1.0, threshold=math.inf),
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


# The state torch.optim keeps per parameter, by the name of the engine's quantity of it
KEPT = {"sgd": {"velocity": "momentum_buffer"}, "adam": {"step": "step", "exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq"},
        "rmsprop": {"square_avg": "square_avg", "momentum_buffer": "momentum_buffer"}}


def tensor(a, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=DTYPE, requires_grad=grad)


def numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().numpy().copy()


def cyclic_batch(n_samples: int, batch_size: int | None, iteration: int) -> list[int]:
    """0-based sample indices of 1-based `iteration`: all samples, or the next batch_size
    of them in file order, wrapping around (written here independently of the engine)."""
    if batch_size is None:
        return list(range(n_samples))
    return [((iteration - 1) * batch_size + i) % n_samples for i in range(batch_size)]


# -- losses -------------------------------------------------------------------------------
def loss_terms(loss: str, net_l: torch.Tensor, out_l: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """(B, K) terms whose row sums are the per-sample losses E_s."""
    k = out_l.shape[-1]
    if loss == "half_sse":
        return 0.5 * (t - out_l) ** 2
    if loss == "mse":
        return F.mse_loss(out_l, t, reduction="none") / k
    if loss == "bce":
        return F.binary_cross_entropy(out_l, t, reduction="none") / k
    if loss == "cross_entropy":
        return -t * F.log_softmax(net_l, dim=-1)
    raise ValueError(loss)


def sample_losses(loss: str, net_l, out_l, t) -> torch.Tensor:
    """(B,) per-sample losses E_s, from torch's losses with reduction='none'."""
    if loss == "half_sse":
        return 0.5 * ((t - out_l) ** 2).sum(dim=-1)
    if loss == "mse":
        return F.mse_loss(out_l, t, reduction="none").mean(dim=-1)
    if loss == "bce":
        return F.binary_cross_entropy(out_l, t, reduction="none").mean(dim=-1)
    if loss == "cross_entropy":
        return F.cross_entropy(net_l, t, reduction="none")  # probability targets, on the logits
    raise ValueError(loss)


def mean_loss(loss: str, net_l, out_l, t) -> torch.Tensor:
    """The batch loss as torch's modules compute it with their default 'mean' reduction."""
    if loss == "half_sse":
        return 0.5 * ((t - out_l) ** 2).sum(dim=-1).mean()
    if loss == "mse":
        return nn.MSELoss()(out_l, t)
    if loss == "bce":
        return nn.BCELoss()(out_l, t)
    if loss == "cross_entropy":
        return nn.CrossEntropyLoss()(net_l, t)
    raise ValueError(loss)


def softmax_dE_dout(p: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """∂E_s/∂p for E_s = −Σ t·ln p seen as a function of the softmax outputs p, by autograd.
    A target of 0 contributes nothing (the terms with t = 0 are left out of the graph, so
    their derivative is 0 even where p underflows to 0)."""
    p = p.detach().clone().requires_grad_(True)
    keep = t != 0
    safe_p = torch.where(keep, p, torch.ones_like(p))
    (g,) = torch.autograd.grad(-torch.where(keep, t * torch.log(safe_p), torch.zeros_like(p)).sum(), p)
    return g


def elementwise_derivative(act: str, net_l: torch.Tensor) -> torch.Tensor:
    """∂out/∂net element by element, by autograd (the activation is element-wise, so the
    gradient of the sum is the Jacobian's diagonal)."""
    z = net_l.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(ACTIVATIONS[act](z).sum(), z)
    return g


# -- the reference trainer ------------------------------------------------------------------
class TorchNet:
    """The network as torch tensors, trained by its torch.optim optimizer (and scheduler).
    Biases always require a gradient (so that theirs is computed, as the engine records it);
    frozen biases are simply not given to the optimizer."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.acts = list(spec["activations"])
        self.loss = spec["loss"]
        self.depth = len(spec["layers"]) - 1
        self.W = [tensor(w, grad=True) for w in spec["weights"]]
        self.b = [tensor(b, grad=True) for b in spec["biases"]]
        self.train_biases = spec.get("train_biases", True)
        opt = spec["optimizer"]
        self.opt_name = opt.get("name", "sgd")
        self.lr = opt["learning_rate"]
        self.momentum = opt.get("momentum", 0.0)
        self.trained = self.W + (self.b if self.train_biases else [])
        if self.opt_name == "sgd":
            self.nesterov = opt.get("nesterov", False)
            self.opt = torch.optim.SGD(self.trained, lr=self.lr, momentum=self.momentum, nesterov=self.nesterov)
        elif self.opt_name == "adam":
            self.betas = tuple(opt.get("betas", (0.9, 0.999)))
            self.opt = torch.optim.Adam(self.trained, lr=self.lr, betas=self.betas, eps=opt.get("eps", 1e-8))
        elif self.opt_name == "rmsprop":
            self.opt = torch.optim.RMSprop(self.trained, lr=self.lr, alpha=opt.get("alpha", 0.99),
                                           eps=opt.get("eps", 1e-8), momentum=self.momentum)
        else:
            raise ValueError(self.opt_name)
        reg = spec.get("regularization")
        self.penalty_kind, self.strength = (reg["kind"], reg["strength"]) if reg else (None, 0.0)
        sched = spec.get("schedule")
        self.scheduler = None
        if sched is not None and sched["name"] == "step":
            self.scheduler = torch.optim.lr_scheduler.StepLR(self.opt, sched["step_size"], gamma=sched.get("gamma", 0.1))
        elif sched is not None:
            self.scheduler = torch.optim.lr_scheduler.ExponentialLR(self.opt, gamma=sched["gamma"])
        self.inputs = [s["input"] for s in spec["samples"]]
        self.targets = [s["target"] for s in spec["samples"]]
        self.batch_size = spec.get("batch_size")
        self.iteration = 1
        self.shared_start = True  # the next step starts from the engine's parameters and state too

    def batch(self, iteration: int):
        idx = cyclic_batch(len(self.inputs), self.batch_size, iteration)
        x = tensor([self.inputs[i] for i in idx])
        t = tensor([self.targets[i] for i in idx])
        return idx, x, t

    def forward(self, x):
        nets, outs = [], [x]
        for W, b, act in zip(self.W, self.b, self.acts):
            net = F.linear(outs[-1], W, b)
            nets.append(net)
            outs.append(ACTIVATIONS[act](net))
        return nets, outs

    def buffers(self, params, key: str = "momentum_buffer") -> list[np.ndarray | None]:
        """torch.optim's state `key` of each parameter (None where it has none), the step
        count as an array of the parameter's shape."""
        out = []
        for p in params:
            buf = self.opt.state.get(p, {}).get(key)
            if buf is not None and key == "step":
                buf = torch.full_like(p, float(buf))
            out.append(None if buf is None else numpy(buf))
        return out

    def penalty(self, weights) -> torch.Tensor:
        """The penalty of the weights in torch ops (0 without one)."""
        if self.penalty_kind == "l2":
            return self.strength / 2 * sum((W ** 2).sum() for W in weights)
        if self.penalty_kind == "l1":
            return self.strength * sum(W.abs().sum() for W in weights)
        return torch.zeros((), dtype=DTYPE)

    def _state(self, rec: dict, suffix: str) -> None:
        """The optimizer's kept state of every layer, under the engine's quantity names."""
        for l in range(1, self.depth + 1):
            for name, key in KEPT[self.opt_name].items():
                rec[(f"{name}_w{suffix}", l)], = self.buffers([self.W[l - 1]], key)
                rec[(f"{name}_b{suffix}", l)], = self.buffers([self.b[l - 1]], key)

    def _shown(self, rec: dict) -> None:
        """What the engine shows but does not keep, computed by torch ops from torch's state and
        gradients: Nesterov's look-ahead g + μ·v, Adam's m/(1 − β1^t) and v/(1 − β2^t)."""
        for l in range(1, self.depth + 1):
            for kind, p in (("w", self.W[l - 1]), ("b", self.b[l - 1])):
                state = self.opt.state.get(p, {})
                if self.opt_name == "sgd" and self.nesterov and "momentum_buffer" in state:
                    rec[(f"lookahead_{kind}", l)] = numpy(p.grad + self.momentum * state["momentum_buffer"])
                elif self.opt_name == "adam" and "step" in state:
                    t = float(state["step"])
                    rec[(f"m_hat_{kind}", l)] = numpy(state["exp_avg"] / (1 - self.betas[0] ** t))
                    rec[(f"v_hat_{kind}", l)] = numpy(state["exp_avg_sq"] / (1 - self.betas[1] ** t))
                else:
                    for name in ("lookahead", "m_hat", "v_hat"):
                        rec[(f"{name}_{kind}", l)] = None

    def adopt(self, weights, biases, state: dict) -> None:
        """Continue from these parameters and optimizer state instead of torch's own (the
        engine's, once the parity test has compared them with torch's: see `continue_from_engine`
        there). `state`: {(the engine's buffer name, "w" or "b", layer): array}. A state torch does
        not have yet (before its first step; a frozen bias, which the optimizer never sees) stays
        absent; the step count (Adam's) is not a float result and is compared, not copied."""
        self.shared_start = True
        with torch.no_grad():
            for W, b, w_new, b_new in zip(self.W, self.b, weights, biases):
                W.copy_(tensor(w_new))
                b.copy_(tensor(b_new))
            for (name, kind, l), value in state.items():
                key = KEPT[self.opt_name][name]
                kept = self.opt.state.get((self.W if kind == "w" else self.b)[l - 1], {})
                if key != "step" and key in kept:
                    kept[key].copy_(tensor(value))

    def _optimizer_step(self) -> None:
        """torch.optim's step and the scheduler's, as once per iteration."""
        self.opt.step()

    def _forward_record(self, x, t) -> tuple[dict, list, list, torch.Tensor]:
        """The forward-pass quantities of the batch (x, t)."""
        L = self.depth
        nets, outs = self.forward(x)
        with torch.no_grad():
            terms = loss_terms(self.loss, nets[-1], outs[-1], t)
        E = sample_losses(self.loss, nets[-1], outs[-1], t)
        rec = {
            ("input", 0): numpy(x),
            ("target", L): numpy(t),
            ("loss_term", L): numpy(terms),
            ("loss", L): numpy(E),
        }
        for l in range(1, L + 1):
            rec[("net", l)] = numpy(nets[l - 1])
            rec[("out", l)] = numpy(outs[l])
            if self.acts[l - 1] == "softmax":
                rec[("dout_dnet", l)] = None  # no element-wise derivative
            else:
                rec[("dout_dnet", l)] = elementwise_derivative(self.acts[l - 1], nets[l - 1]).numpy()
        return rec, nets, outs, E

    def _before(self, rec: dict) -> None:
        # True: this iteration starts from the engine's values (the file's, or `adopt`ed ones);
        # False: from torch's own after an earlier step, which may differ within its bound
        rec[("shared_start", 0)] = self.shared_start
        self.shared_start = False
        rec[("lr", 0)] = np.array(self.opt.param_groups[0]["lr"])  # of this iteration (the scheduler's)
        for l in range(1, self.depth + 1):
            rec[("w_before", l)] = numpy(self.W[l - 1])
            rec[("b_before", l)] = numpy(self.b[l - 1])
        self._state(rec, "_before")
        with torch.no_grad():
            rec[("penalty", self.depth)] = np.array(self.penalty(self.W).item())

    def _after(self, rec: dict) -> None:
        for l in range(1, self.depth + 1):
            rec[("torch_buffers", l)] = self.buffers([self.W[l - 1], self.b[l - 1]])
            rec[("w", l)] = numpy(self.W[l - 1])
            rec[("b", l)] = numpy(self.b[l - 1])
        self._state(rec, "")
        self._shown(rec)
        rec[("objective", self.depth)] = rec[("batch_loss", self.depth)] + rec[("penalty", self.depth)]
        if self.scheduler is not None:  # stepped after every update, as a training loop does
            self.scheduler.step()

    def _zero_grads(self) -> None:
        for p in self.W + self.b:
            p.grad = None

    def step(self) -> dict:
        """One iteration in simultaneous order: every quantity the engine records, then the
        torch.optim.SGD step. Returns {(quantity, layer): numpy array}."""
        L, params = self.depth, self.W + self.b
        idx, x, t = self.batch(self.iteration)
        B = len(idx)
        rec = {("samples", 0): np.array(idx)}
        self._before(rec)
        fwd, nets, outs, E = self._forward_record(x, t)
        rec.update(fwd)

        # Per-sample derivatives: E_s backward on its own, sample by sample.
        per = {q: [[None] * B for _ in range(L)] for q in ("dE_dout", "delta", "grad_w_sample", "grad_b_sample")}
        for s in range(B):
            wrt = nets + outs[1:L] + params
            if self.acts[-1] != "softmax":
                wrt = wrt + [outs[L]]
            grads = torch.autograd.grad(E[s], wrt, retain_graph=True, allow_unused=True)
            g_net, g_out = grads[:L], grads[L:2 * L - 1]
            g_W, g_b = grads[2 * L - 1:3 * L - 1], grads[3 * L - 1:4 * L - 1]
            g_outL = grads[4 * L - 1] if self.acts[-1] != "softmax" else None
            for l in range(1, L + 1):
                per["delta"][l - 1][s] = numpy(g_net[l - 1][s])
                per["grad_w_sample"][l - 1][s] = numpy(g_W[l - 1])
                per["grad_b_sample"][l - 1][s] = numpy(g_b[l - 1])
                if l < L:
                    per["dE_dout"][l - 1][s] = numpy(g_out[l - 1][s])
                elif g_outL is not None:
                    per["dE_dout"][l - 1][s] = numpy(g_outL[s])
        if self.acts[-1] == "softmax":
            g = softmax_dE_dout(outs[L], t).numpy()
            per["dE_dout"][L - 1] = list(g)
        for q, layers in per.items():
            for l in range(1, L + 1):
                rec[(q, l)] = np.stack(layers[l - 1])

        # The batch loss (torch's 'mean' reduction) and its gradient, as training uses it, on
        # a fresh graph (torch.autograd.grad above may feed retained .grads of the old one).
        self._zero_grads()
        nets, outs = self.forward(x)
        loss = mean_loss(self.loss, nets[-1], outs[-1], t)
        data_grads = torch.autograd.grad(loss, self.W, retain_graph=True)  # ∂E_data/∂W, without the penalty
        for v in nets:  # (after that call: its hooks would add to .grad too)
            v.retain_grad()
        (loss + self.penalty(self.W)).backward()  # what the gradient descends: the loss and the penalty
        rec[("batch_loss", L)] = np.array(loss.item())
        for l in range(1, L + 1):
            rec[("grad_data_w", l)] = numpy(data_grads[l - 1])
            rec[("grad_w", l)] = numpy(self.W[l - 1].grad)
            rec[("grad_b", l)] = numpy(self.b[l - 1].grad)
            # ∂(mean loss)/∂net = δ / B: torch's retained gradient, scaled back to E_s
            rec[("delta_from_mean", l)] = B * numpy(nets[l - 1].grad)
        self._optimizer_step()
        self._after(rec)
        self.iteration += 1
        return rec

    def step_sequential(self) -> dict:
        """One iteration in the engine's `sequential` order, which torch has no switch for,
        emulated with torch pieces: the forward pass and δ_L by autograd; then for l = L..1
        the gradient of layer l by autograd through F.linear, its torch.optim.SGD step (the
        optimizer steps only the parameters that have a .grad), and ∂E_s/∂out_{l−1} as the
        vector-Jacobian product of F.linear with the NEW W_l, turned into δ_{l−1} through
        the activation's autograd derivative."""
        L = self.depth
        idx, x, t = self.batch(self.iteration)
        B = len(idx)
        rec = {("samples", 0): np.array(idx)}
        self._before(rec)
        with torch.no_grad():
            nets, outs = self.forward(x)
        fwd, _, _, _ = self._forward_record(x, t)
        rec.update(fwd)
        rec[("batch_loss", L)] = np.array(mean_loss(self.loss, nets[-1], outs[-1], t).item())
        self._zero_grads()

        # δ_L and ∂E_s/∂out_L from the loss (Σ_s E_s: row s of its gradient is ∂E_s/∂·).
        zL = nets[-1].clone().requires_grad_(True)
        oL = ACTIVATIONS[self.acts[-1]](zL)
        if self.acts[-1] == "softmax":
            (delta,) = torch.autograd.grad(sample_losses(self.loss, zL, oL, t).sum(), zL)
            dout = softmax_dE_dout(oL, t)
        else:
            oL.retain_grad()
            dout, delta = torch.autograd.grad(sample_losses(self.loss, zL, oL, t).sum(), [oL, zL])

        for l in range(L, 0, -1):
            rec[("dE_dout", l)] = numpy(dout)
            rec[("delta", l)] = numpy(delta)
            x_prev = outs[l - 1].detach()
            W, b = self.W[l - 1], self.b[l - 1]
            # batch gradient of layer l: the VJP of F.linear with δ/B (the mean over the batch)
            gW, gb = torch.autograd.grad(F.linear(x_prev, W, b), [W, b], grad_outputs=delta / B)
            rec[("grad_data_w", l)] = numpy(gW)
            if self.penalty_kind is not None:  # the penalty's gradient of W, by autograd (W not yet updated)
                (gp,) = torch.autograd.grad(self.penalty([W]), W)
                gW = gW + gp
            rec[("grad_w", l)], rec[("grad_b", l)] = numpy(gW), numpy(gb)
            samples_w, samples_b = [], []
            for s in range(B):
                gs = torch.zeros_like(delta)
                gs[s] = delta[s]
                gWs, gbs = torch.autograd.grad(F.linear(x_prev, W, b), [W, b], grad_outputs=gs)
                samples_w.append(numpy(gWs))
                samples_b.append(numpy(gbs))
            rec[("grad_w_sample", l)] = np.stack(samples_w)
            rec[("grad_b_sample", l)] = np.stack(samples_b)
            # the optimizer on this layer only (it steps only the parameters that have a .grad)
            self._zero_grads()
            W.grad = gW
            if self.train_biases:
                b.grad = gb
            self._optimizer_step()
            if self.opt_name == "sgd" and self.nesterov:  # the look-ahead reads the gradient: keep it
                self._nesterov_grads = getattr(self, "_nesterov_grads", {})
                self._nesterov_grads[l] = (gW, gb)
            self._zero_grads()
            if l > 1:
                xr = x_prev.clone().requires_grad_(True)
                (dout,) = torch.autograd.grad(F.linear(xr, W.detach(), b.detach()), xr, grad_outputs=delta)
                zr = nets[l - 2].clone().requires_grad_(True)
                (delta,) = torch.autograd.grad(ACTIVATIONS[self.acts[l - 2]](zr), zr, grad_outputs=dout)
        if self.opt_name == "sgd" and self.nesterov:
            for l, (gW, gb) in self._nesterov_grads.items():
                self.W[l - 1].grad, self.b[l - 1].grad = gW, gb
        self._after(rec)
        self._zero_grads()
        self.iteration += 1
        return rec

    def true_gradient(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """∂E/∂W_l and ∂E/∂b_l of the current iteration's batch loss (and penalty) at the
        current parameters (no update)."""
        _, x, t = self.batch(self.iteration)
        nets, outs = self.forward(x)
        objective = mean_loss(self.loss, nets[-1], outs[-1], t) + self.penalty(self.W)
        gW_gb = torch.autograd.grad(objective, self.W + self.b)
        return [numpy(g) for g in gW_gb[: self.depth]], [numpy(g) for g in gW_gb[self.depth:]]


# -- evaluation: held-out test samples and accuracy ------------------------------------------------
def right(loss: str, out: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Each sample's verdict, written here with torch ops from the issue's words: with bce every
    output on its target's side of 0.5 (o ≥ 0.5 exactly when t ≥ 0.5); with cross-entropy the
    largest output where the target's largest is (torch.argmax: the first of equal ones)."""
    if loss == "bce":
        return ((out >= 0.5) == (t >= 0.5)).all(dim=1)
    if loss == "cross_entropy":
        return torch.argmax(out, dim=1) == torch.argmax(t, dim=1)
    raise ValueError(loss)


def evaluate(net: TorchNet, inputs, targets) -> tuple[float, int]:
    """The mean of torch's per-sample losses over these samples with the net's current
    parameters, and how many are right (0 for a loss that does not classify)."""
    with torch.no_grad():
        x, t = tensor(inputs), tensor(targets)
        nets, outs = net.forward(x)
        mean = sample_losses(net.loss, nets[-1], outs[-1], t).mean().item()
        correct = int(right(net.loss, outs[-1], t).sum()) if net.loss in ("bce", "cross_entropy") else 0
    return mean, correct
