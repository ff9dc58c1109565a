"""What one attached app is still to receive, sent on a thread of its own.

The trainer never waits for an app: `Hub.publish` pickles a snapshot once and puts the bytes
into every attached app's `Outbox`, whose thread sends them in order. An app that stops
reading (suspended with Ctrl-Z, frozen, a stalled link) so delays only itself; once it is
`OUTBOX_BYTES` behind it is cut off (its socket shut down), and the trainer trains on for the
others and for the run file. Nothing is dropped from the middle of the stream: snapshots carry
one-shot parts (epoch records, data, pictures), so an app gets all of them in order, or the
end of its connection (`tui-nn attach` then starts it afresh from the whole history).
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

OUTBOX_BYTES = 64 * 2**20  # an app this far behind is cut off


def pickled(msg: object) -> bytes:
    """The bytes `Connection.send(msg)` would send (what `Connection.recv()` reads back)."""
    return bytes(ForkingPickler.dumps(msg))


class Outbox:
    """A queue of pickled messages for one connection and the thread that sends them."""

    def __init__(
        self, conn: Connection, on_dead: Callable[[Outbox], None], limit: int = OUTBOX_BYTES
    ) -> None:
        self.conn = conn
        self.limit = limit
        self.dead = False  # the connection failed, or the app fell `limit` bytes behind
        self._on_dead = on_dead
        self._items: deque[bytes] = deque()
        self._bytes = 0
        self._closing = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        """Bytes queued and not yet sent."""
        with self._cond:
            return self._bytes

    def put(self, data: bytes) -> bool:
        """Queue `data`; False when the connection is dead (or now cut off for lagging)."""
        with self._cond:
            if self.dead or self._closing:
                return False
            if self._bytes + len(data) > self.limit:
                lagging = True
            else:
                lagging = False
                self._items.append(data)
                self._bytes += len(data)
                self._cond.notify()
        if lagging:
            self._die()
        return not lagging

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items and not self._closing and not self.dead:
                    self._cond.wait()
                if self.dead or not self._items:
                    return  # cut off, or closing with nothing left to send
                data = self._items[0]
            try:
                self.conn.send_bytes(data)
            except (OSError, ValueError):  # hung up, shut down, closed
                self._die()
                return
            with self._cond:
                self._items.popleft()
                self._bytes -= len(data)
                self._cond.notify_all()

    def _die(self) -> None:
        if self.abort():
            self._on_dead(self)

    def abort(self) -> bool:
        """Stop sending: forget what is queued, shut the socket down, let the thread end.
        False if it had already stopped."""
        with self._cond:
            if self.dead:
                return False
            self.dead = True
            self._items.clear()
            self._bytes = 0
            self._cond.notify_all()
        self.shutdown()  # a send blocked on a full socket returns
        return True

    def shutdown(self) -> None:
        """Shut the socket down both ways (the peer sees the end; a blocked send returns)."""
        try:
            fd = self.conn.fileno()
        except (OSError, ValueError):
            return
        try:
            with socket.socket(fileno=socket.dup(fd)) as sock:  # a dup: the Connection keeps its fd
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self, timeout: float) -> None:
        """Send what is queued (for up to `timeout` seconds), then stop the thread."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():  # the app does not read: give up on it
            self.abort()
            self._thread.join(1.0)
