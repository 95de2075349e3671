"""Forward pass, backward pass and SGD update of one iteration, in plain numpy float64.

Conventions (per sample s of a batch of B samples; layer l = 1..L):
    net_l = out_{l-1} · W_lᵀ + b_l,   out_l = f_l(net_l),   out_0 = the inputs
    E_s = Σ_k loss_term(out_L, target)_k,   E = (1/B) Σ_s E_s (the batch loss)
    ∂E_s/∂out_L from the loss; ∂E_s/∂out_{l-1} = δ_l · W_l (the sum over downstream paths)
    δ_l = ∂E_s/∂net_l = ∂E_s/∂out_l ⊙ ∂out_l/∂net_l   (output layer of softmax + cross-entropy
          or sigmoid + bce: in one piece, see `losses.Fused`)
    ∂E/∂W_l = (1/B) Σ_s δ_l,sᵀ out_{l-1},s   ∂E/∂b_l = (1/B) Σ_s δ_l,s
The update is the optimizer's (`Optimizer.step`, engine.concepts.optimizers), as torch.optim's:
SGD p⁺ = p − lr·g, with momentum v = g on the first step, then v = momentum·v + g; p⁺ = p − lr·v;
Adam, RMSprop likewise. The learning rate is the iteration's (the caller's: `Setup.lr_at`, a
schedule's). With a penalty (engine.concepts.penalties) the loss descended is E = E_data +
E_penalty: E_penalty of the weights the iteration starts from, and each weight's gradient gains
the penalty's term (L2: λ·w) once its batch mean is known; the biases pay nothing.

`simultaneous` order: every gradient uses the weights of the forward pass. `sequential`
order (an early version of the worked example's script): layer l is updated before the
deltas of layer l-1 are computed, so they use the new W_l.

All parameters live in one flat vector θ (every weight, layer by layer in [out][in] order,
then every bias: the order of `naming.parameters`), with per-layer views W_l and b_l; the
gradient and each row of the optimizer's state (the momentum buffer) have the same layout, so an
update is one vector operation.
"""
from __future__ import annotations

import math

import numpy as np

from engine.concepts.activations import Activation
from engine.concepts.losses import Fused, Loss
from engine.network.network import Network, Setup


class Shapes:
    """Where each layer's weights and biases sit in the flat parameter vector."""

    def __init__(self, sizes):
        self.sizes = list(sizes)
        self.depth = len(sizes) - 1
        self.w_slices, self.b_slices = [], []
        pos = 0
        for l in range(1, self.depth + 1):
            self.w_slices.append(slice(pos, pos + sizes[l] * sizes[l - 1]))
            pos += sizes[l] * sizes[l - 1]
        self.n_weights = pos
        for l in range(1, self.depth + 1):
            self.b_slices.append(slice(pos, pos + sizes[l]))
            pos += sizes[l]
        self.size = pos

    def weights(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[s].reshape(self.sizes[l + 1], self.sizes[l]) for l, s in enumerate(self.w_slices)]

    def biases(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[s] for s in self.b_slices]


class Params:
    """The state an iteration starts from: θ, its views, and the optimizer's state (one row
    per buffer it keeps, such as the momentum buffer; None until its first step)."""

    def __init__(self, shapes: Shapes, theta: np.ndarray, state: np.ndarray | None = None):
        self.shapes = shapes
        self.theta = theta
        self.state = state
        self.weights = shapes.weights(theta)
        self.biases = shapes.biases(theta)
        self.transposed = [w.T for w in self.weights]  # views too: they follow θ
        self.theta_weights = theta[: shapes.n_weights]  # what SGD updates when biases are frozen

    @classmethod
    def of(cls, net: Network) -> "Params":
        shapes = Shapes(net.sizes)
        return cls(shapes, np.concatenate([w.ravel() for w in net.weights] + list(net.biases)))

    def get(self, p) -> float:
        """The value of one weight or bias (a naming.Param)."""
        if p.kind == "w":
            return float(self.weights[p.layer - 1][p.unit, p.source])
        return float(self.biases[p.layer - 1][p.unit])

    def set(self, p, value: float) -> None:
        if p.kind == "w":
            self.weights[p.layer - 1][p.unit, p.source] = value
        else:
            self.biases[p.layer - 1][p.unit] = value


    def copy(self) -> "Params":
        return Params(self.shapes, self.theta.copy(), None if self.state is None else self.state.copy())


