"""Keeping the run: save it on quit (and say so when it could not be saved), or leave it
training: `d` and a hang-up detach (the trainer trains on; `tui-nn attach` comes back).

The trainer writes the file (Save command) and answers it by its id: the path written, or why
it could not write it (refused), or the session answers it lost (the trainer died). The app
waits for that answer with no time limit (a save of a bounded history takes milliseconds; a
slow disk is waited for, never silently dropped) and shows "saving" meanwhile. A failure ends the app with exit code 1 and the
reason on stderr (`save_error`, printed by ui/launch.py).

The answer is waited for on the bridge (a threading.Event set on the session's thread), not on
the event loop, so that waiting needs neither the loop nor the app's message queue.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import tui_nn.ui.link.runs as runs
from tui_nn.config import RunConfig
from tui_nn.session.client.proxy import hangup_ignored_by_children
from tui_nn.session.protocol.messages import Pause, Save
from tui_nn.ui.crash import Crash, crash_log_path, describe, write_log
from tui_nn.ui.host import Host
from tui_nn.ui.link.link import TrainerLink
from tui_nn.ui.widgets.status_line import StatusLine


class RunKeeper:
    """Where run A is kept, and how the app leaves it: quit (save), detach, hang-up.
    `others()`: the other trainers the app has (run B of a comparison), detached with A."""

    def __init__(
        self,
        host: Host,
        link: TrainerLink,
        runs_directory: Path | None = None,
        run_path: Path | None = None,
        others: Callable[[], Iterable[TrainerLink]] = tuple,
        spare: Callable[[], Iterable[TrainerLink]] = tuple,
    ) -> None:
        self.host = host
        self.link = link
        self.runs_directory = runs_directory
        self.run_path = run_path  # where this run is saved (chosen on first need)
        self.others = others  # run B's trainer, when it has a run to keep: detached with A
        self.spare = spare  # run B's, when it has nothing to keep: stopped when A is detached
        self.save_error: str | None = None  # why the run was not saved (printed after exit)
        self.saving = False  # a Save is on its way: the status line says so whatever arrives
        self.detached: str | None = None  # the trainer id, once detached (launch.py says how
        # to come back)
        self.detached_others: list[str] = []  # run B's trainer, detached with A
        self.stopped_others = 0  # run B's trainers stopped on detach (nothing of their own)
        self.next_model: str | None = None  # a sweep trial to open once this app has quit
        self._hanging_up = False
        self._previous_hangup: object = None

    def open(
        self,
        config: RunConfig,
        initial_model: str | None = None,
        attach_to: str | None = None,
        watch: bool = False,
    ) -> None:
        """Start run A's trainer (`initial_model`: a saved run it continues), or attach to the
        running trainer `attach_to` (`watch`: read-only). A started one saves to `run_file()` when left alone, and
        writes every epoch to the metrics file beside it."""
        session = self.link.open()
        if attach_to is not None:
            if watch:
                session.attach(attach_to, watch=True)
            else:
                session.attach(attach_to)
            return
        run_path = self.run_file()
        with hangup_ignored_by_children():
            session.start(
                config,
                initial_model=initial_model,
                run_path=str(run_path),
                metrics_path=str(run_path.with_suffix(".jsonl")),
            )

    # ---- quitting: save, then exit ------------------------------------------------------------

    def quit(self, next_model: str | None = None) -> None:
        """Save the run and exit the app (then open `next_model`, a sweep trial, if given)."""
        if next_model is not None:
            self.next_model = next_model
        self.host.run_worker(self._save_and_exit(), exclusive=True, group="quit")

    async def _save_and_exit(self) -> None:
        path = await self.save_run()
        self.host.exit(result=path, return_code=1 if self.save_error else 0)

    def run_file(self) -> Path:
        """Where this run is saved (chosen once, so the metrics file sits beside it)."""
        if self.run_path is None:
            self.run_path = runs.new_run_path(self.host.config, self.runs_directory, create=False)
        return self.run_path

    def request_save(self) -> Path | None:
        """Send Save for a run with something to save (trained, or weights set by hand: the
        snapshot's `changed`); the path asked for, or None."""
        last, session = self.host.last, self.link.session
        if last is None or not last.changed or session is None:
            return None
        if not session.alive:
            if not self.link.stopped_elsewhere:  # else: saved there
                self.save_error = runs.not_saved(self.run_path)
            return None
        path = self.run_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.link.send(Pause())  # what is saved is the last epoch trained: q stops here
        cid = self.link.request(Save(str(path)))
        if cid is None:  # the trainer is gone: nothing to save
            self.save_error = runs.not_saved(self.run_path)
            return None
        if not cid:  # a session that gives no ids (a test's) can never confirm a save
            self.save_error = "the run was not saved: this session answers no commands"
            return None
        self.link.bridge.expect_save(cid)
        return path

    async def save_run(self) -> str | None:
        """Ask the trainer to save this run; the path once it confirms (None if nothing, or
        if it failed: then `save_error` says why)."""
        if self.request_save() is None:
            return None
        self.saving = True
        self.host.query_one("#status", StatusLine).show(self.host.last, state="saving")
        link = self.link
        try:
            path, error = await asyncio.to_thread(link.bridge.wait_saved, lambda: link.alive)
        finally:
            self.saving = False
        if error is not None:
            self.save_error = f"the run was not saved: {error}"
        return path

    # ---- detaching (like tmux): training goes on, `tui-nn attach` brings it back -----------

    def detach(self) -> None:
        """`d`: leave the trainers training on their own and exit; each saves its run when
        left (run B of a comparison too)."""
        if not self.link.alive or self.link.trainer_id is None:
            self.host.notify("no trainer to leave running", severity="warning")
            return
        self.detach_all()
        self.host.exit(result=None)

    def detach_all(self) -> None:
        """Leave every trainer of this app training (each saves its run when left): `d`, a
        hang-up, a crash of the app."""
        if self.link.session is not None:
            self.detached = self.detached or self.link.trainer_id
            self.link.detach()
        for other in self.others():
            if other.trainer_id is not None:
                self.detached_others.append(other.trainer_id)
            other.detach()
        for other in self.spare():  # no trainer stays with no run file and no app
            self.stopped_others += 1
            other.close()

    def crashed(self, error: BaseException) -> Crash:
        """The app failed with `error`: its traceback to a log beside the runs, every trainer
        left training (it saves, as for a hang-up). Never raises: it runs while the app
        fails."""
        folder = self.runs_directory if self.runs_directory is not None else runs.runs_dir()
        log = write_log(error, crash_log_path(folder, self.run_path))
        trainer = self.link.trainer_id if self.link.alive else None
        try:
            self.detach_all()
        except Exception:  # the link is broken too: the trainer sees the app gone anyway
            pass
        return Crash(describe(error), log, trainer)

    def watch_hangup(self, on: bool) -> None:
        """Losing the terminal (SIGHUP) detaches: a plain signal handler, not the event
        loop's (once the terminal is gone the loop soon blocks writing to it)."""
        if (
            not hasattr(signal, "SIGHUP")
            or threading.current_thread() is not threading.main_thread()
        ):
            return
        if on:
            self._previous_hangup = signal.signal(signal.SIGHUP, self._hung_up)
        elif self._previous_hangup is not None:
            signal.signal(signal.SIGHUP, self._previous_hangup)

    def _hung_up(self, signum: int, frame: object) -> None:
        self.hang_up()

    def hang_up(self) -> None:
        """The terminal went away: detach (the trainers train on and save their runs when
        they see the app gone), then end the process as a hang-up does. A lost terminal can
        signal twice (the shell's SIGHUP to the job, then the closed pty's): once is enough."""
        if self._hanging_up:
            return
        self._hanging_up = True
        self.detach_all()
        self.end_process()

    def end_process(self) -> None:
        """Die of the hang-up, as a program without a handler would (tests replace this)."""
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)
