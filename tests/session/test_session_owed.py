"""One owner of what the next snapshot owes (trainer/owed.py), one list of the snapshot's
one-shot fields (protocol ONCE/ADDED), and the numbers of a snapshot following what happened:
scores of the network now, `changed` for a run with something to save."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from session_helpers import make_config

import tui_nn.session.trainer.snapshots as snapshots
from tui_nn.engine.spec import LayerSpec
from tui_nn.session.client.mailbox import merge
from tui_nn.session.protocol.messages import (
    ADDED,
    ONCE,
    ApplyTraceStep,
    Envelope,
    Inspect,
    Reset,
    SetArchitecture,
    SetHyper,
    SetParameter,
    Snapshot,
    Step,
    TraceSample,
)
from tui_nn.session.trainer.owed import Owed
from tui_nn.session.trainer.runner import Runner


@pytest.fixture
def runner():
    r = Runner(make_config("circle", samples=200))
    r.load()
    r.snapshot()
    return r


def train(runner: Runner, epochs: int) -> None:
    runner.apply(Step(epoch=True))
    target = runner.trainer.epoch + epochs
    while runner.trainer.epoch < target:
        if not runner.running:
            runner.apply(Step(epoch=True))
        runner.advance()


def scores_now(runner: Runner) -> tuple[float, float]:
    """The network's training loss and accuracy, computed here independently."""
    ds = runner.dataset
    out = np.asarray(runner.net.forward(ds.X_train.astype(np.float32), input_scale=ds.input_scale))
    p = np.clip(out[:, 0].astype(np.float64), 1e-7, 1 - 1e-7)
    y = ds.y_train.astype(np.float64)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, float(np.mean((p > 0.5) == (y > 0.5)))


# ---- one list of the one-shot fields -----------------------------------------------------


def test_the_one_shot_fields_are_one_list_the_mailbox_reads():
    fields = {f.name: f for f in dataclasses.fields(Snapshot)}
    for name in ONCE:
        assert fields[name].default is None, name  # absent unless there is something new
    assert set(ADDED) == {"records", "answers"}
    # what the trainer owes once, it sends in those fields
    owed_once = {"inspection", "trace", "saved_path", "save_failed"}
    assert owed_once <= set(ONCE) and {f.name for f in dataclasses.fields(Owed)} >= owed_once


def test_the_mailbox_keeps_every_one_shot_field_of_an_older_snapshot(runner):
    runner.apply(Inspect(index=1))
    runner.apply(TraceSample(index=2))
    older = runner.snapshot()
    newer = runner.snapshot()
    merged = merge(older, newer)
    for name in ONCE:
        assert getattr(merged, name) is getattr(older, name) or getattr(newer, name) is not None
    assert merged.inspection is older.inspection and merged.trace is older.trace
    assert len(merged.answers) == 2


def test_an_app_that_attaches_gets_everything_and_the_others_keep_what_they_are_owed(runner):
    runner.apply(Envelope("a:1", TraceSample(index=3)))
    full = snapshots.full(runner)
    assert full.data is not None and full.grid is not None and full.trace is None
    assert full.answers == ()
    snap = runner.snapshot()  # the apps already attached still get the trace and the answer
    assert snap.trace is not None and [a.id for a in snap.answers] == ["a:1"]
    assert snap.data is None  # already sent to them


# ---- numbers that describe the network now -----------------------------------------------


def test_after_divergence_and_a_new_head_the_scores_are_the_new_networks():
    runner = Runner(dataclasses.replace(make_config("circle", samples=200), activation="relu"))
    runner.load()
    train(runner, 3)
    runner.apply(SetHyper(dataclasses.replace(runner.hyper, lr=1e9)))
    runner.apply(Step(epoch=True))
    while runner.running:
        runner.advance()
    assert runner.state == "diverged"
    before = runner.snapshot()
    spec = runner.net.spec
    head = dataclasses.replace(spec, output=LayerSpec(1, "identity"), loss="mse")
    runner.apply(SetArchitecture(head))
    snap = runner.snapshot()
    b = runner.trainer.batches
    loss, acc = runner.trainer.evaluate(b.X, b.y)
    assert (snap.train_loss, snap.train_acc) == (loss, acc)  # the network with its new head
    assert snap.train_loss != before.train_loss


def test_a_weight_set_by_hand_shows_the_cost_it_gives(runner):
    train(runner, 2)
    runner.snapshot()
    runner.apply(Envelope("a:1", SetParameter(layer=0, row=0, col=0, value=25.0)))
    snap = runner.snapshot()
    (answer,) = snap.answers
    loss, acc = scores_now(runner)
    assert snap.train_loss == answer.value.cost == pytest.approx(loss, rel=1e-4)
    assert snap.train_acc == pytest.approx(acc)
    assert f"{answer.value.cost:.4f}" in snap.message
    train(runner, 1)  # the next epoch record describes the network again
    assert runner.snapshot().train_loss == runner.trainer.history[-1].train_loss


def test_changed_says_when_there_is_something_to_save(runner):
    assert runner.snapshot().changed is False  # a fresh network
    runner.apply(SetParameter(layer=0, row=0, col=0, value=0.5))
    assert runner.snapshot().changed is True  # set by hand, not trained
    runner.apply(Reset())
    assert runner.snapshot().changed is False
    runner.apply(ApplyTraceStep(index=0))
    assert runner.snapshot().changed is True
    runner.apply(Reset())
    train(runner, 1)
    assert runner.snapshot().changed is True
