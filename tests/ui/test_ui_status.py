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
    assert "batch 0.3125" in status_text(later, mid_epoch=True).plain
    assert "batch" not in status_text(later).plain  # the words say nothing: the steps do
    paused = replace(snapshot(), state="paused", batch_loss=0.3125, message="paused")
    assert "batch" not in status_text(paused).plain
    running = replace(snapshot(), batch_loss=0.3125)
    assert "batch" not in status_text(running).plain  # while training: the epoch's costs


async def test_the_app_shows_the_minibatch_cost_when_stopped_inside_an_epoch(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        line = app.query_one("StatusLine")
        await pilot.press("e")  # a whole epoch: its costs
        await wait_for(pilot, lambda: app.last.epoch == 1, "an epoch")
        assert "batch" not in line.plain
        await pilot.press("s")  # one step more: the weights are newer than the epoch's costs
        await wait_for(pilot, lambda: "batch" in line.plain, "the minibatch cost")
        assert f"batch {number(app.last.batch_loss)}" in line.plain
        await pilot.press("e")  # to the end of that epoch
        await wait_for(pilot, lambda: app.last.epoch == 2, "the second epoch")
        await wait_for(pilot, lambda: "batch" not in line.plain, "the epoch's costs only")


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


async def test_a_weight_set_by_hand_shows_the_same_new_cost_in_the_line_and_the_message(harness):
    from tui_nn.textbook.notation import Address

    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last.epoch == 1, "an epoch")
        before = app.last.train_loss
        answers = []
        app.diagram.after_set = lambda: answers.append(app.last)
        app.diagram.set_parameter(Address(layer=2, row=0, col=None), 60.0)  # the output bias: cost > 10
        await wait_for(pilot, lambda: answers, "the answer")
        cost = app.last.train_loss
        assert cost != before and cost > 10, cost
        shown = number(cost)
        await wait_for(pilot, lambda: app.message_shown is not None, "the message")
        assert app.message_shown.text.endswith(f"cost now {shown}"), app.message_shown.text
        line = app.query_one("StatusLine").plain
        assert f"cost {shown}" in line or f"train {shown}" in line, line


async def test_after_another_output_and_loss_the_line_shows_the_network_now(harness):
    """The accuracy on screen is the network's as it is now (recomputed by the trainer after
    the change), not the last epoch's of the old output layer (v0.2 kept 99.2 % on screen
    over a one-class boundary)."""
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train(30)
        await wait_for(pilot, lambda: app.last.epoch == 30, "30 epochs")
        trained = app.last.train_acc
        line = app.query_one("StatusLine")
        assert f"train {trained:.1%}" in line.plain
        await pilot.press("o")  # identity output, mse: the same weights answer differently
        await wait_for(pilot, lambda: app.last.network.output.activation == "identity", "o")
        now = app.last.train_acc
        assert now != trained
        await wait_for(pilot, lambda: f"train {now:.1%}" in line.plain, "the accuracy now")
        assert f"train {trained:.1%}" not in line.plain
