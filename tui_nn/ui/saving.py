"""Keeping the run: save it on quit (and say so when it could not be saved), or leave it
training: `d` and a hang-up detach (the trainer trains on; `tui-nn attach` comes back).

A mixin for the app (it uses the app's `last`, `session`, `bridge`, `config`, `run_path` and
`runs_directory`). The trainer writes the file (Save command) and always answers: the path, or
why it could not write it (`Snapshot.save_failed`), or it dies (TrainerDied). The app waits for
that answer with no time limit (a save of a bounded history takes milliseconds; a slow disk is
waited for, never silently dropped) and shows "saving" meanwhile. A failure ends the app with
exit code 1 and the reason on stderr (run_app prints `save_error`).

The answer is waited for on the bridge (a threading.Event set on the session's thread), not on
the event loop, so that waiting needs neither the loop nor the app's message queue.
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

from tui_nn.session.protocol.messages import Pause, Save
from tui_nn.ui import runs
from tui_nn.ui.status import StatusLine


class RunKeeping:
    """Quit behaviour of TuiNNApp."""

    save_error: str | None = None  # why the run was not saved (printed after the app exits)
    saving = False  # a Save is on its way: the status line says so whatever else arrives

    def action_quit(self) -> None:
        self._save_and_exit()

    @work(exclusive=True, group="quit")
    async def _save_and_exit(self) -> None:
        path = await self.save_run()
        self.exit(result=path, return_code=1 if self.save_error else 0)

    def run_file(self) -> Path:
        """Where this run is saved (chosen once, so the metrics file sits beside it)."""
        if getattr(self, "run_path", None) is None:
            self.run_path = runs.new_run_path(self.config, self.runs_directory, create=False)
        return self.run_path

    def request_save(self) -> Path | None:
        """Send Save for a run that trained at all; the path asked for, or None."""
        if self.last is None or self.last.step == 0 or self.session is None:
            return None
        if not self.session.alive:
            if not getattr(self.session, "stopped_elsewhere", False):  # else: saved there
                self.save_error = "the run was not saved: the trainer is not running"
            return None
        path = self.run_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.bridge.expect_save()
        try:
            self.session.send(Pause())  # what is saved is the last epoch trained: q stops here
            self.session.send(Save(str(path)))
        except Exception:  # the trainer is gone: nothing to save
            self.save_error = "the run was not saved: the trainer is not running"
            return None
        return path

    async def save_run(self) -> str | None:
        """Ask the trainer to save this run; the path once it confirms (None if nothing, or
        if it failed: then `save_error` says why)."""
        if self.request_save() is None:
            return None
        self.saving = True
        self.query_one(StatusLine).show(self.last, state="saving")
        session = self.session
        try:
            path, error = await asyncio.to_thread(self.bridge.wait_saved, lambda: session.alive)
        finally:
            self.saving = False
        if error is not None:
            self.save_error = f"the run was not saved: {error}"
        return path

    # ---- detaching (like tmux): training goes on, `tui-nn attach` brings it back -----------

    detached: str | None = None  # the trainer id, once detached (run_app says how to come back)

    def action_detach(self) -> None:
        """Leave the trainer training on its own and exit; it saves the run when left."""
        session = self.session
        trainer_id = getattr(session, "trainer_id", None)
        if session is None or not session.alive or trainer_id is None:
            self.notify("no trainer to leave running", severity="warning")
            return
        session.detach()
        self.detached = trainer_id
        self.exit(result=None)

    def _watch_hangup(self, on: bool) -> None:
        """Losing the terminal (SIGHUP) detaches: a plain signal handler, not the event
        loop's (once the terminal is gone the loop soon blocks writing to it)."""
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

    def hang_up(self) -> None:
        """The terminal went away: detach (the trainer trains on and saves the run when it
        sees the app gone), then end the process as a hang-up does. A lost terminal can
        signal twice (the shell's SIGHUP to the job, then the closed pty's): once is enough."""
        if getattr(self, "_hanging_up", False):
            return
        self._hanging_up = True
        if self.session is not None:
            self.detached = getattr(self.session, "trainer_id", None)
            self.session.detach()
        compare = getattr(self, "compare", None)  # run B of a comparison: it saves itself too
        if compare is not None and compare.session is not None:
            compare.session.detach()
        self.end_process()

    def end_process(self) -> None:
        """Die of the hang-up, as a program without a handler would (tests replace this)."""
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)


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
