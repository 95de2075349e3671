"""Find the X11 libraries Qt's xcb platform plugin needs before Qt starts.

Since Qt 6.5 the xcb plugin needs libxcb-cursor0 (loaded at run time) and, on minimal
systems, libxcb-icccm4, libxcb-keysyms1 and others that Debian and Ubuntu do not install by
default. Without them Qt aborts with a cryptic "could not load the Qt platform plugin xcb"
message; this module names the missing packages and the command that installs them.
No Qt import here: it runs before Qt is loaded.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Loaded by Qt with dlopen at run time, so ldd does not list it.
RUNTIME_LIBRARIES = ("libxcb-cursor.so.0",)
# Debian packages whose names do not follow the library's soname.
PACKAGE_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6"}


def uses_xcb(environ=os.environ, platform: str = sys.platform) -> bool:
    """Will Qt pick its xcb (X11) plugin?"""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def _not_found_by_ldd(plugin: Path) -> list[str]:
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return re.findall(r"^\s*(\S+)\s+=>\s+not found", out, flags=re.M)


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
        return True
    except OSError:
        return False


def missing_libraries(plugin: Path | None = None) -> list[str]:
    plugin = plugin or xcb_plugin()
    missing = _not_found_by_ldd(plugin) if plugin else []
    missing += [lib for lib in RUNTIME_LIBRARIES if not _loadable(lib)]
    return sorted(set(missing))


def package_for(soname: str) -> str:
    """Debian's package for a library: libxcb-icccm.so.4 -> libxcb-icccm4."""
    if soname in PACKAGE_EXCEPTIONS:
        return PACKAGE_EXCEPTIONS[soname]
    match = re.match(r"^(.*)\.so\.(\d+)", soname)
    if not match:
        return soname
    base, version = match.groups()
    return f"{base.lower()}{'-' if base[-1].isdigit() else ''}{version}"


def install_command(missing: list[str]) -> str:
    packages = sorted({package_for(m) for m in missing})
    return "sudo apt-get install " + " ".join(packages)


def message(missing: list[str]) -> str:
    return (
        "Backprop Stepper cannot open a window: Qt's X11 (xcb) platform plugin needs libraries "
        f"that are not installed ({', '.join(missing)}).\n"
        f"Install them with:\n    {install_command(missing)}\n"
        "(To run without a screen, set QT_QPA_PLATFORM=offscreen.)"
    )
