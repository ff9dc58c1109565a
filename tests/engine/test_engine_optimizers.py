"""The optimizers' update rules: the textbook formulas (written out here in float64), PyTorch's
optimizers when torch is installed, and the flush of tiny state values to zero."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from tui_nn.engine.optimizers import FLUSH_EVERY, OPTIMIZERS, TINY

STEPS = 40


def _problem(seed=0, n=50):
    rng = np.random.default_rng(seed)
    start = rng.normal(size=n)
    grads = [rng.normal(size=n) * 10.0 ** rng.uniform(-3, 1) for _ in range(STEPS)]
    for g in grads[::3]:
        g[:10] = 0.0  # some weights get no gradient for a while (their moments decay)
    rates = [0.01 * (1 + math.cos(math.pi * k / STEPS)) / 2 + 1e-4 for k in range(STEPS)]
    return start, grads, rates


def _textbook(name, start, grads, rates, mu=0.9):
    """The update rules of optimizers.py's docstring, as written there, in float64."""
    p = start.copy()
    m, v = np.zeros_like(p), np.zeros_like(p)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t, (g, lr) in enumerate(zip(grads, rates), start=1):
        if name == "sgd":
            p = p - lr * g
        elif name == "momentum":
            v = mu * v + g
            p = p - lr * v
        elif name == "nesterov":
            v = mu * v + g
            p = p - lr * (g + mu * v)
        else:
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


def _ours(name, start, grads, rates, dtype, mu=0.9):
    opt = OPTIMIZERS[name](mu)
    p = start.astype(dtype)
    for g, lr in zip(grads, rates):
        opt.step([p], [g.astype(dtype)], lr)
    return p


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_follows_its_formula(name):
    start, grads, rates = _problem()
    want = _textbook(name, start, grads, rates)
    np.testing.assert_allclose(_ours(name, start, grads, rates, np.float64), want, rtol=1e-12,
                               atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(_ours(name, start, grads, rates, np.float32), want, rtol=1e-5,
                               atol=1e-5)  # fmt: skip


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_steps_as_pytorchs_does(name):
    import torch

    start, grads, rates = _problem(seed=1)
    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    make = {
        "sgd": lambda: torch.optim.SGD([param], lr=rates[0]),
        "momentum": lambda: torch.optim.SGD([param], lr=rates[0], momentum=0.9),
        "nesterov": lambda: torch.optim.SGD([param], lr=rates[0], momentum=0.9, nesterov=True),
        "adam": lambda: torch.optim.Adam([param], lr=rates[0]),
    }
    opt = make[name]()
    for g, lr in zip(grads, rates):
        opt.param_groups[0]["lr"] = lr
        param.grad = torch.tensor(g)
        opt.step()
    ours = _ours(name, start, grads, rates, np.float64)
    np.testing.assert_allclose(ours, param.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_tiny_state_values_become_zero_not_subnormal(name):
    """A weight whose gradient stays 0 has its moments decay by 0.9 a step: they are set to 0
    on the way, before they reach the subnormal range (slow on every processor's FPU)."""
    opt = OPTIMIZERS[name](0.9)
    p = np.ones(4, dtype=np.float32)
    g = np.array([1.0, 1.0, 0.0, 0.0], dtype=np.float32)
    opt.step([p], [g], 0.01)
    g[:] = [1.0, 0.0, 0.0, 0.0]  # from now on only the first weight learns
    smallest = np.finfo(np.float32).tiny
    for _ in range(40 * FLUSH_EVERY):  # 0.9^1280: far below the smallest float32
        opt.step([p], [g], 0.01)
        for values in opt.state[0].values():
            assert not np.any((values != 0) & (np.abs(values) < smallest)), values
    first = opt.state[0]["v" if name == "momentum" else "m"]  # the moment decaying by 0.9
    assert first[0] != 0 and np.all(first[1:] == 0), first  # decayed to 0, the learner kept
    assert TINY < 1e-20


def test_scalars_keep_float32_arithmetic_in_float32():
    """A NumPy float64 learning rate must not turn the update into float64 arithmetic (five
    times slower on float32 arrays): the rate reaches the update as a Python float."""
    seen = []
    opt = OPTIMIZERS["adam"]()
    real = opt.update
    opt.update = lambda p, g, st, tmp, lr: (seen.append(type(lr)), real(p, g, st, tmp, lr))
    p = np.ones(3, dtype=np.float32)
    opt.step([p], [np.ones(3, dtype=np.float32)], np.float64(0.01))
    assert seen == [float] and p.dtype == np.float32
