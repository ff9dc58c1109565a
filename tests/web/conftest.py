"""Fixtures of the `tui-nn serve` tests: a server in this process whose tabs run a stand-in
app (fake_tab.py), and `tui-nn serve` as a real command (helpers: web_helpers.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from web_helpers import FAKE_TAB, ServeCommand

from tui_nn.web.server import ClassServer, ServeOptions


@pytest.fixture
async def fake_server(tmp_path):
    """`await fake_server(mode="ok", **options)`: a started ClassServer (port 0) whose tabs
    run fake_tab.py; its notes file is `server.notes`. Shut down after the test."""
    servers: list[ClassServer] = []

    async def make(mode: str = "ok", **options) -> ClassServer:
        notes = tmp_path / f"notes-{len(servers)}.txt"
        notes.touch()
        server = ClassServer(ServeOptions(port=0, **options), say=lambda line: None)
        server.argv = lambda kind, trainer_id, **_: [
            sys.executable,
            str(FAKE_TAB),
            str(notes),
            mode,
        ]
        server.notes = notes
        await server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        if server._runner is not None:
            await server.shutdown()


@pytest.fixture
def serve_command() -> Iterator:
    started: list[ServeCommand] = []

    def start(*args: str) -> ServeCommand:
        command = ServeCommand(list(args), env=dict(os.environ))
        started.append(command)
        return command

    yield start
    for command in started:
        command.kill()
