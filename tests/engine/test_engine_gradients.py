"""Backpropagation against central differences, and fused losses against their definitions."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui_nn.engine import (
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    LayerSpec,
    Network,
    NetworkSpec,
)
from tui_nn.engine.gradient_check import analytic_grads, gradient_check
from tui_nn.engine.losses import LOSSES, encode_targets, grad_wrt_output, value_from_output

# Every output activation with mse, plus the two fused heads.
HEADS = [(name, "mse") for name in ACTIVATIONS if name not in ("linear", "silu")]
HEADS += [("sigmoid", "bce"), ("softmax", "cce")]


def _problem(draw, hidden_act: str, head: str, loss: str):
    n_in = draw(st.integers(1, 4))
    widths = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2))
    n_out = draw(st.integers(2 if head == "softmax" else 1, 4))
    n = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    spec = NetworkSpec(
        n_in,
        tuple(LayerSpec(w, hidden_act) for w in widths),
        LayerSpec(n_out, head),
        loss,
        seed=seed,
        dtype="float64",
    )
    net = Network.from_spec(spec)
    for layer in net.layers:  # non-zero biases so that no z sits exactly on a kink
        layer.b[:] = rng.normal(0, 0.5, layer.b.shape)
    X = rng.normal(size=(n, n_in))
    if loss == "mse":
        y = rng.normal(size=(n, n_out))
    else:
        y = rng.integers(0, max(n_out, 2), size=n)
    # Central differences cannot resolve a gradient much below 1e-6 (the loss is rounded at
    # ~1e-16, divided by h = 1e-5), nor a kink crossed by the step: skip nets that are already
    # certain or have a vanishing layer, and ReLU-family nets with some z within 1e-3 of 0.
    targets = encode_targets(y, n_out, loss, np.float64, loss != "mse")
    _, grads = analytic_grads(net, X, targets)
    assume(min(np.linalg.norm(g) for g in grads) > 1e-4)  # weights and biases
    acts = [hidden_act] * (len(net.layers) - 1) + [head]  # the output layer's kink too
    for layer, act in zip(net.layers, acts):
        if ACTIVATIONS[act].kind == "relu":
            assume(np.abs(layer.z).min() > 1e-3)
    return net, X, y


@pytest.mark.parametrize("hidden_act", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("head,loss", [("identity", "mse"), ("sigmoid", "bce"), ("softmax", "cce")])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_backprop_matches_central_differences_hidden(hidden_act, head, loss, data):
    net, X, y = _problem(data.draw, hidden_act, head, loss)
    assert gradient_check(net, X, y) < 1e-6


@pytest.mark.parametrize("head,loss", HEADS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_backprop_matches_central_differences_output(head, loss, data):
    net, X, y = _problem(data.draw, "tanh", head, loss)
    assert gradient_check(net, X, y) < 1e-6


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    """The check must be able to fail: break tanh's derivative and it notices."""
    from tui_nn.engine import activations

    broken = activations.ACTIVATIONS["tanh"]
    monkeypatch.setitem(
        activations.ACTIVATIONS,
        "tanh",
        activations.Activation("tanh", broken.forward, activations._d_sigmoid, "broken"),
    )
    spec = NetworkSpec(3, (LayerSpec(4, "tanh"),), LayerSpec(1, "identity"), "mse", dtype="float64")
    net = Network.from_spec(spec)
    rng = np.random.default_rng(0)
    assert gradient_check(net, rng.normal(size=(5, 3)), rng.normal(size=(5, 1))) > 1e-3


def _fused_and_unfused(act: str, loss: str, z: np.ndarray, y: np.ndarray):
    activation = ACTIVATIONS[act]
    a = np.empty_like(z)
    tmp = np.empty_like(z)
    activation.forward(z, a, tmp)
    fused_value = LOSSES[loss].value(z, a, y, tmp.copy())
    fused_delta = np.empty_like(z)
    LOSSES[loss].delta(z, a, y, fused_delta)
    plain_value = value_from_output(loss, a, y)
    plain_delta = grad_wrt_output(loss, a, y)
    activation.backward(z, a, plain_delta, tmp)
    return fused_value, plain_value, fused_delta, plain_delta


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_cross_entropy_fused_equals_definition(one_hot):
    rng = np.random.default_rng(1)
    z = rng.normal(0, 3, size=(7, 4))
    labels = rng.integers(0, 4, size=7)
    y = encode_targets(labels, 4, "mse" if one_hot else "cce", np.float64)
    fv, pv, fd, pd = _fused_and_unfused("softmax", "cce", z, y)
    assert fv == pytest.approx(pv, rel=1e-12)
    np.testing.assert_allclose(fd, pd, rtol=1e-9, atol=1e-15)


def test_sigmoid_bce_fused_equals_definition():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 3, size=(9, 2))
    y = rng.integers(0, 2, size=(9, 2)).astype(np.float64)
    fv, pv, fd, pd = _fused_and_unfused("sigmoid", "bce", z, y)
    assert fv == pytest.approx(pv, rel=1e-12)
    np.testing.assert_allclose(fd, pd, rtol=1e-9, atol=1e-15)


def test_losses_match_pytorch_definitions_by_hand():
    """MSE averages over all elements; BCE over all elements; CE over samples."""
    a = np.array([[0.5, 1.0], [2.0, 0.0]])
    y = np.array([[0.0, 1.0], [1.0, 1.0]])
    assert value_from_output("mse", a, y) == pytest.approx((0.25 + 0 + 1 + 1) / 4)
    z = np.array([[0.0], [np.log(3.0)]])  # sigmoid: 0.5 and 0.75
    tmp = np.empty_like(z)
    bce = LOSSES["bce"].value(z, None, np.array([[1.0], [0.0]]), tmp)
    assert bce == pytest.approx((np.log(2) + np.log(4)) / 2)
    z = np.log(np.array([[1.0, 1.0, 2.0], [1.0, 3.0, 0.0 + 1e-300]]))
    cce = LOSSES["cce"].value(z, None, np.array([2, 1]), np.empty_like(z))
    assert cce == pytest.approx((np.log(2) + np.log(4 / 3)) / 2)
