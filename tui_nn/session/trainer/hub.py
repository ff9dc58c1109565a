"""The trainer's end of its Unix socket: the apps attached to it, as one command source.

`Hub` looks, to the trainer loop (loop.serve), like the command pipe it used to
read: `poll(timeout)` and `recv()`. Besides the commands of every attached app, `recv()` yields
three events of its own, which the trainer's control (daemon.py) handles:

- `Joined(conn, hello)`: a connection passed the authkey challenge and said hello,
- `Left(conn)`: an attached app went away (detached, hung up, crashed),
- `Terminate(signal)`: the trainer got SIGTERM (see `wake`).

Connections are accepted on a thread of their own (the authkey challenge and the hello take
a round trip each), and handed to the loop through a self-pipe, so a paused trainer blocks in
one `wait()` on all its connections and that pipe: no CPU while nothing happens. What goes to
an attached app is sent by its own `Outbox` thread (outbox.py): an app that stops reading never
blocks the trainer, and is cut off (`Left`) once it is far behind.

The hub knows which app sent what (audience.py): an app that only watches has its commands that
would change the run refused, and the apps' views (`SetView`) are merged into one.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, Listener, wait

from tui_nn.session.protocol.hello import Hello
from tui_nn.session.protocol.messages import SetView
from tui_nn.session.trainer.audience import (
    WATCHING_REASON,
    admits,
    command_of,
    merged_view,
    with_command,
)
from tui_nn.session.trainer.outbox import Outbox, pickled

HELLO_SECONDS = 5.0  # a connection that says nothing for this long is dropped
DRAIN_SECONDS = 3.0  # at the end, what is queued for the apps (Stopped) gets this long


@dataclass(frozen=True)
class Joined:
    conn: Connection
    hello: Hello


@dataclass(frozen=True)
class Left:
    conn: Connection


@dataclass(frozen=True)
class Terminate:
    signal: str


@dataclass(frozen=True)
class Refused:
    """A command of an app that only watches, not applied: it is answered `refused`."""

    message: object  # the command, bare or in its Envelope
    reason: str


class Hub:
    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        self.clients: list[Connection] = []  # attached apps: they get every snapshot
        self.watchers: set[Connection] = set()  # ... of which these only watch (read-only)
        self.refused = 0  # commands of watching apps not let through
        self._views: dict[Connection, SetView] = {}  # each app's newest view, oldest first
        self._outboxes: dict[Connection, Outbox] = {}
        self._dead: list[Connection] = []  # cut off by their outbox's thread, to drop here
        self._ready: deque[object] = deque()
        self._joined: deque[Joined] = deque()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)  # a full pipe is awake enough: never block
        self.terminate: str | None = None
        self._thread = threading.Thread(target=self._accept, name="accept", daemon=True)
        self._thread.start()

    # ---- accepting (its own thread) ------------------------------------------------------

    def _accept(self) -> None:
        while True:
            try:
                conn = self.listener.accept()  # the authkey challenge happens in here
            except OSError:
                return  # the listener was closed: the trainer is ending
            except Exception:  # a wrong key (AuthenticationError), a broken handshake
                continue
            try:
                hello = conn.recv() if conn.poll(HELLO_SECONDS) else None
            except (EOFError, OSError, Exception):
                hello = None
            if not isinstance(hello, Hello):
                conn.close()
                continue
            with self._lock:
                self._joined.append(Joined(conn, hello))
            self.wake()

    @property
    def wake_fd(self) -> int:
        """The write end of the self-pipe (for `signal.set_wakeup_fd`)."""
        return self._wake_w

    def wake(self, terminate: str | None = None) -> None:
        """Make a waiting `poll`/`recv` return (async-signal-safe: a write to a pipe)."""
        if terminate is not None:
            self.terminate = terminate
        try:
            os.write(self._wake_w, b"!")
        except OSError:
            pass

    # ---- the command source ----------------------------------------------------------------

    def poll(self, timeout: float | None = 0.0) -> bool:
        if not self._ready:
            self._gather(timeout)
        return bool(self._ready)

    def recv(self) -> object:
        while not self._ready:
            self._gather(None)
        return self._ready.popleft()

    def _gather(self, timeout: float | None) -> None:
        for obj in wait([*self.clients, self._wake_r], timeout):
            if obj == self._wake_r:
                os.read(self._wake_r, 512)
                with self._lock:
                    joined, self._joined = list(self._joined), deque()
                    dead, self._dead = self._dead, []
                self._ready.extend(joined)
                for conn in dead:
                    self.drop(conn)
                if self.terminate is not None:
                    self._ready.append(Terminate(self.terminate))
                    self.terminate = None
                continue
            try:
                while obj.poll():
                    self._take(obj, obj.recv())
            except (EOFError, OSError):
                self.drop(obj)
            except Exception:  # an unpicklable message: that app is broken, not the trainer
                self.drop(obj)

    def _take(self, conn: Connection, message: object) -> None:
        """A command from an attached app, on its way to the loop (or not: see audience.py)."""
        if not admits(conn in self.watchers, message):
            self.refused += 1
            self._ready.append(Refused(message, WATCHING_REASON))
            return
        command = command_of(message)
        if isinstance(command, SetView):
            self._views.pop(conn, None)
            self._views[conn] = command  # the newest view last
            message = with_command(message, self._merged_view())
        self._ready.append(message)

    def _merged_view(self) -> SetView | None:
        return merged_view((view, c in self.watchers) for c, view in self._views.items())

    # ---- sending -------------------------------------------------------------------------

    def add(self, conn: Connection, watch: bool = False) -> None:
        """An attached app: from now on it gets every snapshot, through its own outbox.
        `watch`: it only watches (its commands that would change the run are refused)."""
        self.clients.append(conn)
        if watch:
            self.watchers.add(conn)
        self._outboxes[conn] = Outbox(conn, self._cut_off)

    def _cut_off(self, outbox: Outbox) -> None:  # an outbox's thread
        with self._lock:
            self._dead.append(outbox.conn)
        self.wake()

    def drop(self, conn: Connection) -> None:
        if conn in self.clients:
            self.clients.remove(conn)
            self._ready.append(Left(conn))
        self.watchers.discard(conn)
        if self._views.pop(conn, None) is not None and self._views:
            view = self._merged_view()  # what the apps still here show
            if view is not None:
                self._ready.append(view)
        outbox = self._outboxes.pop(conn, None)
        if outbox is not None:
            outbox.abort()
        try:
            conn.close()
        except OSError:
            pass

    def publish(self, msg: object) -> None:
        """To every attached app (pickled once); never waits for one."""
        if not self.clients:
            return
        data = pickled(msg)
        for conn in list(self.clients):
            self._outboxes[conn].put(data)

    def send_to(self, conn: Connection, msg: object) -> bool:
        """To one connection: queued for an attached app, sent at once to a query or stop
        (which reads its answer right away, and hangs up after it)."""
        outbox = self._outboxes.get(conn)
        if outbox is not None:
            return outbox.put(pickled(msg))
        try:
            conn.send(msg)
            return True
        except (OSError, ValueError):
            self.drop(conn)
            return False

    def pending(self, conn: Connection) -> int:
        """Bytes queued for an attached app and not yet sent (0 for others)."""
        outbox = self._outboxes.get(conn)
        return 0 if outbox is None else outbox.pending

    def close(self) -> None:
        """Send what is queued (within DRAIN_SECONDS in all), then close everything."""
        deadline = time.monotonic() + DRAIN_SECONDS
        for outbox in list(self._outboxes.values()):
            outbox.close(max(0.0, deadline - time.monotonic()))
        self._outboxes.clear()
        for conn in list(self.clients):
            try:
                conn.close()
            except OSError:
                pass
        self.clients.clear()
        try:
            self.listener.close()
        except OSError:
            pass
