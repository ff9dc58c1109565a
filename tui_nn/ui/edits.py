"""Edits on their way to the trainer: did it take them, or refuse them (and why)?

The trainer applies an edit between two steps, or refuses it (a loss that does not fit the
output layer, a CSV it cannot read) and keeps the run as it was, saying why in the snapshot's
message. The app remembers the newest edit of each kind until a snapshot answers it, so that a
refusal is shown to the user and the panels stop waiting for a value that will not come.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_nn.session.messages import Snapshot

KINDS = ("network", "hyper", "data")


@dataclass(frozen=True)
class SentEdit:
    kind: str  # one of KINDS
    value: object  # the NetworkSpec, HyperParams or DatasetSpec sent
    run_id: int  # of the newest snapshot when it was sent
    message: str  # the trainer's message then


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


class EditWatch:
    def __init__(self) -> None:
        self.waiting: dict[str, SentEdit] = {}

    def sent(self, kind: str, value: object, last: Snapshot | None) -> None:
        """Remember an edit just sent (it replaces an older one of the same kind)."""
        run_id, message = (last.run_id, last.message) if last is not None else (-1, "")
        self.waiting[kind] = SentEdit(kind, value, run_id, message)

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
