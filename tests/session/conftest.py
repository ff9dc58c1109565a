"""Fixtures for the session tests (helpers are in session_helpers.py)."""

from __future__ import annotations

import pytest
from session_helpers import Collector, make_config

from tui_nn.config import RunConfig
from tui_nn.session.client.proxy import TrainingSession


@pytest.fixture
def collector():
    return Collector()


@pytest.fixture
def open_session():
    """open_session(config, sink=..., fps=...) -> (session, collector, first snapshot)."""
    sessions: list[TrainingSession] = []

    def _open(config: RunConfig | None = None, sink: Collector | None = None, fps: float = 20):
        sink = sink or Collector()
        session = TrainingSession(sink, fps=fps)
        sessions.append(session)
        session.start(config or make_config())
        first = sink.wait(lambda m: True)
        return session, sink, first

    yield _open
    for session in sessions:
        session.close(timeout=2.0)
