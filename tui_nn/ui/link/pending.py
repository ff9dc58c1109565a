"""Edits on their way to the trainer: the one place that knows which are still pending.

A panel that proposes an edit shows it at once and posts a `...Proposed` message; the app
sends the command and records the edit here. The trainer applies it between two steps, or
refuses it (a loss that does not fit the output layer, a CSV it cannot read) and keeps the run
as it was, saying why in the snapshot's message. Until a snapshot answers the edit (or
`HOLD_SECONDS` pass, in case no answer can be told apart), the app keeps showing the proposed
value instead of the trainer's, so quick successive edits build on each other and not on a
stale value; a refusal is shown to the user.

A proposal takes a few message hops to reach the app, and a snapshot may be shown meanwhile.
So `shown` also compares what the panel shows with what the app last gave it: a panel that
moved on by itself has a proposal on its way, and keeps its value until the app has seen it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from tui_nn.session.protocol.messages import SetArchitecture, SetDataset, SetHyper, Snapshot

EditKind = Literal["network", "hyper", "data"]
KINDS: tuple[EditKind, ...] = ("network", "hyper", "data")
HOLD_SECONDS = 3.0  # how long a proposed value is shown while no snapshot answers it

T = TypeVar("T")


def edit_of(command: object) -> tuple[EditKind, object] | None:
    """The kind and the value of an edit command (`SetArchitecture`, `SetHyper`,
    `SetDataset`), as they are recorded here; None for any other command."""
    if isinstance(command, SetArchitecture):
        return "network", command.spec
    if isinstance(command, SetHyper):
        return "hyper", command.hyper
    if isinstance(command, SetDataset):
        return "data", command.spec
    return None


@dataclass(frozen=True)
class SentEdit:
    kind: EditKind
    value: object  # the NetworkSpec, HyperParams or DatasetSpec sent
    run_id: int  # of the newest snapshot when it was sent
    message: str  # the trainer's message then
    since: float = 0.0  # monotonic time it was sent


@dataclass(frozen=True)
class Answer:
    edit: SentEdit
    refusal: str | None  # None: taken


def taken(edit: SentEdit, snap: Snapshot) -> bool:
    if edit.kind == "network":
        return snap.network == edit.value
    if edit.kind == "hyper":
        return snap.hyper == edit.value
    return snap.run_id != edit.run_id  # new data starts a new run (defaults get filled in)


class PendingEdits:
    """The edits sent and not answered yet, the newest of each kind."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.waiting: dict[EditKind, SentEdit] = {}
        self.given: dict[EditKind, object] = {}  # the value last given to (or seen from) a panel
        self.clock = clock

    def seen(self, kind: EditKind, value: object) -> None:
        """A panel proposed `value` (sent or not): the app has caught up with the panel."""
        self.given[kind] = value

    def sent(self, kind: EditKind, value: object, last: Snapshot | None) -> None:
        """Remember an edit just sent (it replaces an older one of the same kind)."""
        run_id, message = (last.run_id, last.message) if last is not None else (-1, "")
        self.given[kind] = value
        self.waiting[kind] = SentEdit(kind, value, run_id, message, self.clock())

    def answer(self, snap: Snapshot) -> list[Answer]:
        """The edits this snapshot settles: taken, or refused with the trainer's reason."""
        answers = []
        for kind, edit in list(self.waiting.items()):
            if taken(edit, snap):
                answers.append(Answer(edit, None))
            elif snap.message != edit.message and snap.run_id == edit.run_id:
                answers.append(Answer(edit, snap.message or "refused by the trainer"))
            else:
                continue
            del self.waiting[kind]
        return answers

    def shown(self, kind: EditKind, trainers: T, on_screen: T | None) -> T:
        """What a panel showing `on_screen` should show for `kind`: a pending value while it
        is held, the panel's own value while its proposal is on the way, else the trainer's."""
        edit = self.waiting.get(kind)
        if edit is not None and self.clock() - edit.since <= HOLD_SECONDS:
            value = edit.value
        elif on_screen is not None and kind in self.given and on_screen != self.given[kind]:
            value = on_screen
        else:
            value = trainers
        self.given[kind] = value
        return value  # type: ignore[return-value]  # a pending value has the type it was sent as
