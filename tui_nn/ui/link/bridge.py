"""The bridge from the session's reader thread to the Textual event loop.

The session calls `bridge(msg)` from its background thread with a `Snapshot` or a
`TrainerDied`. The bridge never touches a widget: it merges what arrived into one pending
`Update` under a lock and posts a single `SnapshotsArrived` notice to the app. While a notice
is waiting, newer snapshots only update the pending state (newest counters win), so a slow UI
coalesces many snapshots into one repaint — yet no epoch record is ever lost or reordered:
records are accumulated in arrival order until the app takes them.

Fields that the trainer sends only now and then (`data`, `grid`, `saved_path`, `inspection`,
`trace`, `weights`, `maps`, `frames`, `cell`) survive coalescing too: the newest non-empty value is
kept until taken.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message

from tui_nn.engine.types import EpochRecord
from tui_nn.session.protocol.answers import LostAnswers
from tui_nn.session.protocol.messages import (
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
    records and occasional fields of the snapshots it replaced."""

    snapshot: Snapshot
    records: list[EpochRecord] = field(default_factory=list)
    data: DataSummary | None = None
    grid: DecisionGrid | None = None
    panel: PanelData | None = None  # fit curve / confusion matrix / image strip
    inspection: Inspection | None = None
    trace: TraceResult | None = None
    saved_path: str | None = None
    weights: tuple | None = None  # ((W, b), ...) with the network_view sent alongside
    network_view: NetworkView | None = None
    maps: NeuronMaps | None = None  # a layer's neuron maps
    frames: tuple[int, ...] | None = None  # the epochs the trainer can replay
    cell: CellContents | None = None  # a confusion-matrix cell's test samples
    new_run: bool = False  # a new run began: `records` is its whole history (clear the plots)
    coalesced: int = 1  # how many snapshots this update stands for


class SnapshotsArrived(Message):
    """A fact: new snapshots are waiting in the bridge (take them with `bridge.take()`)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotsArrived)


class TrainerLost(Message):
    """A fact: the trainer process ended unexpectedly."""

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
        self._saved_path: str | None = None
        self._save_failed: str | None = None
        self.received = 0  # snapshots seen in total (for tests and the benchmark)

    def __call__(self, msg: Snapshot | LostAnswers | TrainerDied) -> None:
        if isinstance(msg, LostAnswers):
            return  # the app does not match answers to what it asked yet (core-ui: issue 20)
        if isinstance(msg, TrainerDied):
            with self._lock:
                self._save_failed = self._save_failed or f"not saved: {msg.message}"
            self._saved.set()  # whoever waits for a save must not wait for a dead trainer
            self._post(TrainerLost(msg))
            return
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
        if snap.run_id != self._run_id:
            # The first snapshot of a run carries the run's whole history so far.
            self._run_id = snap.run_id
            pending.records = list(snap.records)
            pending.new_run = True
        else:
            pending.records.extend(snap.records)
        if snap.data is not None:
            pending.data = snap.data
            pending.grid = pending.panel = pending.maps = None  # no pictures of the old data
        if snap.grid is not None:
            pending.grid = snap.grid
        if snap.maps is not None:
            pending.maps = snap.maps
        if snap.frames is not None:
            pending.frames = snap.frames
        if snap.cell is not None:
            pending.cell = snap.cell
        if snap.panel is not None:
            pending.panel = snap.panel
        if snap.inspection is not None:
            pending.inspection = snap.inspection
        if snap.trace is not None:
            pending.trace = snap.trace
        if snap.weights is not None:
            pending.weights, pending.network_view = snap.weights, snap.network_view
        if snap.saved_path is not None:
            pending.saved_path = self._saved_path = snap.saved_path
            self._saved.set()
        if snap.save_failed is not None:
            self._save_failed = snap.save_failed
            self._saved.set()

    def take(self) -> Update | None:
        """The pending update (or None); called on the UI thread by the notice's handler."""
        with self._lock:
            update, self._pending = self._pending, None
            self._notified = False
        return update

    # A save is confirmed here, on the session's thread, so that waiting for it needs neither
    # the event loop (blocked, when the terminal is gone) nor the app's message queue.

    def expect_save(self) -> None:
        """Forget earlier confirmations; call before sending Save."""
        with self._lock:
            self._saved.clear()
            self._saved_path = self._save_failed = None

    def wait_saved(
        self, alive: Callable[[], bool] = lambda: True, poll: float = 0.25
    ) -> tuple[str | None, str | None]:
        """Block until the trainer answers a Save: (path, None) when written, (None, why) when
        it could not be, or when the trainer is gone (`alive()` false) before answering. No
        time limit: a save takes what it takes, and it always ends one way or the other."""
        while not self._saved.wait(poll):
            if not alive():
                if self._saved.is_set():
                    break
                return None, "not saved: the trainer is not running"
        with self._lock:
            if self._saved_path is not None:
                return self._saved_path, None
            return None, self._save_failed or "not saved"
