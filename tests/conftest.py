"""For every test: a private runtime folder (trainer sockets) and data folder, so tests never
see the user's real trainers or runs; any trainer a test left running is killed afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile

import pytest

# A shell that starts the tests in the background (`.ci/run &`) starts them with Ctrl-C ignored,
# and every process a test starts would inherit that: the tests of Ctrl-C need it as a terminal
# gives it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
AS_STARTED = {signum: signal.getsignal(signum) for signum in SIGNALS}


@pytest.fixture(autouse=True)
def signals_as_started():
    """Every test ends with the signal handlers this process started with. A command run in
    process that ends by Ctrl-C ignores SIGINT from then on (`errors.interrupted`: a real
    process is about to exit); left so, every process a later test starts would inherit the
    ignored Ctrl-C, and a test of Ctrl-C there would fail for a reason not its own."""
    yield
    for signum, handler in AS_STARTED.items():
        if signal.getsignal(signum) is not handler and handler is not None:
            signal.signal(signum, handler)


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
