"""The packages of engine/ and guiapp/ are layers: each imports only the layers its docstring
allows, and no module takes part in an import cycle."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

# engine/: each package may import the packages before it, never one after it
ENGINE_LAYERS = ("text", "concepts", "network", "files", "record", "session", "teaching", "scripts", "cli")
# guiapp/: what each package may import of guiapp (besides itself and the engine)
GUIAPP_ALLOWED = {
    "model": set(),
    "diagram": {"model", "colours"},
    "plots": {"model", "colours"},
    "panels": {"model", "colours"},
    "dialogs": {"model", "colours"},
    "menus": {"model", "colours", "dialogs", "plots", "pdfdoc"},
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every engine or guiapp module `path` imports, at module level or inside a function."""
    found = set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] in ("engine", "guiapp")}


MODULES = {_module(p): p for root in ("engine", "guiapp") for p in sorted((ROOT / root).rglob("*.py"))}


def _resolved(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


GRAPH = {m: {r for r in map(_resolved, _imports(p)) if r and r != m} for m, p in MODULES.items()}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.count(".") >= 2 and m.startswith("engine.")))
def test_an_engine_package_imports_only_the_layers_before_it(module):
    layer = ENGINE_LAYERS.index(module.split(".")[1])
    later = sorted(d for d in GRAPH[module] if d.startswith("engine.") and d.count(".") >= 2
                   and ENGINE_LAYERS.index(d.split(".")[1]) > layer)
    assert later == [], f"{module} imports a later layer"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("guiapp.") and m.count(".") >= 2))
def test_a_guiapp_package_imports_only_what_its_docstring_allows(module):
    package = module.split(".")[1]
    allowed = GUIAPP_ALLOWED[package] | {package}
    outside = sorted(d for d in GRAPH[module] if d.startswith("guiapp.") and d.split(".")[1] not in allowed)
    assert outside == [], f"{module} imports outside {sorted(allowed)}"


def test_every_package_says_what_it_holds_and_may_import():
    for init in sorted([*(ROOT / "engine").glob("*/__init__.py"), *(ROOT / "guiapp").glob("*/__init__.py")]):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, init


def test_no_import_cycles():
    """Tarjan's strongly connected components over the import graph: every one a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []
