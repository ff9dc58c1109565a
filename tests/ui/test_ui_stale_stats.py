"""In a new run (new data, a reset) the heatmap shows no statistics until its first step: never
the old run's marks. On the trainer's own code (RunnerSession), and on a fake trainer that
still sends the old step's statistics after new data."""

from __future__ import annotations

import pytest
from ui_helpers import Harness, screen_text, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.ui.neurons import NO_STEP, NO_STEP_ON_NEW_DATA

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def heatmap(app):
    return app.query_one("NeuronHeatmap")


async def stepped(pilot, app) -> None:
    step = app.last.step
    await pilot.press("s")
    await wait_for(pilot, lambda: app.last.step > step and heatmap(app).stats, "a step's stats")


async def test_g_clears_the_heatmap_until_the_next_step(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await stepped(pilot, app)
        run = app.last.run_id
        await pilot.press("g")  # new data
        await wait_for(pilot, lambda: app.last.run_id != run, "the new run")
        await wait_for(pilot, lambda: not heatmap(app).stats, "the stale stats cleared")
        assert heatmap(app).blank_text == NO_STEP_ON_NEW_DATA
        await wait_for(pilot, lambda: NO_STEP_ON_NEW_DATA in screen_text(app), "said")
        await stepped(pilot, app)  # the first step on the new data brings them back
        assert heatmap(app).blank_text != NO_STEP_ON_NEW_DATA


async def test_a_reset_clears_them_until_the_first_step_and_a_noise_edit_too(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await stepped(pilot, app)
        run = app.last.run_id
        await pilot.press("r")  # new weights: the old marks are not theirs
        await wait_for(pilot, lambda: app.last.run_id != run, "the reset")
        await wait_for(pilot, lambda: not heatmap(app).stats, "the old marks cleared")
        assert heatmap(app).blank_text == NO_STEP
        await wait_for(pilot, lambda: NO_STEP in screen_text(app), "said")
        await stepped(pilot, app)  # the first step of the new run brings them
        field = app.query_one("#noise")
        field.focus()
        await pilot.pause()
        field.value = "0.2"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.last.dataset.noise == 0.2, "the new noise")
        await wait_for(pilot, lambda: not heatmap(app).stats, "the stale stats cleared")
        await pilot.press("escape")  # out of the fields (Enter moved to the next one)
        await stepped(pilot, app)


async def test_stale_statistics_sent_with_new_data_are_not_shown(tmp_path):
    """A trainer that sends the last step's statistics with new data (the fake does)."""
    harness = Harness(RunConfig(), tmp_path, fake=True)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(1)
        await wait_for(pilot, lambda: heatmap(app).stats, "a step's stats")
        harness.session.new_data(DatasetSpec("xor"))
        await wait_for(pilot, lambda: app.last.dataset.name == "xor", "the new data")
        assert app.last.layers  # they did arrive; the app does not show them
        await wait_for(pilot, lambda: not heatmap(app).stats, "the stale stats cleared")
        assert heatmap(app).blank_text == NO_STEP_ON_NEW_DATA


async def test_the_selected_neurons_old_numbers_go_too(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await stepped(pilot, app)
        heatmap(app).focus()
        await pilot.press("right")
        info = app.query_one("#neuron-info")
        await wait_for(pilot, lambda: info.has_class("-shown"), "the neuron's numbers")
        await pilot.press("g")
        await wait_for(pilot, lambda: not heatmap(app).stats, "the stale stats cleared")
        assert not info.has_class("-shown")
