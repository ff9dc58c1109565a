"""The trainer's state machine driven directly, in this process, with a clock the test sets."""

import dataclasses

import pytest
from session_helpers import make_config

from tui_nn.session.protocol.messages import Pause, Reset, SetHyper, SetView, Start, Step
from tui_nn.session.trainer.runner import Runner


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def runner():
    r = Runner(make_config(), clock=Clock())
    r.load()
    assert r.trainer is not None
    return r


def test_grid_only_when_asked_and_at_most_every_interval(runner):
    assert runner.snapshot().grid is not None  # the first snapshot of a run has one
    runner.apply(SetView(grid=True, grid_interval=0.5))
    runner.apply(Start())
    runner.snapshot()  # the answer to SetView carries a grid: reset the interval here
    runner.advance()
    runner.clock.now = 0.1
    assert runner.snapshot().grid is None  # too soon
    runner.clock.now = 0.6
    assert runner.snapshot().grid is not None  # the interval has passed
    runner.clock.now = 1.2
    assert runner.snapshot().grid is None  # no step since the last grid: nothing new to draw
    runner.advance()
    assert runner.snapshot().grid is not None
    runner.apply(SetView(grid=False))
    runner.advance()
    runner.clock.now = 5.0
    assert runner.snapshot().grid is None


def test_no_grid_for_data_that_is_not_2d():
    r = Runner(make_config("digits", samples=None), clock=Clock())
    r.load()
    first = r.snapshot()
    assert first.grid is None and first.data.points_train is None and first.data.n_inputs == 64


def test_weights_only_when_asked_and_changed(runner):
    assert runner.snapshot().weights is None
    runner.apply(SetView(weights=True))
    assert len(runner.snapshot().weights) == 3
    assert runner.snapshot().weights is None  # unchanged since
    runner.apply(Step(1))
    runner.advance()
    weights = runner.snapshot().weights
    assert weights is not None and weights[0][0].shape == (8, 2)


def test_lowering_the_budget_below_the_epochs_done_finishes_a_running_run(runner):
    runner.apply(Start())
    while runner.trainer.epoch < 2:
        runner.advance()
    runner.apply(SetHyper(dataclasses.replace(runner.hyper, epochs=1)))
    assert runner.state == "finished" and "budget" in runner.message
    runner.apply(SetHyper(dataclasses.replace(runner.hyper, epochs=5)))
    assert runner.state == "paused"


def test_bad_commands_leave_a_message_and_the_state_alone(runner):
    runner.apply(Step(0))
    assert runner.state == "idle" and "at least 1" in runner.message
    runner.apply(SetHyper(dataclasses.replace(runner.hyper, optimizer="nope")))
    assert runner.state == "idle" and "nope" in runner.message
    assert runner.hyper.optimizer == "sgd"


def test_a_snapshot_that_cannot_be_built_becomes_an_error(runner, monkeypatch):
    def broken():
        raise ZeroDivisionError("stats broke")

    monkeypatch.setattr(runner.trainer, "neuron_stats", broken)
    snap = runner.safe_snapshot()
    assert snap.state == "error" and "ZeroDivisionError: stats broke" in snap.message
    assert "Traceback" in snap.error_detail


def test_elapsed_is_wall_time_spent_running_paced_waits_included(runner):
    runner.apply(Start())
    runner.advance()
    runner.clock.now += 7.0  # e.g. a slow pace: the trainer waited between steps
    assert runner.snapshot().elapsed == pytest.approx(7.0, abs=0.5)
    runner.apply(Pause())
    runner.clock.now += 100.0  # paused time does not count
    assert runner.snapshot().elapsed == pytest.approx(7.0, abs=0.5)
    runner.apply(Start())
    runner.clock.now += 3.0
    assert runner.snapshot().elapsed == pytest.approx(10.0, abs=0.5)
    runner.apply(Reset())  # a new run starts from zero
    runner.clock.now += 1.0
    assert runner.snapshot().elapsed < 2.0


def test_a_save_that_cannot_be_written_is_answered_with_the_reason(runner, tmp_path):
    from tui_nn.session.protocol.messages import Save

    runner.apply(Step(steps=1))
    runner.advance()
    runner.snapshot()
    runner.apply(Save(str(tmp_path / "no" / "such" / "dir" / "m.npz")))
    snap = runner.snapshot()
    assert snap.saved_path is None and "cannot save" in snap.save_failed
    assert runner.snapshot().save_failed is None  # said once
    runner.apply(Save(str(tmp_path / "m.npz")))
    assert runner.snapshot().saved_path == str(tmp_path / "m.npz")


def test_a_failing_metrics_file_stops_the_metrics_not_the_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = Runner(make_config(epochs=3), metrics_path=str(blocker / "m.jsonl"))
    r.load()
    r.apply(Start())
    while r.running:
        r.advance()
    assert r.state == "finished" and r.trainer.epoch == 3
    assert r.metrics.path is None  # stopped after the first failure; training went on
    ok = Runner(make_config(epochs=2), metrics_path=str(tmp_path / "deep" / "m.jsonl"))
    ok.load()
    ok.apply(Start())
    while ok.running:
        ok.advance()
    from tui_nn.files import read_metrics

    assert [m["epoch"] for m in read_metrics(tmp_path / "deep" / "m.jsonl")] == [1, 2]


def test_early_stopping_in_the_app_keeps_and_saves_the_best_epoch(tmp_path):
    """The app's trainer, like `train`: early stopping watches the validation loss, puts back
    the best epoch's weights, says which, and a save holds that epoch."""
    import numpy as np

    from tui_nn.files import load_model
    from tui_nn.session.protocol.messages import Save

    config = make_config("moons", lr=0.5, early_stopping=3, epochs=300)
    dataset = dataclasses.replace(config.dataset, val_fraction=0.2)
    config = dataclasses.replace(config, dataset=dataset)
    r = Runner(config, clock=Clock())
    r.load()
    r.apply(Start())
    while r.state != "finished":
        r.advance()
    trainer = r.trainer
    kept = trainer.kept_epoch
    assert kept is not None and trainer.epoch == kept + 3
    assert r.message == f"early stopping: kept epoch {kept}, the best validation loss"
    best = min(trainer.history, key=lambda rec: rec.val_loss)
    assert best.epoch == kept
    snap = r.snapshot()  # the numbers shown are the kept weights', not the last epoch's
    assert (snap.test_loss, snap.train_acc) == (best.test_loss, best.train_acc)
    assert snap.test_loss != trainer.history[-1].test_loss
    r.apply(Save(str(tmp_path / "run.npz")))
    saved = load_model(tmp_path / "run.npz")
    assert saved.history[-1].epoch == kept and len(saved.history) == kept
    np.testing.assert_array_equal(saved.params[0][0], trainer.net.layers[0].W)
