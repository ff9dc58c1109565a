"""Helpers of the `tui-nn serve` tests: waiting on conditions (in a test's event loop or not),
and `tui-nn serve` as a real command whose output lines are collected."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

FAKE_TAB = Path(__file__).with_name("fake_tab.py")
URL = re.compile(r"http://\S+")
WAIT = 60.0


async def until(condition, what: str, timeout: float = WAIT):  # noqa: ANN001, ANN201
    """Wait for `condition()` without blocking the event loop (the server runs on it)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
    return value


def wait_until(condition, what: str, timeout: float = WAIT):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


class ServeCommand:
    """`tui-nn serve ...` running in a process of its own; its output lines are collected."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui_nn", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.urls = wait_until(lambda: self._urls(), "the server's link")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def _urls(self) -> list[str] | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"tui-nn serve ended: {self.lines}")
        found = [m.group(0) for line in self.lines for m in URL.finditer(line)]
        return found or None

    @property
    def url(self) -> str:
        return self.urls[0]

    @property
    def base(self) -> str:
        return self.url.split("/?", 1)[0]

    def interrupt(self, timeout: float = WAIT) -> int:
        """Ctrl-C; the exit code."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        """End it as a person would (Ctrl-C: the tabs and the runs end with it); killed if
        that does not work."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
