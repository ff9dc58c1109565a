"""What the app asked a trainer and has no answer to yet: the one owner, by id.

Every command goes out with an id (the session gives it: `TrainingSession.send` returns it);
the trainer answers each exactly once, in a later snapshot's `answers` (accepted with the value
now in force, or refused with the reason), and the session answers what is still pending
`lost` when the link ends (contracts: /work/brief/contracts/answers.md). `Pending` keeps each
id until its answer, then hands both to whoever asked (`then`, on the UI thread).

Edits (`SetArchitecture`, `SetHyper`, `SetDataset`) wait here too: until their answer, the
panel keeps showing the value proposed, not the trainer's, so quick successive edits build on
each other; then it shows the trainer's value (accepted: the one in force; refused: the old one,
and the app says why). No clock, no message text.

A proposal also takes a few message hops inside the app before it is sent, and a snapshot may
be shown meanwhile. So `shown` also compares what the panel shows with what the app last gave
it: a panel that moved on by itself has a proposal on its way, and keeps its value until the
app has seen it (`seen`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from tui_nn.session.protocol.answers import Answer, CommandId
from tui_nn.session.protocol.messages import SetArchitecture, SetDataset, SetHyper

EditKind = Literal["network", "hyper", "data"]
KINDS: tuple[EditKind, ...] = ("network", "hyper", "data")
Then = Callable[[Answer], object]  # what to do with the answer (called on the UI thread)

T = TypeVar("T")


def edit_of(command: object) -> tuple[EditKind, object] | None:
    """The kind and the value of an edit command (`SetArchitecture`, `SetHyper`,
    `SetDataset`); None for any other command."""
    if isinstance(command, SetArchitecture):
        return "network", command.spec
    if isinstance(command, SetHyper):
        return "hyper", command.hyper
    if isinstance(command, SetDataset):
        return "data", command.spec
    return None


@dataclass(frozen=True)
class Asked:
    id: CommandId
    command: object
    then: Then | None = None

    @property
    def edit(self) -> tuple[EditKind, object] | None:
        return edit_of(self.command)


class Pending:
    """The commands sent to one trainer and not answered yet, in the order sent."""

    def __init__(self) -> None:
        self._asked: dict[CommandId, Asked] = {}
        self.given: dict[EditKind, object] = {}  # the value last given to (or seen from) a panel

    def __len__(self) -> int:
        return len(self._asked)

    def __contains__(self, cid: object) -> bool:
        return cid in self._asked

    def asked(self, cid: CommandId, command: object, then: Then | None = None) -> None:
        """`command` went out with id `cid`; its answer goes to `then` (if given)."""
        self._asked[cid] = Asked(cid, command, then)
        edit = edit_of(command)
        if edit is not None:
            self.given[edit[0]] = edit[1]

    def seen(self, kind: EditKind, value: object) -> None:
        """A panel proposed `value` (sent or not): the app has caught up with the panel."""
        self.given[kind] = value

    def settle(self, answers: Iterable[Answer]) -> list[tuple[Asked, Answer]]:
        """The answers to what was asked here (others' are skipped), each once and in order;
        each is handed to its `then` and returned with what was asked."""
        settled = []
        for answer in answers:
            asked = self._asked.pop(answer.id, None)
            if asked is None:
                continue
            settled.append((asked, answer))
            if asked.then is not None:
                asked.then(answer)
        return settled

    def editing(self, kind: EditKind) -> object | None:
        """The newest edit of `kind` still waiting for its answer (None: none is)."""
        for asked in reversed(self._asked.values()):
            edit = asked.edit
            if edit is not None and edit[0] == kind:
                return edit[1]
        return None

    def shown(self, kind: EditKind, trainers: T, on_screen: T | None) -> T:
        """What a panel showing `on_screen` should show for `kind`: the newest edit waiting for
        its answer, the panel's own value while its proposal is on the way, else the
        trainer's."""
        waiting = self.editing(kind)
        if waiting is not None:
            value = waiting
        elif on_screen is not None and kind in self.given and on_screen != self.given[kind]:
            value = on_screen
        else:
            value = trainers
        self.given[kind] = value
        return value  # type: ignore[return-value]  # a pending value has the type it was sent as
