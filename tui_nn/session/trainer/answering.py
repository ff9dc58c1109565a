"""How the trainer answers a command (protocol/answers.py): a handler applies it and returns the
value now in force, or raises `Refused` (or another user error: bad settings, a file that
cannot be written) with one line that says why; `answer` turns either into the `Answer`.

    def handler(runner, cmd) -> value      # accepted: the value the answer carries
        raise Refused("why, in one line")  # refused: the run is left as it was
"""

from __future__ import annotations

from collections.abc import Callable

from tui_nn.data.spec import DataError
from tui_nn.engine.spec import SpecError
from tui_nn.errors import one_line
from tui_nn.session.protocol.answers import Answer, CommandId

USER_ERRORS = (DataError, SpecError, ValueError, OSError)  # bad input: refused, not a crash


class Refused(ValueError):
    """A command the trainer does not apply; the message is the reason (one line)."""


def accepted(cid: CommandId, cmd: object, value: object) -> Answer:
    return Answer(cid, type(cmd).__name__, "accepted", value=value)


def refused(cid: CommandId, cmd: object, reason: str) -> Answer:
    return Answer(cid, type(cmd).__name__, "refused", reason=reason)


def answer(cid: CommandId, cmd: object, handler: Callable[[], object]) -> Answer:
    """Run `handler()` and answer with what it returned or why it refused. An unexpected
    exception propagates (the runner reports it as an error, and answers too)."""
    try:
        value = handler()
    except USER_ERRORS as exc:
        return refused(cid, cmd, one_line(exc))
    return accepted(cid, cmd, value)
