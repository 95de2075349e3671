"""engine.files.design: what New network and Edit structure choose, checked by the file's rules."""
import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from engine.files import design as designs
from engine.files import netfile
from engine import open_network
from engine.concepts.activations import ACTIVATIONS
from engine.concepts.losses import LOSSES
from engine.concepts.optimizers.sgd import SGD
from engine.files.netfile import NetworkFileError

WORKED = dict(sizes=[2, 2, 2], activations=["sigmoid", "sigmoid"], loss="half_sse")
SOME = settings(max_examples=150, deadline=None, derandomize=True, database=None)


def file_of(d: designs.Design, inputs, targets) -> dict:
    """The design written by hand as a network file with a seed (what build must equal)."""
    return {"layers": d.sizes, "activations": d.activations, "loss": d.loss, "seed": d.seed,
            "train_biases": d.train_biases, "batch_size": d.batch_size, "update_order": d.update_order,
            "optimizer": {"name": "sgd", "learning_rate": d.learning_rate, "momentum": d.optimizer.momentum},
            "samples": [{"input": list(x), "target": list(t)} for x, t in zip(inputs.tolist(), targets.tolist())]}


def test_build_equals_the_network_file_with_the_same_seed():
    d = designs.Design(**WORKED, seed=7, train_biases=False)
    x, t = np.array([[0.05, 0.1]]), np.array([[0.01, 0.99]])
    net = designs.build(d, x, t)
    spec = {"layers": [2, 2, 2], "activations": ["sigmoid", "sigmoid"], "loss": "half_sse", "seed": 7,
            "train_biases": False, "optimizer": {"name": "sgd", "learning_rate": 0.5},
            "samples": [{"input": [0.05, 0.1], "target": [0.01, 0.99]}]}
    ref = netfile.parse(spec)
    assert netfile.dumps(net) == netfile.dumps(ref)
    np.testing.assert_array_equal(net.weights[0], np.random.default_rng(7).uniform(-1 / np.sqrt(2), 1 / np.sqrt(2), (2, 2)))
    bound = 1 / np.sqrt(2)
    assert all(np.all(np.abs(w) <= bound) for w in net.weights)  # nn.Linear's U(−1/√fan_in, 1/√fan_in)


# Any design, valid or not, against the file reader: drawn from small choices only (integers
# in (−100, 100) and sampled_from; see tests/network_strategies.py on hypothesis's constants).
@st.composite
def any_design(draw):
    depth = draw(st.integers(1, 3))
    last = draw(st.sampled_from(list(ACTIVATIONS) + ["bogus"]))
    return designs.Design(
        sizes=[draw(st.integers(0, 4)) for _ in range(depth + 1)],
        activations=[draw(st.sampled_from(list(ACTIVATIONS))) for _ in range(depth - 1)] + [last],
        loss=draw(st.sampled_from(list(LOSSES) + ["bogus"])),
        learning_rate=draw(st.sampled_from([0.5, 0.1, 0.0, -1.0])),
        optimizer=SGD(momentum=draw(st.sampled_from([0.0, 0.9, 1.0, -0.5]))),
        batch_size=draw(st.sampled_from([None, 1, 3, 0])),
        train_biases=draw(st.booleans()),
        update_order=draw(st.sampled_from(["simultaneous", "sequential", "random"])),
        seed=draw(st.sampled_from([0, 7, 42, -1])))


FILE_FIELDS = {"sizes": "layers", "learning_rate": "optimizer.learning_rate", "momentum": "optimizer.momentum"}


@SOME
@given(d=any_design(), n=st.integers(1, 3))
@example(d=designs.Design(**WORKED), n=1)
@example(d=designs.Design(sizes=[2, 4, 1], activations=["tanh", "sigmoid"], loss="bce", seed=3), n=4)
@example(d=designs.Design(sizes=[2, 1], activations=["softmax"], loss="cross_entropy"), n=1)
@example(d=designs.Design(sizes=[2, 3, 2], activations=["softmax", "softmax"], loss="mse",
                          optimizer=SGD(momentum=1.0)), n=1)
