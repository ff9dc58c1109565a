"""The trainer process's life: start-up, stop, crash reports, no orphans."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import psutil
import pytest
from session_helpers import WAIT, make_config

from tui_nn.data.spec import DatasetSpec
from tui_nn.session.client.proxy import SessionClosed
from tui_nn.session.protocol.messages import (
    InjectFault,
    Reset,
    SetView,
    Snapshot,
    Start,
    Step,
    TrainerDied,
)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(pid: int, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while not gone(pid) and time.monotonic() < deadline:
        try:
            psutil.Process(pid).wait(timeout=0.05)
        except (psutil.TimeoutExpired, psutil.NoSuchProcess):
            pass
    return gone(pid)


def test_the_session_layer_does_not_import_textual():
    code = (
        "import sys, tui_nn.session, tui_nn.session.trainer.loop, tui_nn.session.trainer.runner;"
        "assert 'textual' not in sys.modules, 'session pulled in textual'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_first_snapshot_describes_the_run(open_session):
    session, sink, first = open_session()
    assert isinstance(first, Snapshot)
    assert (first.state, first.step, first.epoch, first.records) == ("idle", 0, 0, ())
    assert first.network.sizes == (2, 8, 8, 1)
    assert first.data is not None and first.data.n_train == 100 and first.data.n_test == 100
    assert first.data.points_train.shape == (100, 2)
    assert first.data.points_train.dtype == np.float32
    assert first.grid is not None and first.grid.values.shape == (24, 48)
    assert first.grid.kind == "probability"
    assert session.alive and session.startup_seconds is not None


def test_stop_ends_a_busy_trainer_quickly(open_session):
    session, sink, _ = open_session(make_config("circle", samples=20_000))
    n = sink.count
    session.send(Start())
    sink.wait(lambda m: isinstance(m, Snapshot) and m.step > 100, since=n)
    process = psutil.Process(session.pid)
    started = time.perf_counter()
    session.close(timeout=2.0)
    latency = time.perf_counter() - started
    assert gone(process.pid)
    assert latency < 2.0, f"stop took {latency:.2f} s"
    assert not any(isinstance(m, TrainerDied) for m in sink.items)  # asked to stop: no report
    with pytest.raises(SessionClosed):
        session.send(Start())


def test_unexpected_death_is_reported(open_session):
    session, sink, _ = open_session()
    os.kill(session.pid, 9)
    died = sink.wait(lambda m: isinstance(m, TrainerDied))
    assert died.exitcode == -9 and "killed by signal 9" in died.message
    assert not session.alive


def test_an_exception_in_the_trainer_becomes_an_error_snapshot(open_session):
    session, sink, _ = open_session()
    n = sink.count
    session.send(InjectFault("boom in step"))
    session.send(Step(3))
    err = sink.snap(n, state="error")
    assert "RuntimeError: boom in step" in err.message
    assert "Traceback" in err.error_detail
    assert session.alive  # the process waits for commands; Reset recovers
    n = sink.count
    session.send(Reset())
    session.send(Step(2))
    assert sink.snap(n, state="paused").step == 2


def test_a_dataset_that_cannot_load_is_reported_not_fatal(open_session):
    bad = make_config()
    bad = type(bad)(dataset=DatasetSpec(name="no-such-set"), hyper=bad.hyper)
    session, sink, first = open_session(bad)
    assert first.state == "error" and "unknown dataset" in first.message
    n = sink.count
    session.send(Start())
    assert "no network" in sink.wait(lambda m: True, since=n).message


@pytest.mark.slow
def test_paused_trainer_uses_no_cpu(open_session):
    session, sink, _ = open_session()
    n = sink.count
    session.send(Step(5))
    sink.snap(n, state="paused")
    process = psutil.Process(session.pid)
    before = sum(process.cpu_times()[:2])
    n = sink.count
    # a bounded observation window: nothing may happen in it
    with pytest.raises(AssertionError):
        sink.wait(lambda m: True, since=n, timeout=0.5)
    used = sum(process.cpu_times()[:2]) - before
    assert used < 0.1, f"paused trainer used {used:.3f} s of CPU in 0.5 s"
    session.send(SetView(weights=True))
    assert sink.wait(lambda m: True, since=n).step == 5


PARENT = textwrap.dedent(
    """
    import sys, threading, time
    from tui_nn.config import RunConfig
    from tui_nn.data.spec import DatasetSpec
    from tui_nn.session.client.proxy import TrainingSession
    from tui_nn.session.protocol.messages import Start

    if __name__ == "__main__":
        ready = threading.Event()
        session = TrainingSession(lambda msg: ready.set())
        session.start(RunConfig(dataset=DatasetSpec(name="circle", samples=20000)))
        ready.wait(60)
        session.send(Start())
        print(session.pid, flush=True)
        time.sleep(600)  # until the test kills this process with SIGKILL
    """
)


@pytest.mark.slow
def test_a_killed_app_leaves_its_trainer_detached_not_orphaned(tmp_path):
    """The trainer is detached (like tmux): an app killed with SIGKILL leaves it training,
    registered, reachable; `--stop` then saves and ends it (no process nobody can reach)."""
    import tui_nn.session.protocol.rendezvous as rendezvous
    from tui_nn.session.client.proxy import ask

    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())
        assert not gone(child_pid)
        assert os.getsid(child_pid) == child_pid  # a session of its own: no terminal's hang-up
    finally:
        parent.kill()  # SIGKILL: no clean-up code runs in the parent
        parent.wait()
    (info,) = rendezvous.trainers()
    assert info.pid == child_pid and not gone(child_pid)
    status = ask(info.id, "stop")
    assert status is not None and status.dataset == "circle"
    assert wait_gone(child_pid), "the stopped trainer did not end"
    assert rendezvous.trainers() == []


@pytest.mark.slow
def test_a_session_started_from_a_short_lived_thread_lives_on(open_session):
    box = {}
    starter = threading.Thread(target=lambda: box.update(result=open_session()))
    starter.start()
    starter.join(WAIT)
    session, sink, _ = box["result"]  # the thread that spawned the trainer has ended
    n = sink.count
    session.send(Step(3))
    assert sink.snap(n, state="paused").step == 3 and session.alive


@pytest.mark.slow
def test_the_trainer_ignores_a_hang_up(open_session):
    """A shell sends SIGHUP to the whole job when the terminal goes away; the trainer must
    still be there to save the run when the app asks (it ends with the app, not the signal)."""
    session, sink, _ = open_session()  # the first snapshot: the trainer's set-up is done
    os.kill(session.pid, signal.SIGHUP)
    n = sink.count
    session.send(Step(3))
    assert sink.snap(n, state="paused").step == 3
    assert session.alive
