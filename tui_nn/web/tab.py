"""One browser tab: the app in a process of its own, its screen relayed over the tab's websocket.

textual-serve's `AppService` starts a Textual app with its web driver (screen and keys as
length-prefixed packets on the app's stdout and stdin) and relays them; what differs here:

- the app is started from an argument list (no shell), in a session of its own, so the
  server's Ctrl-C never reaches it: the server decides what happens to it;
- closing (or reloading) the tab is a hang-up, not a quit: the app gets SIGHUP, detaches and
  ends, and its trainer trains on, exactly as when a terminal is lost (`tui-nn attach` and the
  server's start page bring it back). textual-serve's own stop asks the app to exit, which in
  tui-nn would stop the trainer;
- an app that fails to start says why in the tab (the one-line error it printed), instead of
  leaving a blank page; what it prints on stderr is kept, bounded;
- the bytes sent to the browser are counted (the benchmark reads them).
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

STDERR_BYTES = 16 * 1024  # what is kept of an app's stderr
HANGUP_SECONDS = 10.0  # an app that has not ended this long after SIGHUP is killed
PRELUDE_LINES = 10  # lines read before the web driver's first packet
# Apart from the server's terminal: the server's Ctrl-C (sent to the terminal's foreground
# process group) is the server's, not the tabs'. But in the server's session: Linux shares the
# CPU between sessions (autogroups, each weighing as one "nice 0" process) before it shares it
# between the processes of one. So every tab's app shares the one share of the server's
# session, whatever their number, against the share of each trainer (a session of its own).
# Measured with a session per tab: 30 tabs took 30 shares against their trainer's one; with
# each viewer's session made nice, a viewer took 90 s to appear on a busy machine. Inside the
# server's session, a viewer's app is made nice (`niceness`), so the apps that edit and the
# server that relays keys go first; its app starts no trainer, so nothing inherits that.
IN_GROUP = {"process_group": 0} if sys.version_info >= (3, 11) else {"setpgrp": True}
PR_SET_PDEATHSIG = 1  # prctl(2)


def _libc():  # noqa: ANN202 - a ctypes CDLL, or None
    """The C library, loaded in the server (never after a fork), on Linux only."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _prepare(setpgrp: bool, libc) -> Callable[[], None]:  # noqa: ANN001
    """What the tab's process does before its app starts: its own process group (a tab that
    edits), and, on Linux, a hang-up when the server dies (prctl PR_SET_PDEATHSIG): a server
    that ends, even killed, hangs its tabs up (each detaches) as a closed terminal does, and
    no app outlives it. Only async-signal-safe calls: this runs between fork and exec."""

    def prepare() -> None:
        if setpgrp:
            os.setpgrp()
        if libc is not None:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGHUP)

    return prepare


def yield_cpu(pid: int, niceness: int) -> None:
    """Lower the CPU share of process `pid` among the server's."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except OSError:
        pass


LIBC = _libc()


class TabProcess(AppService):
    """The app process of one tab (start with `start(width, height)`, end with `hang_up()`)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str],
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        downloads: DownloadManager,
        niceness: int = 0,
    ) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=downloads,
        )
        self.argv = list(argv)
        self.extra_env = dict(env)
        self.started_at = 0.0  # time.monotonic() when the process was started
        self.ready_at: float | None = None  # ... when its first screen bytes came
        self.bytes_out = 0  # screen bytes relayed to the browser
        self.errors = ""  # what the app wrote on stderr (the first STDERR_BYTES)
        self.niceness = niceness

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def _apart(self) -> dict[str, object]:
        where = dict(IN_GROUP)
        setpgrp = bool(where.pop("setpgrp", False))
        return {**where, "preexec_fn": _prepare(setpgrp, LIBC)}

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.update(self.extra_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24):  # noqa: ANN202
        self.started_at = time.monotonic()
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            **self._apart(),
        )
        self._stdin = process.stdin
        if self.niceness:
            yield_cpu(process.pid, self.niceness)
        return process

    async def run(self) -> None:
        """Relay the app's packets to the browser until the app ends."""
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stdout, stderr = process.stdout, process.stderr
        kept = bytearray()

        async def read_stderr() -> None:
            while chunk := await stderr.read(4096):
                kept.extend(chunk[: max(0, STDERR_BYTES - len(kept))])

        stderr_task = asyncio.create_task(read_stderr())
        try:
            if await self._prelude(stdout):
                await self._relay(stdout)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass  # the app ended
        finally:
            try:
                await asyncio.wait_for(stderr_task, 2.0)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                stderr_task.cancel()
            self.errors = kept.decode("utf-8", "replace").strip()

    async def _prelude(self, stdout: asyncio.StreamReader) -> bool:
        """Wait for the web driver's greeting; False if the app ended without one."""
        for _ in range(PRELUDE_LINES):
            line = await stdout.readline()
            if not line:
                return False
            if line == b"__GANGLION__\n":
                return True
        return False

    async def _relay(self, stdout: asyncio.StreamReader) -> None:
        readexactly = stdout.readexactly
        while True:
            kind = await readexactly(1)
            size = int.from_bytes(await readexactly(4), "big")
            payload = await readexactly(size)
            if kind == b"D":
                if self.ready_at is None:
                    self.ready_at = time.monotonic()
                self.bytes_out += size
                await self.on_data(payload)
            elif kind == b"M":
                await self.on_meta(payload)
            elif kind == b"P":
                await self.on_packed(payload)

    async def hang_up(self, grace: float = HANGUP_SECONDS) -> None:
        """The tab is gone: SIGHUP (the app detaches, its trainer trains on), wait for the
        app to end (killed after `grace` seconds), then for the relay."""
        process = self._process
        if process is not None and process.returncode is None:
            try:
                process.send_signal(signal.SIGHUP)
            except ProcessLookupError:
                pass
            try:
                await asyncio.wait_for(process.wait(), grace)
            except asyncio.TimeoutError:
                self.kill()
                await process.wait()
        task, self._task = self._task, None
        if task is not None:
            await task
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)

    def kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            try:
                os.kill(self._process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    async def stop(self) -> None:  # AppService's name for it
        await self.hang_up()

    async def wait(self) -> int:
        """The app's exit code, once it has ended (and its packets are relayed)."""
        assert self._process is not None
        code = await self._process.wait()
        if self._task is not None:
            await self._task
        return code
