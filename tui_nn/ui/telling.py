"""One message at a time: every `notify` of the app replaces the message shown before it.

A refusal typed five times is one message, not five stacked toasts; the toast sits above the
status line and the footer (app.tcss), never over them. What was said is kept as state
(`said`: every message, newest last; `message_shown`: the newest), so tests and the app read
it there and not from toasts that vanish after a few seconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual.notifications import SeverityLevel

MESSAGE_SECONDS = 6.0  # how long a message stays unless the caller says otherwise


@dataclass(frozen=True)
class Said:
    text: str
    title: str
    severity: SeverityLevel


class OneMessage:
    """Mixin, before Textual's App: `class TuiNNApp(OneMessage, App)`."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.said: list[Said] = []

    def notify(  # type: ignore[override]
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,  # messages name values like W1[2,1]: never read as markup
    ) -> None:
        self.said.append(Said(message, title, severity))
        if getattr(self, "_thread_id", None) == threading.get_ident():
            self.clear_notifications()  # type: ignore[attr-defined]
        super().notify(  # type: ignore[misc]
            message,
            title=title,
            severity=severity,
            timeout=MESSAGE_SECONDS if timeout is None else timeout,
            markup=markup,
        )

    @property
    def message_shown(self) -> Said | None:
        """The newest message (the one on screen, until it times out)."""
        return self.said[-1] if self.said else None
