"""Answers through real trainer processes: ids unique across two apps on one trainer, each app
seeing only its own; everything pending answered `lost` (before the TrainerDied) when the
trainer is killed, when it is stopped elsewhere, and when the app detaches."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from session_helpers import Collector
from test_session_detach import attach, started, wait_until  # noqa: F401 - the fixture

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.session.client.mailbox import END, Mailbox
from tui_nn.session.client.outstanding import Outstanding
from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.answers import Answer, LostAnswers
from tui_nn.session.protocol.hello import Stopped
from tui_nn.session.protocol.messages import Pause, SetSpeed, Snapshot, Step, TrainerDied


def answers_in(sink: Collector) -> list[Answer]:
    return [a for s in sink.snapshots() for a in s.answers]


def wait_answer(sink: Collector, cid: str) -> Answer:
    snap = sink.wait(lambda m: isinstance(m, Snapshot) and any(a.id == cid for a in m.answers))
    return next(a for a in snap.answers if a.id == cid)


@pytest.mark.slow
def test_two_apps_on_one_trainer_each_get_the_answers_to_their_own_ids(started):  # noqa: F811
    first, sink1, _ = started()
    second, sink2 = attach(first.trainer_id)
    try:
        sink2.wait(lambda m: isinstance(m, Snapshot))
        ids1 = [first.send(SetSpeed(5.0)), first.send(Step(0))]
        ids2 = [second.send(SetSpeed(None)), second.send(Pause())]
        assert len(set(ids1 + ids2)) == 4 and all(ids1 + ids2)
        assert wait_answer(sink1, ids1[1]).outcome == "refused"
        assert wait_answer(sink2, ids2[1]).outcome == "accepted"
        assert wait_answer(sink1, ids1[0]).value == "idle"
        assert [a.id for a in answers_in(sink1)] == ids1  # in order, once, only its own
        assert [a.id for a in answers_in(sink2)] == ids2
        assert first.outstanding.pending == second.outstanding.pending == ()
        second.detach()
    finally:
        second.close()


@pytest.mark.slow
def test_a_killed_trainer_answers_everything_pending_lost_before_it_is_reported(started):  # noqa: F811
    session, sink, _ = started()
    pid = session.pid
    os.kill(pid, signal.SIGSTOP)  # it can answer nothing from now on
    try:
        ids = [session.send(SetSpeed(2.0)), session.send(Pause())]
    finally:
        os.kill(pid, signal.SIGKILL)
    died = sink.wait(lambda m: isinstance(m, TrainerDied))
    lost = sink.wait(lambda m: isinstance(m, LostAnswers))
    assert sink.items.index(lost) < sink.items.index(died)
    assert [(a.id, a.command, a.outcome) for a in lost.answers] == [
        (ids[0], "SetSpeed", "lost"),
        (ids[1], "Pause", "lost"),
    ]
    assert {a.reason for a in lost.answers} == {died.message}
    assert "killed by signal 9" in died.message
    assert session.outstanding.pending == ()


@pytest.mark.slow
def test_detaching_answers_what_is_pending_lost(started):  # noqa: F811
    session, sink, _ = started()
    pid = session.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        cid = session.send(SetSpeed(3.0))
        session.detach()
    finally:
        os.kill(pid, signal.SIGCONT)
    lost = sink.wait(lambda m: isinstance(m, LostAnswers))
    assert lost.answers == (Answer(cid, "SetSpeed", "lost", "this app detached from the trainer"),)
    assert not any(isinstance(m, TrainerDied) for m in sink.items)
    back, _ = attach(session.trainer_id)
    back.close()
    wait_until(lambda: not rendezvous.pid_alive(pid), "the trainer to end")


class Wire:
    """A connection that delivers `items`, then ends (EOFError)."""

    def __init__(self, *items: object) -> None:
        self.items = list(items)

    def recv(self) -> object:
        if not self.items:
            raise EOFError
        return self.items.pop(0)


def test_a_trainer_stopped_elsewhere_loses_what_is_pending_before_the_report():
    sink = Collector()
    session = TrainingSession(sink)
    outstanding = Outstanding()
    cid = outstanding.envelope(Pause()).id
    box = Mailbox()
    closing, ended = threading.Event(), threading.Event()
    wire = Wire(Stopped("saved to run.npz", by="tui-nn attach --stop"))
    session._read(wire, box, outstanding, closing, ended)
    lost, died, end = box.take(0), box.take(0), box.take(0)
    assert isinstance(died, TrainerDied) and died.stopped_by == "tui-nn attach --stop"
    assert died.message == "the trainer was stopped by tui-nn attach --stop (saved to run.npz)"
    assert lost == LostAnswers((Answer(cid, "Pause", "lost", died.message),))
    assert end is END and closing.is_set() and ended.is_set()