def test_a_design_is_valid_exactly_when_its_network_file_is(d, n):
    """problems() finds first what netfile.parse refuses (the same reason, the field in the
    design's name), and build() of a valid design is the parsed file, value for value."""
    sizes_valid = all(isinstance(k, int) and k >= 1 for k in d.sizes)
    x, t = designs.default_samples(d.sizes, d.loss) if sizes_valid else (np.zeros((1, 1)), np.zeros((1, 1)))
    x, t = np.repeat(x, n, 0), np.repeat(t, n, 0)
    found = designs.problems(d, n)
    try:
        ref = netfile.parse(file_of(d, x, t))
    except NetworkFileError as e:
        assert found, e
        field, reason = found[0]
        assert reason == e.problem
        name, _, index = field.partition("[")
        file_field = FILE_FIELDS.get(name, name) + (f"[{index}" if index else "")
        assert file_field == e.field or e.field.endswith("[-1]") and file_field.startswith(e.field[:-3])
        with pytest.raises(NetworkFileError) as built:
            designs.build(d, x, t)
        assert str(built.value) == f"the new network: {field}: {reason}"
        return
    assert found == []
    assert netfile.dumps(designs.build(d, x, t)) == netfile.dumps(ref)


def test_problems_lists_every_rule_broken_in_the_designs_names():
    d = designs.Design(sizes=[2, 300, 1], activations=["softmax", "tanh"], loss="bce", learning_rate=0.0,
                       optimizer=SGD(momentum=1.0), batch_size=0, update_order="later", seed=-1)
    assert designs.problems(d) == [
        ("sizes[1]", "at most 256 units in a layer, found 300"),
        ("activations[0]", "softmax is allowed on the output layer only"),
        ("activations[1]", "the bce loss needs outputs in (0, 1): a sigmoid output layer, found tanh"),
        ("seed", "expected a whole number ≥ 0, found -1"),
        ("learning_rate", "must be positive, found 0.0"),
        ("momentum", "must be in [0, 1), found 1.0"),
        ("batch_size", "expected a whole number ≥ 1, found 0"),
        ("update_order", "expected one of simultaneous, sequential, found \"later\""),
    ]


def test_problems_include_the_limits_for_the_number_of_samples():
    d = designs.Design(sizes=[2, 4, 1], activations=["tanh", "sigmoid"], loss="bce")
    assert designs.problems(d, 6000) == [
        ("batch_size", "282,052 computations per iteration (6,000 samples per iteration); at most 250,000 "
                       "(use a smaller batch_size)")]
    assert designs.problems(d, 5000) == []
    d.batch_size = 100
    assert designs.problems(d, 100_000) == []
    big = designs.Design(sizes=[256, 256, 256], activations=["tanh", "sigmoid"], loss="mse")
    assert designs.problems(big) == [
        ("sizes", "131,584 weights and biases; at most 60,000"),
        ("batch_size", "529,666 computations per iteration (1 sample per iteration); at most 250,000 "
                       "(use a smaller batch_size)")]
    assert designs.problems(d, 0) == [("samples", "at least one sample is needed, found 0")]


@pytest.mark.parametrize("field, value, reason", [
    ("activations[0]", "softmax", "softmax is allowed on the output layer only"),
    ("activations[1]", "softmax", "a softmax output layer needs the cross_entropy loss, found half_sse"),
    ("activations[1]", "tanh", None),
    ("loss", "cross_entropy", "the cross_entropy loss needs a softmax output layer, found sigmoid"),
    ("loss", "bce", None),
    ("loss", "mse", None),
    ("sizes[2]", 300, "at most 256 units in a layer, found 300"),
    ("sizes[1]", 0, "expected a whole number ≥ 1, found 0"),
    ("sizes", [2] * 17, "at most 16 layers, found 17"),
    ("learning_rate", 0.0, "must be positive, found 0.0"),
    ("learning_rate", float("nan"), "must be a finite number, found nan"),
    ("momentum", 1.0, "must be in [0, 1), found 1.0"),
    ("batch_size", 0, "expected a whole number ≥ 1, found 0"),
    ("batch_size", 4, None),
    ("update_order", "sequential", None),
    ("train_biases", "yes", "expected true or false, found \"yes\""),
    ("seed", 12, None),
])
def test_unavailable_options_say_why_with_the_file_readers_words(field, value, reason):
    assert designs.unavailable(designs.Design(**WORKED), field, value) == reason


