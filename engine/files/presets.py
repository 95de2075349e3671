"""The networks shipped in resources/networks/, found from a checkout or an installed wheel."""
from __future__ import annotations

from pathlib import Path

from engine.files.netfile import NetworkFileError, load
from engine.network.network import Network

_ENGINE = Path(__file__).resolve().parents[1]
# An installed wheel carries resources/ inside the engine package; a checkout has it beside.
_CANDIDATES = (_ENGINE / "resources", _ENGINE.parent / "resources")


def resources_dir() -> Path:
    for folder in _CANDIDATES:
        if (folder / "networks").is_dir():
            return folder
    raise FileNotFoundError("the resources folder (presets, icons) is missing from this installation")


def names() -> list[str]:
    return sorted(p.stem for p in (resources_dir() / "networks").glob("*.json"))


def path(name: str) -> Path:
    return resources_dir() / "networks" / f"{name}.json"


def resolve(spec: str) -> Path:
    """A network given as a file path or a preset name."""
    p = Path(spec)
    try:
        exists = p.exists()
    except OSError:  # a name too long, ...: reading it says what is wrong
        exists = True
    if exists or spec.endswith(".json") or "/" in spec or "\\" in spec:
        return p
    if spec in names():
        return path(spec)
    raise NetworkFileError(spec, "(file)", f"no such file, and not a preset (presets: {', '.join(names())})")


def open_network(spec: str) -> Network:
    return load(resolve(spec))
