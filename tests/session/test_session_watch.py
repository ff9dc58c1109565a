"""Apps that only watch a trainer (`Hello("watch")`, the viewers of `tui-nn serve --watch`):
they see everything live, and nothing they send changes the run; the apps' views are merged
into one (a viewer's window never takes the teacher's pictures away)."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import replace

import pytest
from session_helpers import WAIT, Collector, make_config

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.engine.types import HyperParams
from tui_nn.session.client.proxy import TrainingSession, ask
from tui_nn.session.protocol.messages import (
    Inspect,
    Pause,
    Reset,
    Save,
    SetHyper,
    SetParameter,
    SetView,
    Snapshot,
    Start,
    Step,
    Stop,
)
from tui_nn.session.trainer.audience import WATCHER_COMMANDS, admits, merged_view


def test_a_watcher_may_ask_only_what_changes_nothing():
    hyper = SetHyper(HyperParams(lr=0.5))
    for command in (
        Start(),
        Pause(),
        Step(),
        Reset(),
        hyper,
        Save("x.npz"),
        Stop(),
        SetParameter(0, 0, 0, 1.0),
    ):
        assert admits(False, command) and not admits(True, command)
    for command in (SetView(), Inspect(0), *(c() for c in WATCHER_COMMANDS[2:])):
        assert admits(True, command)

    @dataclasses.dataclass(frozen=True)
    class Envelope:  # the answers' envelope: the command inside is what counts
        id: str
        command: object

    assert not admits(True, Envelope("a:1", Start())) and admits(True, Envelope("a:2", SetView()))


def test_views_are_merged_for_everyone_led_by_the_editing_app():
    teacher = SetView(weights=False, grid=True, grid_size=(60, 30), grid_interval=0.5)
    viewer = SetView(
        weights=True,
        grid=False,
        grid_size=(20, 10),
        grid_interval=2.0,
        weights_interval=0.25,
        sample=7,
    )
    merged = merged_view([(teacher, False), (viewer, True)])
    assert merged.weights and merged.grid  # what either shows
    assert merged.grid_size == (60, 30) and merged.sample == 0  # the teacher's size and sample
    assert merged.grid_interval == 0.5 and merged.weights_interval == 0.25  # the most eager
    assert merged_view([(viewer, True)]) == viewer  # alone, a viewer's view is its own
    assert merged_view([]) is None
    # neuron maps (issue 26): the editing app's layer, else a viewer's; replay is the editor's
    maps = merged_view([(teacher, False), (replace(viewer, maps=1, replay=3), True)])
    assert maps.maps == 1 and maps.replay is None
    both = merged_view([(replace(teacher, maps=0), False), (replace(viewer, maps=1), True)])
    assert both.maps == 0


@pytest.fixture
def trainer(tmp_path):
    sessions: list[TrainingSession] = []

    def session(watch: bool | None = None) -> tuple[TrainingSession, Collector]:
        sink = Collector()
        s = TrainingSession(sink, fps=20)
        if watch is None:  # the teacher: starts the trainer
            s.start(make_config(), run_path=str(tmp_path / "run.npz"))
        else:
            s.attach(sessions[0].trainer_id, watch=watch)
        sessions.append(s)
        sink.wait(lambda m: isinstance(m, Snapshot))
        return s, sink

    yield session
    for s in reversed(sessions):
        s.close(timeout=2.0)


def test_a_watcher_sees_the_run_live_and_changes_nothing(trainer):
    teacher, tsink = trainer()
    viewer, vsink = trainer(watch=True)
    status = ask(teacher.trainer_id)
    assert (status.clients, status.watchers) == (2, 1)
    n = vsink.count
    teacher.send(Step(epoch=True))
    assert vsink.snap(n, state="paused", epoch=1).epoch == 1  # live, as the teacher sees it
    lr = tsink.snapshots()[-1].hyper.lr
    asked = [
        viewer.send(command)
        for command in (
            Start(),
            Step(epoch=True),
            Reset(seed=9),
            SetHyper(HyperParams(lr=0.77)),
            SetParameter(0, 0, 0, 5.0),
            Save("/tmp/never.npz"),
            Stop(),
        )
    ]
    asked = [cid for cid in asked if cid]  # (Stop has no id: it is never answered)

    def refusals() -> dict:
        return {a.id: a for snap in vsink.snapshots() for a in snap.answers if a.id in asked}

    vsink.wait(lambda m: len(refusals()) == len(asked))  # each answered, to the viewer:
    assert {a.outcome for a in refusals().values()} == {"refused"}  # refused, and why
    assert all("only watches" in a.reason for a in refusals().values())
    n = vsink.count
    viewer.send(Inspect(0, "test"))  # answered: it changes nothing
    assert vsink.wait(lambda m: isinstance(m, Snapshot) and m.inspection is not None, n)
    teacher.send(Step(epoch=True))  # the teacher's next command comes after all of them
    after = tsink.snap(tsink.count - 1, epoch=2)
    assert after.state == "paused" and after.hyper.lr == lr
    assert rendezvous.pid_alive(teacher.pid)  # the viewer's Stop stopped nothing


def test_a_watcher_leaving_never_stops_the_trainer(trainer):
    teacher, _ = trainer()
    viewer, _ = trainer(watch=True)
    pid = teacher.pid
    viewer.close(timeout=0.2)  # an app that only watches: close is a detach
    assert not viewer.alive and rendezvous.pid_alive(pid)
    deadline = time.monotonic() + WAIT
    while (ask(teacher.trainer_id).clients, ask(teacher.trainer_id).watchers) != (1, 0):
        assert time.monotonic() < deadline, "the trainer to see the viewer gone"
        time.sleep(0.05)


def test_a_viewers_window_does_not_take_the_teachers_grid(trainer):
    teacher, tsink = trainer()
    viewer, _ = trainer(watch=True)
    teacher.send(SetView(grid=True, grid_size=(40, 20)))
    viewer.send(SetView(grid=False, weights=True, grid_size=(8, 4)))
    # the viewer's diagram gets its weights (the snapshot answering its view has them) ...
    tsink.wait(lambda m: isinstance(m, Snapshot) and m.weights is not None)
    n = tsink.count
    teacher.send(Step(epoch=True))
    grid = tsink.wait(lambda m: isinstance(m, Snapshot) and m.grid is not None, n).grid
    assert grid.values.shape == (20, 40)  # ... and the teacher keeps its grid, at its size


def test_a_watcher_is_handed_at_most_fps_snapshots_a_second_and_every_epoch(trainer):
    teacher, tsink = trainer()
    times: list[float] = []
    seen: list = []

    def sink(item: object) -> None:
        times.append(time.monotonic())
        seen.append(item)

    viewer = TrainingSession(sink, fps=2)
    viewer.attach(teacher.trainer_id, watch=True)
    try:
        teacher.send(Start())  # the trainer publishes 20 a second (the teacher's fps)
        deadline = time.monotonic() + WAIT
        while len(times) < 6:
            assert time.monotonic() < deadline, "six deliveries"
            time.sleep(0.05)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert min(gaps) >= 0.45, gaps  # at most 2 a second (a busy machine only slows it)
        epochs = [r.epoch for s in seen if isinstance(s, Snapshot) for r in s.records]
        assert epochs == list(range(1, len(epochs) + 1)) and len(epochs) > 6  # none lost
    finally:
        viewer.close()
