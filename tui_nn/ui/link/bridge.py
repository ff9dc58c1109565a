"""The bridge from the session's deliverer thread to the Textual event loop.

The session calls `bridge(msg)` from its background thread with a `Snapshot`, a `LostAnswers`
or a `TrainerDied`. The bridge never touches a widget: it merges snapshots into one pending
`Update` under a lock and posts a single `SnapshotsArrived` notice to the app. While a notice
is waiting, newer snapshots only update the pending state (newest counters win), so a slow UI
coalesces many snapshots into one repaint — yet no epoch record and no answer is ever lost or
reordered: records and answers are accumulated in arrival order until the app takes them.

Fields that the trainer sends only now and then (`messages.ONCE`: `data`, `grid`, `panel`,
`inspection`, `trace`, `weights`, `maps`, `frames`, `cell`, ...) survive coalescing too: the
newest non-empty value is kept until taken.
`LostAnswers` (the commands pending when the link ended) is posted as `AnswersLost`, before
the `TrainerLost` that says what happened.

A Save is waited for here, by its id, on the session's thread (`expect_save`, `wait_saved`),
so that waiting needs neither the event loop (blocked when the terminal is gone) nor the
app's message queue.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message

from tui_nn.engine.types import EpochRecord
from tui_nn.session.protocol.answers import Answer, CommandId, LostAnswers
from tui_nn.session.protocol.messages import (
    ONCE,
    CellContents,
    DataSummary,
    DecisionGrid,
    Inspection,
    NetworkView,
    NeuronMaps,
    PanelData,
    Snapshot,
    TraceResult,
    TrainerDied,
)


@dataclass
class Update:
    """Everything that arrived since the app last looked: the newest snapshot plus the
    records, answers and occasional fields of the snapshots it replaced (a field for each
    name in `messages.ONCE`, the one list of them)."""

    snapshot: Snapshot
    records: list[EpochRecord] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)  # in the order the trainer applied
    data: DataSummary | None = None
    grid: DecisionGrid | None = None
    panel: PanelData | None = None  # fit curve / confusion matrix / image strip
    inspection: Inspection | None = None
    trace: TraceResult | None = None
    weights: tuple | None = None  # ((W, b), ...) with the network_view sent alongside
    network_view: NetworkView | None = None
    maps: NeuronMaps | None = None  # a layer's neuron maps
    frames: tuple[int, ...] | None = None  # the epochs the trainer can replay
    cell: CellContents | None = None  # a confusion-matrix cell's test samples
    saved_path: str | None = None  # (a Save is waited for by its answer: expect_save)
    save_failed: str | None = None
    new_run: bool = False  # a new run began: `records` is its whole history (clear the plots)
    coalesced: int = 1  # how many snapshots this update stands for


class SnapshotsArrived(Message):
    """A fact: new snapshots are waiting in the bridge (take them with `bridge.take()`)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotsArrived)


class AnswersLost(Message):
    """A fact: the link ended with these commands unanswered (each answered `lost`)."""

    def __init__(self, answers: tuple[Answer, ...]) -> None:
        super().__init__()
        self.answers = answers


class TrainerLost(Message):
    """A fact: the trainer process ended unexpectedly (or only this app's link to it)."""

    def __init__(self, died: TrainerDied) -> None:
        super().__init__()
        self.died = died


class SnapshotBridge:
    """A session sink that posts to `post` (normally `app.post_message`, which is thread-safe)."""

    def __init__(self, post: Callable[[Message], object]) -> None:
        self._post = post
        self._lock = threading.Lock()
        self._pending: Update | None = None
        self._notified = False
        self._run_id: int | None = None
        self._saved = threading.Event()
        self._save_id: CommandId | None = None
        self._save_answers: dict[CommandId, Answer] = {}  # every Save answered, by id
        self._save_lost: str | None = None  # the trainer died: why
        self.received = 0  # snapshots seen in total (for tests and the benchmark)

    def __call__(self, msg: Snapshot | LostAnswers | TrainerDied) -> None:
        if isinstance(msg, LostAnswers):
            self._saving(msg.answers)
            self._post(AnswersLost(msg.answers))
            return
        if isinstance(msg, TrainerDied):
            with self._lock:
                self._save_lost = self._save_lost or msg.message
            self._saved.set()  # whoever waits for a save must not wait for a dead trainer
            self._post(TrainerLost(msg))
            return
        self._saving(msg.answers)
        with self._lock:
            self.received += 1
            self._merge(msg)
            if self._notified:
                return
            self._notified = True
        self._post(SnapshotsArrived())

    def _merge(self, snap: Snapshot) -> None:
        pending = self._pending
        if pending is None:
            pending = self._pending = Update(snapshot=snap, coalesced=0)
        pending.snapshot = snap
        pending.coalesced += 1
        pending.answers.extend(snap.answers)
        if snap.run_id != self._run_id:
            # The first snapshot of a run carries the run's whole history so far.
            self._run_id = snap.run_id
            pending.records = list(snap.records)
            pending.new_run = True
        else:
            pending.records.extend(snap.records)
        if snap.data is not None:  # pictures of the old data must not outlive it
            pending.grid = pending.panel = pending.maps = None
        for name in ONCE:  # the newest of each one-shot field is kept until taken
            value = getattr(snap, name)
            if value is not None:
                setattr(pending, name, value)

    def take(self) -> Update | None:
        """The pending update (or None); called on the UI thread by the notice's handler."""
        with self._lock:
            update, self._pending = self._pending, None
            self._notified = False
        return update

    # ---- a Save, answered on the session's thread ---------------------------------------------

    def _saving(self, answers: tuple[Answer, ...]) -> None:
        """Answers to Save are kept by id (a Save's answer may come before `expect_save`)."""
        saves = [a for a in answers if a.command == "Save" and a.id]
        if not saves:
            return
        with self._lock:
            for answer in saves:
                self._save_answers[answer.id] = answer
            if self._save_id in self._save_answers:
                self._saved.set()

    def expect_save(self, cid: CommandId) -> None:
        """`wait_saved` waits for the answer to the Save sent with id `cid`."""
        with self._lock:
            self._save_id = cid
            self._save_lost = None
            if cid in self._save_answers:
                self._saved.set()
            else:
                self._saved.clear()

    def wait_saved(
        self, alive: Callable[[], bool] = lambda: True, poll: float = 0.25
    ) -> tuple[str | None, str | None]:
        """Block until the trainer answers the Save: (path, None) when written, (None, why)
        when it was refused, lost, or the trainer is gone (`alive()` false) before answering.
        No time limit: a save takes what it takes, and it always ends one way or the other."""
        while not self._saved.wait(poll):
            if not alive():
                if self._saved.is_set():
                    break
                return None, "not saved: the trainer is not running"
        with self._lock:
            answer = self._save_answers.get(self._save_id) if self._save_id else None
            if answer is not None and answer.outcome == "accepted":
                return str(answer.value), None
            if answer is not None:
                return None, f"not saved: {answer.reason or answer.outcome}"
            return None, f"not saved: {self._save_lost or 'no answer'}"
