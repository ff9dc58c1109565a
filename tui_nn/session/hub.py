"""The trainer's end of its Unix socket: the apps attached to it, as one command source.

`Hub` looks, to the trainer loop (trainer_process.serve), like the command pipe it used to
read: `poll(timeout)` and `recv()`. Besides the commands of every attached app, `recv()` yields
three events of its own, which the trainer's control (daemon.py) handles:

- `Joined(conn, hello)`: a connection passed the authkey challenge and said hello,
- `Left(conn)`: an attached app went away (detached, hung up, crashed),
- `Terminate(signal)`: the trainer got SIGTERM (see `wake`).

Connections are accepted on a thread of their own (the authkey challenge and the hello take
a round trip each), and handed to the loop through a self-pipe, so a paused trainer blocks in
one `wait()` on all its connections and that pipe: no CPU while nothing happens.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, Listener, wait

from tui_nn.session.protocol import Hello

HELLO_SECONDS = 5.0  # a connection that says nothing for this long is dropped


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


class Hub:
    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        self.clients: list[Connection] = []  # attached apps: they get every snapshot
        self._ready: deque[object] = deque()
        self._joined: deque[Joined] = deque()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
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
                self._ready.extend(joined)
                if self.terminate is not None:
                    self._ready.append(Terminate(self.terminate))
                    self.terminate = None
                continue
            try:
                while obj.poll():
                    self._ready.append(obj.recv())
            except (EOFError, OSError):
                self.drop(obj)
            except Exception:  # an unpicklable message: that app is broken, not the trainer
                self.drop(obj)

    # ---- sending -------------------------------------------------------------------------

    def add(self, conn: Connection) -> None:
        self.clients.append(conn)

    def drop(self, conn: Connection) -> None:
        if conn in self.clients:
            self.clients.remove(conn)
            self._ready.append(Left(conn))
        try:
            conn.close()
        except OSError:
            pass

    def publish(self, snap: object) -> None:
        for conn in list(self.clients):
            self.send_to(conn, snap)

    def send_to(self, conn: Connection, msg: object) -> bool:
        try:
            conn.send(msg)
            return True
        except (OSError, ValueError):
            self.drop(conn)
            return False

    def close(self) -> None:
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
