"""Ctrl-C at any moment is a clean exit 130 (issue 25): while the command's modules are still
being imported (the first few tenths of a second) as well as while it runs. Real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("tui-nn")  # the console script people run


def numpy_loading(pid: int) -> bool:
    """Has the process begun importing NumPy (its C extension mapped)? From then on it is in
    tui-nn's own code: `main` imports the command's modules."""
    try:
        return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def interrupted(args: list[str], after: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        deadline = time.monotonic() + 30
        while not numpy_loading(proc.pid) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(after)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
@pytest.mark.parametrize("after", [0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.3])
@pytest.mark.parametrize(
    "args",
    [
        ["train", "--dataset", "digits", "--epochs", "50"],
        ["eval", "nothing.npz"],
        ["datasets"],
    ],
    ids=["train", "eval", "datasets"],
)
def test_ctrl_c_while_starting_is_a_clean_exit_130(args, after):
    result = interrupted(args, after)
    if result.returncode in (0, 2) and "interrupted" not in result.stderr:
        return  # it finished (or refused its input) before the signal came: nothing to see
    if result.returncode == -signal.SIGINT and not result.stderr.endswith("interrupted\n"):
        # The command had finished (its output, or its one error line, is whole) and the
        # interpreter was ending: Python puts SIGINT back to its default then, and the signal
        # ends the process as it ends any program (a shell says 130). No traceback.
        assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr
        assert result.stderr in ("", result.stderr.rstrip("\n") + "\n")
        return
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("tui-nn: interrupted")