class Plan:
    """What stays fixed while a network trains: activations, loss, the optimizer with its
    settings, and the buffer the gradient is computed into."""

    def __init__(self, net: Setup):
        self.shapes = Shapes(net.sizes)
        self.depth = net.depth
        self.acts: list[Activation] = [net.activation(l) for l in range(1, net.depth + 1)]
        self.loss: Loss = net.loss_fn
        self.fused: Fused | None = net.fused
        self.optimizer = net.optimizer
        self.buffers = net.optimizer.buffers  # kept: the rows of Params.state
        self.shown = net.optimizer.shown  # computed by the update and recorded, not kept
        self.shown_values = np.zeros((len(self.shown), self.shapes.size)) if self.shown else None
        self.penalty = net.penalty
        self.last_penalty = 0.0  # E_penalty of the last iteration computed (0 without a penalty)
        self.train_biases = bool(net.train_biases)
        self.sequential = net.sequential
        self.grad = np.zeros(self.shapes.size)
        self.grad_w = self.shapes.weights(self.grad)
        self.grad_b = self.shapes.biases(self.grad)
        # The part of θ that SGD updates: everything, or the weights only.
        self.trained = slice(0, self.shapes.size if self.train_biases else self.shapes.n_weights)
        self.grad_trained = self.grad[self.trained]
        # with a penalty, each weight's gradient of the batch loss alone, ∂E_data/∂w (recorded)
        self.grad_data_w = [np.zeros_like(g) for g in self.grad_w] if self.penalty is not None else None
        self.quick = quick_iterate(self)  # training's unrecorded iterations, where it applies
        self.features = tuple(net.features)  # the inputs' features of raw inputs (the output map's grid is raw)


def forward(plan: Plan, params: Params, x: np.ndarray):
    """The forward pass of the inputs `x` (one row each, any number of rows) in one vectorised
    call: nets[l-1] and outs[l] for l = 1..L (outs[0] is x). Every iteration starts with it
    (`iterate`; `quick_iterate` makes the same calls), and the output map runs it on a grid."""
    nets, outs = [], [x]
    out = x
    for wt, b, act in zip(params.transposed, params.biases, plan.acts):
        net = out @ wt + b
        out = act.fn(net)
        nets.append(net)
        outs.append(out)
    return nets, outs


def batch_loss(plan: Plan, params: Params, x: np.ndarray, t: np.ndarray) -> float:
    nets, outs = forward(plan, params, x)
    return plan.loss.terms_of(nets[-1], outs[-1], t)[1] / len(x)


def penalty_of(plan: Plan, params: Params) -> float:
    """E_penalty of the parameters (0 without a penalty)."""
    return 0.0 if plan.penalty is None else plan.penalty.value(params.theta_weights)


def objective(plan: Plan, params: Params, x: np.ndarray, t: np.ndarray) -> float:
    """What the gradient descends: the batch loss, plus the penalty if there is one."""
    loss = batch_loss(plan, params, x, t)
    return loss if plan.penalty is None else loss + penalty_of(plan, params)


def _step(plan: Plan, params: Params, lr: float, part: slice, shown: np.ndarray | None) -> None:
    """The optimizer's step on the `part` of θ, in place (writing what it only shows into
    `shown`, if given)."""
    params.state = plan.optimizer.step(params.theta, params.state, plan.grad, lr, part, shown)


