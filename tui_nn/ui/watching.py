"""An app that only watches its run (`tui-nn attach --watch ID`; the viewers of `tui-nn serve
--watch`): it shows everything live, and changes nothing.

It is attached with `Hello("watch")`, so the trainer itself refuses whatever would change the
run. The app refuses first, where every command leaves it (`send`), with a message naming what
was asked, and never sends it: a viewer may switch views, trace a sample, read the weights
(the commands of `WATCHER_COMMANDS`), nothing else. `q` leaves without saving or stopping.
"""

from __future__ import annotations

from tui_nn.session.protocol.hello import WATCHER_COMMANDS

NOTICE = "watching: this app shows the run live and cannot change it"
WHAT = {  # a refused command, as people say it
    "Start": "training",
    "Pause": "pausing",
    "Step": "a step",
    "Reset": "a reset",
    "SetHyper": "the training settings",
    "SetArchitecture": "the network",
    "SetDataset": "the data",
    "SetSpeed": "the speed",
    "SetParameter": "a weight set by hand",
    "ApplyTraceStep": "applying the traced step",
    "CheckGradients": "a gradient check",
    "Save": "saving",
    "Fork": "a fork",
    "Stop": "stopping",
}


def refusal(command: object) -> str | None:
    """Why a watching app does not send `command` (None: it may)."""
    if isinstance(command, WATCHER_COMMANDS):
        return None
    what = WHAT.get(type(command).__name__, type(command).__name__)
    return f"{what}: this app only watches the run (the app that opened it can change it)"
