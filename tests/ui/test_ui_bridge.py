"""The bridge from the session's thread to the app: coalesces snapshots, never loses records."""

from __future__ import annotations

import threading

from ui_fakes import FakeSession, data_for, grid_for, record

from tui_nn.config import RunConfig
from tui_nn.session.protocol.answers import Answer, LostAnswers
from tui_nn.session.protocol.messages import ONCE, TrainerDied
from tui_nn.ui.link.bridge import AnswersLost, SnapshotBridge, SnapshotsArrived, TrainerLost


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
    import dataclasses

    first, *rest = snapshots(3)
    bridge(dataclasses.replace(first, grid=grid_for((4, 4), 0)))  # and the data summary
    for snap in rest:
        bridge(snap)
    update = bridge.take()
    assert update.data is not None and update.data.name == "circle"
    assert update.grid is not None


def test_every_one_shot_field_of_the_protocol_survives_coalescing():
    """messages.ONCE is the one list: a field added there reaches the app unless it is
    replaced by a newer one, with no second list to keep in step."""
    import dataclasses

    bridge = SnapshotBridge(lambda msg: None)
    first, *rest = snapshots(3)
    marks = {name: object() for name in ONCE}
    bridge(dataclasses.replace(first, **marks))
    for snap in rest:
        bridge(snap)
    update = bridge.take()
    assert {name: getattr(update, name) for name in ONCE} == marks


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


def answer(cid: str, command: str = "SetHyper", outcome="accepted", value=None, reason=""):
    return Answer(cid, command, outcome, reason=reason, value=value)


def test_answers_are_never_coalesced_away():
    import dataclasses

    bridge = SnapshotBridge(lambda msg: None)
    snaps = snapshots(2)  # three snapshots: the first one's and two epochs'
    for n, snap in enumerate(snaps):
        bridge(dataclasses.replace(snap, answers=(answer(f"t:{n}"),)))
    bridge(dataclasses.replace(snaps[-1], answers=(answer("t:3"), answer("t:4"))))
    assert [a.id for a in bridge.take().answers] == ["t:0", "t:1", "t:2", "t:3", "t:4"]


def test_lost_answers_come_before_the_trainer_died():
    posted = []
    bridge = SnapshotBridge(posted.append)
    lost = (answer("t:1", outcome="lost", reason="killed"),)
    bridge(LostAnswers(lost))
    bridge(TrainerDied(exitcode=-9, message="killed"))
    assert isinstance(posted[0], AnswersLost) and posted[0].answers == lost
    assert isinstance(posted[1], TrainerLost)


def test_a_save_is_waited_for_by_its_id_even_when_its_answer_came_first():
    import dataclasses

    bridge = SnapshotBridge(lambda msg: None)
    snap = snapshots(1)[-1]
    other = answer("t:1", "Save", value="/elsewhere.npz")  # another Save's: not this one's
    bridge(dataclasses.replace(snap, answers=(other, answer("t:2", "Save", value="/r.npz"))))
    bridge.expect_save("t:2")  # after its answer arrived: still found
    assert bridge.wait_saved() == ("/r.npz", None)
    bridge.expect_save("t:3")
    refused = answer("t:3", "Save", "refused", reason="cannot write /x: no such folder")
    threading.Timer(0.05, bridge, [dataclasses.replace(snap, answers=(refused,))]).start()
    assert bridge.wait_saved() == (None, "not saved: cannot write /x: no such folder")
    bridge.expect_save("t:4")
    bridge(LostAnswers((answer("t:4", "Save", "lost", reason="the trainer was killed"),)))
    assert bridge.wait_saved() == (None, "not saved: the trainer was killed")
    bridge.expect_save("t:5")
    assert bridge.wait_saved(alive=lambda: False, poll=0.01)[0] is None  # gone: no hang


def test_pending_settles_each_answer_once_and_hands_it_to_who_asked():
    from tui_nn.engine.types import HyperParams
    from tui_nn.session.protocol.messages import SetHyper, Step
    from tui_nn.ui.link.pending import Pending

    pending, told = Pending(), []
    pending.asked("t:1", SetHyper(HyperParams(lr=0.5)))
    pending.asked("t:2", Step(steps=1), then=told.append)
    assert len(pending) == 2
    settled = pending.settle([answer("x:9"), answer("t:2", "Step", value="paused")])
    assert [a.id for _, a in settled] == ["t:2"] and told[0].id == "t:2"  # others' skipped
    assert pending.settle([answer("t:2", "Step")]) == []  # answered once
    refused = answer("t:1", outcome="refused", reason="lr: 0 is not above 0")
    (asked, got), = pending.settle([refused])
    assert asked.edit == ("hyper", HyperParams(lr=0.5)) and got.reason.startswith("lr:")
    assert len(pending) == 0


def test_pending_edits_decide_what_a_panel_shows():
    """One owner: the newest edit waiting for its answer is shown against the trainer's value
    (no clock); a panel whose proposal is still on its way keeps its own value."""
    from tui_nn.engine.types import HyperParams
    from tui_nn.session.protocol.messages import SetHyper
    from tui_nn.ui.link.pending import Pending

    pending = Pending()
    trainers, mine, newer = HyperParams(), HyperParams(lr=0.5), HyperParams(lr=0.7)
    assert pending.shown("hyper", trainers, None) == trainers  # nothing pending
    assert pending.shown("hyper", trainers, trainers) == trainers
    assert pending.shown("hyper", trainers, newer) == newer  # proposed, not yet seen by the app
    pending.asked("t:1", SetHyper(mine))
    pending.asked("t:2", SetHyper(newer))
    assert pending.shown("hyper", trainers, newer) == newer  # the newest waits
    pending.settle([answer("t:1", value=mine)])
    assert pending.shown("hyper", mine, newer) == newer  # t:2 still waits, however long
    pending.settle([answer("t:2", outcome="refused", reason="no")])
    assert pending.shown("hyper", mine, newer) == mine  # refused: the trainer's value again
