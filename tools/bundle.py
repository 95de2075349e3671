"""Build the bundle: a folder that runs without Python, made by PyInstaller.

    pip install -e '.[bundle]'
    python tools/bundle.py [--no-check]

Makes dist/backprop-stepper/ with the window (backprop-stepper, backprop-stepper.exe on Windows)
and the headless command (backprop-engine) side by side, the presets, the icon and the desktop
files inside (tools/bundle.spec says what goes in and what stays out: torch, the test tools, the
Qt modules the window does not use). Then, unless --no-check, runs both programs' --version and
the window's --self-test with an empty environment (as on a machine without Python or settings:
`env -i`; on Windows the system's variables only; BUNDLE_QT_QPA_PLATFORM=offscreen passes Qt's
platform), and prints the folder's size and the time taken.
Exit status 0, or 1 with what failed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # guiapp.desktop renders the icon
DIST = ROOT / "dist"
WORK = ROOT / "build" / "bundle"
from engine import HEADLESS_PROGRAM, WINDOW_PROGRAM  # noqa: E402 (after the path)

NAME = WINDOW_PROGRAM  # the folder is named after the window program
WINDOWS = sys.platform == "win32"


def executable(name: str) -> Path:
    return DIST / NAME / (f"{name}.exe" if WINDOWS else name)


def icon(folder: Path) -> str | None:
    """The icon in the format the platform's executables carry, rendered from the SVG with Qt:
    .ico on Windows, .icns on macOS; none on Linux (its desktop entry names the icon instead)."""
    suffix = {"win32": "ico", "darwin": "icns"}.get(sys.platform)
    if suffix is None:
        return None
    from PySide6.QtGui import QImage

    from guiapp.desktop import APP_ID, render_png

    folder.mkdir(parents=True, exist_ok=True)
    png, out = folder / f"{APP_ID}-256.png", folder / f"{APP_ID}.{suffix}"
    render_png(ROOT / "resources" / "icons" / f"{APP_ID}.svg", 256, str(png))
    if not QImage(str(png)).save(str(out)):  # Qt's ico and icns image plugins
        raise SystemExit(f"the icon could not be written as .{suffix}")
    return str(out)


def empty_environment() -> dict[str, str]:
    """Nothing but what the operating system itself needs to start a program, and the Qt platform
    given as BUNDLE_QT_QPA_PLATFORM, if any (CI on a machine with a desktop: offscreen)."""
    env = {k: v for k, v in os.environ.items() if k.upper() in ("SYSTEMROOT", "WINDIR", "TEMP", "TMP")} \
        if WINDOWS else {}
    if os.environ.get("BUNDLE_QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = os.environ["BUNDLE_QT_QPA_PLATFORM"]
    return env


def check() -> list[str]:
    """Each program run as a user runs it, from outside the checkout; what failed. And no torch."""
    failed = [f"torch is in the bundle: {p}" for p in (DIST / NAME).rglob("*torch*")][:1]
    window, headless = executable(WINDOW_PROGRAM), executable(HEADLESS_PROGRAM)
    runs = [([window, "--version"], f"{WINDOW_PROGRAM} "),
            ([headless, "--version"], f"{HEADLESS_PROGRAM} "),
            ([headless, "presets"], "mazur "),
            ([window, "--self-test"], "self-test passed"),
            # the PDF converter: the headless command runs the window program for it
            ([headless, "explain", "mazur", "-o", WORK / "check.pdf"], "wrote ")]
    for argv, expected in runs:
        r = subprocess.run([str(a) for a in argv], env=empty_environment(), cwd=DIST, capture_output=True,
                           text=True, encoding="utf-8", errors="replace", timeout=300)
        said = (r.stdout.strip() or r.stderr.strip()).splitlines()
        print(f"  {' '.join(map(str, [Path(argv[0]).name, *argv[1:]]))}: {said[0] if said else '(nothing)'}")
        if r.returncode != 0 or not r.stdout.startswith(expected):
            failed.append(f"{Path(argv[0]).name} {' '.join(argv[1:])} (status {r.returncode}): {r.stderr.strip()[-300:]}")
    return failed


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-check", action="store_true", help="build only: do not run the programs built")
    args = parser.parse_args(argv)
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        print("PyInstaller is not installed: pip install -e '.[bundle]'", file=sys.stderr)
        return 1
    start = time.monotonic()
    env_icon = icon(WORK / "icon")
    if env_icon:
        os.environ["BUNDLE_ICON"] = env_icon
    pyinstaller.run([str(ROOT / "tools" / "bundle.spec"), "--noconfirm", "--clean", "--log-level", "WARN",
                     "--distpath", str(DIST), "--workpath", str(WORK)])
    built = time.monotonic() - start
    folder = DIST / NAME
    print(f"built {folder} in {built:.0f} s: {size(folder) / 2**20:.0f} MB")
    if args.no_check:
        return 0
    failed = check()
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
