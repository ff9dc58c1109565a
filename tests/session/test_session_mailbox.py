"""The app-side mailbox: newest snapshot wins, records are never lost, runs are never mixed."""

import threading

import numpy as np
import pytest

from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import NetworkSpec
from tui_nn.engine.types import EpochRecord, HyperParams, LayerStats
from tui_nn.session.client.mailbox import END, Mailbox, merge
from tui_nn.session.protocol.frozen import freeze
from tui_nn.session.protocol.messages import DecisionGrid, PanelData, Snapshot, TrainerDied


def record(epoch: int) -> EpochRecord:
    return EpochRecord(epoch, epoch * 10, epoch * 100, 1.0 / epoch, None, None, None, 0.1, 0.03)


def snap(seq: int, run_id: int = 1, records=(), layers=(), **extra) -> Snapshot:
    return Snapshot(
        run_id=run_id,
        seq=seq,
        state="running",
        message="",
        epoch=0,
        step=seq,
        samples_seen=0,
        batch_loss=None,
        train_loss=None,
        test_loss=None,
        train_acc=None,
        test_acc=None,
        records=tuple(records),
        layers=tuple(layers),
        samples_per_sec=0.0,
        eta_seconds=None,
        elapsed=0.0,
        network=NetworkSpec(2),
        hyper=HyperParams(),
        dataset=DatasetSpec(),
        **extra,
    )


def grid(value: float) -> DecisionGrid:
    return DecisionGrid(np.full((2, 3), value, dtype=np.float32), (0, 1, 0, 1), "probability")


def test_newest_wins_and_records_accumulate_in_order():
    box = Mailbox()
    for seq in range(1, 6):
        box.put(snap(seq, records=[record(seq)]))
    item = box.take(timeout=1)
    assert item.seq == 5
    assert [r.epoch for r in item.records] == [1, 2, 3, 4, 5]
    assert box.take(timeout=0.01) is None
    assert (box.received, box.delivered) == (5, 1)


def test_one_shot_parts_survive_a_newer_snapshot_without_them():
    older = snap(1, grid=grid(0.25), saved_path="/tmp/m.npz")
    newer = snap(2, grid=None)
    merged = merge(older, newer)
    assert merged.seq == 2 and merged.saved_path == "/tmp/m.npz"
    assert merged.grid.values[0, 0] == pytest.approx(0.25)
    newest_grid = merge(older, snap(3, grid=grid(0.75)))
    assert newest_grid.grid.values[0, 0] == pytest.approx(0.75)


def test_panel_data_survives_a_newer_snapshot_without_it():
    """The fit curve / confusion matrix of the last weights must reach the app even when a
    later snapshot (say, the one answering Pause) replaced it in the mailbox."""
    confusion = np.array([[3, 1], [0, 4]], dtype=np.int64)
    box = Mailbox()
    box.put(snap(1, panel=PanelData(confusion=confusion)))
    box.put(snap(2))
    item = box.take(timeout=1)
    assert item.seq == 2 and item.panel is not None
    assert item.panel.confusion.tolist() == [[3, 1], [0, 4]]


def test_runs_are_never_merged():
    box = Mailbox()
    box.put(snap(1, run_id=1, records=[record(1)]))
    box.put(snap(2, run_id=2, records=[record(1)]))
    box.put(snap(3, run_id=2, records=[record(2)]))
    box.put(TrainerDied(exitcode=-9, message="gone"))
    first, second, died = (box.take(timeout=1) for _ in range(3))
    assert (first.run_id, [r.epoch for r in first.records]) == (1, [1])
    assert (second.run_id, second.seq, [r.epoch for r in second.records]) == (2, 3, [1, 2])
    assert isinstance(died, TrainerDied)


def test_take_waits_for_a_put_from_another_thread():
    box = Mailbox()
    threading.Thread(target=lambda: (box.put(snap(7)), box.put(END))).start()
    assert box.take(timeout=5).seq == 7
    assert box.take(timeout=5) is END


def test_freeze_makes_arrays_read_only():
    stats = LayerStats(*(np.zeros(3, dtype=np.float32) for _ in range(4)), 0.0, 0.0, "relu")
    weights = ((np.ones((2, 2), dtype=np.float32), np.ones(2, dtype=np.float32)),)
    frozen = freeze(snap(1, layers=(stats,), grid=grid(0.5), weights=weights))
    for array in (frozen.layers[0].mean_abs_delta, frozen.grid.values, frozen.weights[0][0]):
        with pytest.raises(ValueError):
            array[0] = 1.0
