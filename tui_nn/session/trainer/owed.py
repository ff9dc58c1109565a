"""What the next snapshot owes the attached apps: one object, owned by the snapshot code.

A snapshot sends most of what it carries every time (counters, state, losses) and some of it
only now and then: the epoch records not yet published, the data summary after a data change,
a picture (decision grid or panel) and the weights when they changed and their interval has
passed, the one-shot results (an inspection, a trace, the path saved or why a save failed) and
the answers to the commands applied since the previous snapshot. `Owed` is all of that, in one
place: a command handler that changes something tells it here (`new_run`, `weights_changed`,
the one-shot fields, `answers`), and `snapshots.build` takes what is due and clears it. A fresh `Owed()` owes
everything but one-shots and answers: that is what an app that has just attached is sent
(`snapshots.full`), without touching what the others are owed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tui_nn.session.protocol.answers import Answer
from tui_nn.session.protocol.messages import CellContents, Inspection, TraceResult

NEVER = -math.inf


@dataclass
class Owed:
    urgent: bool = True  # publish at once (a command was answered, the state changed)
    sent: int | None = None  # history records already published (None: the whole history)
    data: bool = True  # the data summary
    picture: bool = True  # the weights changed since the last decision grid / panel data
    picture_time: float = NEVER  # when the last one was made (the clock's time)
    weights: bool = True  # the weights changed since the last copy sent
    weights_time: float = NEVER
    weights_run: int = -1  # the run the weights interval was counted in
    replay: bool = True  # replaying an epoch: its picture (once per SetView that asks)
    frames: tuple[int, ...] | None = None  # the replay epochs the apps were last told of
    inspection: Inspection | None = None
    cell: CellContents | None = None  # the test samples of a confusion cell (CellSamples)
    trace: TraceResult | None = None
    saved_path: str | None = None
    save_failed: str | None = None  # why a Save could not be written (one line)
    answers: list[Answer] = field(default_factory=list)

    def new_run(self) -> None:
        """A new run id: its whole history, its pictures and its weights, at once."""
        self.sent = None
        self.picture = self.weights = self.urgent = True

    def weights_changed(self, at_once: bool = False) -> None:
        """New weights: a new picture and a new copy, on their interval (or `at_once`: in the
        next snapshot, however soon: a change by hand, not training)."""
        self.picture = self.weights = True
        if at_once:
            self.picture_time = self.weights_time = NEVER

    def everything(self) -> None:
        """Everything that describes the run now, to everyone, in the next snapshot (its
        history too): an app joined and the others are owed the whole run anyway."""
        self.data = True
        self.new_run()
