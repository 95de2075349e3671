"""Render the window to a PNG without a screen: python -m guiapp.screenshot OUT.png [NETWORK] [STEPS].

By default: the worked example, mid-way through the backward pass of its first iteration
(the README's picture). Uses Qt's offscreen platform unless a display is asked for.
"""
from __future__ import annotations

import os
import sys


def render(out: str, network: str = "mazur", steps: int | None = None, width: int = 1400, height: int = 860,
           select: str | None = "w1") -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    # The picture must not depend on, nor change, the user's remembered window and digits.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())

    from engine import presets

    from .model import ValueRef
    from .window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(presets.open_network(network), network)
    window.resize(width, height)
    window.show()
    session = window.model.session
    if steps is None:  # mid-way through the backward pass
        backward = [n for n, s in enumerate(session.steps) if s.phase == "backward"]
        steps = backward[len(backward) // 2] + 1
    for _ in range(steps):
        window.model.step()
    if select and select in window.diagram.edges:
        window.model.set_selection(ValueRef("param", select))
    app.processEvents()
    window.grab().save(out)
    window.close()


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    out, network = args[0], args[1] if len(args) > 1 else "mazur"
    steps = int(args[2]) if len(args) > 2 else None
    render(out, network, steps)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
