"""How large a network and its data may be: limits that follow from what one session holds,
checked before any work (see docs/file-formats.md, "Limits").

Per iteration a session computes arrays of batch × units values (net, out, ∂E/∂out, ∂out/∂net,
δ for every unit of every sample) and records them in one row with the parameters before and
after the update and the gradient; the stepper walks one computation per value, and the per-
sample weight gradients alone are batch × weights of them. Those three sizes are bounded.
"""
from __future__ import annotations

MAX_LAYERS = 16  # counting the inputs
MAX_UNITS = 256  # in one layer
MAX_PARAMETERS = 60_000  # weights and biases: the stepper lists each about 4 times; gradcheck runs 2 forward passes each
MAX_BATCH_VALUES = 1_000_000  # batch × all units: about 8 MB per array of the forward and backward pass
MAX_STEPS = 250_000  # computations in one iteration: what the stepper lists (about 0.7 s and 65 MB to list) and
# the trace CSV writes per iteration

# Data from outside (engine.files.datasets, engine.files.csvdata): read or made whole before it is used.
MAX_GENERATED_SAMPLES = 10_000  # a generated data set
MAX_CSV_BYTES = 16 * 1024 * 1024  # a CSV file is read whole: larger ones are refused unread
MAX_CSV_ROWS = 100_000  # data rows of a CSV file
MAX_CSV_COLUMNS = 65_536  # fields of a row of a CSV file (a layer takes at most MAX_UNITS of them)


def parameters(sizes) -> int:
    return sum(sizes[l] * (sizes[l - 1] + 1) for l in range(1, len(sizes)))


def steps(sizes, batch: int, raw: int = 0) -> int:
    """Computations of one iteration, as the stepper lists them (at most: inputs, targets and the
    batch means counted as the trace CSV writes them; `raw`: the raw inputs of a sample, which
    the trace writes too where the inputs are features of them)."""
    units = sum(sizes[1:])
    weights = sum(sizes[l] * sizes[l - 1] for l in range(1, len(sizes)))
    per_sample = raw + sizes[0] + 6 * units + 2 * sizes[-1] + 1 + weights
    return batch * per_sample + 3 * parameters(sizes) + 1


def problems(sizes, batch: int, raw: int = 0):
    """(field, what is wrong) for each limit the network exceeds, in the order to report them
    (`raw`: see `steps`)."""
    p = parameters(sizes)
    if p > MAX_PARAMETERS:
        yield "layers", f"{p:,} weights and biases; at most {MAX_PARAMETERS:,}"
    values = batch * sum(sizes)
    if values > MAX_BATCH_VALUES:
        field = "batch_size" if batch else "samples"
        yield field, (f"{batch:,} samples per iteration × {sum(sizes):,} units = {values:,} values per array; "
                      f"at most {MAX_BATCH_VALUES:,} (use a smaller batch_size)")
    s = steps(sizes, batch, raw)
    if s > MAX_STEPS:
        per = f"{batch:,} sample{'s' if batch != 1 else ''} per iteration"
        yield "batch_size", f"{s:,} computations per iteration ({per}); at most {MAX_STEPS:,} (use a smaller batch_size)"


# The loss of every iteration is kept (8 bytes each): at most this many, 400 MB.
MAX_ITERATIONS = 50_000_000
# The evaluations training keeps (test loss, accuracies: engine.session.evaluation) take at most as much.
MAX_EVALUATION_BYTES = 8 * MAX_ITERATIONS
