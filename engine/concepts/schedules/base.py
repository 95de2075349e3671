"""What a learning-rate schedule is: the learning rate of iteration k (k = 1, 2, ...) from the
network's learning rate η0, with everything the engine, the file, the record, the documents,
practice and the script export need to know about it, held in the class its own module defines.

A schedule is a frozen dataclass of its settings (`Setting`s, as an optimizer's); its name is the
"name" of a network file's "schedule" object. `rate(η0, k)` is the learning rate of iteration k,
in closed form: a function of k alone, so that training on from a saved network (iteration k)
gives the rates of never having stopped. It is PyTorch's scheduler stepped after every update
(`torch`: the scheduler's construction; PyTorch multiplies as it goes, which agrees to a few
ulps). Its formula is a text function of (η0, the iteration k, its settings) marked with its
arithmetic (`formula.computes`); the mistake that goes with it (the learning rate of another
iteration) is the catalogue's own (engine.teaching.mistakes), made with `rate`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

from engine.concepts.setting import Setting
from engine.concepts.tokens import Sym, Token

MOST_ITERATIONS = 50_000_000  # as engine.network.limits.MAX_ITERATIONS (concepts come before network)


def gamma_problem(value: float) -> str | None:
    return None if 0.0 < value <= 1.0 else f"must be in (0, 1], found {value}"


@dataclass(frozen=True)
class Schedule:
    name: ClassVar[str]  # in the file's "schedule" object
    title: ClassVar[str]  # in words: "step decay"
    settings: ClassVar[tuple[Setting, ...]] = ()
    text: ClassVar[Callable[..., Token]]  # text(η0, k, *settings): the formula of η of iteration k
    torch_class: ClassVar[str] = ""

    def values(self) -> dict:
        return {s.key: getattr(self, s.key) for s in self.settings}

    def summary(self) -> str:
        """In words: "step decay (step_size 100, gamma 0.5)"."""
        return f"{self.title} ({', '.join(f'{s.key} {s.text(getattr(self, s.key))}' for s in self.settings)})"

    def rate(self, lr: float, iteration: int) -> float:
        """The learning rate of 1-based `iteration`, from the network's learning rate `lr`."""
        raise NotImplementedError

    def operands(self) -> tuple[tuple[Sym, float], ...]:
        """Each setting its formula reads after η0 and k: (symbol, a token; value)."""
        return tuple((s.sym(), float(getattr(self, s.key))) for s in self.settings)

    # -- the script export -------------------------------------------------------------------
    def torch(self, optimizer: str) -> str:
        """The scheduler's construction, each setting written exactly."""
        raise NotImplementedError

    def numpy(self, lr: str, iteration: str) -> str:
        """The learning rate of `iteration` as a NumPy script computes it (the engine's `rate`)."""
        raise NotImplementedError
