"""The status line reads itself: labelled numbers, an ETA, a budget, numbers that fit, and a
narrow terminal that loses words, never values."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ui_fakes import FakeSession
from ui_helpers import Harness, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.ui.widgets.status_line import number, status_text


def snapshot(epochs: int = 2, budget: int | None = 50):
    out = []
    fake = FakeSession(out.append)
    fake.start(RunConfig())
    fake.state = "running"
    fake.hyper = fake.hyper.__class__(epochs=budget)
    fake.train_epochs(epochs)
    return replace(out[-1], eta_seconds=75.0)


def test_the_full_line_labels_every_number():
    text = status_text(snapshot()).plain
    for part in (
        "▶ running",
        "epoch 2/50",
        "ETA 1:15",
        "step 20",
        "speed max",
        "12.3k samples/s",
        "cost train 0.4480 test 0.5043",
        "acc train 68.0% test 65.0%",
        "elapsed 0:01",
    ):
        assert part in text, part


def test_120_columns_keep_the_words_train_and_test():
    line = status_text(snapshot(), width=118).plain
    assert len(line) <= 118
    assert "cost train 0.4480 test 0.5043" in line and "12.3k samples/s" in line
    assert "ETA 1:15" in line and "epoch 2/50" in line


def test_80_columns_drop_words_not_values_and_keep_train_and_test_named():
    snap = snapshot()
    line = status_text(snap, width=78).plain
    assert len(line) <= 78
    for value in ("2/50", "1:15", "12.3k/s", ".4480", ".5043", "68%", "65%", "0:01"):
        assert value in line, value
    # each set's numbers together, named: which is train and which is test stays readable
    assert "train .4480 68%" in line and "test .5043 65%" in line
    assert "speed" not in line and "samples/s" not in line  # less telling words went first
    regression = replace(snap, train_acc=None, test_acc=None)
    assert "train 0.4480  test 0.5043" in status_text(regression, width=78).plain
    assert "train .4480 68% test .5043 65%" in status_text(snap, width=40).plain


def test_a_budget_below_the_epochs_done_is_said_not_shown_as_a_fraction():
    snap = snapshot(epochs=60, budget=50)
    assert "epoch 60 (over budget 50)" in status_text(snap).plain
    assert "60/50" not in status_text(snap, width=78).plain


def test_huge_and_tiny_costs_fit():
    assert [number(v) for v in (1.7e35, 3.2e-6, 0.0131, 12.345, 1234.4, float("nan"))] == [
        "1.7e35",
        "3.2e-6",
        "0.0131",
        "12.35",
        "1234",
        "nan",
    ]
    snap = replace(snapshot(), train_loss=1.7e35, state="diverged", message="diverged: x")
    line = status_text(snap, width=78).plain
    assert "1.7e35" in line and len(line) <= 78


def test_the_minibatch_cost_shows_after_a_single_step():
    snap = replace(snapshot(epochs=0), state="paused", batch_loss=0.3125, train_loss=None)
    assert "batch 0.3125" in status_text(snap).plain
    later = replace(snapshot(), state="paused", batch_loss=0.3125, message="stepped")
    assert "batch 0.3125" in status_text(later).plain
    paused = replace(snapshot(), state="paused", batch_loss=0.3125, message="paused")
    assert "batch" not in status_text(paused).plain
    running = replace(snapshot(), batch_loss=0.3125)
    assert "batch" not in status_text(running).plain  # while training: the epoch's costs


def test_regression_shows_no_empty_accuracy():
    snap = replace(snapshot(), train_acc=None, test_acc=None)
    assert "acc" not in status_text(snap).plain


@pytest.mark.slow
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_line_on_screen_fits_and_is_labelled(tmp_path, size):
    harness = Harness(RunConfig(), tmp_path)
    app = harness.app
    async with app.run_test(size=size) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(3)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.state == "running", "running")
        status = app.query_one("StatusLine")
        await pilot.pause()
        line = status.shown
        assert len(line) <= status.content_size.width
        assert "running" in line and "3" in line
        if size[0] >= 120:
            assert "cost train" in line and "test" in line
        else:
            assert "train " in line and "test " in line and "cost" not in line
