"""The apps attached to one trainer as an audience: who may change the run, and what pictures
they want between them. Used by the hub, which knows which app sent what.

- An app that only watches (`Hello("watch")`: `tui-nn serve --watch`'s viewers) may ask only
  for what changes nothing of the run: `WATCHER_COMMANDS`. Anything else it sends, `Stop`
  included, is refused and never applied.
- Each app says which pictures its screen shows (`SetView`); the trainer draws one set for
  all, so the views are merged: the weights and the decision grid while any app shows them, as
  often as the most eager asks, at the size and for the sample of the app that edits (the
  newest view of an editing app; of any app when none edits). One viewer opening its network
  diagram then does not take the grid away from the teacher's screen, nor a small window make
  it coarse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tui_nn.session.protocol.hello import WATCHER_COMMANDS
from tui_nn.session.protocol.messages import SetView

WATCHING_REASON = "this app only watches the run (read-only): it cannot change it"


def command_of(message: object) -> object:
    """The command a message carries (an envelope's, or the message itself)."""
    return getattr(message, "command", message)


def with_command(message: object, command: object) -> object:
    """`message` carrying `command` instead (an envelope keeps its id)."""
    if command_of(message) is message:
        return command
    return replace(message, command=command)  # type: ignore[type-var]


def admits(watching: bool, message: object) -> bool:
    """May this app's message reach the run?"""
    return not watching or isinstance(command_of(message), WATCHER_COMMANDS)


def merged_view(views: Iterable[tuple[SetView, bool]]) -> SetView | None:
    """One view for the trainer from every app's newest (`(view, watching)`, oldest first)."""
    views = list(views)
    if not views:
        return None
    editing = [view for view, watching in views if not watching]
    lead = (editing or [view for view, _ in views])[-1]
    wanted = [view.maps for view, _ in views if view.maps is not None]  # one layer's maps
    return replace(
        lead,
        maps=lead.maps if lead.maps is not None else (wanted[-1] if wanted else None),
        weights=any(view.weights for view, _ in views),
        grid=any(view.grid for view, _ in views),
        grid_interval=min(view.grid_interval for view, _ in views),
        weights_interval=min(view.weights_interval for view, _ in views),
    )
