"""A detached trainer keeps its run on disk while it trains (issue 25): the run file rewritten
at least every checkpoint_every seconds of training, quietly; after kill -9 it loads and holds
the run as it was at most that long before; the elapsed time survives --resume. Real
processes and sockets."""

from __future__ import annotations

import dataclasses
import os
import signal
import time

import pytest
from session_helpers import Collector, make_config
from test_session_detach import wait_until

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.files import load_model
from tui_nn.session.client.proxy import TrainingSession, ask
from tui_nn.session.protocol.messages import Snapshot, Start
from tui_nn.session.trainer.runner import Runner


def saved_epoch(run) -> int:
    try:
        return load_model(run).history[-1].epoch
    except Exception:  # not there yet
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("detached", [True, False], ids=["detached", "attached"])
def test_after_kill_9_the_run_file_holds_the_last_seconds(tmp_path, detached):
    every = 1.0
    config = dataclasses.replace(make_config(samples=400), checkpoint_every=every)
    sink = Collector()
    session = TrainingSession(sink, fps=10)
    run = tmp_path / "runs" / "run.npz"
    try:
        session.start(config, run_path=str(run), metrics_path=str(run.with_suffix(".jsonl")))
        sink.wait(lambda m: isinstance(m, Snapshot))
        session.send(Start())
        trainer_id, pid = session.trainer_id, session.pid
        if detached:
            session.detach()
        wait_until(lambda: saved_epoch(run) > 0, "the first checkpoint")
        first = saved_epoch(run)
        seen = []  # (time, epoch the trainer had reached)
        while not seen or seen[-1][0] - seen[0][0] < 3 * every:
            status = ask(trainer_id)
            seen.append((time.monotonic(), status.epoch))
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        wait_until(lambda: not rendezvous.pid_alive(pid), "the killed trainer gone")
    finally:
        session.close(timeout=2.0)
    saved = load_model(run)  # a whole file: written atomically
    kept = saved.history[-1].epoch
    assert kept > first  # rewritten while it trained
    before = [epoch for t, epoch in seen if t <= killed - (every + 1.0)]
    assert before and kept >= before[-1]  # no more than ~every (+ a second) was lost
    assert saved.elapsed is not None and saved.elapsed >= saved.history[-1].seconds
    if not detached:
        assert "checkpoint" not in " ".join(s.message for s in sink.snapshots())  # quietly


def test_a_checkpoint_is_quiet_and_a_failing_one_is_said_once(tmp_path):
    """The daemon's checkpoint (Control) with a real runner: the status line keeps its
    message; a failure says so once, and training goes on."""
    from tui_nn.session.protocol.hello import Launch
    from tui_nn.session.trainer.daemon import Control

    config = dataclasses.replace(make_config(), checkpoint_every=1.0)
    runner = Runner(config)
    runner.load()
    runner.apply(Start())
    for _ in range(30):
        runner.advance()
    runner.message = "running nicely"
    run = tmp_path / "run.npz"
    launch = Launch(config=config, fps=10.0, blas_threads=None, run_path=str(run))
    control = Control("t1", hub=None, runner=runner, launch=launch)
    control.checkpoint()
    assert load_model(run).history[-1].epoch == runner.trainer.epoch
    assert runner.message == "running nicely"
    run.unlink()
    run.mkdir()  # the run file's place taken by a folder: every save fails
    control.checkpoint()
    assert runner.message.startswith(f"checkpoint failed: cannot save to {run}")
    runner.message = "still running"
    control.checkpoint()
    assert runner.message == "still running"  # said once


def test_the_elapsed_time_survives_resume(tmp_path):
    """The wall-clock time the app shows (paced waits included) is saved and goes on."""
    config = make_config()
    runner = Runner(config)
    runner.load()
    runner.apply(Start())
    for _ in range(25):
        runner.advance()
    runner.stopwatch.total += 600.0  # ten minutes of paced training
    run = tmp_path / "run.npz"
    runner.write_run(str(run))
    assert load_model(run).elapsed >= 600.0
    again = Runner(config)
    again.load(str(run))
    snap = again.snapshot()
    assert snap.elapsed >= 600.0 and snap.epoch == runner.trainer.epoch
