"""Start the application: backprop-stepper [NETWORK], or python -m guiapp [NETWORK].

Also: --version; --self-test (the worked example's first iteration checked in the window, see
`selftest`); --install-desktop-entry and --uninstall-desktop-entry (the menu entry, icon and file
type, see `desktop`)."""
from __future__ import annotations

import argparse
import os
import sys

from engine import WINDOW_PROGRAM, __version__

DEFAULT_NETWORK = "mazur"
NO_MEMORY = "not enough memory to open it"


def _parse(argv):
    parser = argparse.ArgumentParser(prog=WINDOW_PROGRAM, description="Step through backpropagation.")
    parser.add_argument("network", nargs="?", default=DEFAULT_NETWORK,
                        help="a network file (JSON) or a preset name (default: mazur, the worked example)")
    parser.add_argument("--version", action="version", version=f"{WINDOW_PROGRAM} {__version__}")
    once = parser.add_mutually_exclusive_group()
    once.add_argument("--self-test", action="store_true",
                      help="open the window on the worked example (offscreen where there is no display), step "
                           "through its first iteration and check E_total and w5+ against the article; prints "
                           "one line, exit status 0 (passed) or 1")
    once.add_argument("--install-desktop-entry", action="store_true",
                      help="add Backprop Stepper to the desktop's menu, with its icon and the type of network "
                           "files (in $XDG_DATA_HOME, ~/.local/share by default)")
    once.add_argument("--uninstall-desktop-entry", action="store_true",
                      help="remove what --install-desktop-entry added")
    args = parser.parse_args(argv)
    if args.self_test and args.network != DEFAULT_NETWORK:
        parser.error("--self-test runs on the worked example: give no NETWORK")
    return args


def _console_on_windows() -> None:
    """A windowed program on Windows has no standard output: --version, --self-test and the
    desktop options print to the console they were started from, if any."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    try:
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            sys.stdout = open("CONOUT$", "w", encoding="utf-8")
            sys.stderr = sys.stdout
    except OSError:
        pass


def _utf8_locale() -> None:
    """The C locale taken as C.UTF-8, as Python's own interpreter does (PEP 538) but the bundle's
    embedded one does not: else Qt says so on the standard error (`env -i`, a bare service)."""
    if not sys.platform.startswith("linux") or os.environ.get("LC_ALL"):
        return
    if (os.environ.get("LC_CTYPE") or os.environ.get("LANG") or "C") in ("C", "POSIX"):
        os.environ["LC_CTYPE"] = "C.UTF-8"


def _no_display() -> bool:
    """No display to open a window on (Linux and the BSDs without X11 or Wayland): the self-test
    then runs on Qt's offscreen platform."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application():
    """The QApplication, named, with its icon."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from engine.files.presets import resources_dir

    from guiapp.desktop import APP_ID

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("BackpropStepper")
    app.setApplicationName("Backprop Stepper")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # the menu entry's name: desktops match the window to its icon
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / f"{APP_ID}.svg")))
    return app


def main(argv=None) -> int:
    _console_on_windows()
    _utf8_locale()
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from guiapp import desktop

        return desktop.run(desktop.INSTALL if args.install_desktop_entry else desktop.UNINSTALL)
    if args.self_test and _no_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Before Qt is loaded: Qt's X11 plugin aborts with a cryptic message when libraries are missing.
    from guiapp import xcbcheck

    if xcbcheck.uses_xcb():
        missing = xcbcheck.missing_libraries()
        if missing:
            print(xcbcheck.message(missing), file=sys.stderr)
            return 1

    if args.self_test:
        from guiapp import selftest

        return selftest.run(application())

    from engine import NetworkFileError
    from engine.files import presets
    from engine.files.netfile import printable

    try:
        net = presets.open_network(args.network)
    except NetworkFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"error: {printable(args.network, 200)}: {NO_MEMORY}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:  # whatever else reading it met: one line, not silence
        print(f"error: {printable(args.network, 200)}: cannot be opened: {printable(e, 300)}", file=sys.stderr)
        return 2

    from guiapp.dialogs import errors
    from guiapp.window import MainWindow

    app = application()
    errors.install()
    try:
        window = MainWindow(net, args.network)
    except MemoryError:  # its session
        print(f"error: {printable(args.network, 200)}: {NO_MEMORY}", file=sys.stderr)
        return 2
    window.show()
    return app.exec()
