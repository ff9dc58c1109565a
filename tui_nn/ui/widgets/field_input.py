"""A text field whose keys keep their order when they arrive together.

Textual hands a printable key to the focused Input at once, but a key with a binding
(backspace, ctrl+u, home, enter, tab...) bubbles up the DOM first, one message queue at a
time, and its action runs when it reaches the App. Keys that arrive in one burst — a fast
typist over SSH, a paste of "ctrl+u 0.1 enter", a script driving tmux — then run out of order:
`ctrl+u 0.1 enter` inserted 0.1, cleared it, and applied an empty field. `FieldInput` runs the
binding of a non-printable key (the field's own, then its panel's, screen's and app's: the
chain Textual would walk) as the key arrives, so every key acts in the order it was typed.
The App forwards a burst's keys to the field focused when they came in: those that follow a
key that moved the focus on (tab, enter) are passed on to the field focused now.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class FieldInput(Input):
    """An Input for the app's fields (same API)."""

    async def _on_key(self, event: events.Key) -> None:
        focused = self.app.focused
        if focused is not None and focused is not self:  # typed after a tab in the same burst
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        if event.is_printable:
            await super()._on_key(event)
            return
        self._restart_blink()
        # the non-priority bindings of the focus chain, as App._on_key would run them
        if await self.app._check_bindings(event.key):
            event.stop()
            event.prevent_default()
