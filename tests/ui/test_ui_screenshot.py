"""Screenshots go into the current folder (or the runs folder) and the app says where."""

from __future__ import annotations

import pytest
from ui_helpers import started, wait_for

import tui_nn.ui.screenshots.save as screenshot

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


async def test_the_key_saves_an_svg_in_the_current_folder_and_says_where(
    harness, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("S")
        await wait_for(pilot, lambda: app.said, "a message")
        saved = list(tmp_path.glob("tui-nn-*.svg"))
        assert len(saved) == 1 and saved[0].read_text().startswith("<svg")
        assert app.message_shown.text == f"screenshot saved to {saved[0]}"
        assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


async def test_the_palette_has_one_screenshot_command_and_it_is_ours(
    harness, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        commands = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        assert len(commands) == 1
        app.call_later(commands[0].callback)
        await wait_for(pilot, lambda: list(tmp_path.glob("tui-nn-*.svg")), "the file")


async def test_a_folder_that_cannot_take_it_falls_back_to_the_runs_folder(
    harness, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(screenshot, "screenshot_name", lambda: "shot.svg")
    (tmp_path / "shot.svg").mkdir()  # not a regular file: never written over
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("S")
        await wait_for(pilot, lambda: app.said, "a message")
        target = tmp_path / "runs" / "shot.svg"  # the harness's runs folder
        assert target.is_file() and app.message_shown.text.endswith(str(target))
        assert (tmp_path / "shot.svg").is_dir()
