"""A headless run with --save keeps its run on disk while it trains (issue 25): checkpoints at
least every --checkpoint-every seconds, a kill -9 loses no more than that, and a run stopped
by a signal inside an epoch says the numbers of the weights it saved."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

import tui_nn.cli.headless_run as headless_run
from tui_nn.autosave import Autosave
from tui_nn.files import load_model, read_metrics


class Clock:
    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_the_autosave_clock_prefers_epoch_ends_and_never_waits_longer_than_its_period():
    clock = Clock()
    auto = Autosave(30.0, clock)
    clock.now = 10.0
    assert not auto.due(epoch_end=True)  # 10 s epochs: the next end (20 s) is in time
    clock.now = 20.0
    assert not auto.due(epoch_end=True)
    clock.now = 30.0
    assert auto.due(epoch_end=True)  # the end after this one would be 40 s: save now
    auto.saved()
    clock.now = 50.0
    assert not auto.due(epoch_end=False)  # 20 s into a long epoch
    clock.now = 60.0
    assert auto.due(epoch_end=False)  # 30 s, inside the epoch: the deadline has come
    auto.saved()
    clock.now = 1000.0
    auto.restart()  # paused meanwhile: the pause is not training time
    clock.now = 1010.0
    assert not auto.due(epoch_end=False) and auto.saves == 2
    assert not Autosave(None, clock).due(epoch_end=True)
    short = Autosave(30.0, clock)
    assert short.long_epochs  # unknown until an epoch ends: look inside it
    clock.now += 1.0
    short.due(epoch_end=True)
    assert not short.long_epochs  # 1 s epochs: the epoch ends are enough


def test_train_saves_checkpoints_as_it_trains(cli, tmp_path, monkeypatch):
    """Every save is the run so far: a growing history, each checkpoint loadable."""
    saved = []
    real_save = headless_run.HeadlessRun.save

    def save(self, path):
        real_save(self, path)
        saved.append(load_model(path).history[-1].epoch)

    monkeypatch.setattr(headless_run.HeadlessRun, "save", save)
    monkeypatch.setattr(
        headless_run, "Autosave", lambda every: Autosave(every, Clock(step=0.4))
    )  # 0.4 s of "training" between two looks at the clock (epoch ends here): every 2 epochs
    args = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--batch-size", "4")
    result = cli(
        "train", *args, "--epochs", "30", "--checkpoint-every", "1", "--save", tmp_path / "m.npz"
    )
    assert result.code == 0, result.err
    assert len(saved) > 10 and saved == sorted(saved) and saved[-1] == 30
    assert (
        cli(
            "train",
            *args,
            "--epochs",
            "30",
            "--checkpoint-every",
            "off",
            "--save",
            tmp_path / "n.npz",
        ).code
        == 0
    )
    assert len(saved) == 31  # off: the one save at the end


def test_a_failing_checkpoint_is_said_once_and_training_goes_on(cli, tmp_path, monkeypatch):
    from tui_nn.files import ModelFileError

    calls = []
    real_save = headless_run.HeadlessRun.save

    def save(self, path):
        calls.append(path)
        if len(calls) < 3:
            raise ModelFileError(f"cannot write {path}: No space left on device")
        real_save(self, path)

    monkeypatch.setattr(headless_run.HeadlessRun, "save", save)
    monkeypatch.setattr(headless_run, "Autosave", lambda every: Autosave(every, Clock(step=1.0)))
    args = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--epochs", "5")
    result = cli("train", *args, "--checkpoint-every", "1", "--save", tmp_path / "m.npz")
    assert result.code == 0, result.err
    assert result.err.count("checkpoint failed") == 1 and "No space left" in result.err
    assert len(calls) == 6 and load_model(tmp_path / "m.npz").history[-1].epoch == 5


def start(tmp_path, *extra):
    model, metrics = tmp_path / "m.npz", tmp_path / "m.jsonl"
    cmd = [sys.executable, "-m", "tui_nn", "train", "--dataset", "digits", "--batch-size", "8"]
    cmd += ["--epochs", "100000", "--save", str(model), "--metrics", str(metrics), "--quiet"]
    proc = subprocess.Popen(
        [*cmd, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return proc, model, metrics


def wait_for(condition, proc, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def epochs_in(metrics) -> list[dict]:
    try:
        return read_metrics(metrics)
    except (OSError, ValueError):  # a line being written
        return []


@pytest.mark.slow
def test_after_kill_9_the_run_loads_and_holds_an_epoch_from_the_last_seconds(cli, tmp_path):
    every = 2.0
    proc, model, metrics = start(tmp_path, "--checkpoint-every", str(every))
    try:
        wait_for(lambda: model.exists(), proc)  # the first checkpoint
        first = load_model(model).history[-1]
        later = first.seconds + 2.5 * every  # two more checkpoints, and half way to a third

        wait_for(lambda: (e := epochs_in(metrics)) and e[-1]["seconds"] > later, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    reached = read_metrics(metrics)[-1]  # every finished epoch is in the metrics file
    saved = load_model(model)
    kept = saved.history[-1]
    assert kept.epoch > first.epoch  # checkpoints went on after the first
    lost = reached["seconds"] - kept.seconds  # training time not in the file
    assert 0 <= lost <= every + 1.0, (reached, kept)
    assert saved.elapsed is not None and saved.elapsed >= kept.seconds
    result = cli("train", "--load", model, "--epochs", "1", "--save", model)
    assert result.code == 0, result.err  # the killed run continues
    assert load_model(model).history[-1].epoch == kept.epoch + 1


NUMBERS = re.compile(r"test loss ([\d.e-]+) acc ([\d.]+)%")


@pytest.mark.slow
def test_a_signal_inside_an_epoch_prints_the_numbers_of_the_saved_weights(cli, tmp_path):
    proc, model, metrics = start(tmp_path)
    try:
        wait_for(lambda: len(epochs_in(metrics)) >= 3, proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    summary = out.splitlines()[0]
    loss, acc = NUMBERS.search(summary).groups()
    evaluated = cli("eval", model)
    assert evaluated.code == 0
    eval_loss = float(re.search(r"^loss ([\d.e-]+)$", evaluated.out, re.M).group(1))
    eval_acc = float(re.search(r"^accuracy ([\d.]+)%", evaluated.out, re.M).group(1))
    assert float(loss) == pytest.approx(eval_loss, rel=1e-3)  # the summary prints 4 digits
    assert float(acc) == round(eval_acc, 1)
    if "steps of epoch" in summary:  # stopped inside an epoch (nearly always)
        kept = load_model(model).history[-1].epoch
        assert f"interrupted after {kept} epochs and " in summary
