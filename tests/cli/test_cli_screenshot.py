"""`tui-nn ... --screenshot PATH`: the app headless on the real trainer, the screen saved when the
run ends (or after --screenshot-after seconds), one line on stdout, nothing left behind."""

from __future__ import annotations

import io
import os
import signal
import tempfile
import threading
import time

import psutil
import pytest

import tui_nn.cli.screenshot as screenshot
import tui_nn.session.protocol.rendezvous as registry
import tui_nn.ui.link.runs as runs
from tui_nn.atomic import pid_alive

FAST = ("--speed", "max")
WAIT_SECONDS = 30.0  # for a trainer to appear (a loaded machine is slow to start one)


@pytest.fixture(autouse=True)
def private_temp(tmp_path, monkeypatch):
    """tempfile's folder (the trainer's scratch folder goes there) of this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def trainer_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "tui_nn.session.trainer.daemon" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # ended meanwhile
            pass
    return found


def assert_nothing_left(tmp_path, private_temp) -> None:
    assert not trainer_children()  # the trainer was stopped (and reaped), not left training
    assert not registry.trainers()
    assert not list(tmp_path.rglob(".*.tmp"))  # no temp file of the atomic write
    assert not list(private_temp.iterdir())  # the trainer's scratch folder is gone
    folder = runs.runs_dir()
    assert not folder.exists() or not list(folder.iterdir())  # the run was not saved


@pytest.mark.slow
def test_a_budget_saves_an_svg_of_the_finished_run(cli, tmp_path, private_temp):
    path = tmp_path / "xor.svg"
    result = cli("--dataset", "xor", "--epochs", "3", *FAST, "--screenshot", path)
    assert result.code == 0, result.err
    assert result.out == f"screenshot saved to {path}\n"
    svg = path.read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    shown = svg.replace("&#160;", " ")  # the text of the screen, in <text> elements
    for text in (">■ finished<", ">3/3 ", "> Network ", "> Training "):  # status line, panels
        assert text in shown, text
    assert_nothing_left(tmp_path, private_temp)


@pytest.mark.slow
def test_txt_saves_the_screen_as_text_at_the_size_asked(cli, tmp_path, private_temp):
    path = tmp_path / "xor.txt"
    args = ("--dataset", "xor", "--epochs", "2", *FAST, "--screenshot-size", "80x24")
    result = cli(*args, "--screenshot", path)
    assert result.code == 0, result.err
    lines = path.read_text().splitlines()
    assert len(lines) == 24 and max(len(line) for line in lines) <= 80
    status = lines[-2]
    assert "finished" in status and "2/2" in status, status
    assert_nothing_left(tmp_path, private_temp)


@pytest.mark.slow
def test_without_a_budget_it_pauses_after_the_seconds_given(cli, tmp_path, private_temp):
    path = tmp_path / "xor.txt"
    result = cli("--dataset", "xor", "--screenshot-after", "0.5", "--screenshot", path)
    assert result.code == 0, result.err
    status = path.read_text().splitlines()[-2]
    assert "paused" in status, status
    epoch = int(status.split("epoch ")[1].split()[0])
    assert epoch > 0  # it trained: at the default 30 epochs/s, about 15 epochs in 0.5 s
    assert_nothing_left(tmp_path, private_temp)


@pytest.mark.slow
def test_early_stopping_ends_the_wait_before_the_seconds(cli, tmp_path, private_temp):
    path = tmp_path / "circle.txt"
    args = ("--dataset", "circle", "--early-stopping", "1", *FAST, "--screenshot-after", "600")
    result = cli(*args, "--screenshot-size", "200x30", "--screenshot", path)  # room for the why
    assert result.code == 0, result.err
    status = path.read_text().splitlines()[-2]
    assert "finished" in status and "early stopping" in status, status


@pytest.mark.slow
def test_a_diverged_run_is_shot_and_said_on_stderr(cli, tmp_path, private_temp):
    path = tmp_path / "sine.txt"
    args = ("--dataset", "sine", "--activation", "relu", "--lr", "10", "--epochs", "3", *FAST)
    result = cli(*args, "--screenshot", path)
    assert result.code == 0, result.err
    assert result.out == f"screenshot saved to {path}\n"
    assert "diverged" in path.read_text().splitlines()[-2]
    assert "tui-nn: diverged:" in result.err
    assert_nothing_left(tmp_path, private_temp)


# ---- refused before anything starts --------------------------------------------------------


@pytest.fixture
def never_started(monkeypatch):
    def take(*args, **kwargs):
        raise AssertionError("the app was started")

    monkeypatch.setattr(screenshot, "take", take)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: (d / "shot.svg").mkdir() or d / "shot.svg", "is a directory"),
        (lambda d: os.mkfifo(d / "shot.svg") or d / "shot.svg", "is a FIFO"),
        (lambda d: d / "missing" / "shot.svg", "missing' does not exist"),
        (lambda d: d / "shot.png", "must end in .svg"),
    ],
)
def test_a_path_that_cannot_be_written_is_one_line_exit_2(
    cli, tmp_path, never_started, make, words
):
    path = make(tmp_path)
    result = cli("--dataset", "xor", "--screenshot", path)
    assert result.code == 2 and result.out == ""
    line = result.error_line
    assert line.startswith("tui-nn: error: --screenshot: ") and words in line, line
    if "missing" not in str(path):
        assert path.name in line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--screenshot-size", "120"), "expected WIDTHxHEIGHT like 120x40, got '120'"),
        (("--screenshot-size", "12x40"), "12x40 is out of range (columns 40-500, rows 12-200)"),
        (("--screenshot-size", "120x40x2"), "expected WIDTHxHEIGHT"),
        (("--screenshot-size=-80x24",), "expected WIDTHxHEIGHT"),
        (("--screenshot-after", "0"), "--screenshot-after: expected seconds > 0"),
        (("--screenshot-after", "nan"), "--screenshot-after: expected seconds > 0"),
        (("--screenshot-after", "soon"), "got 'soon'"),
        (("--sweep", "results"), "cannot be combined with --sweep"),
        (("--screenshot-keys", "T rihgt"), "--screenshot-keys: unknown key 'rihgt'"),
        (("--screenshot-keys", "  "), "--screenshot-keys: no keys given"),
    ],
)
def test_bad_screenshot_options_are_one_line_exit_2(cli, tmp_path, never_started, args, words):
    result = cli("--screenshot", tmp_path / "shot.svg", *args)
    assert result.code == 2 and words in result.error_line, result.err
    assert not (tmp_path / "shot.svg").exists()


def test_the_screenshot_options_need_a_path(cli, never_started):
    result = cli("--screenshot-size", "80x24")
    assert result.code == 2 and "--screenshot-size needs --screenshot PATH" in result.error_line
    result = cli("--screenshot-keys", "n")
    assert result.code == 2 and "--screenshot-keys needs --screenshot PATH" in result.error_line


@pytest.mark.slow
def test_keys_are_pressed_before_the_shot_and_what_they_ask_is_shown(cli, tmp_path, private_temp):
    """Trace mode and two steps forward: the panel shows the trainer's trace at step 3."""
    path = tmp_path / "xor.txt"
    args = ("--dataset", "xor", "--epochs", "2", *FAST, "--screenshot-keys", "T right right")
    result = cli(*args, "--screenshot", path)
    assert result.code == 0, result.err
    screen = path.read_text()
    assert "Trace a sample" in screen and "3/13 Forward, layer 3 (output)" in screen, screen
    assert_nothing_left(tmp_path, private_temp)


