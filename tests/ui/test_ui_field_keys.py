"""Fields say which keys work in them, early stopping is a field, and a data change says what
it kept and what it restarted."""

from __future__ import annotations

import dataclasses

import pytest
from runner_session import RunnerSession
from ui_helpers import started, wait_for

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import SetHyper
from tui_nn.ui.app import create_app

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def footer_keys(app) -> set[str]:
    return {f"{key.key} {key.description}" for key in app.screen.query("FooterKey")}


async def test_in_a_field_the_footer_and_the_panel_say_what_the_keys_do(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        app.query_one("#lr").focus()
        await wait_for(pilot, lambda: "escape Leave" in footer_keys(app), "the field's keys")
        assert "tab Next field" in footer_keys(app)
        assert app.query_one("#hyper").border_subtitle == "enter applies"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is app.query_one("#layer-list"), "left")
        assert app.query_one("#hyper").border_subtitle == ""


async def test_early_stopping_is_a_field(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        stop = app.query_one("#early_stopping")
        assert stop.value == "" and stop.placeholder == "off"
        stop.focus()
        await pilot.pause()
        stop.value = "20"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.last.hyper.early_stopping == 20, "early stopping 20")
        assert harness.session.sent(SetHyper)[-1].hyper.early_stopping == 20
        stop.focus()
        await pilot.pause()
        stop.value = "off"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.last.hyper.early_stopping is None, "off again")
        stop.focus()
        await pilot.pause()
        stop.value = "0"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.said, "a refusal")
        assert app.message_shown.text.startswith("early stopping: ")


async def test_new_data_says_what_it_kept_and_restarted(tmp_path):
    sessions = []

    def factory(sink, fps=10):
        sessions.append(RunnerSession(sink, fps))
        return sessions[-1]

    config = dataclasses.replace(RunConfig())
    app = create_app(config, session_factory=factory, runs_directory=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, "the first snapshot")
        sessions[-1].train(2)
        await wait_for(pilot, lambda: app.last.epoch == 2, "two epochs")
        await pilot.press("g")
        await wait_for(pilot, lambda: app.said, "the data change")
        text = app.message_shown.text
        assert text == "new data: weights kept; epochs, curves and optimizer state restart"
        assert app.last.epoch == 0


def burst(app, *keys: str) -> None:
    """Keys as a terminal delivers them in one read (a fast typist over SSH, a paste, a
    script): all posted at once, none waited for."""
    from textual import events

    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t"}.get(key)
        app.post_message(events.Key(key, char))


async def test_keys_that_arrive_together_act_in_the_order_they_were_typed(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        field = app.query_one("#lr")
        field.focus()
        await pilot.pause()
        burst(app, "ctrl+u", "0", ".", "1", "enter")  # clear, type, apply
        await wait_for(pilot, lambda: app.last.hyper.lr == 0.1, "lr 0.1 applied")
        assert not app.refusals
        field.focus()
        await pilot.pause()
        burst(app, "end", "backspace", "5", "enter")  # edit the end
        await wait_for(pilot, lambda: app.last.hyper.lr == 0.5, "lr 0.5 applied")
        l1 = app.query_one("#l1")
        l1.focus()
        await pilot.pause()
        # on to the next field in the same burst: what follows the tab goes to L2, not L1
        burst(app, "ctrl+u", "0", ".", "1", "tab", "ctrl+u", "0", ".", "2", "enter")
        await wait_for(pilot, lambda: app.last.hyper.l2 == 0.2, "L2 0.2 applied")
        assert app.last.hyper.l1 == 0.1 and l1.value == "0.1" and not app.refusals
