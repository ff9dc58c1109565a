"""How the app gets a trainer: the session protocol and the real session's factory."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Protocol

from tui_nn.config import RunConfig
from tui_nn.session.protocol.answers import CommandId

if TYPE_CHECKING:
    from tui_nn.session.client.proxy import EarlyTrainer


class Session(Protocol):
    """What the app needs from a session (client/proxy.py's TrainingSession, or a test fake)."""

    def start(
        self,
        config: RunConfig,
        initial_model: str | None = None,
        run_path: str | None = None,
        metrics_path: str | None = None,
    ) -> None: ...
    def attach(self, trainer_id: str, watch: bool = False) -> None: ...
    def detach(self) -> None: ...
    def send(self, command: object) -> CommandId | None:
        """The command's id: its answer comes in a snapshot's `answers` (or lost)."""
        ...

    def close(self, timeout: float = 0.5) -> None: ...
    @property
    def alive(self) -> bool: ...


SessionFactory = Callable[..., Session]  # (sink, fps=...) -> Session


def real_session(
    sink: Callable[[object], object],
    fps: float,
    threads: int | None = None,
    early: EarlyTrainer | None = None,
) -> Session:
    """A trainer process of its own, on `threads` BLAS threads (None: `tui_nn.blas`'s default);
    `early`: a trainer process already started, for the first session that starts one."""
    from tui_nn.session.client.proxy import TrainingSession

    # The trainer is a subprocess with its own stdin/stdout/stderr (no multiprocessing spawn,
    # so nothing needs the app's captured stderr).
    return TrainingSession(sink, fps=fps, blas_threads=threads, early=early)


def real_sessions(threads: int | None, early: EarlyTrainer | None = None) -> SessionFactory:
    """The factory of real sessions whose trainers use `threads` BLAS threads (`--threads`);
    the first to start a trainer launches `early`'s, if given (started while the app started)."""
    return partial(real_session, threads=threads, early=early)
