"""Helpers for the app's tests: the app on the real trainer code in process (RunnerSession), or
on a fake that only publishes what a test tells it to; waiting on conditions, screen text."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable

from rich.console import Console
from runner_session import RunnerSession
from ui_fakes import FakeSession

from tui_nn.config import RunConfig
from tui_nn.ui.app import TuiNNApp, create_app

WAIT_SECONDS = 10.0  # generous: other work may share the two cores


class Harness:
    """The app plus its session (created by the app through the factory): the trainer's own
    code in process (RunnerSession), or with `fake=True` a FakeSession, for what is about
    drawing and timing only (it answers no command)."""

    def __init__(self, config: RunConfig, tmp_path, fake: bool = False, **kw) -> None:
        self.sessions: list = []
        self.kind = FakeSession if fake else RunnerSession
        self.app: TuiNNApp = create_app(
            config, session_factory=self._factory, runs_directory=tmp_path / "runs", **kw
        )

    def _factory(self, sink, fps: float = 10):
        session = self.kind(sink, fps=fps)
        self.sessions.append(session)
        return session

    @property
    def session(self):
        return self.sessions[-1]


async def wait_for(pilot, condition: Callable[[], object], what: str = "condition") -> None:
    """Let the app run until `condition()` is true (fails after WAIT_SECONDS)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()
        await asyncio.sleep(0)


async def started(pilot, harness: Harness) -> None:
    await wait_for(pilot, lambda: harness.app.last is not None, "the first snapshot")
    await pilot.pause()


def screen_text(app: TuiNNApp) -> str:
    """The screen as plain text, as a user would read it."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()