def test_output_rules_each_with_its_reason():
    tanh_out = designs.Design(sizes=[2, 3, 1], activations=["tanh", "tanh"], loss="mse")
    assert designs.unavailable(tanh_out, "loss", "bce") == \
        "the bce loss needs outputs in (0, 1): a sigmoid output layer, found tanh"
    one_out = designs.Design(sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="cross_entropy")
    assert designs.unavailable(one_out, "activations[1]", "softmax") == "a softmax output layer needs at least 2 units"
    softmax = designs.Design(sizes=[2, 3, 2], activations=["tanh", "softmax"], loss="cross_entropy")
    assert designs.unavailable(softmax, "sizes[2]", 1) == "a softmax output layer needs at least 2 units"
    assert designs.unavailable(softmax, "loss", "mse") == "a softmax output layer needs the cross_entropy loss, found mse"
    assert designs.unavailable(softmax, "activations[1]", "sigmoid") == \
        "the cross_entropy loss needs a softmax output layer, found sigmoid"


def test_a_problem_the_design_has_anyway_is_no_reason():
    d = designs.Design(sizes=[2, 3, 2], activations=["tanh", "sigmoid"], loss="mse", learning_rate=-1.0)
    assert designs.unavailable(d, "loss", "half_sse") is None
    assert designs.unavailable(d, "learning_rate", 0.1) is None


@pytest.mark.parametrize("field, words", [
    ("colour", "unknown design field 'colour'"),
    ("loss[0]", "unknown design field 'loss[0]'"),
    ("activations[5]", "no activations entry 'activations[5]': the design has activations[0] to activations[1]"),
    ("sizes[x]", "no sizes entry"),
])
def test_unknown_fields_are_one_line_errors(field, words):
    with pytest.raises(ValueError) as e:
        designs.unavailable(designs.Design(**WORKED), field, 1)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_design_of_a_network():
    xor = open_network("xor")
    d = designs.design_of(xor, seed=5)
    assert d == designs.Design(sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce", learning_rate=0.5,
                               optimizer=SGD(momentum=0.9), batch_size=None, train_biases=True,
                               update_order="simultaneous", seed=5)
    assert designs.design_of(open_network("mazur")).seed == 0
    assert designs.problems(designs.design_of(open_network("softmax")), 6) == []


def test_keep_keeps_every_value_whose_units_stay():
    mazur = open_network("mazur")
    x, t = designs.default_samples([2, 3, 2], "half_sse")
    wider_design = designs.Design(sizes=[2, 3, 2], activations=["sigmoid", "sigmoid"], loss="half_sse", seed=1)
    wider = designs.build(wider_design, x, t, keep=mazur)
    fresh = designs.build(wider_design, x, t)
    np.testing.assert_array_equal(wider.weights[0][:2], mazur.weights[0])
    np.testing.assert_array_equal(wider.weights[0][2], fresh.weights[0][2])  # the new unit's from the seed
    np.testing.assert_array_equal(wider.weights[1][:, :2], mazur.weights[1])
    np.testing.assert_array_equal(wider.weights[1][:, 2], fresh.weights[1][:, 2])
    np.testing.assert_array_equal(wider.biases[0], [0.35, 0.35, fresh.biases[0][2]])
    # the same with (setup, weights, biases)
    same = designs.build(wider_design, x, t, keep=(mazur.setup(), mazur.weights, mazur.biases))
    assert netfile.dumps(same) == netfile.dumps(wider)
    # a hidden layer added before the outputs: the weights into the outputs come from another layer
    deeper_design = designs.Design(sizes=[2, 2, 2, 2], activations=["sigmoid"] * 3, loss="half_sse")
    deeper = designs.build(deeper_design, x, t, keep=mazur)
    deeper_fresh = designs.build(deeper_design, x, t)
    np.testing.assert_array_equal(deeper.weights[0], mazur.weights[0])
    np.testing.assert_array_equal(deeper.biases[0], mazur.biases[0])
    np.testing.assert_array_equal(deeper.weights[1], deeper_fresh.weights[1])  # the new layer: the seed's
    np.testing.assert_array_equal(deeper.biases[1], deeper_fresh.biases[1])
    np.testing.assert_array_equal(deeper.weights[2], deeper_fresh.weights[2])
    np.testing.assert_array_equal(deeper.biases[2], mazur.biases[1])  # the output units stay
    # and removed again: the output layer's biases come back, its weights are the seed's
    back = designs.build(designs.Design(**WORKED, seed=4), x, t, keep=deeper)
    np.testing.assert_array_equal(back.weights[0], mazur.weights[0])
    np.testing.assert_array_equal(back.biases[1], mazur.biases[1])
    np.testing.assert_array_equal(back.weights[1], designs.build(designs.Design(**WORKED, seed=4), x, t).weights[1])


