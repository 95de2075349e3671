"""The menu entry, icon and file type of the desktop (freedesktop.org: Linux and the BSDs).

    backprop-stepper --install-desktop-entry      backprop-stepper --uninstall-desktop-entry

Writes into the user's data folder, $XDG_DATA_HOME (~/.local/share by default):
applications/backprop-stepper.desktop (the menu entry, whose Exec is this installation's command),
icons/hicolor/scalable/apps/backprop-stepper.svg and the icon as PNG at every size of ICON_SIZES
(rendered from the SVG), and mime/packages/backprop-stepper.xml (the type of network files); then
refreshes the desktop's caches with update-desktop-database and update-mime-database where they
are installed. Every file is written to a temporary name and renamed when all are complete: a
failure leaves the folders as they were. Uninstalling removes those files and nothing else.

Network files are JSON, and a file type cannot claim every *.json: the menu entry offers the
application for any JSON file (Open With), and a file named NAME.bpnet.json has a type of its own,
application/x-backprop-stepper-network, that only Backprop Stepper opens: a double click opens it.
The templates are in resources/desktop/ (with the AppStream metainfo file for packagers).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from engine.cli.terminal import EXIT_BAD_INPUT, EXIT_WRITE, say
from engine.files.atomic import OutputError, Outputs
from engine.files.netfile import printable
from engine.files.presets import resources_dir

APP_ID = "backprop-stepper"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
INSTALL, UNINSTALL = "--install-desktop-entry", "--uninstall-desktop-entry"
# Characters that make the Desktop Entry specification quote an argument of Exec
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home(environ=os.environ) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset, empty or not absolute (as the
    XDG Base Directory specification says)."""
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(os.path.expanduser("~")) / ".local" / "share"


def files(home: Path) -> dict[str, Path]:
    """Every file the desktop entry is made of, by what it is."""
    icons = home / "icons" / "hicolor"
    made = {"entry": home / "applications" / f"{APP_ID}.desktop",
            "mime": home / "mime" / "packages" / f"{APP_ID}.xml",
            "svg": icons / "scalable" / "apps" / f"{APP_ID}.svg"}
    made.update({f"png{n}": icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES})
    return made


def command() -> list[str]:
    """The command that starts this installation of the window: the bundle's executable, the
    backprop-stepper that was run (pip, pipx), or this Python with -m guiapp."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    launcher = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if launcher is not None and launcher.name in (APP_ID, f"{APP_ID}.exe") and launcher.is_file():
        return [os.path.abspath(launcher)]
    return [sys.executable, "-m", "guiapp"]


def exec_argument(argument: str) -> str:
    """`argument` as the Exec key of a desktop entry writes it: quoted when it holds a reserved
    character, '%' doubled, then escaped as a string value (a backslash doubled)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in argument):
        raise ValueError(f"{argument!r}: a control character cannot be written in a desktop entry's Exec")
    if any(c in _RESERVED for c in argument):
        argument = '"' + re.sub(r'(["`$\\])', r"\\\1", argument) + '"'
    return argument.replace("%", "%%").replace("\\", "\\\\")


def entry_text(template: str, argv: list[str]) -> str:
    """The menu entry: the template's Exec runs `argv` with the file opened (%f); TryExec names the
    program, so that the entry hides itself when that program is gone."""
    exec_line = " ".join(exec_argument(a) for a in argv) + " %f"
    try_exec = argv[0].replace("\\", "\\\\")
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            line = f"TryExec={try_exec}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def render_png(svg: Path, size: int, path: str) -> None:
    """The SVG drawn at size×size pixels into the PNG file `path` (no QApplication needed)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG icon")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    if not image.save(path, "PNG"):
        raise OSError(f"the {size}×{size} icon could not be written")


def _refresh(home: Path) -> list[str]:
    """The desktop's caches of menu entries and file types brought up to date, where their tools
    exist; what was run."""
    ran = []
    for tool, folder in (("update-desktop-database", home / "applications"), ("update-mime-database", home / "mime")):
        program = shutil.which(tool)
        if program and folder.is_dir():
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run([program, str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=60, check=False)
                ran.append(tool)
    return ran


def install(home: Path | None = None, argv: list[str] | None = None) -> list[Path]:
    """Write the desktop entry's files under `home` ($XDG_DATA_HOME); the files written."""
    home = data_home() if home is None else home
    source = resources_dir()
    svg = source / "icons" / f"{APP_ID}.svg"
    template = (source / "desktop" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    mime = (source / "desktop" / f"{APP_ID}.xml").read_text(encoding="utf-8")
    entry = entry_text(template, command() if argv is None else argv)
    targets = files(home)
    created = []  # folders made here: taken away again if the install fails
    outputs = Outputs()
    try:
        for path in targets.values():
            for folder in reversed([path.parent, *path.parent.parents]):
                if not folder.exists():
                    try:
                        folder.mkdir()
                    except OSError as e:
                        raise OutputError(folder, INSTALL, e) from None
                    created.append(folder)
        with outputs.open(targets["entry"], INSTALL) as f:
            f.write(entry)
        with outputs.open(targets["mime"], INSTALL) as f:
            f.write(mime)
        with outputs.reserve(targets["svg"], INSTALL) as tmp:
            shutil.copyfile(svg, tmp)
        for size in ICON_SIZES:
            with outputs.reserve(targets[f"png{size}"], INSTALL) as tmp:
                render_png(svg, size, tmp)
        outputs.commit()
    except BaseException:
        outputs.discard()
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    _refresh(home)
    return list(targets.values())


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove the files `install` writes (and only those); the files removed."""
    home = data_home() if home is None else home
    removed = []
    for path in files(home).values():
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as e:
            raise OSError(f"{path}: cannot be removed: {e.strerror or e}") from None
        removed.append(path)
    _refresh(home)
    return removed


def run(option: str) -> int:
    """The command-line options: one line said; status 0 done, 2 a path that a desktop entry
    cannot hold, 4 a file that could not be written or removed."""
    if sys.platform in ("win32", "darwin"):
        say(f"backprop-stepper: {option}: a desktop entry is for Linux and the BSDs (freedesktop.org desktops); "
            "on Windows and macOS, use the bundle's folder or pipx (docs/install.md)", file=sys.stderr)
        return EXIT_BAD_INPUT
    home = data_home()
    where = printable(home, 300)
    try:
        if option == INSTALL:
            written = install(home)
            say(f"installed the menu entry, icons and file type of Backprop Stepper ({len(written)} files) under {where}")
        else:
            removed = uninstall(home)
            say(f"removed the menu entry, icons and file type of Backprop Stepper ({len(removed)} files) from {where}"
                if removed else f"no desktop entry of Backprop Stepper under {where}: nothing removed")
    except ValueError as e:
        say(f"backprop-stepper: {option}: {printable(e, 500)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:  # an OutputError names the option itself
        said = e if isinstance(e, OutputError) else f"{option}: {e}"
        say(f"backprop-stepper: {printable(said, 500)}", file=sys.stderr)
        return EXIT_WRITE
    return 0
