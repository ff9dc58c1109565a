"""The Training panel's `args` field: the learning-rate schedule's parameters as one line."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input
from ui_helpers import Harness, started, wait_for

import tui_nn.ui.panels.schedule_args as schedule_args
from tui_nn.config import RULES, RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.schedules import SCHEDULES
from tui_nn.engine.types import HyperParams
from tui_nn.session.protocol.messages import SetHyper
from tui_nn.ui.app import create_app
from tui_nn.ui.panels.fields import Refused

STEP = HyperParams(lr_schedule="step")  # every 10 x0.1
COSINE = HyperParams(lr_schedule="cosine")  # min 0, period 10 without an epoch budget


def test_every_schedule_has_its_parameters_listed():
    assert set(schedule_args.PARAMETERS) == set(SCHEDULES)
    for names in schedule_args.PARAMETERS.values():
        assert set(names) <= set(RULES)  # each checked by its option's rule


@pytest.mark.parametrize(
    "hyper, shown",
    [
        (HyperParams(), "–"),
        (STEP, "every 10 x0.1"),
        (replace(STEP, lr_step=3, lr_gamma=0.5), "every 3 x0.5"),
        (COSINE, "min 0 over 10"),  # no epoch budget: lr_step is the period
        (replace(COSINE, lr_min=1e-5, epochs=30), "min 1e-05"),  # the budget is the period
    ],
)
def test_shown(hyper, shown):
    assert schedule_args.show(hyper) == shown
    if shown != "–":  # what is shown reads back as the same parameters
        assert schedule_args.parse(hyper, shown) == hyper


@pytest.mark.parametrize(
    "hyper, text, changed",
    [
        (STEP, "every 20 x0.5", {"lr_step": 20, "lr_gamma": 0.5}),
        (STEP, "20 0.5", {"lr_step": 20, "lr_gamma": 0.5}),
        (STEP, "20, 0.5", {"lr_step": 20, "lr_gamma": 0.5}),
        (STEP, "every 5 epochs x 0.2", {"lr_step": 5, "lr_gamma": 0.2}),
        (STEP, "every5x0.2", {"lr_step": 5, "lr_gamma": 0.2}),
        (STEP, "gamma 0.5 step 4", {"lr_step": 4, "lr_gamma": 0.5}),
        (STEP, "x0.5", {"lr_gamma": 0.5}),  # the other one kept
        (STEP, "x0.5 7", {"lr_step": 7, "lr_gamma": 0.5}),
        (STEP, "every 7", {"lr_step": 7}),
        (replace(STEP, lr_step=3, lr_gamma=0.5), "", {"lr_step": 10, "lr_gamma": 0.1}),
        (COSINE, "min 1e-5", {"lr_min": 1e-5}),
        (COSINE, "1e-5", {"lr_min": 1e-5}),
        (COSINE, "min 0.001 over 20", {"lr_min": 0.001, "lr_step": 20}),
        (COSINE, "1e-3 20", {"lr_min": 0.001, "lr_step": 20}),
        (replace(COSINE, lr_min=0.01), "", {"lr_min": 0.0}),
    ],
)
def test_parsed(hyper, text, changed):
    assert schedule_args.parse(hyper, text) == replace(hyper, **changed)


def range_of(dest: str) -> str:
    return RULES[dest].describe()  # the rules table's words, not a copy of its limits


@pytest.mark.parametrize(
    "hyper, text, words",
    [
        (STEP, "every 0 x0.5", ["lr step", range_of("lr_step"), "'0'"]),
        (STEP, "every 2.5", ["lr step", range_of("lr_step")]),
        (STEP, "10 2", ["lr gamma", range_of("lr_gamma"), "'2'"]),
        (STEP, "10 0", ["lr gamma", range_of("lr_gamma")]),
        (STEP, "10 -0.5", ["lr gamma", range_of("lr_gamma")]),
        (STEP, "10 0.5 3", ["takes 2 values", "lr step, lr gamma"]),
        (STEP, "min 0.1", ["has no lr min", "lr step, lr gamma"]),
        (STEP, "fast", ["'fast'", "every 10 x0.5"]),
        (STEP, "every", ["lr step needs a number"]),
        (COSINE, "min -1", ["lr min", range_of("lr_min")]),
        (COSINE, "min nan", ["'nan'"]),
        (COSINE, "min 0.5", ["lr min", "above the learning rate 0.03"]),
        (COSINE, "over 0", ["lr step", range_of("lr_step")]),
        (COSINE, "x0.5", ["has no lr gamma"]),
        (replace(COSINE, epochs=30), "min 0 over 20", ["epoch budget (30 epochs)"]),
        (HyperParams(), "10", ["constant schedule has no parameters"]),
    ],
)
def test_refused_with_the_parameter_and_its_range(hyper, text, words):
    with pytest.raises(Refused) as refused:
        schedule_args.parse(hyper, text)
    message = str(refused.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (text, message)


# ---- in the app -----------------------------------------------------------------------------


def submit(app, field_id: str, text: str) -> None:
    field = app.query_one(f"#{field_id}", Input)
    field.value = text
    field.post_message(Input.Submitted(field, text))


@pytest.mark.slow
async def test_the_args_follow_the_schedule_and_reach_the_trainer(tmp_path):
    harness = Harness(RunConfig(), tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        args = app.query_one("#lr_args", Input)
        assert args.disabled and args.value == "–"  # constant: nothing to set

        app.query_one("#lr_schedule").value = "step"
        await wait_for(pilot, lambda: app.last.hyper.lr_schedule == "step", "step")
        assert not args.disabled and args.value == "every 10 x0.1"

        submit(app, "lr_args", "20 0.5")
        await wait_for(pilot, lambda: app.last.hyper.lr_step == 20, "the new step")
        sent = harness.session.sent(SetHyper)[-1].hyper
        assert (sent.lr_schedule, sent.lr_step, sent.lr_gamma) == ("step", 20, 0.5)
        assert app.last.hyper.lr_gamma == 0.5  # the (fake) trainer's hyper
        assert args.value == "every 20 x0.5"

        n_sent = len(harness.session.sent(SetHyper))
        submit(app, "lr_args", "every 20 x1.5")
        await wait_for(pilot, lambda: app.refusals, "the refusal")
        assert app.refusals[-1].startswith("lr gamma: '1.5' is out of range")
        assert range_of("lr_gamma") in app.message_shown.text  # on screen
        assert args.value == "every 20 x0.5"  # the previous value
        assert len(harness.session.sent(SetHyper)) == n_sent

        app.query_one("#lr_schedule").value = "cosine"
        await wait_for(pilot, lambda: app.last.hyper.lr_schedule == "cosine", "cosine")
        assert args.value == "min 0 over 20"  # no epoch budget: lr_step is its period
        submit(app, "lr_args", "min 1e-4")
        await wait_for(pilot, lambda: app.last.hyper.lr_min == 1e-4, "lr min")
        submit(app, "epochs", "30")
        await wait_for(pilot, lambda: app.last.hyper.epochs == 30, "a budget")
        assert args.value == "min 0.0001"  # the budget is the period now

        app.query_one("#lr_schedule").value = "constant"
        await wait_for(pilot, lambda: app.last.hyper.lr_schedule == "constant", "constant")
        assert args.disabled and args.value == "–"


@pytest.mark.slow
async def test_the_real_trainer_decays_the_rate_as_the_args_say(tmp_path):
    config = RunConfig(
        dataset=DatasetSpec(name="circle", samples=100), hyper=HyperParams(lr_schedule="step")
    )
    app = create_app(config, runs_directory=tmp_path / "runs")
    records = []  # every epoch record the trainer sends, as the app receives them
    show = app.show
    app.show = lambda update: (records.extend(update.records), show(update))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, "the trainer's first snapshot")
        assert app.query_one("#lr_args", Input).value == "every 10 x0.1"
        submit(app, "lr_args", "every 1 x0.5")
        await wait_for(pilot, lambda: app.last.hyper.lr_step == 1, "the trainer's hyper")
        assert app.last.hyper.lr_gamma == 0.5
        await pilot.press("escape", "e")
        await wait_for(pilot, lambda: app.last.epoch >= 1, "epoch 1")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last.epoch >= 2, "epoch 2")
        await wait_for(pilot, lambda: len({r.epoch for r in records}) >= 2, "two records")
        rates = {r.epoch: r.lr for r in records}
        lr = config.hyper.lr
        assert [rates[1], rates[2]] == pytest.approx([lr, lr * 0.5])  # halved every epoch
