"""The app's handle on a trainer: start one (detached), attach to one, send commands, receive
snapshots, detach or stop.

    session = TrainingSession(sink, fps=10, blas_threads=1)
    session.start(config)      # starts a detached trainer and attaches; snapshots via the sink
    session.attach("3fa9c2")   # ... or attaches to a running one (see rendezvous.trainers())
    session.send(Start())      # -> its id; the answer comes in a snapshot's `answers`
    session.detach()           # leave it training (tui-nn attach brings it back)
    session.close()            # Stop it (after a Save, it has saved), wait, kill if needed

The trainer is `python -m tui_nn.session.trainer.daemon ID` in a session of its own
(`start_new_session`), so the terminal's hang-up never reaches it, and it talks over a Unix
socket in the user's runtime folder with the user's authkey (rendezvous.py). Two background
threads live on the app side. The reader receives from the socket and puts into the Mailbox
(mailbox.py explains how snapshots coalesce); the deliverer takes from the mailbox and calls
`sink(msg)` with a Snapshot or, when the trainer went away without being asked to, a
TrainerDied. The sink runs on the deliverer thread: the app's sink posts a Textual message
(thread-safe); tests append to a list.

Every command sent has an id (outstanding.py); the trainer answers it in `Snapshot.answers`,
and the reader keeps only the answers to this session's ids. When the link ends (the trainer
died or was stopped elsewhere, the link was lost, `detach`/`close`), whatever is still pending
reaches the sink as one `LostAnswers`, before the TrainerDied.

Commands are applied in the order sent, at the next step boundary (a burst sent together is
applied at one boundary; Step adds to a Step in progress). The first snapshot of a run carries
the run's whole history.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Client

import tui_nn.session.protocol.rendezvous as rendezvous
from tui_nn.config import RunConfig
from tui_nn.session.client.mailbox import END, Mailbox
from tui_nn.session.client.outstanding import Outstanding, SessionClosed
from tui_nn.session.protocol.answers import CommandId, LostAnswers
from tui_nn.session.protocol.frozen import freeze
from tui_nn.session.protocol.hello import Hello, HelloKind, Launch, Status, Stopped
from tui_nn.session.protocol.messages import Snapshot, Stop, TrainerDied

log = logging.getLogger(__name__)

CONNECT_SECONDS = 30.0  # a trainer starting up (imports numpy, loads data) is waited for this long


def connect(trainer_id: str, hello: Hello, timeout: float = 2.0):  # noqa: ANN201 - Connection
    """A connection to trainer `trainer_id` that has said `hello` (OSError if none listens;
    multiprocessing.AuthenticationError if the key is not the trainer's)."""
    address = str(rendezvous.socket_path(trainer_id))
    conn = Client(address, family=rendezvous.FAMILY, authkey=rendezvous.authkey())
    conn.send(hello)
    return conn


def ask(trainer_id: str, kind: HelloKind = "query", timeout: float = 5.0) -> Status | None:
    """A trainer's Status (for `attach --list` and `--stop`); None if it does not answer."""
    try:
        conn = connect(trainer_id, Hello(kind))
    except (OSError, EOFError):
        return None
    try:
        if kind == "stop":
            timeout = max(timeout, 60.0)  # it saves first
        return conn.recv() if conn.poll(timeout) else None
    except (OSError, EOFError):
        return None
    finally:
        conn.close()


class TrainingSession:
    def __init__(
        self,
        sink: Callable[[Snapshot | LostAnswers | TrainerDied], object],
        fps: float = 10,
        blas_threads: int | None = None,  # the trainer's (None: tui_nn.blas's default, 1)
        early: EarlyTrainer | None = None,  # started ahead: the first `start` launches it
    ):
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps!r}")
        self.sink = sink
        self.fps = fps
        self.blas_threads = blas_threads
        self.mailbox = Mailbox()
        self.startup_seconds: float | None = None  # start()/attach() to the first snapshot
        self.trainer_id: str | None = None
        self._process: subprocess.Popen | None = None  # only when this session started it
        self._conn = None
        self._send_lock = threading.Lock()
        self._closing = threading.Event()
        self._ended = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started_at = 0.0
        self.stopped_elsewhere = False  # another app (or attach --stop) stopped the trainer
        self.outstanding = Outstanding()  # this connection's commands not yet answered
        self._leaving = ""  # why this app ends the link itself (detach, close): lost answers say it
        self.watching = False  # attached read-only (Hello("watch"))
        self._early = early

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(
        self,
        config: RunConfig,
        initial_model: str | None = None,
        run_path: str | None = None,
        metrics_path: str | None = None,
    ) -> None:
        """Start a detached trainer with this configuration and attach to it. `initial_model`:
        a saved model file whose weights and history the run continues from. `run_path`: where
        the trainer saves the run when it is left alone (detached, finished); `metrics_path`:
        a JSON Lines file that gets every epoch."""
        if self.alive:
            raise RuntimeError("the session is already running")
        self._started_at = time.perf_counter()
        taken = self._early.take() if self._early is not None else None
        self._early = None
        trainer_id, process = taken or (rendezvous.new_id(), None)
        self.watching = False
        launch = Launch(config, self.fps, self.blas_threads, initial_model, run_path, metrics_path)
        self._process = process or spawn(trainer_id)
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            try:
                conn = connect(trainer_id, Hello("launch", launch))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self._process.kill()
                    raise RuntimeError(
                        f"the trainer did not start (exit code {self._process.poll()})"
                    ) from None
                time.sleep(0.01)  # the socket appears within the trainer's start-up
        self._open(trainer_id, conn)

    def attach(self, trainer_id: str, watch: bool = False) -> None:
        """Attach to the running trainer `trainer_id`: its whole history arrives first.
        `watch`: read-only (the trainer refuses what would change the run; `close` only
        detaches)."""
        if self.alive:
            raise RuntimeError("the session is already running")
        self._started_at = time.perf_counter()
        self._process = None
        self.watching = watch
        self._open(trainer_id, connect(trainer_id, Hello("watch" if watch else "attach")))

    def _open(self, trainer_id: str, conn) -> None:  # noqa: ANN001 - a Connection
        self.trainer_id, self._conn = trainer_id, conn
        self.outstanding, self._leaving = Outstanding(), ""
        self._closing = closing = threading.Event()
        self._ended = ended = threading.Event()
        self.mailbox = mailbox = Mailbox()
        self.startup_seconds = None
        self._threads = [
            threading.Thread(
                target=self._read,
                args=(conn, mailbox, self.outstanding, closing, ended),
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
        return self._conn is not None and not self._ended.is_set() and not self._closing.is_set()

    @property
    def pid(self) -> int | None:
        if self._process is not None:
            return self._process.pid
        for info in rendezvous.trainers():
            if info.id == self.trainer_id:
                return info.pid
        return None

    def send(self, command: object) -> CommandId:
        """Send one command; it is applied between two training steps and answered, by the
        id returned, in a later snapshot's `answers` (or lost: see LostAnswers). `Stop` ends
        the trainer and is not answered (use `close`): its id is ""."""
        if self._conn is None or self._closing.is_set():
            raise SessionClosed("the trainer is not running")
        if isinstance(command, Stop):
            self._send(command)
            return ""
        envelope = self.outstanding.envelope(command)
        try:
            self._send(envelope)
        except SessionClosed:
            self.outstanding.forget(envelope.id)
            raise
        return envelope.id

    def _send(self, item: object) -> None:
        try:
            with self._send_lock:
                self._conn.send(item)
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise SessionClosed("the trainer is not running") from exc

    def detach(self) -> None:
        """Leave the trainer running on its own: it saves the run and trains on."""
        if self._conn is None or self._closing.is_set():
            return
        self._leaving = "this app detached from the trainer"
        self._closing.set()
        shut_down(self._conn)  # the reader may be blocked in recv: closing alone would not end
        self._conn.close()  # the link while a paused trainer sends nothing
        self._join_threads()
        self._process = None  # not ours to wait for any more

    def close(self, timeout: float = 0.5) -> None:
        """Stop the trainer: ask, wait up to `timeout` seconds for it to hang up, then kill.
        A session that only watches leaves the trainer as it is (it detaches)."""
        if self._conn is None or self._closing.is_set():
            return
        if self.watching:
            self.detach()
            return
        pid = self.pid
        self._leaving = "this app closed its session (the trainer was stopped)"
        self._closing.set()
        try:
            with self._send_lock:
                self._conn.send(Stop())
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        if not self._ended.wait(timeout):
            self._kill(pid)
        self._conn.close()
        if self._process is not None:
            try:
                self._process.wait(max(timeout, 1.0))
            except subprocess.TimeoutExpired:
                self._kill(pid)
                self._process.wait(2.0)
        self._join_threads()

    def _kill(self, pid: int | None) -> None:
        if self._process is not None:
            self._process.kill()
        elif pid is not None:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        if self.trainer_id is not None:
            rendezvous.remove(self.trainer_id)

    def _join_threads(self) -> None:
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(1.0)

    # ---- the two threads ----------------------------------------------------------------------

    def _read(  # noqa: ANN001 - a Connection, two Events
        self, conn, mailbox: Mailbox, outstanding: Outstanding, closing, ended
    ) -> None:
        """Drain the socket into the mailbox, whatever the sink is doing."""
        try:
            while True:
                snap = conn.recv()
                if self.startup_seconds is None:
                    self.startup_seconds = time.perf_counter() - self._started_at
                if isinstance(snap, Snapshot):
                    mailbox.put(freeze(outstanding.mine(snap)))
                elif isinstance(snap, Stopped) and not closing.is_set():
                    self.stopped_elsewhere = True
                    closing.set()  # not a crash: say so, once
                    said = f" ({snap.message})" if snap.message else ""
                    gone = TrainerDied(
                        0, f"the trainer was stopped by {snap.by}{said}", stopped_by=snap.by
                    )
                    self._put_lost(mailbox, outstanding, gone.message)
                    mailbox.put(gone)
        except (EOFError, OSError, TypeError, ValueError):  # closed here (detach) or there
            pass
        ended.set()
        if not closing.is_set():
            process = self._process
            code = None
            if process is not None:
                try:
                    code = process.wait(1.0)
                except subprocess.TimeoutExpired:
                    code = None
            gone = self._link_lost() if code is None else died(code)
            self._put_lost(mailbox, outstanding, gone.message)
            mailbox.put(gone)
        self._put_lost(mailbox, outstanding, self._leaving or "the link to the trainer ended")
        mailbox.put(END)

    @staticmethod
    def _put_lost(mailbox: Mailbox, outstanding: Outstanding, reason: str) -> None:
        lost = outstanding.lose(reason)
        if lost is not None:
            mailbox.put(lost)

    def _link_lost(self) -> TrainerDied:
        """The connection ended but no exit code says why: if the trainer still answers, only
        this app's link went (it fell far behind, say, while suspended) and the run goes on."""
        trainer_id = self.trainer_id
        status = ask(trainer_id, timeout=2.0) if trainer_id is not None else None
        if status is None:
            return died(None)
        return TrainerDied(
            exitcode=None,
            message=(
                f"the link to trainer {trainer_id} was lost, but it is still {status.state} "
                f"(epoch {status.epoch}); this app no longer sees it: quit and run "
                f"`tui-nn attach {trainer_id}`"
            ),
            alive=True,
        )

    def _deliver(self, mailbox: Mailbox) -> None:
        """Hand mailbox items to the sink, one after another. A session that only watches
        hands them at most `fps` times a second (what arrives meanwhile is coalesced in the
        mailbox, every epoch record kept): thirty viewers then redraw less often, and leave
        the CPU to the run they watch."""
        closing = self._closing
        while True:
            item = mailbox.take()
            if item is END:
                return
            handed = time.monotonic()
            try:
                self.sink(item)
            except Exception:  # a broken sink must not stop the stream
                log.exception("session sink failed")
            if self.watching:
                closing.wait(max(0.0, handed + 1.0 / self.fps - time.monotonic()))

    def __enter__(self) -> TrainingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EarlyTrainer:
    """A trainer process started before the app that uses it has imported and drawn itself
    (its own imports run beside the app's): the first session to `start` takes it and launches
    the run over its socket as usual. `cancel()` ends it when no session took it (the app
    failed before starting one); left alone it would end by itself after its LAUNCH_SECONDS."""

    def __init__(self) -> None:
        self.trainer_id = rendezvous.new_id()
        with hangup_ignored_by_children():
            self.process: subprocess.Popen | None = spawn(self.trainer_id)

    def take(self) -> tuple[str, subprocess.Popen] | None:
        """Its id and process, once (None if already taken or cancelled)."""
        process, self.process = self.process, None
        return None if process is None else (self.trainer_id, process)

    def cancel(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
            rendezvous.remove(self.trainer_id)


@contextlib.contextmanager
def hangup_ignored_by_children() -> Iterator[None]:
    """Processes started in this block ignore SIGHUP (an ignored signal stays ignored across
    exec), so that a hang-up of the terminal never reaches the trainer."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


def spawn(trainer_id: str) -> subprocess.Popen:
    """`python -m tui_nn.session.trainer.daemon ID`, detached from this terminal: a session of its
    own (no SIGHUP from the terminal, no Ctrl-C), stdin/stdout/stderr away from the screen."""
    log_path = os.environ.get(rendezvous.LOG_ENV)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "tui_nn.session.trainer.daemon", trainer_id],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            close_fds=True,
        )
    finally:
        if log_path:
            out.close()


def shut_down(conn) -> None:  # noqa: ANN001 - a Connection
    """End the link both ways at once: the trainer sees this app gone, and a recv blocked on
    it returns (a plain close waits for that recv, which waits for the trainer's next word)."""
    try:
        with socket.socket(fileno=socket.dup(conn.fileno())) as sock:  # the dup is closed
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


def died(exitcode: int | None) -> TrainerDied:
    """The report of a trainer that ended without being asked to."""
    if exitcode is not None and exitcode < 0:
        how = f"was killed by signal {-exitcode}"
    elif exitcode is None:
        how = "went away (its connection closed)"
    else:
        how = f"ended unexpectedly (exit code {exitcode})"
    return TrainerDied(exitcode=exitcode, message=f"the trainer process {how}")
