"""The one-sample trace: against the engine's batch gradients, central differences, the update
rule, and (for a 2-2-1 network) numbers worked out by hand."""

import math

import numpy as np
import pytest

from tui_nn.engine import (
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    HyperParams,
    LayerSpec,
    Network,
    NetworkSpec,
    SpecError,
    TrainData,
    Trainer,
)
from tui_nn.engine.gradient_check import analytic_grads
from tui_nn.engine.losses import encode_targets, value_from_output
from tui_nn.engine.trace import apply_sample_step, trace_sample, trace_to_dict

HEADS = [(name, "mse") for name in ACTIVATIONS if name not in ("linear", "silu")]
HEADS += [("sigmoid", "bce"), ("softmax", "cce")]
STEP = 1e-6


def _net(hidden_act: str, head: str, loss: str, n_out: int = 3, seed: int = 1) -> Network:
    spec = NetworkSpec(
        3,
        (LayerSpec(4, hidden_act), LayerSpec(3, hidden_act)),
        LayerSpec(n_out, head),
        loss,
        seed=seed,
        dtype="float64",
    )
    net = Network.from_spec(spec)
    rng = np.random.default_rng(seed)
    for layer in net.layers:  # biases away from 0 so that no z sits on a ReLU kink
        layer.b[:] = rng.normal(0, 0.5, layer.b.shape)
    return net


def _labels(loss: str, n: int, n_out: int, rng) -> np.ndarray:
    if loss == "mse":
        return rng.normal(size=(n, n_out))
    return rng.integers(0, max(n_out, 2), size=n)


def _sample_loss(net: Network, x: np.ndarray, y, loss: str) -> float:
    """The cost of one sample from the textbook definition of the loss (not the fused code)."""
    a = net.forward(x.reshape(1, -1))
    target = np.asarray(y).reshape(1, -1) if loss == "mse" else np.asarray([y])
    if loss == "bce":
        target = encode_targets(target, a.shape[1], "bce", np.float64)
    return value_from_output(loss, a, target)


