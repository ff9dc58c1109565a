"""Trace mode in the trainer: TraceSample and ApplyTraceStep on the runner's own network, and
once through the real trainer process."""

import numpy as np
import pytest
from session_helpers import Collector, make_config

from tui_nn.engine.trace import trace_sample
from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.messages import ApplyTraceStep, SetView, Snapshot, Step, TraceSample
from tui_nn.session.trainer.runner import Runner


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def runner():
    r = Runner(make_config(batch_size=1, optimizer="sgd", lr=0.2), clock=Clock())
    r.load()
    assert r.trainer is not None
    r.snapshot()
    return r


def _params(net):
    return [p.copy() for p in net.param_arrays()]


def test_trace_of_an_index_is_the_engines_and_changes_nothing(runner):
    before = _params(runner.net)
    runner.apply(TraceSample(index=5, split="test"))
    snap = runner.snapshot()
    res = snap.trace
    assert (res.index, res.split, res.chosen, res.applied) == (5, "test", "index", False)
    assert res.n_samples == len(runner.dataset.X_test)
    ds = runner.dataset
    direct = trace_sample(runner.net, ds.X_test[5], ds.y_test[5], 0.2, ds.input_scale)
    assert res.trace.loss == direct.loss and res.trace.lr == 0.2
    for a, b in zip(res.trace.layers, direct.layers):
        np.testing.assert_array_equal(a.dW, b.dW)
        assert not a.W.flags.writeable
    for p, q in zip(before, _params(runner.net)):
        np.testing.assert_array_equal(p, q)
    assert runner.snapshot().trace is None  # sent once


def test_next_sample_is_the_one_training_takes_next(runner):
    """With plain SGD at batch 1 the trainer's next step is exactly the trace's update."""
    for _ in range(3):  # also in the middle of an epoch
        runner.apply(TraceSample())
        res = runner.snapshot().trace
        assert res.chosen == "next" and res.split == "train"
        runner.trainer.step()
        for layer, t in zip(runner.net.layers, res.trace.layers):
            np.testing.assert_allclose(layer.W, t.W_new, rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(layer.b, t.b_new, rtol=1e-6, atol=1e-7)


def test_apply_takes_the_step_and_answers_with_the_new_trace(runner):
    runner.apply(SetView(weights=True))
    runner.snapshot()
    runner.apply(TraceSample(index=2))
    first = runner.snapshot().trace
    steps = runner.trainer.step_count
    runner.apply(ApplyTraceStep(index=2, lr=0.5))
    snap = runner.snapshot()
    res = snap.trace
    assert res.applied and res.index == 2
    assert res.loss_before == pytest.approx(first.trace.loss)
    for layer, t_new, t_old in zip(runner.net.layers, res.trace.layers, first.trace.layers):
        np.testing.assert_array_equal(layer.W, t_old.W - np.float32(0.5) * t_old.dW)
        np.testing.assert_array_equal(t_new.W, layer.W)
    assert snap.weights is not None and snap.grid is not None  # the boundary is redrawn
    assert runner.trainer.step_count == steps + 1  # a training step of batch one
    assert runner.trainer.samples_seen == 1
    assert "one sgd step on train sample 2 (step 1)" in snap.message
    assert "cost went from" in snap.message
    assert res.trace.loss < res.loss_before


def test_point_picks_the_nearest_sample(runner):
    ds = runner.dataset
    target = ds.X_train[17] * ds.input_scale
    runner.apply(TraceSample(point=(float(target[0]), float(target[1]))))
    res = runner.snapshot().trace
    assert (res.index, res.chosen) == (17, "point")


@pytest.mark.parametrize(
    "cmd,message",
    [
        (TraceSample(index=10_000), "sample 10000 is out of range: the train set has 100"),
        (TraceSample(index=-1), "sample -1 is out of range"),
        (TraceSample(index=0, split="all"), "split must be one of train, test"),
        (ApplyTraceStep(index=100), "sample 100 is out of range"),
    ],
)
def test_bad_requests_are_messages(runner, cmd, message):
    before = _params(runner.net)
    runner.apply(cmd)
    snap = runner.snapshot()
    assert snap.trace.trace is None and message in snap.trace.refused
    assert snap.state != "error" and snap.message == f"cannot trace: {snap.trace.refused}"
    for p, q in zip(before, _params(runner.net)):
        np.testing.assert_array_equal(p, q)


@pytest.mark.slow
def test_through_the_trainer_process():
    sink = Collector()
    session = TrainingSession(sink, fps=20)
    try:
        session.start(make_config())
        sink.wait(lambda m: isinstance(m, Snapshot))
        session.send(Step(3))
        sink.snap(state="paused", step=3)
        session.send(TraceSample(index=4))
        snap = sink.wait(lambda m: isinstance(m, Snapshot) and m.trace is not None)
        res = snap.trace
        assert res.index == 4 and len(res.trace.layers) == 3
        assert not res.trace.layers[0].dW.flags.writeable
        session.send(ApplyTraceStep(index=4))
        applied = sink.wait(lambda m: isinstance(m, Snapshot) and m.trace and m.trace.applied)
        assert applied.trace.loss_before == pytest.approx(res.trace.loss, rel=1e-6)
    finally:
        session.close()


def test_apply_uses_the_runs_optimizer_and_moves_its_state(runner):
    from tui_nn.engine.types import HyperParams
    from tui_nn.session.protocol.messages import SetHyper

    runner.apply(SetHyper(HyperParams(optimizer="adam", lr=0.01, l2=0.01)))
    runner.trainer.step()
    t = runner.trainer.optimizer.t
    runner.apply(TraceSample(index=3))
    shown = runner.snapshot().trace.trace
    assert shown.optimizer.name == "adam" and shown.optimizer.t == t + 1
    assert shown.optimizer.l2 == 0.01
    runner.apply(ApplyTraceStep(index=3))
    assert runner.trainer.optimizer.t == t + 1
    for layer, traced in zip(runner.net.layers, shown.layers):
        np.testing.assert_array_equal(layer.W, traced.W_new)  # Adam's step, not SGD's
        assert not np.array_equal(traced.W_new, traced.step_W.sgd)
    assert "one adam step" in runner.snapshot().message
