"""What a feature of the app may use of it: the one interface between `TuiNNApp` (app.py) and
the controllers it holds (trace mode, the diagram, the comparison, the views, a lesson, the
keeping of runs).

A controller gets the app as a `Host` and the other controllers it needs as constructor
arguments; it never imports the app, and the app calls it through its few public methods.
`TuiNNApp` is the one implementation; most of these are Textual's own `App` methods.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import SetView, Snapshot
from tui_nn.ui.link.pending import Then


class Host(Protocol):
    last: Snapshot | None  # run A's newest snapshot, as shown
    config: RunConfig  # what the app was started with (a fallback for what a snapshot lacks)
    picture_interval: float  # seconds between two repaints of a picture
    title: str  # the app's title (a lesson names itself)

    @property
    def screen(self) -> Screen[Any]: ...

    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def query(self, selector: Any = None) -> Any: ...

    def mount(self, *widgets: Any, before: Any = None) -> Any: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def post_message(self, message: Message) -> bool: ...

    def run_worker(self, work: Any, **options: Any) -> Any: ...

    def exit(self, result: Any = None, return_code: int = 0) -> None: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None: ...

    def send(self, command: object, then: Then | None = None) -> bool:
        """Send `command` to run A (while comparing: where the comparison routes it); `then`
        gets the trainer's answer (accepted, refused or lost) on the UI thread. False (and a
        message on screen) when it could not be sent."""
        ...

    def request_view(self, again: bool = False) -> bool:
        """Tell the trainer what pictures the screen shows now (a `SetView`), if that changed
        (`again`: even if not, for fresh pictures at once); False when nothing was sent."""
        ...

    def current_view(self) -> SetView | None:
        """The pictures the screen asks the trainer for now (None before the first data)."""
        ...