def iterate(plan: Plan, params: Params, x: np.ndarray, t: np.ndarray, lr: float, record: dict | None = None) -> float:
    """One iteration on the batch (x, t): returns the batch loss of the forward pass and
    updates `params` in place (unless, unrecorded, the loss is NaN or infinite). With `record`
    (a dict), the intermediate quantities are stored in it under (quantity, layer) keys, as the
    quantity table (`quantities`) names them; some of those arrays are buffers that the next
    call reuses, so copy them out (`Layout.pack`) first."""
    batch, acts = len(x), plan.acts
    penalty = plan.penalty
    if penalty is not None:  # of the weights the iteration starts from
        plan.last_penalty = penalty.value(params.theta_weights)
    nets, outs = forward(plan, params, x)
    net, out = nets[-1], outs[-1]
    terms = plan.loss.terms(net, out, t)
    loss = float(np.add.reduce(terms, None))
    if loss != loss and plan.loss.exact_terms is not None:  # NaN: 0·ln(0) in the quick form
        terms, loss = plan.loss.terms_of(net, out, t)
    loss /= batch
    if record is not None:
        depth = plan.depth
        record[("loss_term", depth)] = terms
        record[("loss", depth)] = np.add.reduce(terms, axis=1)
        record[("batch_loss", depth)] = np.array([loss])
        if penalty is not None:
            record[("penalty", depth)] = np.array([plan.last_penalty])
            record[("objective", depth)] = np.array([loss + plan.last_penalty])
        for l in range(depth):
            record[("net", l + 1)] = nets[l]
            record[("out", l + 1)] = outs[l + 1]
    elif not math.isfinite(loss):
        return loss  # training stops here: no update from a NaN or infinite loss

    ws, grad_w, grad_b, sequential = params.weights, plan.grad_w, plan.grad_b, plan.sequential
    bias_grads = plan.train_biases or record is not None
    shown = plan.shown_values if record is not None else None
    l = plan.depth - 1
    act = acts[l]
    dout = dnet = None
    if plan.fused is not None:  # δ in one piece, exact where ∂E/∂out·∂out/∂net is ∞·0
        delta = plan.fused.delta(out, t)
        if record is not None:  # shown, not used
            dout = plan.loss.grad(out, t)
            dnet = act.grad(net, out) if act.elementwise else None
    else:
        dout = plan.loss.grad(out, t)
        dnet = act.grad(net, out)
        delta = dout * dnet
    while True:  # layers L..1 (0-based l = L-1..0): δ_l is known
        gw = grad_w[l]
        np.matmul(delta.T, outs[l], gw)
        if batch > 1:
            gw /= batch
        if bias_grads:
            gb = grad_b[l]
            np.add.reduce(delta, axis=0, out=gb)
            if batch > 1:
                gb /= batch
        if penalty is not None:  # ∂E/∂w = ∂E_data/∂w + the penalty's term, with the weights before any update
            if record is not None:
                plan.grad_data_w[l][...] = gw
                record[("grad_data_w", l + 1)] = plan.grad_data_w[l]
            penalty.add_gradient(gw, ws[l])
        if record is not None:
            record[("dE_dout", l + 1)] = dout
            record[("dout_dnet", l + 1)] = np.full_like(delta, np.nan) if dnet is None else dnet
            record[("delta", l + 1)] = delta
        if sequential:
            _step(plan, params, lr, plan.shapes.w_slices[l], shown)
            if plan.train_biases:
                _step(plan, params, lr, plan.shapes.b_slices[l], shown)
        if not l:
            break
        # ∂E/∂out of the layer below: the sum over the paths above (whose weights are already
        # updated in sequential order)
        dout = delta @ ws[l]
        l -= 1
        act = acts[l]
        dnet = act.grad(nets[l], outs[l + 1])
        delta = dout * dnet
    if not sequential:
        if not plan.optimizer.plain:
            _step(plan, params, lr, plan.trained, shown)
        else:  # the common case, made quick: θ −= η·∂E/∂θ on the trained part
            theta = params.theta if plan.train_biases else params.theta_weights
            theta -= lr * plan.grad_trained
    if record is not None:
        record[("grad", 0)] = plan.grad
        for k, buffer in enumerate(plan.buffers):
            record[(buffer.name, 0)] = params.state[k]
        for k, buffer in enumerate(plan.shown):
            record[(buffer.name, 0)] = shown[k]
        record[("theta", 0)] = params.theta
    return loss


def quick_iterate(plan: Plan):
    """`iterate` without a record for the common case (simultaneous order, plain SGD, no penalty), with
    every choice made once (its forward loop is `forward` inlined, with the functions looked
    up once): the same functions called on the same numbers in the same order,
    so the same results bit for bit (the tests compare both with PyTorch). None where the
    general `iterate` is needed. Used by training, where a tiny network's Python overhead
    would otherwise cost as much as its arithmetic."""
    if plan.sequential or not plan.optimizer.plain or plan.penalty is not None:
        return None
    fns = [act.fn for act in plan.acts]
    grads = [act.grad for act in plan.acts]
    terms_of, loss_grad, fused, exact = plan.loss.terms, plan.loss.grad, plan.fused, plan.loss.exact_terms
    grad_w, grad_b, grad_trained, train_biases = plan.grad_w, plan.grad_b, plan.grad_trained, plan.train_biases
    top = plan.depth - 1
    reduce, matmul = np.add.reduce, np.matmul  # looked up once: a tiny network's step is mostly such overhead

    def step(params: Params, x: np.ndarray, t: np.ndarray, lr: float) -> float:
        batch = len(x)
        nets, outs = [], [x]
        out = x
        for wt, b, fn in zip(params.transposed, params.biases, fns):
            net = out @ wt + b
            out = fn(net)
            nets.append(net)
            outs.append(out)
        loss = float(reduce(terms_of(net, out, t), None))
        if loss != loss and exact is not None:  # NaN: 0·ln(0) in the quick form
            loss = float(reduce(exact(net, out, t), None))
        loss /= batch
        if loss - loss:  # NaN or infinite: no update
            return loss
        delta = fused.delta(out, t) if fused is not None else loss_grad(out, t) * grads[top](net, out)
        ws, l = params.weights, top
        while True:
            gw = grad_w[l]
            matmul(delta.T, outs[l], gw)
            if batch > 1:
                gw /= batch
            if train_biases:
                gb = grad_b[l]
                reduce(delta, axis=0, out=gb)
                if batch > 1:
                    gb /= batch
            if not l:
                break
            dout = delta @ ws[l]
            l -= 1
            delta = dout * grads[l](nets[l], outs[l + 1])
        theta = params.theta if train_biases else params.theta_weights
        theta -= lr * grad_trained
        return loss

    return step
