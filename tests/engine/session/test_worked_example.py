"""The worked example (Mazur 2015): every published number, and the recomputed ones in
../shared/reference/worked-example.md."""
import numpy as np
import pytest

from engine import Session, open_network
from engine.teaching import chainrule
from tests.helpers import published


@pytest.fixture
def session():
    return Session(open_network("mazur"))


def unit(session, quantity, layer, j):
    return float(session.record[quantity, layer][0, j])


def test_forward_pass_as_published(session):
    assert unit(session, "net", 1, 0) == published(0.3775)
    assert unit(session, "out", 1, 0) == published(0.593269992)
    assert unit(session, "net", 1, 1) == published(0.3925)
    assert unit(session, "out", 1, 1) == published(0.596884378)
    assert unit(session, "net", 2, 0) == published(1.105905967)
    assert unit(session, "out", 2, 0) == published(0.75136507)
    assert unit(session, "net", 2, 1) == published(1.224921404)
    assert unit(session, "out", 2, 1) == published(0.772928465)
    assert unit(session, "loss_term", 2, 0) == published(0.274811083)
    assert unit(session, "loss_term", 2, 1) == published(0.023560026)
    assert session.loss == published(0.298371109)
    # and the float64 value PyTorch computes
    assert session.loss == pytest.approx(0.2983711087600027, rel=1e-15)


def test_backward_pass_as_published(session):
    rec = session.record
    assert rec["dE_dout", 2][0, 0] == published(0.74136507, 8)
    assert rec["dout_dnet", 2][0, 0] == published(0.186815602)
    assert rec["grad_w", 2][0, 0] == published(0.082167041)
    assert rec["delta", 2][0, 0] == published(0.138498562)
    assert rec["delta", 2][0, 1] == published(-0.038098237)
    assert rec["dE_dout", 2][0, 1] == published(-0.217071535)
    assert rec["dout_dnet", 2][0, 1] == published(0.175510053)
    assert rec["dE_dout", 1][0, 0] == published(0.036350306)
    assert rec["dout_dnet", 1][0, 0] == published(0.241300709)
    assert rec["dE_dout", 1][0, 1] == published(0.041370323)
    assert rec["dout_dnet", 1][0, 1] == published(0.240613417)
    np.testing.assert_allclose(rec["grad_w", 1].ravel(), [0.000438568, 0.000877135, 0.000497713, 0.000995425],
                               atol=0.5e-9)
    # bias gradients as PyTorch computes them (the article does not train biases)
    np.testing.assert_allclose(rec["grad_b", 1], [0.008771354689486933, 0.009954254705217198], rtol=1e-12)
    np.testing.assert_allclose(rec["grad_b", 2], [0.13849856162855695, -0.03809823651655623], rtol=1e-12)


def test_the_paths_into_h1_as_published(session):
    node = chainrule.gradient(session.net, session.record, session.parameter("w1"))
    paths = node.find("∂E_total/∂out_h1")
    assert [c.name for c in paths.children] == ["∂E_o1/∂out_h1", "∂E_o2/∂out_h1"]
    assert paths.children[0].value == published(0.055399425)
    # The article multiplies its rounded δ_o2 (−0.038098237 × 0.5 = −0.0190491185): its last
    # digit is one off the exact −0.0190491183.
    assert paths.children[1].value == pytest.approx(-0.019049119, abs=1e-9)
    assert paths.value == published(0.036350306)


def test_update_as_published(session):
    w = session.record["w", 2].ravel()
    assert w[0] == published(0.35891648, 8)
    assert w[1] == published(0.408666186)
    assert w[2] == published(0.511301270)
    assert w[3] == published(0.561370121)
    np.testing.assert_allclose(session.record["w", 1].ravel(), [0.149780716, 0.19956143, 0.24975114, 0.29950229],
                               atol=0.5e-8)
    np.testing.assert_array_equal(session.record["b", 1], [0.35, 0.35])  # frozen


def test_loss_after_one_update_in_both_orders():
    s = Session(open_network("mazur"))
    s.run(1)
    assert s.loss == published(0.291027774)
    net = open_network("mazur")
    net.update_order = "sequential"
    s = Session(net)
    s.run(1)
    assert s.loss == published(0.291027924)


@pytest.mark.parametrize(
    "order, loss_after, loss_at_10000, outputs",
    [
        ("simultaneous", 3.510188e-05, 3.510855e-05, (0.015913620, 0.984064274)),
        ("sequential", 3.508479e-05, 3.509145e-05, (0.015912196, 0.984065734)),
    ],
)
def test_ten_thousand_updates(order, loss_after, loss_at_10000, outputs):
    net = open_network("mazur")
    net.update_order = order
    s = Session(net)
    s.run(10_000)
    assert s.iteration == 10_001
    assert s.loss == pytest.approx(loss_after, abs=0.5e-11)
    assert s.history.values[9_999] == pytest.approx(loss_at_10000, abs=0.5e-11)
    np.testing.assert_allclose(s.record["out", 2][0], outputs, atol=0.5e-9)


def test_ten_thousand_updates_end_at_pytorchs_weights():
    s = Session(open_network("mazur"))
    s.run(10_000)
    np.testing.assert_allclose(
        s.params.weights[0], [[0.3785099883501317, 0.6570199767002624], [0.47730070568478605, 0.7546014113695697]],
        rtol=1e-9)
    np.testing.assert_allclose(
        s.params.weights[1], [[-3.8929771988657245, -3.868416687703615], [2.8618109486200587, 2.925688966771616]],
        rtol=1e-9)


def test_seed_notebook_float64():
    s = Session(open_network("seed-notebook"))
    np.testing.assert_allclose(s.history.values, [0.2983711087600027], rtol=1e-13)
    np.testing.assert_allclose(s.record["grad_b", 1], [0.008771354689486933, 0.009954254705217198], rtol=1e-12)
    np.testing.assert_allclose(s.record["grad_b", 2], [0.13849856162855695, -0.03809823651655623], rtol=1e-12)
    s.run(2)
    np.testing.assert_allclose(s.history.values, [0.2983711087600027, 0.28047144679143016, 0.2619076230693008],
                               rtol=1e-12)


def test_seed_notebook_as_printed():
    """The notebook prints float32 values to 4 decimals after one SGD step."""
    s = Session(open_network("seed-notebook"))
    assert s.loss == pytest.approx(0.2983711063861847, abs=1e-8)  # float32 print
    np.testing.assert_allclose(s.record["out", 2][0], [0.7514, 0.7729], atol=0.5e-4)
    s.run(1)
    np.testing.assert_allclose(s.params.weights[0], [[0.1498, 0.1996], [0.2498, 0.2995]], atol=0.5e-4)
    np.testing.assert_allclose(s.params.biases[0], [0.3456, 0.3450], atol=0.5e-4)
    np.testing.assert_allclose(s.params.weights[1], [[0.3589, 0.4087], [0.5113, 0.5614]], atol=0.5e-4)
    np.testing.assert_allclose(s.params.biases[1], [0.5308, 0.6190], atol=0.5e-4)
    np.testing.assert_allclose(s.record["out", 2][0], [0.7284, 0.7784], atol=0.5e-4)
