"""What Help ▸ About says: the version, where the worked example comes from, what it runs on."""
from __future__ import annotations

import html
import sys

import numpy
from PySide6 import QtCore
from PySide6 import __version__ as pyside_version

from engine import __version__

ARTICLE = "https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/"


def version() -> str:
    """The version of Backprop Stepper (engine.__version__, which the wheel's metadata reads)."""
    return __version__


def about_text() -> str:
    """Help ▸ About, as rich text."""
    import pyqtgraph  # loaded with the plots, after the window's first paint

    return (
        f"<p><b>Backprop Stepper</b> version {html.escape(version())}</p>"
        "<p>Shows every number of the forward pass, the backward pass and the update of a small neural "
        "network, one computation at a time, exactly (float64).</p>"
        "<p>The worked example (the preset <i>mazur</i>) is that of M. Mazur, "
        f"<a href='{ARTICLE}'>“A Step by Step Backpropagation Example”</a> (2015); "
        "the window shows its numbers digit for digit.</p>"
        f"<p>Python {sys.version.split()[0]} · Qt {QtCore.qVersion()} · PySide6 {pyside_version} · "
        f"numpy {numpy.__version__} · pyqtgraph {pyqtgraph.__version__}</p>"
    )
