"""The app with the real trainer process, and the real `python -m tui_nn` in a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from ui_helpers import wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.ui.app import create_app

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

try:
    from tui_nn.files import load_model
    from tui_nn.session.client.proxy import TrainingSession  # noqa: F401
except ImportError as exc:  # pragma: no cover
    pytest.skip(
        f"the real session or model files are not importable: {exc}", allow_module_level=True
    )

SMALL = RunConfig(dataset=DatasetSpec(name="circle", samples=200))
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
EPOCH = re.compile(r"epoch\s+([0-9][0-9,]*)")


async def test_trains_with_the_real_session_and_saves_on_quit(tmp_path):
    app = create_app(SMALL, runs_directory=tmp_path / "runs")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, "the trainer's first snapshot")
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.epoch >= 3, "3 epochs")
        assert len(app.query_one("CostPlot").history) >= 3
        await pilot.press("plus")  # a live edit while training
        await wait_for(pilot, lambda: app.last.network.sizes[1] == 9, "9 neurons in h1")
        await pilot.press("q")
        await wait_for(pilot, lambda: app._exit, "exit")
    saved = load_model(app.return_value)
    assert Path(app.return_value).parent == tmp_path / "runs"
    assert saved.spec.sizes[1] == 9 and len(saved.history) >= 3


# ---- the real program in a pseudo-terminal --------------------------------------------------


class Terminal:
    """`python -m tui_nn ARGS` on a 120x40 pseudo-terminal; keeps reading what it writes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        pid, fd = os.forkpty()
        if pid == 0:  # the child: becomes the app
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.execve(sys.executable, [sys.executable, "-m", "tui_nn", *args], env)
        self.pid, self.fd = pid, fd
        self.output = b""
        self.status: int | None = None

    def read(self, seconds: float = 0.1) -> None:
        if self.fd < 0:  # closed: nothing more to read
            time.sleep(seconds)
            return
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            try:
                self.output += os.read(self.fd, 65536)
            except OSError:  # the child closed the terminal
                time.sleep(seconds)

    def text(self) -> str:
        return ANSI.sub(b"", self.output).decode("utf-8", "replace")

    def wait_text(self, condition, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.text()):
            if time.monotonic() > deadline or self.exited():
                tail = self.text()[-600:]
                raise AssertionError(f"timed out waiting for {what}; screen tail: {tail!r}")
            self.read()

    def exited(self, timeout: float = 0.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
            if time.monotonic() > deadline:
                return False
            self.read(0.05)
        return True

    def close(self) -> None:
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            self.exited(5)
        if self.fd >= 0:
            os.close(self.fd)


def trained_epochs(text: str) -> int:
    found = EPOCH.findall(text)
    return int(found[-1].replace(",", "")) if found else 0


@pytest.fixture
def app_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", TUI_NN_DATA_DIR=str(tmp_path), COLUMNS="120", LINES="40")
    return env


def test_the_program_trains_in_a_terminal_and_quits_cleanly(app_env, tmp_path):
    term = Terminal(["--samples", "200"], app_env)
    try:
        term.wait_text(lambda t: "ready" in t, "the app's first screen")
        os.write(term.fd, b" ")
        term.wait_text(lambda t: trained_epochs(t) > 0, "an epoch > 0 on screen")
        os.write(term.fd, b"q")
        assert term.exited(timeout=20), "the app did not exit after q"
        assert os.WIFEXITED(term.status) and os.WEXITSTATUS(term.status) == 0
        term.wait_text(lambda t: "saved this run to" in t, "where the run was saved", 5)
    finally:
        term.close()
    runs = list((tmp_path / "runs").glob("*.npz"))
    assert len(runs) == 1 and load_model(runs[0]).history


def wait_until(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def test_losing_the_terminal_detaches_and_attach_brings_it_back_live(app_env, tmp_path):
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.session.client.proxy import ask

    term = Terminal(["--samples", "200", "--speed", "40"], app_env)
    try:
        term.wait_text(lambda t: "ready" in t, "the app's first screen")
        os.write(term.fd, b" ")
        term.wait_text(lambda t: trained_epochs(t) > 0, "an epoch > 0 on screen")
        # The terminal goes away: as a shell does for its jobs, SIGHUP to the whole process
        # group, then the terminal. The trainer, in a session of its own, trains on.
        os.killpg(term.pid, signal.SIGHUP)
        os.close(term.fd)
        term.fd = -1
        assert term.exited(timeout=20), "the app did not end after losing its terminal"
    finally:
        term.close()
    (info,) = wait_until(rendezvous.trainers, "the trainer in the runtime folder")
    first = ask(info.id)
    assert first.state == "running" and first.clients == 0
    runs = wait_until(lambda: list((tmp_path / "runs").glob("*.npz")), "the run saved on detach")
    assert load_model(runs[0]).history
    wait_until(lambda: ask(info.id).epoch > first.epoch, "training going on, detached")

    again = Terminal(["attach"], app_env)
    try:
        again.wait_text(lambda t: trained_epochs(t) > first.epoch, "the run back on screen")
        seen = trained_epochs(again.text())
        again.wait_text(lambda t: trained_epochs(t) > seen, "live epochs after attaching")
        os.write(again.fd, b"q")
        assert again.exited(timeout=20), "the attached app did not exit after q"
        assert os.WIFEXITED(again.status) and os.WEXITSTATUS(again.status) == 0
        again.wait_text(lambda t: "saved this run to" in t, "where the run was saved", 5)
    finally:
        again.close()
    wait_until(lambda: not rendezvous.pid_alive(info.pid), "the stopped trainer to end")
    assert rendezvous.trainers() == []
    assert load_model(runs[0]).history[-1].epoch > seen - 1


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_killing_the_tmux_window_under_the_app_leaves_training_to_attach(app_env, tmp_path):
    """As a user sees it: the app in tmux, the tmux session killed (its terminal gone), then
    `tui-nn attach` in a new one shows the run, live."""
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.session.client.proxy import ask

    server = f"tuinn-test-{os.getpid()}"
    tmux = ["tmux", "-L", server]
    app = f"{sys.executable} -m tui_nn --samples 200 --speed 40"
    env = {**app_env, "TMUX": ""}

    def screen(target: str) -> str:
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", target], capture_output=True, text=True, env=env
        ).stdout

    try:
        subprocess.run([*tmux, "new", "-d", "-s", "one", "-x", "120", "-y", "40", app], env=env)
        wait_until(lambda: "ready" in screen("one"), "the app in tmux")
        subprocess.run([*tmux, "send-keys", "-t", "one", "space"], env=env)
        wait_until(lambda: trained_epochs(screen("one")) > 0, "training in tmux")
        subprocess.run([*tmux, "kill-session", "-t", "one"], env=env)
        (info,) = wait_until(rendezvous.trainers, "the trainer, detached")
        epoch = wait_until(lambda: ask(info.id).epoch, "its epoch")
        wait_until(lambda: ask(info.id).epoch > epoch, "training on without a terminal")
        attach = f"{sys.executable} -m tui_nn attach"
        subprocess.run([*tmux, "new", "-d", "-s", "two", "-x", "120", "-y", "40", attach], env=env)
        seen = wait_until(lambda: trained_epochs(screen("two")) > epoch and screen("two"), "back")
        wait_until(lambda: trained_epochs(screen("two")) > trained_epochs(seen), "live again")
        assert "running" in screen("two")
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, capture_output=True)


async def test_a_classification_loss_on_a_regression_csv_is_refused_in_the_app(tmp_path):
    rows = "".join(f"{i / 10:.1f},{(i % 7) / 3:.3f},{0.5 * i - 3.25:.2f}\n" for i in range(60))
    data = tmp_path / "reg.csv"
    data.write_text("a,b,level\n" + rows)
    config = RunConfig(dataset=DatasetSpec(name="csv", path=str(data)), hidden=(4,))
    app = create_app(config, runs_directory=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None and app.last.network, "the trainer")
        assert app.last.network.loss == "mse"
        await pilot.press("c")  # the next loss: bce (with a sigmoid output)
        await wait_for(pilot, lambda: app.refusals, "the trainer's refusal")
        assert "loss bce needs class labels" in app.refusals[0]
        assert "real-valued (regression)" in app.refusals[0]
        assert any("needs class labels" in n.message for n in app._notifications)
        await pilot.pause()
        assert app.last.network.loss == "mse" and app.last.network.output.activation == "identity"
        assert app.query_one("ArchitecturePanel").spec.loss == "mse"  # the panel shows it again
