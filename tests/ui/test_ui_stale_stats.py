"""After a data change the heatmap shows no statistics until the first step on the new data."""

from __future__ import annotations

import pytest
from ui_helpers import screen_text, started, wait_for

from tui_nn.ui.neurons import NO_STEP_ON_NEW_DATA

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
        await pilot.press("g")  # new data: the fake trainer still sends the old step's stats
        await wait_for(pilot, lambda: app.last.run_id != run, "the new run")
        await wait_for(pilot, lambda: not heatmap(app).stats, "the stale stats cleared")
        assert app.last.layers  # they did arrive; the app does not show them
        assert heatmap(app).blank_text == NO_STEP_ON_NEW_DATA
        await wait_for(pilot, lambda: NO_STEP_ON_NEW_DATA in screen_text(app), "said")
        await stepped(pilot, app)  # the first step on the new data brings them back
        assert heatmap(app).blank_text != NO_STEP_ON_NEW_DATA


async def test_a_noise_edit_clears_them_too_but_a_reset_of_the_weights_does_not(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await stepped(pilot, app)
        run = app.last.run_id
        await pilot.press("r")  # same data: the (fake) trainer's stats are shown as they come
        await wait_for(pilot, lambda: app.last.run_id != run, "the reset")
        await pilot.pause()
        assert heatmap(app).stats
        field = app.query_one("#noise")
        field.focus()
        await pilot.pause()
        field.value = "0.2"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.last.dataset.noise == 0.2, "the new noise")
        await wait_for(pilot, lambda: not heatmap(app).stats, "the stale stats cleared")
        await pilot.press("escape")  # out of the fields (Enter moved to the next one)
        await stepped(pilot, app)


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
