"""The app's handle on the trainer process: start it, send commands, receive snapshots.

    session = TrainingSession(sink, fps=10, blas_threads=1)
    session.start(config)      # spawns the trainer; the first Snapshot arrives via the sink
    session.send(Start())
    session.close()            # Stop, join, kill if needed

Two background threads live on the app side. The reader receives from the snapshot pipe and puts
into the Mailbox (mailbox.py explains how snapshots coalesce); the deliverer takes from the
mailbox and calls `sink(msg)` with a Snapshot or, when the process ended without being asked
to, a TrainerDied. The sink runs on the deliverer thread: the app's sink posts a Textual message
(thread-safe); tests append to a list.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable

from tui_nn.config import RunConfig
from tui_nn.session.mailbox import END, Mailbox, freeze
from tui_nn.session.messages import Snapshot, Stop, TrainerDied
from tui_nn.session.trainer_process import trainer_main

log = logging.getLogger(__name__)


class SessionClosed(RuntimeError):
    """A command was sent to a session that is not running."""


class TrainingSession:
    def __init__(
        self,
        sink: Callable[[Snapshot | TrainerDied], object],
        fps: float = 10,
        blas_threads: int | None = 1,
    ):
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps!r}")
        self.sink = sink
        self.fps = fps
        self.blas_threads = blas_threads
        self.mailbox = Mailbox()
        self.startup_seconds: float | None = None  # start() to the first snapshot received
        self._process = None
        self._commands = None
        self._send_lock = threading.Lock()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started_at = 0.0

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self, config: RunConfig, initial_model: str | None = None) -> None:
        """Spawn the trainer with this configuration (it loads the data and builds the net).
        `initial_model`: a saved model file whose weights and history the run continues from
        (if it cannot be used, the run starts with new weights and the first snapshot says why).
        """
        if self.alive:
            raise RuntimeError("the session is already running")
        ctx = multiprocessing.get_context("spawn")  # the app has threads: never fork
        cmd_read, cmd_write = ctx.Pipe(duplex=False)
        snap_read, snap_write = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=trainer_main,
            args=(
                cmd_read,
                snap_write,
                config,
                self.fps,
                self.blas_threads,
                os.getpid(),
                initial_model,
            ),
            name="tui-nn-trainer",
            daemon=True,
        )
        self._started_at = time.perf_counter()
        try:
            process.start()
        except BaseException:
            for conn in (cmd_read, cmd_write, snap_read, snap_write):
                conn.close()
            raise
        cmd_read.close()  # the child's ends: closing ours lets each side see the other die
        snap_write.close()
        # Each start has its own pipes, mailbox and closing flag; the threads are bound to them.
        self._process, self._commands = process, cmd_write
        self._closing = closing = threading.Event()
        self.mailbox = mailbox = Mailbox()
        self.startup_seconds = None
        self._threads = [
            threading.Thread(
                target=self._read,
                args=(snap_read, process, mailbox, closing),
                name="trainer-reader",
                daemon=True,
            ),
            threading.Thread(
                target=self._deliver, args=(mailbox,), name="trainer-deliverer", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive() and not self._closing.is_set()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def send(self, command: object) -> None:
        """Send one command; it is applied between two training steps."""
        if self._commands is None or self._closing.is_set():
            raise SessionClosed("the trainer is not running")
        try:
            with self._send_lock:
                self._commands.send(command)
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise SessionClosed("the trainer is not running") from exc

    def close(self, timeout: float = 0.5) -> None:
        """Ask the trainer to stop, wait up to `timeout` seconds, then kill it."""
        process = self._process
        if process is None or self._closing.is_set():
            return
        self._closing.set()
        try:
            with self._send_lock:
                self._commands.send(Stop())
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(1.0)
        self._commands.close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(1.0)

    # ---- the two threads ----------------------------------------------------------------------

    def _read(self, conn, process, mailbox: Mailbox, closing: threading.Event) -> None:
        """Drain the snapshot pipe into the mailbox, whatever the sink is doing."""
        try:
            while True:
                snap = conn.recv()
                if self.startup_seconds is None:
                    self.startup_seconds = time.perf_counter() - self._started_at
                mailbox.put(freeze(snap))
        except (EOFError, OSError):
            pass
        finally:
            conn.close()
        if not closing.is_set():
            process.join(1.0)
            mailbox.put(died(process.exitcode))
        mailbox.put(END)

    def _deliver(self, mailbox: Mailbox) -> None:
        """Hand mailbox items to the sink, one after another."""
        while True:
            item = mailbox.take()
            if item is END:
                return
            try:
                self.sink(item)
            except Exception:  # a broken sink must not stop the stream
                log.exception("session sink failed")

    def __enter__(self) -> TrainingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def died(exitcode: int | None) -> TrainerDied:
    """The report of a trainer that ended without being asked to."""
    if exitcode is not None and exitcode < 0:
        how = f"was killed by signal {-exitcode}"
    else:
        how = f"ended unexpectedly (exit code {exitcode})"
    return TrainerDied(exitcode=exitcode, message=f"the trainer process {how}")
