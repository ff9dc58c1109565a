"""The app-side mailbox between the pipe reader and the sink: newest snapshot wins, no record is
ever lost.

Two threads meet here. The reader thread receives snapshots from the pipe as fast as the trainer
sends them and `put`s them; it never calls the sink, so the trainer never waits for the UI. The
delivery thread `take`s and calls the sink, as fast as the sink returns.

Exactly how snapshots coalesce: the mailbox holds a short list of pending snapshots, at most one
per run id. A new snapshot of the same run as the last pending one *replaces* it, after taking
over what the older one carried once: its records and its answers are prepended (so every
EpochRecord and every Answer is kept, in order) and its data summary, decision grid, panel
data, weights, inspection and saved path are kept when the newer snapshot has none of its own.
Snapshots of different runs are never merged (the UI must see the old run end and the new one
begin), so the list only grows by one per Reset, architecture or data change made while the
sink is busy. Other items (LostAnswers, TrainerDied, the end of the stream) are delivered in
their place, after everything put before them.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque

from tui_nn.engine.history import RecordBlock
from tui_nn.session.protocol.messages import ONCE, Snapshot

END = object()  # put after the last message: the delivery thread stops when it takes it


def merge(older: Snapshot, newer: Snapshot) -> Snapshot:
    """`newer`, also carrying what `older` carried once (same run only): the ONCE fields it
    lacks, and the ADDED ones (records, answers) before its own."""
    carried = {f: getattr(older, f) for f in ONCE if getattr(newer, f) is None}
    carried = {f: v for f, v in carried.items() if v is not None}
    if older.records:
        carried["records"] = RecordBlock.of(older.records) + newer.records
    if older.answers:
        carried["answers"] = older.answers + newer.answers
    return dataclasses.replace(newer, **carried) if carried else newer


class Mailbox:
    def __init__(self) -> None:
        self._pending: deque[object] = deque()
        self._ready = threading.Condition()
        self.received = 0  # snapshots put (for tests and the benchmark)
        self.delivered = 0  # items taken
        self.newest: Snapshot | None = None  # the last snapshot put, delivered or not

    def put(self, item: object) -> None:
        with self._ready:
            if isinstance(item, Snapshot):
                self.received += 1
                self.newest = item
                last = self._pending[-1] if self._pending else None
                if isinstance(last, Snapshot) and last.run_id == item.run_id:
                    self._pending[-1] = merge(last, item)
                else:
                    self._pending.append(item)
            else:
                self._pending.append(item)
            self._ready.notify()

    def take(self, timeout: float | None = None) -> object | None:
        """The oldest pending item (merged as described above); None on timeout."""
        with self._ready:
            if not self._ready.wait_for(lambda: bool(self._pending), timeout):
                return None
            self.delivered += 1
            return self._pending.popleft()

    def wait_newest(self, pred, timeout: float) -> Snapshot | None:
        """Wait until the newest snapshot put satisfies `pred` (whatever the sink is doing)."""
        with self._ready:
            ok = self._ready.wait_for(
                lambda: self.newest is not None and pred(self.newest), timeout
            )
            return self.newest if ok else None
