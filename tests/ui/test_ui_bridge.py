"""The bridge from the session's thread to the app: coalesces snapshots, never loses records."""

from __future__ import annotations

import threading

from ui_fakes import FakeSession, data_for, grid_for, record

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import TrainerDied
from tui_nn.ui.link.bridge import SnapshotBridge, SnapshotsArrived, TrainerLost


def snapshots(n_epochs: int, run_id: int = 0):
    """Snapshots as a session would publish them: one new record each."""
    out = []
    fake = FakeSession(out.append)
    fake.start(RunConfig())
    fake.run_id = run_id
    for _ in range(n_epochs):
        fake.train_epochs(1)
    return out


def test_one_notice_until_taken_and_records_accumulate_in_order():
    posted = []
    bridge = SnapshotBridge(posted.append)
    snaps = snapshots(5)
    for snap in snaps:
        bridge(snap)
    assert len(posted) == 1 and isinstance(posted[0], SnapshotsArrived)
    update = bridge.take()
    assert update.snapshot is snaps[-1]  # the newest counters win
    assert [r.epoch for r in update.records] == [1, 2, 3, 4, 5]
    assert update.coalesced == len(snaps)
    assert bridge.take() is None
    bridge(snaps[-1])
    assert len(posted) == 2  # a new notice once the previous one was taken


def test_occasional_fields_survive_coalescing():
    bridge = SnapshotBridge(lambda msg: None)
    first, *rest = snapshots(3)
    bridge(first)  # carries the data summary
    for snap in rest:
        bridge(snap)
    update = bridge.take()
    assert update.data is not None and update.data.name == "circle"
    assert update.grid is not None


def test_new_data_drops_a_grid_of_the_old_data():
    import dataclasses

    bridge = SnapshotBridge(lambda msg: None)
    snap = snapshots(1)[-1]
    bridge(dataclasses.replace(snap, grid=grid_for((4, 4), 1), data=None))
    bridge(dataclasses.replace(snap, data=data_for(snap.dataset), grid=None))
    update = bridge.take()
    assert update.data is not None and update.grid is None


def test_a_new_run_replaces_the_pending_history():
    import dataclasses

    bridge = SnapshotBridge(lambda msg: None)
    old = snapshots(3)
    for snap in old:
        bridge(snap)
    bridge.take()
    bridge(dataclasses.replace(old[-1], records=(record(4, 0.03),)))
    # after a reset the first snapshot of the new run carries its whole (short) history
    bridge(dataclasses.replace(old[-1], run_id=1, records=(record(1, 0.03),)))
    update = bridge.take()
    assert update.new_run
    assert [r.epoch for r in update.records] == [1]
    bridge(dataclasses.replace(old[-1], run_id=1, records=(record(2, 0.03),)))
    assert not bridge.take().new_run


def test_trainer_died_is_posted_at_once():
    posted = []
    bridge = SnapshotBridge(posted.append)
    bridge(TrainerDied(exitcode=-9, message="killed"))
    assert isinstance(posted[0], TrainerLost) and posted[0].died.message == "killed"


def test_a_fast_producer_thread_loses_no_record():
    """Snapshots from another thread while the consumer takes now and then."""
    bridge = SnapshotBridge(lambda msg: None)
    snaps = snapshots(400)[1:]  # the first snapshot carries no record
    taken: list[int] = []

    def produce():
        for snap in snaps:
            bridge(snap)

    thread = threading.Thread(target=produce)
    thread.start()
    while thread.is_alive() or taken[-1:] != [400]:
        update = bridge.take()
        if update is not None:
            taken.extend(r.epoch for r in update.records)
    thread.join()
    assert taken == list(range(1, 401))


def test_pending_edits_tell_taken_from_refused():
    import dataclasses

    from tui_nn.engine.types import HyperParams
    from tui_nn.ui.link.pending import PendingEdits

    snap = snapshots(1)[-1]
    watch = PendingEdits()
    faster = HyperParams(lr=0.5)
    watch.sent("hyper", faster, snap)
    watch.sent("data", dataclasses.replace(snap.dataset, samples=300), snap)
    wider = dataclasses.replace(snap.network, hidden=())
    watch.sent("network", wider, snap)
    assert watch.answer(snap) == []  # nothing happened yet: keep waiting
    answers = watch.answer(dataclasses.replace(snap, hyper=faster))
    assert [(a.edit.kind, a.refusal) for a in answers] == [("hyper", None)]
    refused = dataclasses.replace(snap, message="bad.csv line 3: not a number")
    answers = watch.answer(refused)
    assert sorted((a.edit.kind, a.refusal) for a in answers) == [
        ("data", "bad.csv line 3: not a number"),
        ("network", "bad.csv line 3: not a number"),
    ]
    watch.sent("data", snap.dataset, snap)
    answers = watch.answer(dataclasses.replace(snap, run_id=snap.run_id + 1, message="x"))
    assert [(a.edit.kind, a.refusal) for a in answers] == [("data", None)]  # a new run: taken
    assert not watch.waiting


def test_pending_edits_decide_what_a_panel_shows():
    """One owner: a pending value is held against the trainer's until answered or stale; a
    panel whose proposal is still on its way keeps its own value."""
    import dataclasses

    from tui_nn.engine.types import HyperParams
    from tui_nn.ui.link.pending import HOLD_SECONDS, PendingEdits

    now = [100.0]
    edits = PendingEdits(clock=lambda: now[0])
    snap = snapshots(1)[-1]
    trainers, mine, newer = snap.hyper, HyperParams(lr=0.5), HyperParams(lr=0.7)
    assert edits.shown("hyper", trainers, None) == trainers  # nothing pending
    assert edits.shown("hyper", trainers, trainers) == trainers
    assert edits.shown("hyper", trainers, newer) == newer  # proposed, not yet seen by the app
    edits.sent("hyper", mine, snap)
    assert edits.shown("hyper", trainers, mine) == mine  # held while the trainer is silent
    now[0] += HOLD_SECONDS + 0.1
    assert edits.shown("hyper", trainers, mine) == trainers  # stale: the trainer's again
    edits.sent("hyper", mine, snap)
    assert edits.answer(dataclasses.replace(snap, hyper=mine))[0].refusal is None
    assert edits.shown("hyper", mine, mine) == mine and not edits.waiting
