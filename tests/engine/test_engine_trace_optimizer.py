"""The trace's update step is the run's optimizer: momentum's v, Nesterov's look-ahead, Adam's
m, v, m̂, v̂ and t, the L1/L2 terms, beside plain SGD; equal to `torch.optim` for one step from
the same state (float64, 1e-9), and the applied step moves the run's optimizer on."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from tui_nn.engine.network import Network
from tui_nn.engine.optimizers import OPTIMIZERS
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.trace import apply_sample_step, trace_sample, trace_to_dict
from tui_nn.engine.trainer import Trainer
from tui_nn.engine.types import HyperParams, TrainData

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch is not installed (pip install torch==2.13.0 to run this test)",
)


def _run(optimizer, l1=0.0, l2=0.0, steps=3, momentum=0.9, dtype="float64"):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1)
    spec = NetworkSpec(3, (LayerSpec(4, "tanh"),), LayerSpec(3, "softmax"), "cce", seed=1,
                       dtype=dtype)  # fmt: skip
    net = Network.from_spec(spec)
    hyper = HyperParams(lr=0.05, optimizer=optimizer, momentum=momentum, l1=l1, l2=l2,
                        batch_size=8)  # fmt: skip
    trainer = Trainer(net, TrainData(X, y, X[:0], y[:0]), hyper)
    for _ in range(steps):
        trainer.step()
    return trainer, X, y


def _torch_step(trainer, x, label, lr, l1, l2):
    """One step of torch.optim from the trainer's optimizer state, on the same sample."""
    import torch

    opt = trainer.optimizer
    params = []
    for layer in trainer.net.layers:
        params += [torch.tensor(layer.W.copy(), requires_grad=True),
                   torch.tensor(layer.b.copy(), requires_grad=True)]  # fmt: skip
    a = torch.tensor(x[None, :])
    for i in range(0, len(params), 2):
        z = a @ params[i].T + params[i + 1]
        a = torch.tanh(z) if i + 2 < len(params) else z
    torch.nn.functional.cross_entropy(a, torch.tensor([int(label)])).backward()
    grads = [p.grad.clone() for p in params]
    for p in params[0::2]:  # L1 has no torch.optim form: its term joins the gradient
        p.grad += l1 * torch.sign(p.detach())
    groups = [{"params": params[0::2], "weight_decay": l2}, {"params": params[1::2]}]
    moments = opt.moments(opt.state[0]) if opt.state and opt.state[0] else {}
    state = {k: trainer.net.split(v) for k, v in moments.items()}
    order = [p for g in groups for p in g["params"]]
    index = {id(p): i for i, p in enumerate(params)}
    if opt.name in ("momentum", "nesterov"):
        t = torch.optim.SGD(groups, lr=lr, momentum=opt.momentum, nesterov=opt.name == "nesterov")
        for p in order:
            t.state[p]["momentum_buffer"] = torch.tensor(state["v"][index[id(p)]].copy())
    else:
        t = torch.optim.Adam(groups, lr=lr, betas=(opt.beta1, opt.beta2), eps=opt.eps)
        for p in order:
            t.state[p] = {
                "step": torch.tensor(float(opt.t)),
                "exp_avg": torch.tensor(state["m"][index[id(p)]].copy()),
                "exp_avg_sq": torch.tensor(state["v"][index[id(p)]].copy()),
            }
    t.step()
    return params, grads, t


