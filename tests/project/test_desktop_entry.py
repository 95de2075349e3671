"""backprop-stepper --install-desktop-entry and --uninstall-desktop-entry in a temporary home: the
menu entry (valid, and its Exec starts this installation), the icon at every size, the type of
network files as the desktop resolves it; the AppStream metainfo; the window's icon."""
from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import engine
from guiapp import desktop
from tests.helpers import ROOT

NETWORK_TYPE = "application/x-backprop-stepper-network"
BACKGROUND = "#1d2b3a"  # the icon's square


def run(home, *args, **env) -> subprocess.CompletedProcess:
    """`python -m guiapp ARGS` with a temporary home, no XDG variables unless given."""
    environ = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    environ.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})
    return subprocess.run([sys.executable, "-m", "guiapp", *args], env=environ, cwd=home, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def entry(path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def exec_argv(value: str) -> list[str]:
    """An Exec value as a desktop runs it (the Desktop Entry specification): the string's escapes
    first, then the arguments, split at spaces outside double quotes, in which a backslash
    escapes " ` $ and itself; field codes dropped, %% read as %."""
    text = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), value)
    args, current, started, quoted, i = [], "", False, False, 0
    while i < len(text):
        c = text[i]
        if quoted and c == "\\" and text[i + 1:i + 2] in ('"', "`", "$", "\\"):
            current, i = current + text[i + 1], i + 2
            continue
        if c == '"':
            quoted, started = not quoted, True
        elif c == " " and not quoted:
            if started:
                args.append(current)
            current, started = "", False
        else:
            current, started = current + c, True
        i += 1
    assert not quoted, value
    if started:
        args.append(current)
    return [a.replace("%%", "%") for a in args if a not in ("%f", "%F", "%u", "%U")]


