"""The training speed limit: `<` and `>` step through the presets, the status line shows it,
and the app option `speed` starts with one (on the fake session)."""

from __future__ import annotations

import pytest
from ui_helpers import Harness, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import SetSpeed
from tui_nn.ui.app import create_app
from tui_nn.ui.launch import run_app
from tui_nn.ui.pace import SPEEDS, faster, slower
from tui_nn.ui.widgets.status_line import speed_text


def test_presets_step_up_and_down_and_stop_at_the_ends():
    assert slower(None) == 300.0 and faster(300.0) is None and faster(None) is None
    assert slower(1.0) == 1.0 and faster(1.0) == 3.0
    assert slower(50.0) == 30.0 and faster(50.0) == 100.0  # a speed between two presets
    assert slower(0.5) == 1.0
    walk, speed = [], None
    for _ in SPEEDS:
        speed = slower(speed)
        walk.append(speed)
    assert walk == sorted(SPEEDS, reverse=True)
    assert (speed_text(None), speed_text(10.0), speed_text(0.5)) == ("max", "10 ep/s", "0.5 ep/s")


@pytest.mark.slow
async def test_less_and_greater_send_set_speed_and_the_status_line_shows_it(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session, status = harness.session, app.query_one("StatusLine")
        assert "speed max" in status.plain and session.sent(SetSpeed) == []  # no limit at first
        await pilot.press(">")  # already as fast as it goes: nothing to send
        await pilot.press("<")
        await wait_for(pilot, lambda: app.last.speed == 300.0, "300 epochs/s")
        assert "speed 300 ep/s" in status.plain
        await pilot.press(*["<"] * 6)  # down to the slowest, where it stays
        await wait_for(pilot, lambda: app.last.speed == 1.0, "1 epoch/s")
        assert "speed 1 ep/s" in status.plain
        await pilot.press(">", ">")
        await wait_for(pilot, lambda: app.last.speed == 10.0, "10 epochs/s")
        assert "speed 10 ep/s" in status.plain
        await pilot.press(*[">"] * 4)
        await wait_for(pilot, lambda: app.last.speed is None, "no limit again")
        assert "speed max" in status.plain
        sent = [c.epochs_per_second for c in session.sent(SetSpeed)]
        assert sent == [300.0, 100.0, 30.0, 10.0, 3.0, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, None]


@pytest.mark.slow
async def test_the_compact_status_line_keeps_the_speed(harness):
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        harness.session.train_epochs(3)
        await pilot.press("<", "<", "<", "<")
        await wait_for(pilot, lambda: app.last.speed == 10.0, "10 epochs/s")
        status = app.query_one("StatusLine")
        await pilot.pause()
        line = str(status.render())
        assert "10 ep/s" in line and len(line) <= status.content_size.width


@pytest.mark.slow
async def test_the_speed_option_starts_with_a_limit(tmp_path):
    harness = Harness(RunConfig(), tmp_path, speed=50.0)
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await wait_for(pilot, lambda: app.last.speed == 50.0, "the limit asked for")
        assert harness.session.sent(SetSpeed) == [SetSpeed(50.0)]
        await pilot.press("<")  # to the next preset below
        await wait_for(pilot, lambda: app.last.speed == 30.0, "30 epochs/s")


def test_a_bad_speed_is_refused(tmp_path, capsys):
    for bad in (0.0, -2.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="speed must be"):
            create_app(RunConfig(), speed=bad)
        assert run_app(RunConfig(), speed=bad) == 2
        err = capsys.readouterr().err
        assert err.startswith("tui-nn: --speed must be") and err.count("\n") == 1


@pytest.mark.slow
async def test_resume_hands_the_model_to_the_session(tmp_path):
    harness = Harness(RunConfig(), tmp_path, initial_model=str(tmp_path / "run.npz"))
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        assert harness.session.initial_model == str(tmp_path / "run.npz")
        assert not app.said  # no "weights start afresh" fallback any more