def test_narrower_layers_and_fewer_inputs_keep_what_remains():
    softmax = open_network("softmax")  # 2-4-3
    d = designs.Design(sizes=[1, 2, 2], activations=["relu", "softmax"], loss="cross_entropy", seed=9)
    x, t = designs.fit_samples(softmax.inputs, softmax.targets, d.sizes, d.loss)
    net = designs.build(d, x, t, keep=softmax)
    np.testing.assert_array_equal(net.weights[0], softmax.weights[0][:2, :1])
    np.testing.assert_array_equal(net.weights[1], softmax.weights[1][:2, :2])
    np.testing.assert_array_equal(net.biases[0], softmax.biases[0][:2])
    np.testing.assert_array_equal(net.biases[1], softmax.biases[1][:2])
    assert net.activations == ["relu", "softmax"]


def test_default_samples():
    for loss, target in [("half_sse", [0, 0, 0]), ("mse", [0, 0, 0]), ("bce", [0, 0, 0]), ("cross_entropy", [1, 0, 0])]:
        x, t = designs.default_samples([4, 5, 3], loss)
        np.testing.assert_array_equal(x, [[0, 0, 0, 0]])
        np.testing.assert_array_equal(t, [target])
        assert x.dtype == t.dtype == np.float64


def test_samples_fitted_to_other_sizes_stay_valid():
    softmax = open_network("softmax")
    x, t = designs.fit_samples(softmax.inputs, softmax.targets, [3, 4, 2], "cross_entropy")
    assert x.shape == (6, 3) and np.all(x[:, 2] == 0) and np.array_equal(x[:, :2], softmax.inputs)
    assert np.allclose(t.sum(axis=1), 1.0) and set(np.unique(t)) <= {0.0, 1.0}
    np.testing.assert_array_equal(t[0], [1.0, 0.0])
    np.testing.assert_array_equal(t[2], [1.0, 0.0])  # [0, 0, 1] lost its class: one-hot on the largest left
    x, t = designs.fit_samples([[1.0, 2.0]], [[-3.0, 0.25, 7.0]], [1, 2], "bce")
    np.testing.assert_array_equal(x, [[1.0]])
    np.testing.assert_array_equal(t, [[0.0, 0.25]])  # clipped to [0, 1] for bce
    x, t = designs.fit_samples([[1.0]], [[-3.0]], [1, 2], "mse")
    np.testing.assert_array_equal(t, [[-3.0, 0.0]])  # any value for mse


def old_layer(l: int, new_last: int, old_last: int):
    """The layer of the old network that new layer l is matched with (docs/user-guide.md: hidden layers by
    position from the inputs, the output layer with the output layer), or None."""
    if l == 0:
        return 0
    if l == new_last:
        return old_last
    return l if l < old_last else None


@SOME
@given(old=st.lists(st.integers(1, 4), min_size=2, max_size=5), new=st.lists(st.integers(1, 4), min_size=2, max_size=5),
       seed=st.integers(0, 99))
@example(old=[2, 2, 2], new=[2, 2, 2, 2], seed=0)
@example(old=[2, 3, 3, 1], new=[2, 3, 1], seed=0)
@example(old=[3, 1], new=[1, 4, 2], seed=0)
def test_keep_semantics_on_any_change_of_shape(old, new, seed):
    def design(sizes, s):
        return designs.Design(sizes=sizes, activations=["tanh"] * (len(sizes) - 1), loss="mse", seed=s)

    before = designs.build(design(old, seed + 1), *designs.default_samples(old, "mse"))
    d = design(new, seed)
    x, t = designs.fit_samples(before.inputs, before.targets, new, "mse")
    kept, fresh = designs.build(d, x, t, keep=before), designs.build(d, x, t)
    for l in range(1, len(new)):
        a, below = old_layer(l, len(new) - 1, len(old) - 1), old_layer(l - 1, len(new) - 1, len(old) - 1)
        for j in range(new[l]):
            stays = a is not None and j < old[a]
            assert kept.biases[l - 1][j] == (before.biases[a - 1][j] if stays else fresh.biases[l - 1][j])
            for i in range(new[l - 1]):
                if stays and below == a - 1 and i < old[a - 1]:
                    assert kept.weights[l - 1][j, i] == before.weights[a - 1][j, i]
                else:
                    assert kept.weights[l - 1][j, i] == fresh.weights[l - 1][j, i]
