"""For every test: a private runtime folder (trainer sockets) and data folder, so tests never
see the user's real trainers or runs; any trainer a test left running is killed afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile

import pytest


@pytest.fixture(autouse=True)
def private_dirs(monkeypatch, tmp_path_factory):
    runtime = tempfile.mkdtemp(prefix="tnr", dir="/tmp")  # short: a socket path has <108 bytes
    data = tmp_path_factory.mktemp("xdg-data")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    yield runtime
    kill_trainers(runtime)
    shutil.rmtree(runtime, ignore_errors=True)


def kill_trainers(runtime: str) -> None:
    import json

    folder = os.path.join(runtime, "tui-nn")
    if not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        if name.endswith(".json"):
            try:
                with open(os.path.join(folder, name)) as f:
                    pid = json.load(f)["pid"]
                if pid != os.getpid():  # a test may register this process as a stand-in
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError, KeyError):
                pass
