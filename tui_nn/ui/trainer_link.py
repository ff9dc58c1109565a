"""How the app gets a trainer: the session protocol and the real session's factory."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Protocol

from tui_nn.config import RunConfig


class Session(Protocol):
    """What the app needs from a session (tui_nn.session.TrainingSession, or a test fake)."""

    def start(self, config: RunConfig, initial_model: str | None = None) -> None: ...
    def send(self, command: object) -> None: ...
    def close(self, timeout: float = 0.5) -> None: ...
    @property
    def alive(self) -> bool: ...


SessionFactory = Callable[..., Session]  # (sink, fps=...) -> Session


def real_session(sink: Callable[[object], object], fps: float) -> Session:
    from tui_nn.session import TrainingSession

    _start_resource_tracker()
    return TrainingSession(sink, fps=fps, blas_threads=1)


def _start_resource_tracker() -> None:
    """multiprocessing starts a helper process on the first spawn and hands it
    `sys.stderr.fileno()`; inside a running Textual app stderr is captured (fileno -1) and
    the spawn fails. Start the helper first, with its stderr on /dev/null (it would only
    print over the screen)."""
    from multiprocessing import resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved
