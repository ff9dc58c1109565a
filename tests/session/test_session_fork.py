"""Fork: a second trainer continues exactly where the first one is (weights, optimizer state,
shuffling, position in the epoch), so identical settings give bit-identical curves and a
changed setting differs only from the fork point."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from session_helpers import Collector, make_config

from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.messages import Fork, SetHyper, Snapshot, Step
from tui_nn.session.trainer.forking import state_path
from tui_nn.session.trainer.runner import Runner


def trained(config, epochs: int, steps: int = 0) -> Runner:
    runner = Runner(config)
    runner.load()
    for _ in range(epochs * runner.trainer.steps_per_epoch + steps):
        runner.advance()
    return runner


def forked(a: Runner, path) -> Runner:
    a.apply(Fork(str(path)))
    assert a.snapshot().saved_path == str(path)
    b = Runner(a.current_config())
    b.load(initial_model=str(path))
    assert b.trainer is not None and b.message.startswith("forked from"), b.message
    return b


def train_steps(runner: Runner, n: int) -> None:
    for _ in range(n):
        runner.advance()


def curves(runner: Runner) -> list[tuple]:
    return [
        (r.epoch, r.step, r.samples, r.train_loss, r.test_loss, r.train_acc, r.test_acc)
        for r in runner.trainer.history
    ]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "momentum"])
def test_a_fork_with_no_change_gives_bit_identical_curves(tmp_path, optimizer):
    a = trained(make_config(optimizer=optimizer, lr=0.01), epochs=2, steps=3)  # mid-epoch
    b = forked(a, tmp_path / "fork.npz")
    assert state_path(tmp_path / "fork.npz").is_file()
    assert (b.trainer.epoch, b.trainer.step_count) == (a.trainer.epoch, a.trainer.step_count)
    n = 4 * a.trainer.steps_per_epoch
    train_steps(a, n)
    train_steps(b, n)
    assert len(curves(a)) == 6
    assert curves(a) == curves(b)  # exactly, not approximately
    for (wa, ba), (wb, bb) in zip(a.net.get_params(), b.net.get_params()):
        assert np.array_equal(wa, wb) and np.array_equal(ba, bb)


def test_without_the_optimizer_state_the_curves_would_differ(tmp_path):
    """The check above can fail: a plain resume (fresh optimizer, fresh shuffling) differs."""
    a = trained(make_config(optimizer="adam", lr=0.01), epochs=2, steps=3)
    b = forked(a, tmp_path / "fork.npz")
    state_path(tmp_path / "fork.npz").unlink()
    c = Runner(a.current_config())
    c.load(initial_model=str(tmp_path / "fork.npz"))
    assert c.message.startswith("resumed from")
    n = 2 * a.trainer.steps_per_epoch
    for runner in (a, b, c):
        train_steps(runner, n)
    assert curves(a) == curves(b)
    assert curves(c)[-1] != curves(a)[-1]


def test_a_fork_with_a_changed_lr_differs_only_from_the_fork_point(tmp_path):
    a = trained(make_config(lr=0.05), epochs=3)
    b = forked(a, tmp_path / "fork.npz")
    b.apply(SetHyper(dataclasses.replace(b.hyper, lr=0.3)))
    n = 3 * a.trainer.steps_per_epoch
    train_steps(a, n)
    train_steps(b, n)
    ca, cb = curves(a), curves(b)
    assert len(ca) == len(cb) == 6
    assert ca[:3] == cb[:3]  # the shared history up to the fork
    assert all(ra[3] != rb[3] for ra, rb in zip(ca[3:], cb[3:]))  # every epoch since differs
    assert [r.lr for r in b.trainer.history[3:]] == [0.3] * 3


@pytest.mark.slow
def test_a_fork_across_processes_is_bit_identical(tmp_path):
    """Two real trainer processes, driven in lockstep by Step(epoch) as the app does."""
    config = make_config()
    path = str(tmp_path / "fork.npz")
    sink_a, sink_b = Collector(), Collector()
    a, b = TrainingSession(sink_a, fps=20), TrainingSession(sink_b, fps=20)
    try:
        a.start(config)
        a.send(Step(epoch=True))
        sink_a.wait(lambda s: isinstance(s, Snapshot) and s.epoch == 1 and s.state == "paused")
        a.send(Step(steps=2))  # the fork happens in the middle of epoch 2
        sink_a.wait(lambda s: isinstance(s, Snapshot) and s.step == 12 and s.state == "paused")
        a.send(Fork(path))
        sink_a.wait(lambda s: isinstance(s, Snapshot) and s.saved_path == path)
        b.start(config, initial_model=path)
        sink_b.wait(lambda s: isinstance(s, Snapshot) and s.step == 12)
        for epoch in (2, 3, 4):
            for session, sink in ((a, sink_a), (b, sink_b)):
                session.send(Step(epoch=True))
                sink.wait(
                    lambda s, e=epoch: (
                        isinstance(s, Snapshot) and s.epoch == e and s.state == "paused"
                    )
                )
    finally:
        a.close()
        b.close()

    def records(sink):
        out = {}
        for item in sink.items:
            if isinstance(item, Snapshot):
                out.update({r.epoch: r for r in item.records})
        return [
            (r.epoch, r.step, r.train_loss, r.test_loss, r.train_acc, r.test_acc)
            for _, r in sorted(out.items())
        ]

    assert len(records(sink_a)) == 4
    assert records(sink_a) == records(sink_b)
