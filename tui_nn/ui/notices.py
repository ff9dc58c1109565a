"""One message at a time: every `notify` of the app replaces the message shown before it.

A refusal typed five times is one message, not five stacked toasts; the toast sits above the
status line and the footer (app.tcss), never over them. What was said is kept as state
(`TuiNNApp.said`: every message, newest last; `message_shown`: the newest), so tests and the
app read it there and not from toasts that vanish after a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.notifications import SeverityLevel

MESSAGE_SECONDS = 6.0  # how long a message stays unless the caller says otherwise


@dataclass(frozen=True)
class Said:
    text: str
    title: str
    severity: SeverityLevel
