"""Commands through a real trainer process: applied between steps, in order, and only then."""

import dataclasses
import threading

import numpy as np
import pytest
from session_helpers import WAIT, Collector, make_config
from threadpoolctl import threadpool_limits

from tui_nn.config import train_data
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import LayerSpec
from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.messages import (
    Inspect,
    Pause,
    Reset,
    Save,
    SetArchitecture,
    SetDataset,
    SetHyper,
    SetView,
    Snapshot,
    Start,
    Step,
)

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def weights_now(session, sink):
    """Ask for the weights (they come with the snapshot answering SetView)."""
    n = sink.count
    session.send(SetView(weights=True, grid=False))
    return sink.wait(lambda m: isinstance(m, Snapshot) and m.weights is not None, since=n).weights


def test_step_runs_exactly_n_steps_then_pauses(open_session):
    session, sink, first = open_session()  # 100 training samples, batch 10: 10 steps an epoch
    n = sink.count
    session.send(Step(7))
    snap = sink.snap(n, state="paused")
    assert (snap.step, snap.samples_seen, snap.epoch) == (7, 70, 0)
    n = sink.count
    session.send(Step(3))
    snap = sink.snap(n, state="paused")
    assert (snap.step, snap.epoch) == (10, 1)
    n = sink.count
    session.send(Step(epoch=True))
    snap = sink.snap(n, state="paused")
    assert (snap.step, snap.epoch) == (20, 2)
    assert [r.epoch for r in sink.records(first.run_id)] == [1, 2]


def test_a_burst_of_commands_is_applied_in_order_at_the_next_step_boundary(open_session):
    session, sink, first = open_session()
    n = sink.count
    # sent together: all three are applied before the next step, in this order
    session.send(SetHyper(dataclasses.replace(first.hyper, batch_size=20)))
    session.send(Step(3))
    session.send(Step(2))  # Step adds to a Step in progress
    snap = sink.snap(n, state="paused", step=5)
    assert (snap.samples_seen, snap.epoch) == (100, 1)  # all five steps had batch 20
    assert snap.hyper.batch_size == 20


def test_pause_really_pauses(open_session):
    session, sink, _ = open_session(make_config("circle", samples=4000))
    n = sink.count
    session.send(Start())
    sink.wait(lambda m: isinstance(m, Snapshot) and m.step > 50, since=n)
    n = sink.count
    session.send(Pause())
    paused = sink.snap(n, state="paused")
    n = sink.count
    with pytest.raises(AssertionError):  # a bounded observation window: no snapshot at all
        sink.wait(lambda m: True, since=n, timeout=0.4)
    session.send(SetView(grid=False))
    answer = sink.wait(lambda m: True, since=n)
    assert (answer.state, answer.step, answer.samples_seen) == (
        "paused",
        paused.step,
        paused.samples_seen,
    )


def test_history_is_complete_and_ordered_under_a_slow_consumer(open_session):
    slow = Collector(delay=0.05)  # the producer makes up to 50 snapshots/s, this takes 20
    config = make_config(samples=40, epochs=150)  # 20 training samples: 2 steps an epoch
    session, sink, first = open_session(config, sink=slow, fps=50)
    n = sink.count
    session.send(Start())
    done = sink.snap(n, state="finished")
    assert done.epoch == 150
    epochs = [r.epoch for r in sink.records(first.run_id)]
    assert epochs == list(range(1, 151))


def test_the_trainer_never_waits_for_a_stuck_consumer():
    gate = threading.Event()

    class Stuck(Collector):
        def __call__(self, msg):
            gate.wait(WAIT)  # the consumer is stuck until the trainer has finished
            super().__call__(msg)

    sink = Stuck()
    session = TrainingSession(sink, fps=50)
    try:
        session.start(make_config(samples=200, epochs=200))
        session.send(Start())
        finished = session.mailbox.wait_newest(lambda s: s.state == "finished", WAIT)
        assert finished is not None and finished.epoch == 200  # trained on regardless
        assert sink.count == 0
        gate.set()
        sink.snap(state="finished")
        assert [r.epoch for r in sink.records(finished.run_id)] == list(range(1, 201))
        assert session.mailbox.received > session.mailbox.delivered  # snapshots coalesced
    finally:
        gate.set()
        session.close()


