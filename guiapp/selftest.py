"""backprop-stepper --self-test: a smoke test any machine can run on an installation or a bundle.

Opens the window on the worked example (Qt's offscreen platform where there is no display: see
`app.main`), steps it through its first iteration with the Step action, and reads what the window
shows: the loss in the status bar and w5 after the update on the diagram, each checked against the
article's figure to the digits it prints. Prints one line and returns 0, or 1 with one line saying
what differs. The user's settings are neither read nor changed (they go to a temporary folder).
"""
from __future__ import annotations

import re
import sys
import tempfile
import time

from engine import WINDOW_PROGRAM, __version__

# M. Mazur, "A Step by Step Backpropagation Example" (2015): (value, decimals printed)
ARTICLE = {"E_total": (0.298371109, 9), "w5+": (0.35891648, 8)}
TIMEOUT = 60.0  # seconds for the window to be shown
_NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-−+]?\d+)?")


def number_in(text: str) -> float | None:
    """The last number in a text the window shows (its minus sign is U+2212)."""
    found = _NUMBER.findall(text)
    return float(found[-1].replace("−", "-")) if found else None


def _quiet(kind, context, message: str) -> None:
    """Qt's messages to the standard error, but for the offscreen platform's note that it does
    not support size hints (it has no window manager to give them to)."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def run(app) -> int:
    """Run the self-test in the QApplication `app`; the exit status."""
    from PySide6.QtCore import QSettings, qInstallMessageHandler

    qInstallMessageHandler(_quiet)
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, folder)
        try:
            shown, computations = _step_through(app)
        except Exception as e:  # whatever went wrong, in one line
            print(f"self-test FAILED: {type(e).__name__}: {e}".splitlines()[0])
            return 1
    wrong = [f"{name} shown {value!r}, the article's is {ARTICLE[name][0]}" for name, value in shown.items()
             if value is None or abs(value - ARTICLE[name][0]) > 0.5 * 10 ** -ARTICLE[name][1]]
    if wrong:
        print(f"self-test FAILED: {'; '.join(wrong)}")
        return 1
    print(f"self-test passed: the window stepped the worked example through iteration 1 ({computations} "
          f"computations) and shows E_total {shown['E_total']} and w5+ {shown['w5+']}, as the article does "
          f"({WINDOW_PROGRAM} {__version__}, Python {sys.version.split()[0]}, Qt platform {app.platformName()})")
    return 0


def _step_through(app) -> tuple[dict[str, float | None], int]:
    from engine.files import presets

    from guiapp.window import MainWindow

    window = MainWindow(presets.open_network("mazur"), "mazur")
    try:
        window.show()
        deadline = time.monotonic() + TIMEOUT
        while not (window.windowHandle() and window.windowHandle().isExposed()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the window was not shown within {TIMEOUT:.0f} s")
            app.processEvents()
        app.processEvents()  # its first paint
        window.make_plots()  # made after the first paint (if that failed, it fails here and says why)
        session = window.model.session
        for _ in session.steps:
            window.actions["step"].trigger()
            app.processEvents()
        if (session.iteration, session.cursor) != (1, len(session.steps) - 1):
            raise RuntimeError(f"stepping ended at computation {session.cursor + 1} of iteration {session.iteration}")
        if window.grab().isNull():
            raise RuntimeError("the window could not be drawn")
        w5 = window.diagram.edges["w5"].tag.text().splitlines()[0]  # "w5⁺ 0.35891648"
        if not w5.startswith("w5⁺"):
            raise RuntimeError(f"the diagram shows {w5!r} for w5 after the update")
        return {"E_total": number_in(window.status.loss.text()), "w5+": number_in(w5)}, len(session.steps)
    finally:
        window.close()
        window.deleteLater()
