"""Start the application: backprop-stepper [NETWORK], or python -m guiapp [NETWORK]."""
from __future__ import annotations

import argparse
import sys

NO_MEMORY = "not enough memory to open it"


def _parse(argv):
    parser = argparse.ArgumentParser(prog="backprop-stepper", description="Step through backpropagation.")
    parser.add_argument("network", nargs="?", default="mazur",
                        help="a network file (JSON) or a preset name (default: mazur, the worked example)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    # Before Qt is loaded: Qt's X11 plugin aborts with a cryptic message when libraries are missing.
    from guiapp import xcbcheck

    if xcbcheck.uses_xcb():
        missing = xcbcheck.missing_libraries()
        if missing:
            print(xcbcheck.message(missing), file=sys.stderr)
            return 1

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

    from PySide6.QtWidgets import QApplication

    from guiapp.dialogs import errors
    from guiapp.window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("BackpropStepper")
    app.setApplicationName("Backprop Stepper")
    errors.install()
    try:
        window = MainWindow(net, args.network)
    except MemoryError:  # its session
        print(f"error: {printable(args.network, 200)}: {NO_MEMORY}", file=sys.stderr)
        return 2
    window.show()
    return app.exec()