@pytest.mark.parametrize("hidden_act", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("head,loss", HEADS)
def test_trace_gradients_are_central_differences_of_the_sample_cost(hidden_act, head, loss):
    n_out = 1 if head == "sigmoid" and loss == "bce" else 3
    net = _net(hidden_act, head, loss, n_out)
    rng = np.random.default_rng(7)
    x = rng.normal(size=3)
    y = _labels(loss, 1, n_out, rng)[0]
    trace = trace_sample(net, x, y, lr=0.1)
    assert trace.loss == pytest.approx(_sample_loss(net, x, y, loss), rel=1e-12)
    worst = 0.0
    for layer, t in zip(net.layers, trace.layers):
        for param, grad in ((layer.W, t.dW), (layer.b, t.db)):
            flat = param.reshape(-1)
            numeric = np.empty(flat.size)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + STEP
                plus = _sample_loss(net, x, y, loss)
                flat[i] = old - STEP
                minus = _sample_loss(net, x, y, loss)
                flat[i] = old
                numeric[i] = (plus - minus) / (2 * STEP)
            analytic = grad.reshape(-1)
            denom = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
            worst = max(worst, np.linalg.norm(analytic - numeric) / denom)
        np.testing.assert_array_equal(t.db, t.delta)  # dC/db = delta
        np.testing.assert_allclose(t.dW, np.outer(t.delta, t.a_in), rtol=1e-12, atol=1e-15)
    assert worst < 1e-6, f"{hidden_act} -> {head} + {loss}: relative error {worst:.2e}"


@pytest.mark.parametrize("hidden_act", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("head,loss", HEADS)
def test_trace_matches_the_engine_batch_gradients(hidden_act, head, loss):
    """The engine's batch gradient is the mean of the per-sample traces, its delta row i is
    trace i's delta / n: the trace reports dC/dz of the sample, not of a batch mean."""
    n_out = 2
    net = _net(hidden_act, head, loss, n_out, seed=3)
    rng = np.random.default_rng(11)
    n = 5
    X = rng.normal(size=(n, 3))
    y = _labels(loss, n, n_out, rng)
    traces = [trace_sample(net, X[i], y[i], lr=0.05) for i in range(n)]
    targets = encode_targets(y, n_out, loss, np.float64, loss != "mse")
    loss_value, grads = analytic_grads(net, X, targets)
    assert loss_value == pytest.approx(np.mean([t.loss for t in traces]), rel=1e-12)
    for i, layer in enumerate(net.layers):
        mean_dW = np.mean([t.layers[i].dW for t in traces], axis=0)
        mean_db = np.mean([t.layers[i].db for t in traces], axis=0)
        np.testing.assert_allclose(grads[2 * i], mean_dW, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(grads[2 * i + 1], mean_db, rtol=1e-10, atol=1e-14)
        deltas = np.stack([t.layers[i].delta for t in traces])
        np.testing.assert_allclose(layer.delta, deltas / n, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(layer.z, np.stack([t.layers[i].z for t in traces]))
        np.testing.assert_allclose(layer.a, np.stack([t.layers[i].a for t in traces]))


@pytest.mark.parametrize("hidden_act", ["tanh", "relu", "sigmoid", "gelu"])
@pytest.mark.parametrize("head,loss", HEADS)
def test_trace_parts_multiply_to_delta(hidden_act, head, loss):
    """delta = dC/da * f'(z) wherever both exist; hidden dC/da = W_next^T delta_next."""
    net = _net(hidden_act, head, loss, 2, seed=5)
    rng = np.random.default_rng(2)
    trace = trace_sample(net, rng.normal(size=3), _labels(loss, 1, 2, rng)[0], lr=0.1)
    for i, t in enumerate(trace.layers):
        if i + 1 < len(trace.layers):
            nxt = trace.layers[i + 1]
            np.testing.assert_allclose(t.upstream, nxt.W.T @ nxt.delta)
        if t.upstream is not None and t.fprime is not None:
            np.testing.assert_allclose(t.delta, t.upstream * t.fprime, rtol=1e-12)
    out = trace.layers[-1]
    if trace.fused:
        k = out.n_out if loss == "bce" else 1
        np.testing.assert_allclose(out.delta, (out.a - trace.y) / k, rtol=1e-12)
    else:
        np.testing.assert_allclose(out.upstream, 2 * (out.a - trace.y) / out.n_out)
    np.testing.assert_allclose(trace.output, net.forward(trace.x.reshape(1, -1))[0])


def test_update_is_w_minus_lr_dw_and_leaves_the_network_alone():
    net = _net("tanh", "softmax", "cce", 3)
    before = net.flat_params.copy()
    grads_before = net.flat_grads.copy()
    trace = trace_sample(net, np.array([0.3, -1.2, 0.8]), 2, lr=0.25)
    np.testing.assert_array_equal(net.flat_params, before)  # traced on a copy
    np.testing.assert_array_equal(net.flat_grads, grads_before)
    for t in trace.layers:
        np.testing.assert_array_equal(t.W_new, t.W - 0.25 * t.dW)
        np.testing.assert_array_equal(t.b_new, t.b - 0.25 * t.db)
    after = net.copy()
    after.set_params([(t.W_new, t.b_new) for t in trace.layers])
    a = after.forward(trace.x.reshape(1, -1))
    assert trace.loss_after == pytest.approx(-math.log(a[0, 2]), rel=1e-12)
    assert trace.loss_after < trace.loss  # a small step down the gradient lowers the cost


def test_apply_sample_step_is_plain_sgd_whatever_the_optimizer():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    spec = NetworkSpec(3, (LayerSpec(4, "relu"),), LayerSpec(1, "sigmoid"), "bce", seed=2)
    net = Network.from_spec(spec)
    trainer = Trainer(net, TrainData(X, y, X[:0], y[:0]), HyperParams(optimizer="adam", lr=0.01))
    for _ in range(3):
        trainer.step()
    state = [
        None if s is None else {k: v.copy() for k, v in s.items()} for s in trainer.optimizer.state
    ]
    t_before = trainer.optimizer.t
    old = [(layer.W.copy(), layer.b.copy()) for layer in net.layers]
    trace = apply_sample_step(net, X[4], y[4], lr=0.5)
    for layer, (W, b), t in zip(net.layers, old, trace.layers):
        np.testing.assert_array_equal(t.W, W)
        np.testing.assert_array_equal(layer.W, W - np.float32(0.5) * t.dW)
        np.testing.assert_array_equal(layer.b, b - np.float32(0.5) * t.db)
    assert trainer.optimizer.t == t_before
    for saved, now in zip(state, trainer.optimizer.state):
        for key in saved or {}:
            np.testing.assert_array_equal(saved[key], now[key])
    assert trace_sample(net, X[4], y[4], lr=0.5).loss == pytest.approx(trace.loss_after)


def test_trace_inputs_are_scaled_like_training():
    spec = NetworkSpec(4, (), LayerSpec(3, "softmax"), "cce", dtype="float64")
    net = Network.from_spec(spec)
    pixels = np.array([0, 51, 255, 102], dtype=np.uint8)
    trace = trace_sample(net, pixels, 1, lr=0.1, input_scale=1 / 255)
    np.testing.assert_allclose(trace.x, [0, 0.2, 1, 0.4])
    np.testing.assert_array_equal(trace.y, [0, 1, 0])
    assert trace.label == 1


def test_bad_inputs_are_spec_errors():
    net = _net("tanh", "sigmoid", "bce", 1)
    with pytest.raises(SpecError, match="3 inputs"):
        trace_sample(net, np.zeros(2), 1, lr=0.1)
    with pytest.raises(SpecError, match="learning rate"):
        trace_sample(net, np.zeros(3), 1, lr=0.0)
    with pytest.raises(SpecError, match="class labels"):
        trace_sample(net, np.zeros(3), 5, lr=0.1)


def test_json_form_has_every_array():
    net = _net("relu", "softmax", "cce", 3)
    trace = trace_sample(net, np.array([0.3, -1.2, 0.8]), 0, lr=0.1)
    d = trace_to_dict(trace, sample=7)
    assert d["sample"] == 7 and d["lr"] == 0.1 and d["loss"] == trace.loss
    assert len(d["layers"]) == len(d["updated"]) == 3
    for entry, upd, t in zip(d["layers"], d["updated"], trace.layers):
        for key in ("W", "b", "z", "a", "delta", "dW", "db"):
            np.testing.assert_array_equal(np.array(entry[key]), getattr(t, key))
        np.testing.assert_array_equal(np.array(upd["W"]), t.W_new)