def test_key_names_that_are_taken():
    assert screenshot.parse_keys("T right  question_mark ? space ctrl+p") == (
        "T",
        "right",
        "question_mark",
        "?",
        "space",
        "ctrl+p",
    )


def test_sizes_and_seconds_that_are_taken():
    assert screenshot.parse_size("80x24") == (80, 24)
    assert screenshot.parse_size("200X60") == (200, 60)
    assert screenshot.parse_seconds("2.5") == 2.5


# ---- the trainer dies, the user interrupts ---------------------------------------------------


def when_training(action) -> threading.Thread:  # noqa: ANN001
    """Run `action(trainer_pid)` once a trainer has registered (the run is under way)."""

    def watch() -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            found = registry.trainers()
            if found:  # registered once its data is loaded: the app is running, waiting
                action(found[0].pid)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_a_trainer_that_dies_gives_one_line_exit_1_and_no_file(cli, tmp_path, private_temp):
    path = tmp_path / "shot.svg"
    pids = []
    thread = when_training(lambda pid: pids.append(pid) or os.kill(pid, signal.SIGKILL))
    result = cli("--dataset", "xor", "--screenshot-after", "600", "--screenshot", path)
    thread.join()
    assert pids and result.code == 1 and result.out == ""
    *progress, line = result.err.splitlines()  # progress lines if the wait was slow (loaded)
    assert all(p.startswith("tui-nn: training… ") for p in progress), result.err
    assert line.startswith("tui-nn: error: the trainer died: ") and "no screenshot saved" in line
    assert not path.exists() and not list(tmp_path.glob(".*.tmp"))
    assert not trainer_children()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "code", "said"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
def test_a_signal_during_the_wait_stops_all_and_saves_nothing(
    cli, tmp_path, private_temp, name, code, said
):
    path = tmp_path / "shot.svg"
    pids = []
    thread = when_training(
        lambda pid: pids.append(pid) or os.kill(os.getpid(), getattr(signal, name))
    )
    result = cli("--dataset", "xor", "--screenshot-after", "600", "--screenshot", path)
    thread.join()
    assert pids and result.code == code, result.err
    assert result.out == "" and f"tui-nn: {said}; no screenshot saved" in result.err
    assert not path.exists()
    assert not pid_alive(pids[0])  # the trainer is gone
    assert_nothing_left(tmp_path, private_temp)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_progress_is_a_line_now_and_then_off_a_terminal():
    stream = io.StringIO()
    progress = screenshot.ShotProgress(stream, after=5.0, delay=0.0, every=60.0)
    progress(3, None, 1.25)
    progress(4, None, 1.5)  # within `every`: not repeated
    assert stream.getvalue() == "tui-nn: training… epoch 3, 1.2 s of 5 s\n"
    budget = io.StringIO()
    screenshot.ShotProgress(budget, after=None, delay=0.0)(12, 50, 3.0)
    assert budget.getvalue() == "tui-nn: training… epoch 12/50\n"
