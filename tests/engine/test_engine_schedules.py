"""Learning-rate schedules: the formulas, PyTorch's schedulers when torch is there, and the
trainer using them per epoch (the options: tests/cli/test_cli_schedules.py)."""

from __future__ import annotations

import importlib.util
import math
from dataclasses import replace

import numpy as np
import pytest

from tui_nn.engine.network import Network
from tui_nn.engine.schedules import SCHEDULES, rate
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.trainer import Trainer
from tui_nn.engine.types import HyperParams, TrainData


def test_formulas():
    h = HyperParams(lr=0.1, lr_schedule="step", lr_step=3, lr_gamma=0.5)
    assert [rate(h, e) for e in range(7)] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    c = HyperParams(lr=0.1, lr_schedule="cosine", epochs=4, lr_min=0.02)
    expected = [0.02 + 0.08 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(4)]
    assert [rate(c, e) for e in range(4)] == pytest.approx(expected)
    assert rate(c, 4) == rate(c, 9) == 0.02  # past the budget: the floor
    no_budget = replace(c, epochs=None, lr_step=8)
    assert rate(no_budget, 4) == pytest.approx(0.06)  # half-way through a period of lr_step
    assert rate(HyperParams(lr=0.3), 50) == 0.3
    assert set(SCHEDULES) == {"constant", "step", "cosine"}


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_same_rates_as_pytorch():
    import torch

    for hyper, make in [
        (
            HyperParams(lr=0.1, lr_schedule="step", lr_step=2, lr_gamma=0.3),
            lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.3),
        ),
        (
            HyperParams(lr=0.1, lr_schedule="cosine", epochs=6, lr_min=0.01),
            lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6, eta_min=0.01),
        ),
    ]:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=hyper.lr)
        sched = make(opt)
        theirs = []
        for _ in range(6):
            theirs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        assert [rate(hyper, e) for e in range(6)] == pytest.approx(theirs)


def _trainer(hyper):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    spec = NetworkSpec(2, (LayerSpec(4, "tanh"),), LayerSpec(1, "sigmoid"), "bce").validate()
    return Trainer(Network.from_spec(spec), TrainData(X, y, X[:10], y[:10]), hyper)


def test_trainer_steps_with_the_scheduled_rate(monkeypatch):
    hyper = HyperParams(lr=0.2, batch_size=20, lr_schedule="step", lr_step=1, lr_gamma=0.5)
    trainer = _trainer(hyper)
    seen = []
    real = trainer.optimizer.step
    monkeypatch.setattr(
        trainer.optimizer, "step", lambda p, g, lr: (seen.append(lr), real(p, g, lr))
    )
    for _ in range(6):  # 3 epochs of 2 steps
        trainer.step()
    assert seen == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05, 0.05])
    assert [r.lr for r in trainer.history] == pytest.approx([0.2, 0.1, 0.05])


@pytest.mark.parametrize(
    "change, words",
    [
        ({"lr_schedule": "exp"}, "unknown schedule 'exp'"),
        ({"lr_step": 0}, "lr step"),
        ({"lr_gamma": 1.5}, "lr gamma"),
        ({"lr_min": 1.0}, "lr min"),
    ],
)
def test_bad_schedules_are_refused(change, words):
    with pytest.raises(SpecError, match=words):
        _trainer(HyperParams(lr=0.1, **change))


def test_a_schedule_that_ends_stops_and_says_so():
    import numpy as np

    from tui_nn.engine import LayerSpec, Network, NetworkSpec, Trainer
    from tui_nn.engine.types import HyperParams, TrainData

    X = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    net = Network.from_spec(NetworkSpec(2, (LayerSpec(3, "tanh"),)))
    hyper = HyperParams(lr=0.1, lr_schedule="cosine", lr_step=5, batch_size=None)
    trainer = Trainer(net, TrainData(X, y, X, y), hyper)
    steps = list(trainer.run(max_steps=100))
    assert len(steps) == 5 and trainer.finished
    assert "cosine schedule brought the learning rate to 0 after epoch 5" in trainer.stop_reason
    settled = Trainer(Network.from_spec(net.spec), TrainData(X, y, X, y),
                      HyperParams(lr=0.1, lr_schedule="cosine", lr_step=5, lr_min=0.01,
                                  batch_size=None))  # fmt: skip
    assert len(list(settled.run(max_steps=12))) == 12 and not settled.finished  # it settles
