"""Every relative link and picture in README.md and docs/*.md points at a file that exists, and a
link into a Markdown page (page.md#heading) at one of its headings (as GitHub names them)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")


def links(text: str) -> list[str]:
    """The targets of the Markdown links and pictures in `text`, code left out."""
    return LINK.findall(CODE.sub("", FENCE.sub("", text)))


def anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    text = CODE.sub(lambda m: m.group(0)[1:-1], heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {anchor(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*$", text, re.M)}


def test_the_pages_are_there():
    names = {p.name for p in PAGES}
    assert {"README.md", "index.md", "user-guide.md", "commands.md", "file-formats.md", "performance.md",
            "architecture.md", "development.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not checked here
            continue
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            problems.append(f"{target}: no such file")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            problems.append(f"{target}: no heading #{fragment} in {file.name}")
    assert problems == []


def test_the_check_finds_what_it_should():
    text = "[a](x.md) ![b](../p.png) `[c](no.md)` [d](https://e.org)\n```\n[f](g.md)\n```\n"
    assert links(text) == ["x.md", "../p.png", "https://e.org"]
    assert anchor("The worked example: published versus correct figures") == \
        "the-worked-example-published-versus-correct-figures"
    assert anchor("`python -m engine` commands") == "python--m-engine-commands"
