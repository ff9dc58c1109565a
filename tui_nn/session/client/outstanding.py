"""The commands one client has sent and the trainer has not answered yet, by id.

Every command goes out in an `Envelope` whose id is `<token>:<n>`: the token is random per
connection, so ids are unique across every app attached to one trainer. The trainer's answers
reach every attached app; `mine` keeps those to this client's ids (in order) and forgets them
as pending. When the link ends (the trainer died or was stopped, the link was lost, the session
was closed), `lose` answers everything still pending `lost`, once, and no id is given out after
that. The reader thread answers, the app's thread sends: a lock keeps the two apart.
"""

from __future__ import annotations

import dataclasses
import itertools
import secrets
import threading

from tui_nn.session.protocol.answers import Answer, CommandId, LostAnswers
from tui_nn.session.protocol.messages import Envelope, Snapshot


class SessionClosed(RuntimeError):
    """A command was sent to a session that is not running."""


class Outstanding:
    def __init__(self) -> None:
        self.token = secrets.token_hex(4)
        self._numbers = itertools.count(1)
        self._pending: dict[CommandId, str] = {}  # id -> the command's type name
        self._lock = threading.Lock()
        self._ended = False

    def envelope(self, command: object) -> Envelope:
        """`command` with a fresh id, which is pending from now on."""
        with self._lock:
            if self._ended:
                raise SessionClosed("the trainer is not running")
            cid = f"{self.token}:{next(self._numbers)}"
            self._pending[cid] = type(command).__name__
        return Envelope(cid, command)

    def forget(self, cid: CommandId) -> None:
        """The command never left (the send failed): nothing will answer it."""
        with self._lock:
            self._pending.pop(cid, None)

    @property
    def pending(self) -> tuple[CommandId, ...]:
        with self._lock:
            return tuple(self._pending)

    def mine(self, snap: Snapshot) -> Snapshot:
        """`snap` with only the answers to this client's pending ids (no longer pending)."""
        if not snap.answers:
            return snap
        with self._lock:
            kept = tuple(a for a in snap.answers if self._pending.pop(a.id, None) is not None)
        return snap if kept == snap.answers else dataclasses.replace(snap, answers=kept)

    def lose(self, reason: str) -> LostAnswers | None:
        """Everything still pending, answered `lost` because of `reason` (None if nothing
        was); from now on no command can be sent."""
        with self._lock:
            self._ended = True
            pending, self._pending = self._pending, {}
        if not pending:
            return None
        return LostAnswers(
            tuple(Answer(cid, name, "lost", reason=reason) for cid, name in pending.items())
        )
