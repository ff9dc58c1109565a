"""A message about the widget that posts it (Textual's `control`), for the picture widgets'
messages: `@on(NetworkDiagram.Selected, "#diagram")` selects by it, and a handler asks it
(`event.control.has_focus`)."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.message import Message
from textual.widget import Widget

W = TypeVar("W", bound=Widget)


class WidgetMessage(Message, Generic[W]):
    def __init__(self, widget: W) -> None:
        self._widget = widget
        super().__init__()

    @property
    def control(self) -> W:
        return self._widget
