"""What an optimizer is: everything the engine, the file, the record, the documents, practice and
the script export need to know about one, held in the class its own module defines.

An optimizer is a frozen dataclass whose fields are its settings beside the learning rate (SGD:
momentum, nesterov; Adam: betas, eps), each described by a `Setting` (engine.concepts.setting:
its key in the file's "optimizer" object, its title, symbol, kind and rule). It may keep a vector
per parameter from one iteration to the next (SGD with momentum: the momentum buffer v; Adam: its
step count t and both moment estimates m and v): each is a `Buffer`, whose name is also the name of
the traced quantity of its new value (velocity: velocity_w, velocity_b in the trace CSV;
velocity_w_before as the iteration starts), and whose file key holds it in a saved network's
training_state. It may also show values it computes in its update but does not keep (Adam's
bias-corrected m̂ and v̂, Nesterov's look-ahead): buffers with `kept` False, traced and stepped
like the others, never saved and never carried to the next iteration.

The state of an optimizer is None before its first step, then an array of shape (kept buffers,
parameters): row k is `buffers[k]` of every parameter, in the order of θ (weights, then biases).
`step` applies the update to θ in place, as torch.optim does, and writes the values it only shows
into `shown` when it is given one (a recorded iteration). The update is also data, for the record,
the documents and practice: `formula(name, first)` gives the text function (from
engine.concepts.formula, or the module's own, marked with `formula.computes`) and the operands
(`Ref`s) of a buffer's new value (name) or of the parameter's (name ""), in an iteration that
starts with a state (`first` False) or without one; the record layer reads each operand for a
parameter. Its mistakes (`slips`) are data too: a value computed from the same operands, and the
words that say what was done.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np

from engine.concepts.setting import Setting
from engine.concepts.tokens import Sym, Token


@dataclass(frozen=True)
class Buffer:
    name: str  # of the traced quantity of its new value (and of NAME_w, NAME_b, NAME_before ...)
    symbol: str  # in formulas, the letter before the parameter's name: v_w5 (with `accent` over it: mˆ_w5)
    title: str  # in words: "momentum buffer"
    file_key: str = ""  # in a network file's training_state (a kept buffer)
    torch_key: str = ""  # in torch.optim's state of a parameter (a kept buffer)
    before_text: str = ""  # what it holds as an iteration starts, once it exists ...
    first_text: str = ""  # ... and before the first step
    kept: bool = True  # carried from one iteration to the next (and saved); False: only shown
    stepped: bool = True  # a computation of its own in the update phase (Adam's step count t is not)
    shared: bool = False  # the same for every parameter: written without the parameter's name (t)
    problem: Callable[[np.ndarray], str | None] | None = None  # why saved values cannot be it
    counts: bool = False  # whole numbers (a step count): a file writes them without a decimal point
    accent: str = ""  # over its letter (tokens.Sym's accent): "^" for Adam's bias-corrected mˆ

    def written(self, param: Token) -> Sym:
        """Its symbol for the parameter `param` (a token): v_w5, or t."""
        return Sym(self.symbol, "" if self.shared else param, accent=self.accent)

    @property
    def text(self) -> str:
        """Its symbol alone, as plain text: v, mˆ."""
        from engine.concepts import render  # written where a formula is (`presets` reads files without it)

        return render.text(Sym(self.symbol, accent=self.accent))


@dataclass(frozen=True)
class Ref:
    """What an update formula reads, for the parameter p it updates: "param" (p as the iteration
    starts), "grad" (∂E/∂p), "lr" (η), "setting" `name` (of a pair, its number `index`), "buffer"
    `name` (its new value, or with `before` its value as the iteration starts)."""
    kind: str
    name: str = ""
    before: bool = False
    index: int = 0  # of a pair setting: which of its two numbers (Adam's β1, β2)


PARAM, GRAD, LR = Ref("param"), Ref("grad"), Ref("lr")


@dataclass(frozen=True)
class Update:
    """A formula of the update: a formula function (engine.concepts.formula: tokens in, a token
    out) of the operands."""
    fn: Callable[..., Token]
    operands: tuple[Ref, ...]


@dataclass(frozen=True)
class Slip:
    """A mistake of an optimizer's update, for the catalogue of mistakes (engine.teaching.mistakes):
    made in the formula of `quantity` (a buffer's name, or "" for the parameter's update), where
    it gives `value(get)` (get: an operand's value, as the formula reads it or as recorded), said
    in words by `explain(label)` (label: how a Ref is written: ∂E/∂w5, v_w5)."""
    id: str
    title: str
    quantity: str
    value: Callable[[Callable[[Ref], float]], float]
    explain: Callable[[Callable[[Ref], str]], str]
    applies: Callable[["Optimizer"], bool] = lambda optimizer: True  # with these settings?


@dataclass(frozen=True)
class Optimizer:
    name: ClassVar[str]  # in the file's "optimizer" object
    title: ClassVar[str]  # in words
    settings: ClassVar[tuple[Setting, ...]] = ()
    declared: ClassVar[tuple[Buffer, ...]] = ()  # every buffer it may keep: their quantities and file keys
    shows: ClassVar[tuple[Buffer, ...]] = ()  # every value it may show without keeping it
    slips: ClassVar[tuple[Slip, ...]] = ()
    state_words: ClassVar[str] = "state"  # what it keeps, in a sentence: "momentum buffer"
    torch_class: ClassVar[str] = ""  # torch.optim.SGD
    # what torch.optim's state of a parameter must hold besides the kept buffers, to go on from a
    # saved state: (key, source, why)
    torch_extra_state: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    # -- settings ---------------------------------------------------------------------------
    def values(self) -> dict:
        """Its settings, by key, in order (what the file's "optimizer" object holds besides its
        name and learning rate)."""
        return {s.key: getattr(self, s.key) for s in self.settings}

    def with_values(self, **values) -> "Optimizer":
        return dataclasses.replace(self, **values)

    def chosen(self) -> list[tuple[Setting, float]]:
        """Its settings that are not at their defaults, with their values."""
        return [(s, getattr(self, s.key)) for s in self.settings if getattr(self, s.key) != s.default]

    def summary(self) -> list[str]:
        """Its settings that are not at their defaults, in words: ["momentum 0.9"]."""
        return [f"{s.title} {s.text(value)}" for s, value in self.chosen()]

    def setting_value(self, ref: Ref) -> tuple[Sym, float]:
        """The symbol (a token) and value of the setting an update formula reads (`Ref` "setting")."""
        setting = next(s for s in self.settings if s.key == ref.name)
        value = getattr(self, ref.name)
        if setting.kind == "pair":
            return setting.sym(ref.index), float(value[ref.index])
        return setting.sym(), float(value)

    def conflicts(self) -> list[tuple[str, str]]:
        """Rules between its settings that its values break, as (key, reason): empty if none."""
        return []

    # -- what it keeps --------------------------------------------------------------------------
    @property
    def buffers(self) -> tuple[Buffer, ...]:
        """The buffers it keeps with these settings (a subset of `declared`, in order): the rows
        of its state."""
        return self.declared

    @property
    def shown(self) -> tuple[Buffer, ...]:
        """The values it shows without keeping them, with these settings (a subset of `shows`)."""
        return self.shows

    @property
    def stepped(self) -> tuple[Buffer, ...]:
        """The buffers whose new values are computations of the update, in the order the update
        computes them (before the parameter's new value)."""
        return tuple(b for b in self.buffers + self.shown if b.stepped)

    def unkept(self, buffer: Buffer) -> str:
        """Why a saved value of a declared buffer it does not keep is refused."""
        return "must be null"

    @property
    def plain(self) -> bool:
        """Is its update θ ← θ − η·∂E/∂θ, with nothing kept? (The engine then takes its quickest path.)"""
        return not self.buffers and not self.shown

    # -- the update -------------------------------------------------------------------------------
    def step(self, theta: np.ndarray, state: np.ndarray | None, grad: np.ndarray, lr: float,
             part: slice, shown: np.ndarray | None = None) -> np.ndarray | None:
        """The update of θ[part] with the gradient grad[part], in place; returns the state (made at
        the first step). With `shown` (one row per buffer of `shown`), the values it shows
        without keeping them are written into its columns `part`."""
        raise NotImplementedError

    def formula(self, name: str, first: bool) -> Update:
        """The formula of the new value of buffer `name` (or of the parameter, name "")."""
        raise NotImplementedError

    # -- the script export (engine.scripts.pyexport) ---------------------------------------------
    def torch(self, params: str, lr: str) -> str:
        """The torch.optim construction: torch.optim.SGD(params, lr=0.5, momentum=0.0); each
        setting written exactly, PyTorch's defaults for the others."""
        raise NotImplementedError

    def numpy(self, starts: list[str] | None) -> tuple[str, str, str]:
        """The NumPy script's (constants, state, body of update(l, grad_W, grad_b, lr)), written
        against the script's names (TRAIN_BIASES, W, b; lr is the iteration's learning rate);
        `starts`: the source of each kept buffer's lists where a saved training stopped, or None.
        Its arithmetic is the engine's `step`, operation for operation (the same numbers, bit for
        bit)."""
        raise NotImplementedError
