"""A network as a Python script that trains it without the app: PyTorch or plain NumPy.

`script(net, "pytorch" | "numpy")` writes one self-contained, readable file that builds the
same network (weights and biases written exactly with repr, the samples, the activations,
the loss, the optimizer with its learning rate and settings, the cycle of mini-batches, frozen biases,
the update order, and where a saved network's training stopped), trains it and prints
`iteration,loss` as CSV: the batch loss of each iteration's forward pass, before its update,
written with repr, as the loss history of `python -m engine train --history` has it.

PyTorch: torch.nn layers in float64, torch's loss modules (half_sse has none: it is written in
torch ops), autograd and the torch.optim optimizer; the sequential update order, which no optimizer step
does, is an explicit loop over the layers. NumPy: the forward pass, backward pass and update
written out in the engine's own operations, in the engine's order (so its losses are the
engine's, usually bit for bit).

A script cannot import the engine, so the maths of each activation and loss is written in it
once more, as source text: each activation and loss holds its own (`Activation.torch_module`,
`numpy_fn`, `numpy_grad`; `Loss.torch_loss`, `numpy_terms`, `numpy_grad`, `numpy_helpers`,
`Fused.numpy_delta`), and tests/engine/scripts/test_script_export.py checks that the NumPy texts compute
exactly the engine's functions.

The script of each flavour is written by its module (`pytorch`, `numpy_script`), on what both
share (`common`: literals, the opening comment, the batches, the values a script starts from).
"""
from __future__ import annotations

from engine.network.network import Network
from engine.scripts.common import DEFAULT_ITERATIONS, FORMATS, first_iteration
from engine.scripts.numpy_script import _numpy
from engine.scripts.pytorch import _pytorch

__all__ = ["DEFAULT_ITERATIONS", "FORMATS", "first_iteration", "script"]


def script(net: Network, fmt: str, iterations: int = DEFAULT_ITERATIONS, source: str = "",
           filename: str = "") -> str:
    """The script of `net` in `fmt` (FORMATS), training `iterations` times unless its command
    line says otherwise. `source`: where the network came from (a file or a preset name),
    `filename`: the script's own name, both for its opening comment."""
    if fmt == "pytorch":
        return _pytorch(net, iterations, source, filename)
    if fmt == "numpy":
        return _numpy(net, iterations, source, filename)
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, found {fmt!r}")
