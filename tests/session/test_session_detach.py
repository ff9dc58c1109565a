"""Detached trainers with real processes and real sockets: detach, attach (the whole history,
then live), several apps at once, --list and --stop, the socket's privacy, a refused key."""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import sys
import time
from multiprocessing.connection import AuthenticationError, Client

import psutil
import pytest
from session_helpers import WAIT, Collector, make_config

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.files import load_model, read_metrics
from tui_nn.session.client.proxy import TrainingSession, ask
from tui_nn.session.protocol.messages import SetHyper, Snapshot, Start, Step, TrainerDied


def wait_until(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return value


@pytest.fixture
def started(tmp_path):
    """A trainer started by a session, with a run file and a metrics file."""
    sessions = []

    def start(config=None, sink=None):
        sink = sink or Collector()
        session = TrainingSession(sink, fps=20)
        sessions.append(session)
        run = tmp_path / "runs" / "run.npz"
        session.start(
            config or make_config(), run_path=str(run), metrics_path=str(run.with_suffix(".jsonl"))
        )
        sink.wait(lambda m: isinstance(m, Snapshot))
        return session, sink, run

    yield start
    for session in sessions:
        session.close(timeout=2.0)


def attach(trainer_id: str) -> tuple[TrainingSession, Collector]:
    sink = Collector()
    session = TrainingSession(sink, fps=20)
    session.attach(trainer_id)
    return session, sink


@pytest.mark.slow
def test_detach_keeps_training_and_attach_gets_the_whole_history_then_live(started):
    session, sink, run = started()
    n = sink.count
    session.send(Step(epoch=True))
    session.send(Step(epoch=True))
    sink.snap(n, state="paused", epoch=2)
    session.send(Start())
    trainer_id, pid = session.trainer_id, session.pid
    session.detach()
    assert not session.alive and rendezvous.pid_alive(pid)
    wait_until(lambda: run.exists(), "the run saved when the app left")
    wait_until(lambda: ask(trainer_id).epoch >= 5, "training on while detached")

    back, again = attach(trainer_id)
    try:
        first = again.wait(lambda m: isinstance(m, Snapshot))
        epochs = [r.epoch for r in first.records]
        assert epochs == list(range(1, len(epochs) + 1)) and len(epochs) >= 2  # all of it
        assert first.epoch >= epochs[-1]  # (epochs not yet published come next, once)
        assert first.data is not None  # and the data to draw
        later = again.wait(lambda m: isinstance(m, Snapshot) and m.epoch > first.epoch + 2)
        assert later.run_id == first.run_id
        seen = [r.epoch for s in again.snapshots() for r in s.records]
        assert seen == list(range(1, len(seen) + 1))  # no gap, no repeat
    finally:
        back.close(timeout=2.0)
    wait_until(lambda: not rendezvous.pid_alive(pid), "the stopped trainer to end")
    metrics = [r["epoch"] for r in read_metrics(run.with_suffix(".jsonl"))]
    assert metrics == list(range(1, len(metrics) + 1)) and len(metrics) >= later.epoch


@pytest.mark.slow
def test_a_second_attach_shows_it_too_and_does_not_break_the_first(started):
    session, sink, _ = started()
    other, sink2 = attach(session.trainer_id)
    try:
        sink2.wait(lambda m: isinstance(m, Snapshot))
        n1, n2 = sink.count, sink2.count
        other.send(Step(3))  # either app may steer it; both see the answer
        assert sink.snap(n1, state="paused").step == 3
        assert sink2.snap(n2, state="paused").step == 3
        other.detach()
        n1 = sink.count
        session.send(Step(2))
        assert sink.snap(n1, state="paused").step == 5 and session.alive
    finally:
        other.close()


@pytest.mark.slow
def test_list_and_stop_from_the_command_line(started, tmp_path):
    session, sink, run = started()
    n = sink.count
    session.send(Step(epoch=True))
    sink.snap(n, state="paused", epoch=1)
    trainer_id, pid = session.trainer_id, session.pid
    session.detach()
    cli = [sys.executable, "-m", "tui_nn", "attach"]
    listed = subprocess.run([*cli, "--list"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    header, row = listed.stdout.strip().splitlines()
    assert header.split() == ["ID", "DATASET", "NETWORK", "EPOCH", "STATE", "STARTED"]
    assert row.split()[:5] == [trainer_id, "xor", "2-8-8-1", "tanh", "1"]
    assert "paused" in row
    bad = subprocess.run([*cli, "--stop", "nope42"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "nope42" in bad.stderr
    stopped = subprocess.run([*cli, "--stop", trainer_id], capture_output=True, text=True)
    assert stopped.returncode == 0, stopped.stderr
    assert f"stopped trainer {trainer_id}" in stopped.stdout and str(run) in stopped.stdout
    assert not rendezvous.pid_alive(pid) and rendezvous.trainers() == []
    assert load_model(run).history[-1].epoch == 1
    none = subprocess.run(cli, capture_output=True, text=True, timeout=60)
    assert none.returncode == 2 and "no trainer is running" in none.stderr


@pytest.mark.slow
def test_the_socket_is_private_and_needs_the_secret(started):
    session, _, _ = started()
    folder = rendezvous.runtime_dir()
    sock = rendezvous.socket_path(session.trainer_id)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_ISSOCK(os.stat(sock).st_mode) and stat.S_IMODE(os.stat(sock).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder / "authkey").st_mode) == 0o600
    with pytest.raises(AuthenticationError):
        Client(str(sock), family="AF_UNIX", authkey=b"not the secret" * 3)
    conns = psutil.Process(session.pid).net_connections(kind="inet")
    assert conns == []  # nothing on TCP/UDP
    assert session.alive  # the refused connection did not disturb it
    assert ask(session.trainer_id).state == "idle"


@pytest.mark.slow
def test_a_finished_detached_run_is_saved_and_waits_paused_without_cpu(started):
    session, sink, run = started(make_config(epochs=3))
    session.send(Start())
    trainer_id, pid = session.trainer_id, session.pid
    session.detach()
    wait_until(lambda: ask(trainer_id).state == "finished", "the epoch budget")
    wait_until(lambda: run.exists() and load_model(run).history[-1].epoch == 3, "saved")
    proc = psutil.Process(pid)
    before = sum(proc.cpu_times()[:2])
    time.sleep(0.5)  # measuring idleness needs an interval (no condition to wait for)
    assert sum(proc.cpu_times()[:2]) - before < 0.1
    back, again = attach(trainer_id)  # still there to be attached, raised and continued
    try:
        snap = again.wait(lambda m: isinstance(m, Snapshot))
        assert snap.state == "finished" and snap.epoch == 3
        n = again.count
        back.send(SetHyper(dataclasses.replace(snap.hyper, epochs=4)))
        back.send(Start())
        assert again.snap(n, state="finished", epoch=4)
    finally:
        back.close()


@pytest.mark.slow
def test_sigterm_saves_the_run_and_ends_the_trainer(started):
    session, sink, run = started()
    n = sink.count
    session.send(Step(epoch=True))
    sink.snap(n, state="paused", epoch=1)
    pid = session.pid
    os.kill(pid, 15)
    died = sink.wait(lambda m: isinstance(m, TrainerDied))
    assert "stopped by SIGTERM" in died.message and "saved to" in died.message
    wait_until(lambda: not rendezvous.pid_alive(pid), "the trainer to end")
    assert load_model(run).history[-1].epoch == 1 and rendezvous.trainers() == []


def test_a_trainer_nobody_launches_ends_by_itself(monkeypatch):
    import tui_nn.session.client.proxy as proxy
    import tui_nn.session.trainer.daemon as daemon

    monkeypatch.setattr(daemon, "LAUNCH_SECONDS", 0.5)
    process = proxy.spawn(rendezvous.new_id())  # a new interpreter: the patch does not reach it
    try:
        # it waits LAUNCH_SECONDS (60 s) for its app; SIGTERM before a launch ends it too
        sock = wait_until(lambda: list(rendezvous.runtime_dir().glob("*.sock")), "its socket")
        process.terminate()
        assert process.wait(WAIT) == 0
        assert not sock[0].exists()
    finally:
        process.kill()


def test_a_runtime_folder_others_could_change_is_refused(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # writable by anyone, no sticky bit
    import platformdirs

    real = platformdirs.user_runtime_dir
    monkeypatch.setattr(platformdirs, "user_runtime_dir", lambda *a, **k: str(shared / "tui-nn"))
    with pytest.raises(rendezvous.RendezvousError, match="other users"):
        rendezvous.runtime_dir()
    monkeypatch.setattr(platformdirs, "user_runtime_dir", real)
    key_home = tmp_path / "private"
    key_home.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(key_home))
    assert rendezvous.runtime_dir() == key_home / "tui-nn"  # honours XDG_RUNTIME_DIR
    rendezvous.authkey()
    (key_home / "tui-nn" / "authkey").chmod(0o644)  # readable by others: not a secret
    with pytest.raises(rendezvous.RendezvousError, match="readable by others"):
        rendezvous.authkey()


def test_resuming_a_run_that_is_still_training_is_refused(tmp_path):
    import tui_nn.ui.link.runs as runs

    run = tmp_path / "run.npz"
    run.write_bytes(b"PK\x03\x04")
    info = rendezvous.TrainerInfo("abc123", os.getpid(), time.time(), "xor", "2-8-1", str(run))
    rendezvous.write_info(info)  # a live process registered as training this run
    with pytest.raises(runs.RunError, match="still training in trainer abc123"):
        runs.check_not_training(run)
    runs.check_not_training(tmp_path / "other.npz")  # another run: fine
    rendezvous.remove("abc123")
    runs.check_not_training(run)