@needs_torch
@pytest.mark.parametrize("name", ["momentum", "nesterov", "adam"])
@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.0, 0.01), (0.003, 0.02)])
def test_one_step_equals_torch_optim(name, l1, l2):
    trainer, X, y = _run(name, l1, l2)
    lr = trainer.lr
    trace = trace_sample(trainer.net, X[5], y[5], lr, optimizer=trainer.optimizer, l1=l1, l2=l2)
    params, grads, t = _torch_step(trainer, X[5], y[5], lr, l1, l2)
    info = trace.optimizer
    assert info.name == name and info.t == trainer.optimizer.t + 1 and not info.fresh
    assert (info.l1, info.l2) == (l1, l2)
    for k, layer in enumerate(trace.layers):
        for step, p, g in ((layer.step_W, params[2 * k], grads[2 * k]),
                           (layer.step_b, params[2 * k + 1], grads[2 * k + 1])):  # fmt: skip
            np.testing.assert_allclose(step.grad, g.numpy(), rtol=0, atol=1e-12)
            np.testing.assert_allclose(step.new, p.detach().numpy(), rtol=0, atol=1e-9)
            st = t.state[p]
            if name == "adam":
                np.testing.assert_allclose(step.after["m"], st["exp_avg"].numpy(), atol=1e-12)
                np.testing.assert_allclose(step.after["v"], st["exp_avg_sq"].numpy(), atol=1e-12)
            else:
                np.testing.assert_allclose(step.after["v"], st["momentum_buffer"].numpy(),
                                           atol=1e-12)  # fmt: skip
        np.testing.assert_array_equal(layer.W_new, layer.step_W.new)


def test_the_step_shows_state_before_after_and_the_formulas_hold():
    trainer, X, y = _run("adam", l2=0.01)
    opt = trainer.optimizer
    trace = trace_sample(trainer.net, X[2], y[2], 0.05, optimizer=opt, l2=0.01)
    b1, b2, eps, t = opt.beta1, opt.beta2, opt.eps, opt.t + 1
    for layer in trace.layers:
        s = layer.step_W
        np.testing.assert_allclose(s.penalty, 0.01 * layer.W, rtol=1e-12)
        np.testing.assert_allclose(s.g, s.grad + s.penalty, rtol=1e-12)
        m = b1 * s.before["m"] + (1 - b1) * s.g
        v = b2 * s.before["v"] + (1 - b2) * s.g**2
        np.testing.assert_allclose(s.after["m"], m, rtol=1e-12)
        np.testing.assert_allclose(s.after["v"], v, rtol=1e-12)
        np.testing.assert_allclose(s.m_hat, m / (1 - b1**t), rtol=1e-12)
        np.testing.assert_allclose(s.v_hat, v / (1 - b2**t), rtol=1e-12)
        np.testing.assert_allclose(s.new, layer.W - 0.05 * s.m_hat / (np.sqrt(s.v_hat) + eps),
                                   rtol=1e-10)  # fmt: skip
        np.testing.assert_array_equal(s.sgd, layer.W - 0.05 * layer.dW)  # the reference
        assert layer.step_b.penalty is None  # no penalty on biases
        np.testing.assert_array_equal(layer.step_b.g, layer.db)


def test_tracing_leaves_the_run_alone():
    trainer, X, y = _run("momentum")
    state = {k: v.copy() for k, v in trainer.optimizer.state[0].items()}
    weights = trainer.net.flat_params.copy()
    t = trainer.optimizer.t
    trace_sample(trainer.net, X[1], y[1], 0.05, optimizer=trainer.optimizer)
    assert trainer.optimizer.t == t
    np.testing.assert_array_equal(trainer.net.flat_params, weights)
    np.testing.assert_array_equal(trainer.optimizer.state[0]["v"], state["v"])


def test_a_fresh_optimizer_starts_from_zeros():
    spec = NetworkSpec(2, (LayerSpec(3, "relu"),), LayerSpec(1, "sigmoid"), "bce", seed=3,
                       dtype="float64")  # fmt: skip
    net = Network.from_spec(spec)
    for name in OPTIMIZERS:
        trace = trace_sample(net, np.array([0.5, -1.0]), 1, 0.1, optimizer=OPTIMIZERS[name]())
        info = trace.optimizer
        assert info.fresh and info.t == 1 and info.name == name
        for layer in trace.layers:
            for value in layer.step_W.before.values():
                assert not value.any()
    plain = trace_sample(net, np.array([0.5, -1.0]), 1, 0.1)
    assert plain.optimizer.name == "sgd" and plain.layers[0].step_W.before == {}


