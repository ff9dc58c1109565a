"""An attached app that stops reading never stops the trainer: its outbox queues, in order,
and cuts it off once it is too far behind; the others and the run go on."""

from __future__ import annotations

import socket
import time
from multiprocessing import Pipe

import pytest
from session_helpers import WAIT, make_config
from test_session_detach import started, wait_until  # noqa: F401 - the fixture

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.session.client.proxy import ask, connect
from tui_nn.session.protocol.hello import Hello
from tui_nn.session.protocol.messages import SetView, Snapshot, Start, TrainerDied
from tui_nn.session.trainer.outbox import Outbox, pickled


def test_an_outbox_sends_in_order_without_blocking_the_caller():
    here, there = Pipe()
    outbox = Outbox(here, lambda box: None)
    start = time.monotonic()
    for i in range(200):
        assert outbox.put(pickled(("msg", i, b"x" * 10_000)))  # 2 MB: more than a socket holds
    assert time.monotonic() - start < WAIT  # queued, not sent: nobody has read yet
    got = [there.recv()[1] for _ in range(200)]
    assert got == list(range(200))
    outbox.close(1.0)
    here.close()


def test_an_app_that_falls_too_far_behind_is_cut_off_once():
    here, there = Pipe()
    cut: list[Outbox] = []
    outbox = Outbox(here, cut.append, limit=1_000_000)
    sent = 0
    while outbox.put(pickled(b"y" * 50_000)):
        sent += 1
        assert sent < 1000, "never cut off"
    assert cut == [outbox] and outbox.dead and outbox.pending == 0
    assert not outbox.put(pickled(b"z"))  # dead stays dead, and is reported once
    assert cut == [outbox]
    received = 0
    try:
        while there.poll(WAIT):
            there.recv()
            received += 1
    except EOFError:
        pass  # the socket was shut down: the app sees the end of its stream
    assert received <= sent
    here.close()


@pytest.mark.slow
def test_a_stuck_client_does_not_stop_training_or_the_other_apps(started):  # noqa: F811
    session, sink, _ = started(make_config(samples=400))
    session.send(Start())
    trainer_id = session.trainer_id
    stuck = connect(trainer_id, Hello("attach"))  # attached, and never reads a byte
    stuck.send(SetView(grid=True, grid_size=(300, 150), grid_interval=0.0))  # big snapshots
    try:
        epoch = wait_until(lambda: (s := ask(trainer_id)) and s.clients == 2 and s.epoch, "2")
        wait_until(lambda: (s := ask(trainer_id)) and s.epoch > epoch + 50, "training on")
        n = sink.count
        later = sink.wait(lambda m: isinstance(m, Snapshot) and m.epoch > epoch + 50, since=n)
        assert later.state == "running"  # the reading app is served live
    finally:
        stuck.close()
    wait_until(lambda: ask(trainer_id).clients == 1, "the closed client gone")
    assert rendezvous.pid_alive(session.pid)


@pytest.mark.slow
def test_the_app_told_its_link_was_lost_while_the_trainer_runs(started):  # noqa: F811
    session, sink, _ = started()
    session.send(Start())
    trainer_id = session.trainer_id
    # cut this app's link from the trainer's side, as a lagging app is cut off: the proxy
    # finds the trainer still answering and says so, instead of "the trainer died"
    with socket.socket(fileno=socket.dup(session._conn.fileno())) as sock:
        sock.shutdown(socket.SHUT_RDWR)
    lost = sink.wait(lambda m: isinstance(m, TrainerDied))
    assert lost.alive and f"tui-nn attach {trainer_id}" in lost.message
    assert "still running" in lost.message
    assert rendezvous.pid_alive(session.pid)
    assert ask(trainer_id) is not None