def tree(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_install_writes_the_entry_icons_and_file_type_and_uninstall_takes_them_away(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    share = home / ".local" / "share"  # XDG_DATA_HOME unset: its default
    r = run(home, "--install-desktop-entry")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"installed the menu entry, icons and file type of Backprop Stepper (11 files) under {share}\n"
    ours = ["applications/backprop-stepper.desktop", "icons/hicolor/scalable/apps/backprop-stepper.svg",
            "mime/packages/backprop-stepper.xml",
            *(f"icons/hicolor/{n}x{n}/apps/backprop-stepper.png" for n in (16, 24, 32, 48, 64, 128, 256, 512))]
    assert set(ours) <= set(tree(share))
    # the desktop's caches, where their tools exist, and nothing else
    assert {p for p in tree(share) if p not in ours} <= {"applications/mimeinfo.cache"} | {
        p for p in tree(share) if p.startswith("mime/") and not p.startswith("mime/packages/")}

    keys = entry(share / "applications" / "backprop-stepper.desktop")
    assert keys["Type"] == "Application" and keys["Name"] == "Backprop Stepper" and keys["Icon"] == "backprop-stepper"
    assert keys["MimeType"] == f"{NETWORK_TYPE};application/json;"
    # its Exec starts this installation of the window
    argv = exec_argv(keys["Exec"])
    assert argv == [sys.executable, "-m", "guiapp"] and keys["Exec"].endswith(" %f")
    assert keys["TryExec"] == sys.executable
    version = subprocess.run([*argv, "--version"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                             capture_output=True, text=True, timeout=120)
    assert version.stdout == f"backprop-stepper {engine.__version__}\n"
    assert (share / "icons/hicolor/scalable/apps/backprop-stepper.svg").read_bytes() == \
        (ROOT / "resources/icons/backprop-stepper.svg").read_bytes()

    (share / "applications" / "someone-else.desktop").write_text("[Desktop Entry]\n")
    r = run(home, "--uninstall-desktop-entry")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"removed the menu entry, icons and file type of Backprop Stepper (11 files) from {share}\n"
    left = tree(share)
    assert not any("backprop-stepper" in p for p in left) and "applications/someone-else.desktop" in left
    r = run(home, "--uninstall-desktop-entry")
    assert (r.returncode, r.stdout) == (0, f"no desktop entry of Backprop Stepper under {share}: nothing removed\n")


def test_the_icon_is_the_svg_drawn_at_every_size(tmp_path):
    from PySide6.QtGui import QColor, QImage

    desktop.install(tmp_path, argv=["/opt/backprop-stepper/backprop-stepper"])
    for n in desktop.ICON_SIZES:
        image = QImage(str(tmp_path / f"icons/hicolor/{n}x{n}/apps/backprop-stepper.png"))
        assert (image.width(), image.height()) == (n, n)
        assert image.pixelColor(0, 0).alpha() == 0  # a rounded square: the corners show what is behind
        middle = image.pixelColor(n // 2, n // 2)
        if n >= 24:  # between the edges: the square's colour
            assert middle.name() == BACKGROUND and middle.alpha() == 255, (n, middle.name())
        # the output unit the backward pass is on, orange (Okabe–Ito), in the lower right
        corner = image.pixelColor(round(n * 104 / 128), round(n * 94 / 128))
        assert abs(corner.hue() - QColor("#E69F00").hue()) <= 6, (n, corner.name())


def test_network_files_named_bpnet_json_have_their_own_type_that_opens_with_the_application(tmp_path):
    desktop.install(tmp_path, argv=["/opt/backprop-stepper/backprop-stepper"])
    code = ("from PySide6.QtCore import QMimeDatabase as D; db = D()\n"
            "for name in ('net.bpnet.json', 'NET.BPNET.JSON', 'net.json'):\n"
            "    t = db.mimeTypeForFile(name, D.MatchMode.MatchExtension)\n"
            "    print(name, t.name(), ','.join(t.parentMimeTypes()), t.iconName())")
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": os.environ.get("PATH", "")}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"net.bpnet.json {NETWORK_TYPE} application/json backprop-stepper"
    assert lines[1] == f"NET.BPNET.JSON {NETWORK_TYPE} application/json backprop-stepper"
    assert lines[2].startswith("net.json application/json ")  # every other JSON file keeps its type


@pytest.mark.parametrize("path", ["/opt/Backprop Stepper/backprop-stepper", '/tmp/a "quoted" $HOME `x` \\ 100%/run',
                                  "/tmp/tab\there", "/tmp/ünïcode/backprop-stepper"])
def test_exec_holds_any_path_as_the_desktop_reads_it_back(tmp_path, path):
    if "\t" in path:
        with pytest.raises(ValueError, match="control character"):
            desktop.exec_argument(path)
        return
    desktop.install(tmp_path, argv=[path, "-m", "guiapp"])
    written = tmp_path / "applications" / "backprop-stepper.desktop"
    assert exec_argv(entry(written)["Exec"]) == [path, "-m", "guiapp"]
    if shutil.which("desktop-file-validate"):
        r = subprocess.run(["desktop-file-validate", str(written)], capture_output=True, text=True, timeout=60)
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-validate is not installed "
                    "(apt-get install desktop-file-utils)")
def test_the_entry_written_is_valid_for_desktop_file_validate(tmp_path):
    desktop.install(tmp_path)
    r = subprocess.run(["desktop-file-validate", str(tmp_path / "applications" / "backprop-stepper.desktop")],
                       capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_a_failed_install_leaves_the_folders_as_they_were(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    share = tmp_path / "share"
    share.mkdir()
    (share / "icons").write_text("not a folder")
    r = run(home, "--install-desktop-entry", XDG_DATA_HOME=str(share))
    assert r.returncode == 4 and r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line.startswith(f"backprop-stepper: {share / 'icons' / 'hicolor'}: --install-desktop-entry: cannot be written: ")
    assert sorted(p.name for p in share.rglob("*")) == ["icons"]  # applications/, mime/ made and taken away again
    assert list(home.iterdir()) == []


def test_the_appstream_metainfo_agrees_with_the_entry_the_package_and_the_version():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    folder = ROOT / "resources" / "desktop"
    component = ET.parse(folder / "backprop-stepper.metainfo.xml").getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("launchable[@type='desktop-id']") == f"{desktop.APP_ID}.desktop"
    assert component.findtext("url[@type='homepage']") == project["urls"]["Homepage"]
    assert {b.text for b in component.iterfind("provides/binary")} == \
        set(project["scripts"]) | set(project["gui-scripts"])
    assert component.findtext("provides/mediatype") == NETWORK_TYPE
    assert component.find("releases/release").get("version") == engine.__version__
    assert component.findtext("project_license") == project["license"]
    mime = ET.parse(folder / "backprop-stepper.xml").getroot()
    [kind] = mime
    assert kind.get("type") == NETWORK_TYPE
    assert entry(folder / "backprop-stepper.desktop")["MimeType"].split(";")[0] == NETWORK_TYPE


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstreamcli is not installed")
def test_the_appstream_metainfo_validates():
    r = subprocess.run(["appstreamcli", "validate", "--no-net", "--pedantic",
                        str(ROOT / "resources" / "desktop" / "backprop-stepper.metainfo.xml")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Validation was successful" in r.stdout and "pedantic" not in r.stdout, r.stdout


def test_the_window_has_the_icon_and_the_desktop_entry_name(qtbot):
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from guiapp.app import application

    app = QApplication.instance()
    before = (app.organizationName(), app.applicationName(), app.applicationVersion(), app.desktopFileName())
    try:
        assert application() is app
        assert app.desktopFileName() == "backprop-stepper" and app.applicationVersion() == engine.__version__
        image = app.windowIcon().pixmap(64, 64).toImage()
        assert not image.isNull() and image.pixelColor(32, 32).name() == BACKGROUND
    finally:
        app.setWindowIcon(QIcon())
        for setter, value in zip((app.setOrganizationName, app.setApplicationName, app.setApplicationVersion,
                                  app.setDesktopFileName), before):
            setter(value)


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_systems_are_told_in_one_line_and_nothing_is_written(tmp_path, monkeypatch, capsys, platform):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    assert desktop.run(desktop.INSTALL) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("backprop-stepper: --install-desktop-entry: a desktop entry is for Linux")
    assert len(err.splitlines()) == 1 and list(tmp_path.iterdir()) == []
