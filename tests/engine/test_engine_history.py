"""Bounded metric history: memory independent of the run's length, the picture kept."""

import pickle

import numpy as np
import pytest

from tui_nn.engine.history import FIELDS, MetricHistory, RecordBlock, thin_indices
from tui_nn.engine.types import EpochRecord


def rec(epoch, loss=None, lr=0.1, acc=None):
    loss = 1.0 / epoch if loss is None else loss
    return EpochRecord(epoch, epoch * 3, epoch * 30, loss, loss * 1.1, acc, None, epoch * 0.01, lr)


def test_small_runs_are_kept_whole_and_compare_like_lists():
    h = MetricHistory([rec(1), rec(2)])
    assert h == [rec(1), rec(2)] and h[-1] == rec(2) and len(h) == 2 and h.total == 2
    assert MetricHistory() == [] and not MetricHistory()


def test_a_long_history_stays_bounded_and_keeps_extremes_changes_and_the_end():
    h = MetricHistory(recent=64, old_buckets=16, capacity=256)
    rng = np.random.default_rng(0)
    losses = rng.random(50_000)
    for e in range(1, 50_001):
        lr = 0.5 if e == 777 else 0.1  # one epoch with a changed setting
        h.append(rec(e, float(losses[e - 1]), lr=lr))
        assert len(h) <= 256
    assert h.total == 50_000
    block = h.block()
    epochs = block.column("epoch")
    assert epochs[-1] == 50_000 and np.all(np.diff(epochs) > 0)
    assert np.array_equal(epochs[-64:], np.arange(50_000 - 63, 50_001))  # recent in full
    assert block.column("train_loss").min() == losses.min()
    assert block.column("train_loss").max() == losses.max()
    assert 777 in epochs and 778 in epochs  # the change and the change back
    assert block[0].epoch == 1


def test_thinning_keeps_per_bucket_min_and_max_so_the_plot_is_unchanged():
    x = np.arange(1000, dtype=float)
    y = np.sin(x / 7.0) + np.random.default_rng(1).normal(0, 0.1, 1000)
    keep = thin_indices(x, [y], width=8.0)
    for b in range(0, 1000, 8):
        sel = keep[(keep >= b) & (keep < b + 8)]
        assert y[sel].min() == y[b : b + 8].min() and y[sel].max() == y[b : b + 8].max()
    assert len(keep) <= 3 * 125


def test_since_gives_only_new_records_even_across_thinning():
    h = MetricHistory(recent=32, old_buckets=8, capacity=96)
    sent, seen = 0, []
    for e in range(1, 2001):
        h.append(rec(e))
        if e % 7 == 0:
            seen += [r.epoch for r in h.since(sent)]
            sent = h.total
    seen += [r.epoch for r in h.since(sent)]
    assert seen == list(range(1, 2001))


def test_a_record_block_is_compact_on_the_wire_and_round_trips():
    records = [rec(e, acc=0.5) for e in range(1, 5001)]
    block = RecordBlock.of(records)
    wire = pickle.dumps(block)
    assert len(wire) < 5000 * len(FIELDS) * 8 + 1000  # one float64 array, no object per record
    again = pickle.loads(wire)
    assert list(again) == records and again[10:12] == records[10:12]
    assert (RecordBlock() + records[:2]) == records[:2] and (() + block)[-1] == records[-1]


def test_missing_values_are_none_after_a_round_trip():
    r = EpochRecord(1, 1, 10, 0.5, None, None, None, 0.1, 0.01)
    assert RecordBlock.of([r])[0] == r


@pytest.mark.parametrize("bad", [np.zeros((3, 4)), np.zeros(9)])
def test_a_block_of_the_wrong_shape_is_refused(bad):
    with pytest.raises(ValueError):
        RecordBlock(bad)
