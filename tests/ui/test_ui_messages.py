"""One message at a time, above the status line, naming the real reason."""

from __future__ import annotations

import pytest
from ui_helpers import started, wait_for

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


async def select_row(pilot, app, row: int) -> None:
    app.query_one("#layer-list").focus()
    app.query_one("#layer-list").highlighted = row
    await pilot.pause()


def toasts(app) -> list:
    return list(app.screen.query("Toast"))


async def test_a_refusal_typed_five_times_is_one_message(harness):
    app = harness.app
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot, harness)
        await select_row(pilot, app, 0)  # the input row: on 2-D data digits pick feature inputs
        await pilot.press(*"99999")  # there is no ninth: refused, five times
        await wait_for(pilot, lambda: len(app.said) >= 5, "five refusals")
        await pilot.pause()
        assert len(app._notifications) == 1  # (each stays 6 s: five would still be there)
        await wait_for(pilot, lambda: toasts(app), "a toast on screen")
        assert len(toasts(app)) == 1
        said = {s.text for s in app.said[-5:]}
        assert said == {app.message_shown.text} and "keys 1..7" in app.message_shown.text


async def test_messages_never_cover_the_status_line(harness):
    app = harness.app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(pilot, harness)
        await select_row(pilot, app, 0)
        await pilot.press("D")
        await wait_for(pilot, lambda: toasts(app), "a toast")
        await pilot.pause()
        status = app.query_one("StatusLine").region
        footer = app.query_one("Footer").region
        for toast in toasts(app):
            assert not toast.region.overlaps(status) and not toast.region.overlaps(footer)
            assert toast.region.bottom <= status.y


async def test_each_refusal_names_the_real_reason(harness):
    app = harness.app
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot, harness)
        await select_row(pilot, app, 0)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.said, "a refusal")
        assert app.message_shown.text.startswith("activation: the input layer has none")
        await pilot.press("D")
        await wait_for(pilot, lambda: len(app.said) == 2, "a second refusal")
        assert app.message_shown.text.startswith("delete: the input layer stays")
        out_row = len(app.last.network.hidden) + 1
        await select_row(pilot, app, out_row)
        await pilot.press("D")
        await wait_for(pilot, lambda: len(app.said) == 3, "a third refusal")
        assert app.message_shown.text.startswith("delete: the output layer stays")
        await pilot.press("plus")
        await wait_for(pilot, lambda: len(app.said) == 4, "a fourth refusal")
        assert "neurons: the input and output sizes follow the dataset" in app.message_shown.text