def test_the_applied_step_is_the_runs_optimizer_and_counts():
    trainer, X, y = _run("adam", l2=0.01)
    t, steps, samples = trainer.optimizer.t, trainer.step_count, trainer.samples_seen
    expected = trace_sample(trainer.net, X[3], y[3], trainer.lr, optimizer=trainer.optimizer,
                            l2=0.01)  # fmt: skip
    trace = trainer.sample_step(X[3], y[3])
    assert trainer.optimizer.t == t + 1 and trainer.step_count == steps + 1
    assert trainer.samples_seen == samples + 1
    parts = trainer.net.split(trainer.optimizer.moments(trainer.optimizer.state[0])["m"])
    for k, (layer, want) in enumerate(zip(trainer.net.layers, expected.layers)):
        np.testing.assert_array_equal(layer.W, want.W_new)
        np.testing.assert_array_equal(parts[2 * k], want.step_W.after["m"])
    assert trace.loss == expected.loss
    # training goes on from the moved state
    trainer.step()
    assert trainer.optimizer.t == t + 2


def test_a_step_that_would_overflow_changes_nothing():
    trainer, X, y = _run("sgd", dtype="float32")
    weights = trainer.net.flat_params.copy()
    with pytest.raises(SpecError, match="non-finite; nothing changed"):
        apply_sample_step(trainer.net, X[0], y[0], 1e300, optimizer=trainer.optimizer)
    np.testing.assert_array_equal(trainer.net.flat_params, weights)


def test_json_has_the_optimizer_and_every_step():
    trainer, X, y = _run("nesterov", l1=0.001, dtype="float32")
    trace = trace_sample(trainer.net, X[0], y[0], 0.05, optimizer=trainer.optimizer, l1=0.001)
    d = trace_to_dict(trace)
    assert d["optimizer"]["name"] == "nesterov" and d["optimizer"]["momentum"] == 0.9
    assert d["optimizer"]["t"] == trainer.optimizer.t + 1 and d["optimizer"]["l1"] == 0.001
    for entry, layer in zip(d["layers"], trace.layers):
        w = entry["step"]["W"]
        assert set(w) >= {"grad", "g", "before", "after", "new", "sgd", "penalty"}
        np.testing.assert_array_equal(np.float32(w["after"]["v"]), layer.step_W.after["v"])
        np.testing.assert_array_equal(np.float32(w["new"]), layer.W_new)
        assert "penalty" not in entry["step"]["b"]


@pytest.mark.parametrize("name", ["momentum", "nesterov", "adam"])
def test_moments_are_the_textbooks_whatever_the_state_keeps(name):
    """`moments` gives the textbook state from what the optimizer keeps (Adam: scaled), and
    `set_moments` is its inverse: a trace read from it equals the recurrences by hand."""
    trainer, X, y = _run(name)
    opt = trainer.optimizer
    st = opt.state[0]
    kept = {k: v.copy() for k, v in st.items()}
    moments = opt.moments(st)
    if name == "adam":  # m = (1-b1) sum b1^k g, never the sum itself
        np.testing.assert_allclose(moments["m"], kept["m"] * (1 - opt.beta1), rtol=1e-15)
        assert not np.allclose(moments["m"], kept["m"])
    opt.set_moments(st, moments)
    for k in kept:
        np.testing.assert_allclose(st[k], kept[k], rtol=1e-12)
    b1 = opt.beta1 if name == "adam" else opt.momentum
    trace = trace_sample(trainer.net, X[0], y[0], 0.05, optimizer=opt)
    for layer in trace.layers:
        s = layer.step_W
        key = "m" if name == "adam" else "v"
        expected = b1 * s.before[key] + ((1 - b1) if name == "adam" else 1.0) * s.g
        np.testing.assert_allclose(s.after[key], expected, rtol=1e-12)
