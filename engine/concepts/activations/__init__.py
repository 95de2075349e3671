"""The activation functions, one module each (`base.Activation` says what each one holds); this
package is their registry: `ACTIVATIONS` maps the network file's names to them, in the order
of the modules below (the order messages and the window list them). Adding one is a module and
its line here."""
from __future__ import annotations

from engine.concepts.activations import leaky_relu, linear, relu, sigmoid, softmax, softplus, tanh
from engine.concepts.activations.base import Activation

MODULES = (sigmoid, tanh, relu, leaky_relu, softplus, linear, softmax)
ACTIVATIONS: dict[str, Activation] = {m.ACTIVATION.name: m.ACTIVATION for m in MODULES}
DEFAULT = sigmoid.ACTIVATION  # the worked example's

__all__ = ["ACTIVATIONS", "DEFAULT", "Activation"]
