"""'Check gradients' in the palette: the trainer checks the current network, the app says
the worst relative error and ok / FAILED."""

from __future__ import annotations

import pytest
from runner_session import RunnerSession
from ui_helpers import started, wait_for

import tui_nn.engine.gradient_check as gradcheck
from tui_nn.config import RunConfig
from tui_nn.ui.app import create_app

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


class Started:
    def __init__(self, app, sessions):
        self.app, self.sessions = app, sessions


def app_with_runner(tmp_path):
    sessions = []

    def factory(sink, fps=10):
        sessions.append(RunnerSession(sink, fps))
        return sessions[-1]

    app = create_app(RunConfig(), session_factory=factory, runs_directory=tmp_path / "runs")
    return app, sessions


async def run_check(app, sessions, pilot):
    await started(pilot, Started(app, sessions))
    command = next(c for c in app.get_system_commands(app.screen) if c.title == "Check gradients")
    app.call_later(command.callback)  # as the palette runs it
    await wait_for(pilot, lambda: app.said, "the answer")
    return app.message_shown


async def test_check_gradients_from_the_palette_says_ok(tmp_path):
    app, sessions = app_with_runner(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        said = await run_check(app, sessions, pilot)
        assert said.text.startswith("gradient check: worst relative error ")
        assert said.text.endswith("(8 samples, float64): ok") and said.severity == "information"
        worst = float(said.text.split("error ")[1].split(" ")[0])
        assert worst < 1e-5


async def test_a_wrong_gradient_is_reported_failed(tmp_path, monkeypatch):
    monkeypatch.setattr(gradcheck, "gradient_check", lambda *a, **k: 0.5)
    app, sessions = app_with_runner(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        said = await run_check(app, sessions, pilot)
        assert "worst relative error 5.0e-01" in said.text and "FAILED" in said.text
        assert said.severity == "error"