def test_live_learning_rate_change_keeps_optimizer_state(open_session):
    config = make_config(optimizer="adam", lr=0.01, batch_size=None)  # full batch: no shuffling
    session, sink, first = open_session(config)
    n = sink.count
    session.send(Step(5))
    sink.snap(n, state="paused")
    faster = dataclasses.replace(first.hyper, lr=0.05)
    n = sink.count
    session.send(SetHyper(faster))
    session.send(Step(5))
    sink.snap(n, state="paused", step=10)
    got = weights_now(session, sink)

    from tui_nn.engine import Network, Trainer

    def engine_run(keep_state: bool):
        data = load_dataset(config.dataset)
        net = Network.from_spec(config.network_spec(data))
        trainer = Trainer(net, train_data(data), config.hyper, seed=net.spec.seed)
        for _ in range(5):
            trainer.step()
        if keep_state:
            trainer.set_hyper(faster)
        else:  # what losing the optimizer state would look like
            trainer = Trainer(net, train_data(data), faster, seed=net.spec.seed)
        for _ in range(5):
            trainer.step()
        return [(np.array(W), np.array(b)) for W, b in net.get_params()]

    with threadpool_limits(1):
        kept, lost = engine_run(True), engine_run(False)
    for (W, b), (Wk, bk) in zip(got, kept):
        np.testing.assert_allclose(W, Wk, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(b, bk, rtol=1e-4, atol=1e-6)
    assert not all(np.allclose(W, Wl, rtol=1e-4, atol=1e-6) for (W, _), (Wl, _) in zip(got, lost))


def test_architecture_change_mid_run_keeps_the_surviving_weights(open_session):
    session, sink, first = open_session(make_config("circle", samples=2000))
    n = sink.count
    session.send(Start())
    sink.wait(lambda m: isinstance(m, Snapshot) and m.step > 20, since=n)
    session.send(Pause())
    sink.snap(n, state="paused")
    before = weights_now(session, sink)
    wider = first.network.with_hidden((LayerSpec(9, "tanh"), LayerSpec(8, "tanh")))
    n = sink.count
    session.send(SetArchitecture(wider))
    changed = sink.wait(lambda m: isinstance(m, Snapshot) and m.network == wider, since=n)
    assert changed.run_id != first.run_id  # old-run snapshots are recognisable
    after = weights_now(session, sink)
    assert after[0][0].shape == (9, 2) and after[1][0].shape == (8, 9)
    np.testing.assert_array_equal(after[0][0][:8], before[0][0])
    np.testing.assert_array_equal(after[0][1][:8], before[0][1])
    np.testing.assert_array_equal(after[1][0][:, :8], before[1][0])
    np.testing.assert_array_equal(after[2][0], before[2][0])
    n = sink.count
    session.send(Start())  # and it trains on
    sink.wait(lambda m: isinstance(m, Snapshot) and m.step > changed.step + 5, since=n)


def test_divergence_pauses_with_finite_weights(open_session):
    config = dataclasses.replace(make_config("plane", lr=1000.0), activation="relu")
    session, sink, first = open_session(config)
    n = sink.count
    session.send(Start())
    diverged = sink.snap(n, state="diverged")
    assert "diverged" in diverged.message
    for W, b in weights_now(session, sink):
        assert np.isfinite(W).all() and np.isfinite(b).all()
    assert session.alive


def test_epoch_budget_finishes_the_run(open_session):
    session, sink, first = open_session(make_config("circle", samples=2000, epochs=8))
    n = sink.count
    session.send(Start())
    done = sink.snap(n, state="finished")
    assert done.epoch == 8 and len(sink.records(first.run_id)) == 8
    assert "budget" in done.message
    n = sink.count
    session.send(Start())  # still finished: says why
    assert "budget" in sink.wait(lambda m: True, since=n).message


def test_running_snapshots_report_throughput_and_eta(open_session):
    session, sink, _ = open_session(make_config("circle", samples=2000, epochs=100_000))
    n = sink.count
    session.send(Start())
    snap = sink.wait(lambda m: isinstance(m, Snapshot) and m.eta_seconds is not None, since=n)
    assert snap.state == "running" and snap.samples_per_sec > 0
    epochs_left = 100_000 - snap.epoch
    assert snap.eta_seconds == pytest.approx(epochs_left * 1000 / snap.samples_per_sec, rel=0.01)


def test_reset_starts_a_new_run(open_session):
    session, sink, first = open_session()
    n = sink.count
    session.send(Step(epoch=True))
    sink.snap(n, state="paused")
    n = sink.count
    session.send(Reset(seed=42))
    reset = sink.snap(n, state="idle")
    assert reset.run_id != first.run_id and (reset.step, reset.epoch, reset.records) == (0, 0, ())


def test_new_data_keeps_weights_when_the_shapes_fit(open_session):
    session, sink, first = open_session()
    before = weights_now(session, sink)
    n = sink.count
    session.send(SetDataset(DatasetSpec(name="circle", samples=300, seed=2)))
    snap = sink.wait(lambda m: isinstance(m, Snapshot) and m.data is not None, since=n)
    assert snap.data.name == "circle" and snap.data.n_train == 150
    assert snap.run_id != first.run_id
    for (W, b), (W0, b0) in zip(weights_now(session, sink), before):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    n = sink.count
    session.send(SetDataset(DatasetSpec(name="digits", seed=0)))
    digits = sink.wait(lambda m: isinstance(m, Snapshot) and m.data is not None, since=n)
    assert digits.network.sizes == (64, 8, 8, 10) and digits.data.points_train is None
    assert digits.grid is None
    n = sink.count
    session.send(SetDataset(DatasetSpec(name="no-such-set")))
    answer = sink.wait(lambda m: True, since=n)
    assert "unknown dataset" in answer.message and answer.network.sizes == (64, 8, 8, 10)


def test_inspect_answers_with_the_forward_pass(open_session):
    session, sink, first = open_session()
    n = sink.count
    session.send(Inspect(0, "test"))
    found = sink.wait(lambda m: isinstance(m, Snapshot) and m.inspection is not None, since=n)
    ins = found.inspection
    np.testing.assert_allclose(ins.x, first.data.points_test[0], rtol=1e-6)
    assert [a.shape for a in ins.activations] == [(8,), (8,), (1,)]
    assert 0.0 < float(ins.output[0]) < 1.0 and ins.y in (0, 1)
    n = sink.count
    session.send(Inspect(10_000, "test"))
    assert "index" in sink.wait(lambda m: True, since=n).message


def test_save_writes_a_model_file(open_session, tmp_path):
    pytest.importorskip("tui_nn.files")
    session, sink, _ = open_session()
    path = tmp_path / "model.npz"
    n = sink.count
    session.send(Step(4))
    sink.snap(n, state="paused")
    n = sink.count
    session.send(Save(str(path)))
    saved = sink.wait(lambda m: isinstance(m, Snapshot) and m.saved_path is not None, since=n)
    assert saved.saved_path == str(path) and "saved" in saved.message
    with np.load(path, allow_pickle=False) as npz:
        assert npz["layer0.weight"].shape == (8, 2)
    n = sink.count
    session.send(Save(str(tmp_path / "missing-dir" / "m.npz")))
    assert sink.wait(lambda m: True, since=n).saved_path is None


def test_a_run_resumes_from_a_saved_model(open_session, tmp_path):
    pytest.importorskip("tui_nn.files")
    session, sink, first = open_session()
    path = tmp_path / "model.npz"
    n = sink.count
    session.send(Step(epoch=True))
    session.send(Step(epoch=True))
    sink.snap(n, state="paused", epoch=2)
    saved_weights = weights_now(session, sink)
    n = sink.count
    session.send(Save(str(path)))
    sink.wait(lambda m: isinstance(m, Snapshot) and m.saved_path is not None, since=n)

    again = Collector()
    resumed = TrainingSession(again)
    try:
        resumed.start(make_config(), initial_model=str(path))
        snap = again.wait(lambda m: True)
        assert "resumed" in snap.message and (snap.epoch, snap.step) == (2, 20)
        assert [r.epoch for r in snap.records] == [1, 2]
        for (W, b), (W0, b0) in zip(weights_now(resumed, again), saved_weights):
            np.testing.assert_array_equal(W, W0)
            np.testing.assert_array_equal(b, b0)
    finally:
        resumed.close()
    broken = Collector()
    fresh = TrainingSession(broken)
    try:
        fresh.start(make_config(), initial_model=str(tmp_path / "missing.npz"))
        snap = broken.wait(lambda m: True)
        assert "could not resume" in snap.message and snap.state == "idle" and snap.epoch == 0
    finally:
        fresh.close()


def test_a_test_fraction_of_zero_trains_on_everything(open_session):
    """The app's test-fraction field accepts 0: the trainer trains on all and reports no test."""
    session, sink, _ = open_session()
    n = sink.count
    session.send(SetDataset(DatasetSpec(name="circle", samples=200, test_fraction=0.0)))
    snap = sink.wait(lambda m: isinstance(m, Snapshot) and m.data is not None, since=n)
    assert snap.data.n_train == 200
    n = sink.count
    session.send(Step(epoch=True))
    done = sink.wait(lambda m: isinstance(m, Snapshot) and m.epoch == 1, since=n)
    assert done.train_loss is not None and done.test_loss is None and done.test_acc is None
    assert done.state != "error"
