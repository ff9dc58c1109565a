"""Keeping the run: save it on quit and when the terminal goes away (SIGHUP).

A mixin for the app (it uses the app's `last`, `session`, `bridge`, `config` and
`runs_directory`). The trainer writes the file (Save command); the app waits, at most
SAVE_TIMEOUT seconds, for the snapshot that confirms it. The confirmation is waited for on
the bridge (a threading.Event set on the session's thread), not on the event loop: after a
hang-up the loop may be stuck writing to a terminal that is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from textual import work

from tui_nn.session.messages import Save
from tui_nn.ui import runs
from tui_nn.ui.status import StatusLine

SAVE_TIMEOUT = 2.0  # seconds to wait for the trainer to confirm a save


class RunKeeping:
    """Quit and hang-up behaviour of TuiNNApp."""

    def action_quit(self) -> None:
        self._save_and_exit()

    @work(exclusive=True, group="quit")
    async def _save_and_exit(self) -> None:
        self.exit(result=await self.save_run())

    def request_save(self) -> Path | None:
        """Send Save for a run that trained at all; the path asked for, or None."""
        if self.last is None or self.last.step == 0 or self.session is None:
            return None
        if not self.session.alive:
            return None
        path = runs.new_run_path(self.config, self.runs_directory)
        self.bridge.expect_save()
        try:
            self.session.send(Save(str(path)))
        except Exception:  # the trainer is gone: nothing to save
            return None
        return path

    async def save_run(self) -> str | None:
        """Ask the trainer to save this run; the path once it confirms (None if nothing)."""
        if self.request_save() is None:
            return None
        self.query_one(StatusLine).show(self.last, state="saving")
        return await asyncio.to_thread(self.bridge.wait_saved, SAVE_TIMEOUT)

    def _watch_hangup(self, on: bool) -> None:
        """Losing the terminal (SIGHUP) saves the run, like quitting does.

        A plain signal handler, not the event loop's: once the terminal is gone, Textual's
        output thread dies and the loop soon blocks writing to it, so the handler must not
        need the loop to run."""
        if (
            not hasattr(signal, "SIGHUP")
            or threading.current_thread() is not threading.main_thread()
        ):
            return
        if on:
            self._previous_hangup = signal.signal(signal.SIGHUP, self._hung_up)
        elif getattr(self, "_previous_hangup", None) is not None:
            signal.signal(signal.SIGHUP, self._previous_hangup)

    def _hung_up(self, signum: int, frame: object) -> None:
        self.hang_up()

    def hang_up(self) -> str | None:
        """Save (waiting at most SAVE_TIMEOUT), stop the trainer, end the process.

        A lost terminal can signal twice (the shell's SIGHUP to the job, then the closed
        pty's): the second one, arriving while the first waits for its save, does nothing."""
        if getattr(self, "_hanging_up", False):
            return None
        self._hanging_up = True
        path = self.request_save()
        saved = self.bridge.wait_saved(SAVE_TIMEOUT) if path is not None else None
        if self.session is not None:
            self.session.close()
        self.end_process()
        return saved

    def end_process(self) -> None:
        """Die of the hang-up, as a program without a handler would (tests replace this)."""
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)


@contextlib.contextmanager
def hangup_ignored_by_children() -> Iterator[None]:
    """Processes started in this block ignore SIGHUP (an ignored signal stays ignored across
    exec). When the terminal goes away, a shell sends SIGHUP to the whole job, the trainer
    included; the trainer must live on until it has saved the run (it still ends with the app:
    the session's lifeline watches the parent)."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)
