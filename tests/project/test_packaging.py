"""The wheel: its metadata, commands and resources, and the presets found from a normal
(non-editable) install of it.

SLOW (about 5-30 s): this builds a wheel of the checkout with pip and installs it into a
temporary folder, then runs the command from outside the repository. It is part of the
normal test run on purpose; `-m "not slow and not long"` leaves it out when iterating on other
things (a -m of one's own replaces the default `-m "not long"`, hence the "and not long").
"""
from __future__ import annotations

import email.parser
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import engine
from tests.helpers import PRESETS, ROOT, preset_data

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]  # one worker builds the wheel under -n


def _pip(*args, cwd) -> subprocess.CompletedProcess:
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pip", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, site folder) of the checkout built and installed non-editable."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    r = _pip("wheel", ".", "--no-deps", "--no-build-isolation", "-w", dist, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(dist.glob("backprop_stepper-*.whl"))
    assert len(wheels) == 1, list(dist.iterdir())
    site = tmp / "site"
    r = _pip("install", "--no-deps", "--no-compile", "--target", site, wheels[0], cwd=tmp)
    assert r.returncode == 0, r.stdout + r.stderr
    return wheels[0], site


def _run_outside(site: Path, cwd: Path, *args) -> subprocess.CompletedProcess:
    """The venv's interpreter (numpy comes from its site-packages), with only the installed
    wheel on PYTHONPATH and a working directory outside the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(site)
    env["PYTHONNOUSERSITE"] = "1"
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_wheel_contains_the_presets(installed):
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for preset in PRESETS:
            member = f"engine/resources/networks/{preset}.json"
            assert member in names, sorted(n for n in names if "resources" in n)
            data = json.loads(z.read(member).decode("utf-8"))
            assert data["layers"] == preset_data(preset)["layers"]
        assert "engine/__init__.py" in names and "engine/cli/main.py" in names


def test_installed_wheel_finds_its_presets_outside_the_checkout(installed, tmp_path):
    _, site = installed
    work = tmp_path / "elsewhere"
    work.mkdir()
    assert ROOT not in work.parents and work != ROOT

    r = _run_outside(site, work, "-c",
                     "import json, engine, engine.files.presets as p; "
                     "print(json.dumps([engine.__file__, str(p.resources_dir()), p.names()]))")
    assert r.returncode == 0, r.stderr
    engine_file, resources, names = json.loads(r.stdout)
    assert Path(engine_file).resolve().is_relative_to(site.resolve()), engine_file
    assert not Path(engine_file).resolve().is_relative_to(ROOT), engine_file
    assert Path(resources).resolve().is_relative_to(site.resolve()), resources
    assert sorted(names) == sorted(PRESETS)

    r = _run_outside(site, work, "-m", "engine", "presets")
    assert r.returncode == 0, r.stderr
    assert sorted(line.split()[0] for line in r.stdout.splitlines() if line.strip()) == sorted(PRESETS)

    r = _run_outside(site, work, "-m", "engine", "train", "mazur", "--iterations", "1",
                     "--history", "h.csv", "--out", "trained.json")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "loss at iteration 1: 0.298371108760002" in r.stdout
    assert (work / "h.csv").read_text(encoding="utf-8").startswith("iteration,loss\n1,0.298371108760002")
    assert json.loads((work / "trained.json").read_text(encoding="utf-8"))["layers"] == [2, 2, 2]
    assert sorted(os.listdir(work)) == ["h.csv", "trained.json"]


def _metadata(wheel: Path):
    """The wheel's METADATA (core metadata: headers, then the long description)."""
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(z.read(name).decode("utf-8"))


def test_the_wheel_has_the_metadata_a_package_index_shows(installed):
    wheel, _ = installed
    meta = _metadata(wheel)
    assert meta["Name"] == "backprop-stepper" and meta["Version"] == engine.__version__
    assert meta["Summary"].startswith("Step through the forward pass, backward pass and weight update")
    assert meta["License-Expression"] == "MIT" and meta["Requires-Python"] == ">=3.10"
    assert "backpropagation" in meta["Keywords"].split(",")
    classifiers = meta.get_all("Classifier")
    assert "Intended Audience :: Education" in classifiers and "Environment :: X11 Applications :: Qt" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues"}
    assert all(u.startswith("https://") for u in urls.values())
    # the README as the long description, every link and picture absolute (relative ones work only
    # in the repository)
    assert meta["Description-Content-Type"] == "text/markdown"
    text = meta.get_payload()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.splitlines()[:8] == readme.splitlines()[:8]
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert len(links) == len(re.findall(r"\]\(([^)\s]+)\)", readme)) > 5
    assert [link for link in links if not link.startswith("https://")] == []
    assert f"{urls['Homepage']}/blob/main/docs/user-guide.md" in links
    picture = re.search(r"!\[[^\]]*\]\(([^)]+)\)", text)[1]
    assert picture.startswith("https://raw.githubusercontent.com/") and picture.endswith(".png")


def test_the_wheel_declares_both_commands_and_carries_the_icons_not_the_screenshots(installed):
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "[console_scripts]\nbackprop-engine = engine.cli.main:main" in entry_points
    assert "[gui_scripts]\nbackprop-stepper = guiapp.app:main" in entry_points
    assert {"engine/resources/icons/backprop-stepper.svg", "engine/resources/desktop/backprop-stepper.desktop",
            "engine/resources/desktop/backprop-stepper.xml",
            "engine/resources/desktop/backprop-stepper.metainfo.xml"} <= names
    assert not [n for n in names if "screenshots" in n]


def test_the_installed_commands_say_their_version(installed, tmp_path):
    _, site = installed
    for command in ("backprop-engine", "backprop-stepper"):
        r = _run_outside(site, tmp_path, site / "bin" / command, "--version")  # the script pip wrote
        assert (r.returncode, r.stdout) == (0, f"{command} {engine.__version__}\n"), r.stderr


def test_the_publishing_commands_name_the_wheel_and_source_archive_not_the_bundle(tmp_path):
    """docs/install.md's `twine check` and `twine upload`, in a clone where the README's bundle
    command ran first (dist/backprop-stepper/, and the workflow's archive of it, beside what
    `python -m build` wrote), name the wheel and the source archive and nothing else: `dist/*`
    took the bundle's folder too, and twine refused it (InvalidDistribution)."""
    import importlib.util
    import shlex
    spec = importlib.util.spec_from_file_location("bundle_tool", ROOT / "tools" / "bundle.py")
    bundle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bundle)
    version = engine.__version__
    dist = tmp_path / "dist"
    (dist / bundle.NAME).mkdir(parents=True)  # the bundle's folder
    built = {f"backprop_stepper-{version}-py3-none-any.whl", f"backprop_stepper-{version}.tar.gz"}
    for name in built | {f"{bundle.NAME}-Linux.tar.gz"}:
        (dist / name).write_bytes(b"")
    text = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    section = text.split("## Publishing the wheel", 1)[1].split("\n## ", 1)[0]
    commands = [shlex.split(line.split("#", 1)[0]) for line in section.splitlines()
                if line.startswith("twine ")]
    assert [c[:2] for c in commands] == [["twine", "check"], ["twine", "upload"]], commands
    for command in commands:
        named = {p.name for pattern in command[2:] for p in tmp_path.glob(pattern)}
        assert named == built, (command, sorted(named))
