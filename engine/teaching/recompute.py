"""A recorded value as the tree of recorded values it is computed from, computed again with a change.

`Tree(net, record, key)` follows the formula specs of the quantity table (`quantities`): the
value of `key` is its spec's function of the values its spec reads, and each of those that is
itself computed in the loss or backward pass (∂E/∂out, ∂out/∂net, δ, a gradient, a momentum
buffer, a loss) is expanded the same way, level by level, while the tree stays within a budget
of nodes. Forward values (net, out) and parameters are leaves: the backward pass takes them as
given. The same recorded value is one node wherever it is read.

`evaluate(change)` computes the root again where `change(node, values)` gives some node another
value (from its operands' values, themselves computed again): each spec says how its value is
computed (`quantities.Spec.value`: the arithmetic its formula function carries, `formula.product`,
`weighted_sum` ...; or the activation's or loss's own function), with no choice made here by the
quantity's name. Without a change every node keeps its recorded value, exactly. The catalogue of mistakes (`mistakes`) is made of changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from engine.concepts import render
from engine.record.describe import context
from engine.record.layout import Record
from engine.network.network import Setup
from engine.record.quantities import Key, Spec, label, spec

NODE_BUDGET = 64  # nodes of a tree: the levels that would exceed it stay leaves
LEAVES = ("net", "out", "w", "b")  # quantities taken as given (forward values, updated parameters)


@dataclass(eq=False)
class Node:
    key: Key | None  # None for a number given with the formula (η, μ, Σtarget)
    value: float  # as recorded
    label: str  # net_h1, δ_o1, ∂E/∂w5, η ...
    depth: int  # levels below the root (the shallowest place it is read from)
    spec: Spec | None = None  # how it is computed, if it is expanded
    operands: list["Node"] = field(default_factory=list)  # the values its spec reads, in order

    @property
    def quantity(self) -> str | None:
        return None if self.key is None else self.key.quantity

    def symbol(self, k: int) -> str:
        """How this node's formula writes its k-th operand."""
        return render.text(self.spec.symbols[k])

    def symbols(self) -> list[str]:
        """How this node's formula writes each of its operands."""
        return [render.text(symbol) for symbol in self.spec.symbols]

    def symbolic(self) -> str:
        return "" if self.spec is None else self.spec.symbolic()


Change = Callable[[Node, list], "float | None"]


class Tree:
    def __init__(self, net: Setup, rec: Record, key: Key, budget: int = NODE_BUDGET):
        self.net, self.rec = net, rec
        self.ctx = context(net, rec)
        self.root = self._node(key, 0)
        self.nodes = [self.root]
        self._known: dict[Key, Node] = {key: self.root}
        self._expand(budget)
        self._parents: dict[Node, list[Node]] = {}
        for node in self.nodes:
            for child in node.operands:
                self._parents.setdefault(child, []).append(node)

    def _node(self, key: Key, depth: int) -> Node:
        return Node(key, self.rec.value(key), self.label(key), depth)

    def _expand(self, budget: int) -> None:
        level, first = [self.root], True
        while level:
            specs = [(node, spec(self.net, self.ctx, node.key)) for node in level]
            specs = [(node, s) for node, s in specs if s is not None and (node is self.root or node.quantity not in LEAVES)]
            new = {r for _, s in specs for r in s.refs if isinstance(r, Key) and r not in self._known}
            if len(self.nodes) + len(new) > budget and not first:
                return  # this level stays leaves (the root's operands are always read)
            first = False
            following = []
            for node, s in specs:
                node.spec = s
                for symbol, ref in zip(s.symbols, s.refs):
                    if not isinstance(ref, Key):
                        node.operands.append(Node(None, float(ref), render.text(symbol), node.depth + 1))
                        continue
                    child = self._known.get(ref)
                    if child is None:
                        child = self._known[ref] = self._node(ref, node.depth + 1)
                        self.nodes.append(child)
                        following.append(child)
                    node.operands.append(child)
            level = following

    def value(self, key: Key) -> float:
        """Any recorded value of the iteration (a neighbour's, an updated weight ...)."""
        return self.rec.value(key)

    def label(self, key: Key) -> str:
        """As the trace CSV labels it, with the sample where a batch has several."""
        text = label(self.net, key)
        if key.sample is not None and len(self.ctx.samples) > 1:
            text += f" (sample {self.ctx.samples[key.sample]})"
        return text

    # -- computing again ----------------------------------------------------------------------
    def above(self, node: Node) -> set[Node]:
        """The node and every node whose value is computed from it."""
        found, todo = {node}, [node]
        while todo:
            for parent in self._parents.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def evaluate(self, change: Change, within: set[Node] | None = None) -> tuple[float, list[Node]]:
        """The root's value where `change` gives nodes other values, and the nodes it changed
        (the sites of the change, shallowest first). Only nodes that are expanded (computed
        from their operands in the tree), and in `within` if given, are offered to `change`:
        the others keep their recorded values."""
        memo: dict[Node, float] = {}
        sites: list[Node] = []

        def value(node: Node) -> float:
            if node in memo:
                return memo[node]
            if within is not None and node not in within:
                return node.value
            values = [value(c) for c in node.operands]
            new = None if node.spec is None else change(node, values)
            if new is not None:
                sites.append(node)
            elif any(v is not c.value for v, c in zip(values, node.operands)):
                new = self.compute(node, values)
            else:
                new = node.value
            memo[node] = new
            return new

        result = value(self.root)
        sites.sort(key=lambda n: n.depth)
        return result, sites

    def compute(self, node: Node, values: list) -> float:
        """The node's formula applied to these values of its operands: each spec says how
        (`quantities.Spec.value`), reading the rest of the record where its owner needs it."""
        with np.errstate(all="ignore"):
            return node.spec.value(values, self.rec.value)
