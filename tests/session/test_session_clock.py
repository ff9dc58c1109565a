"""Elapsed time goes on where the training goes on: across an architecture change and a resume."""

import dataclasses

import pytest
from session_helpers import make_config

from tui_nn.engine.spec import LayerSpec
from tui_nn.session.protocol.messages import Reset, Save, SetArchitecture, Start
from tui_nn.session.trainer.runner import Runner


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def trained(seconds: float) -> Runner:
    runner = Runner(make_config(), clock=Clock())
    runner.load()
    runner.apply(Start())
    while runner.trainer.epoch < 2:
        runner.advance()
    runner.clock.now += seconds
    return runner


def test_an_architecture_change_keeps_the_clock_and_a_reset_restarts_it():
    runner = trained(30.0)
    before = runner.snapshot().elapsed
    assert before >= 30.0
    wider = runner.net.spec.with_hidden((LayerSpec(12, "tanh"),))
    runner.apply(SetArchitecture(wider))
    snap = runner.snapshot()
    assert snap.network.hidden[0].units == 12 and snap.elapsed == pytest.approx(before, abs=0.5)
    runner.apply(Reset())
    assert runner.snapshot().elapsed < 2.0


def test_a_resumed_run_continues_its_clock(tmp_path):
    runner = trained(0.0)
    runner.apply(Save(str(tmp_path / "run.npz")))
    saved = runner.trainer.history[-1].seconds
    assert saved > 0.0
    resumed = Runner(dataclasses.replace(make_config()), clock=Clock())
    resumed.load(initial_model=str(tmp_path / "run.npz"))
    assert "resumed" in resumed.message
    assert resumed.snapshot().elapsed == pytest.approx(saved)
