"""Names of units and parameters, as the worked example writes them.

Layers are numbered 0 (inputs) to L (outputs). With one hidden layer the units are
i1.., h1.., o1.. exactly as in the article. With several hidden layers, hidden unit j of
layer l is h{l}.{j} (h1.1, h1.2, h2.1, ...). Inputs are always i{j}, outputs o{j}.

Weights are numbered w1, w2, ... through the layers from the input side, within a layer in
PyTorch's [out][in] order: w1 is i1→h1, w2 is i2→h1, w3 is i1→h2 and so on. The bias of unit
u is b_u (b_h1, b_o2, ...); all the biases of layer l hang off the bias unit b{l}, as the
article draws b1 and b2. Indices in this module are 0-based; names are 1-based.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence


def unit_name(sizes: Sequence[int], layer: int, j: int) -> str:
    last = len(sizes) - 1
    if layer == 0:
        return f"i{j + 1}"
    if layer == last:
        return f"o{j + 1}"
    if last == 2:
        return f"h{j + 1}"
    return f"h{layer}.{j + 1}"


def weight_offsets(sizes: Sequence[int]) -> list[int]:
    """offsets[l] = number of weights in layers below l (index 0 unused)."""
    offsets = [0, 0]
    for l in range(1, len(sizes) - 1):
        offsets.append(offsets[-1] + sizes[l] * sizes[l - 1])
    return offsets


@dataclass(frozen=True)
class Param:
    """One weight (kind 'w', from unit `source` of layer-1 into unit `unit` of layer) or bias ('b')."""

    kind: str
    layer: int
    unit: int
    source: int | None
    name: str


def weight_number(sizes: Sequence[int], layer: int, j: int, i: int, offsets: Sequence[int] | None = None) -> int:
    """The weight's number, 1-based (the 5 of w5); `offsets`: `weight_offsets(sizes)`, if known."""
    return (weight_offsets(sizes) if offsets is None else offsets)[layer] + j * sizes[layer - 1] + i + 1


def weight_name(sizes: Sequence[int], layer: int, j: int, i: int) -> str:
    return f"w{weight_number(sizes, layer, j, i)}"


def bias_name(sizes: Sequence[int], layer: int, j: int) -> str:
    return f"b_{unit_name(sizes, layer, j)}"


def bias_unit_name(layer: int) -> str:
    return f"b{layer}"


def parameters(sizes: Sequence[int]) -> list[Param]:
    """Every weight, then every bias, layer by layer from the input side."""
    return list(_parameters(tuple(sizes)))


@lru_cache(maxsize=2)  # the window asks several times for the network it shows (54,900 of them at most)
def _parameters(sizes: tuple[int, ...]) -> tuple[Param, ...]:
    params: list[Param] = []
    offsets = weight_offsets(sizes)  # weight_name's numbering, its offsets counted once (54,900 names at most)
    for l in range(1, len(sizes)):
        for j in range(sizes[l]):
            first = offsets[l] + j * sizes[l - 1] + 1
            for i in range(sizes[l - 1]):
                params.append(Param("w", l, j, i, f"w{first + i}"))
    for l in range(1, len(sizes)):
        for j in range(sizes[l]):
            params.append(Param("b", l, j, None, bias_name(sizes, l, j)))
    return tuple(params)


def find_parameter(sizes: Sequence[int], name: str) -> Param:
    for p in parameters(sizes):
        if p.name == name:
            return p
    raise KeyError(f"no parameter named {name!r}")
