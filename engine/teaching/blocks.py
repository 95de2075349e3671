"""The content model of a worked-example document: headings, paragraphs of text and formulas,
derivations, tables and the figure. `document` fills it; `doc_markdown` and `doc_html` write it."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.concepts.numbers import Fmt, short
from engine.concepts.tokens import Token


@dataclass(frozen=True)
class Math:
    """A formula or a name (net_h1, ∂E/∂w5) as a token (engine.concepts.tokens), its numbers written by
    `fmt`: each writer renders it (engine.concepts.render)."""
    token: Token
    fmt: Fmt = short


Inline = str | Math  # a paragraph is a sequence of plain text and formulas


@dataclass(frozen=True)
class Heading:
    level: int  # 1 title, 2 section, 3 subsection
    text: str


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]
    note: bool = False  # set apart: a remark on the method, or what a shortened document left out


@dataclass(frozen=True)
class Derivation:
    """lhs = steps[0] = steps[1] = …: symbols, then numbers, then the result (each once), as tokens
    whose numbers `fmt` writes."""
    lhs: Token
    steps: tuple[Token, ...]
    depth: int = 0  # a factor of the derivation above it
    fmt: Fmt = short


@dataclass(frozen=True)
class Table:
    head: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    numeric: tuple[bool, ...] = ()  # columns aligned as numbers


@dataclass(frozen=True)
class Figure:
    svg: str
    caption: str


Block = Heading | Paragraph | Derivation | Table | Figure


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    shortened: bool = False

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)
