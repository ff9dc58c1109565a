"""Helpers for the sweep tests: a tiny base configuration and `tui-nn` as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

TINY = """\
dataset = "circle"
samples = 120
hidden = "4"
batch-size = 20
"""


def tui_nn_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "tui_nn", *(str(a) for a in args)]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TUI_NN_DEBUG", None)
    return env


def run_command(*args: object, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        tui_nn_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=subprocess_env(),
    )
