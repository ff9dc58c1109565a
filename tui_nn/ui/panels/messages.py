"""Messages shared by the editing panels."""

from __future__ import annotations

from textual.message import Message


class EditRefused(Message):
    """A fact: the user typed or asked for a value the app will not use (the old one stays)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
