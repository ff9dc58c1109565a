"""What a client says first on a trainer's socket, and the trainer's answer to a query.

The first message on every connection is a `Hello`:

- `Hello("launch", launch)`: the app that started the trainer gives it its run (once).
- `Hello("attach")`: an app (re-)attaches; it gets the whole (thinned) history first, then live
  snapshots, and may send commands, like the app that launched it.
- `Hello("watch")`: as "attach", read-only: of its commands the trainer serves only those that
  change nothing of the run (`WATCHER_COMMANDS`); every other one, `Stop` included, is refused
  and never applied (`tui-nn serve --watch`'s viewers; the app in watch mode asks for no other).
- `Hello("query")`: `tui-nn attach --list` asks for a `Status` and hangs up.
- `Hello("stop")`: `tui-nn attach --stop` asks the trainer to save its run and end; the answer
  is a `Status` (with `saved_path` when it saved).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import Inspect, SetView, TraceSample

HelloKind = Literal["launch", "attach", "watch", "query", "stop"]


WATCHER_COMMANDS = (SetView, Inspect, TraceSample)
"""What an app that only watches may ask of a trainer: views, a sample's activations, a trace."""


@dataclass(frozen=True)
class Launch:
    """The run a freshly started trainer is to train."""

    config: RunConfig
    fps: float
    blas_threads: int | None  # the trainer's BLAS threads (None: the default of tui_nn.blas)
    initial_model: str | None = None  # a saved model file to continue
    run_path: str | None = None  # where the run is saved (a detached trainer saves there)
    metrics_path: str | None = None  # every epoch, as JSON Lines (appended)


@dataclass(frozen=True)
class Hello:
    kind: HelloKind
    launch: Launch | None = None


@dataclass(frozen=True)
class Status:
    """A trainer as `tui-nn attach --list` shows it."""

    id: str
    pid: int
    dataset: str
    network: str
    epoch: int
    state: str
    started: float
    clients: int  # apps attached right now
    run_path: str | None
    config: RunConfig | None = None  # the run's configuration as it is now (for attach)
    saved_path: str | None = None  # set when a `stop` saved the run
    message: str = ""
    watchers: int = 0  # how many of `clients` only watch (Hello("watch"))


@dataclass(frozen=True)
class Stopped:
    """Sent to every attached app when the trainer ends on a Stop: not a crash. `by`: what
    stopped it ("another app", "tui-nn attach --stop", "SIGTERM"); `message` is the
    trainer's last (e.g. "saved to ...")."""

    message: str
    by: str = "another app"
