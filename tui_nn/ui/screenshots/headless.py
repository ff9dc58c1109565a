"""A screenshot without a terminal, for scripts and docs (`tui-nn ... --screenshot PATH`, whose
options and file are tui_nn/cli/screenshot.py's).

The app runs headless (Textual's `run(headless=True, size=...)` with an auto-pilot, the way
`textual run --screenshot` does), on the real trainer. The auto-pilot (`ShotDriver`) starts
training and waits until the run ends by itself (`finished`: the epoch budget or early
stopping; `diverged`), or until `after` seconds of training have passed: then it pauses the
run, so that every panel shows the same epoch. It asks the trainer for fresh pictures of the
current view, presses the keys it was given (`keys`: the network diagram, a step of a trace,
the help screen) and waits for what they asked of the trainer, clears the message toasts (they come and go with timing and would cover the
pictures; the status line says how the run ended), lets every panel repaint (`flush_repaint`,
ignoring the byte budgets that only matter on a real terminal), takes the screen as SVG or
plain text and exits the app. The app's
unmount stops the trainer (as `q` does, without saving the run).

A trainer that dies, or a run that fails (`error`), gives no screenshot but a one-line
`failure`; an interrupt (`interrupt()`, from a signal handler) ends the wait with neither.

    driver = ShotDriver(after=5.0)
    app = create_app(config, session_factory=driver.watching(real_session))
    app.run(headless=True, size=(120, 40), auto_pilot=driver)
    driver.shot.content  # the SVG, or None (driver.shot.failure says why)
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console

from tui_nn.session.protocol.messages import Pause, Snapshot, Start, TrainerDied
from tui_nn.ui.link.session import Session, SessionFactory
from tui_nn.ui.widgets.draw.throttle import Throttled

ENDED = ("finished", "diverged")  # the run ended by itself: take the screenshot
POLL_SECONDS = 0.05  # how often the driver looks (the app's own loop runs meanwhile)
PICTURE_SECONDS = 10.0  # at most this long for the fresh pictures (the trainer answers at once)
KEY_SECONDS = 2.0  # after the keys, at most this long for the trainer's answer to them


@dataclass
class Shot:
    """What the driver got: the screen (`content`), or why not (`failure`, one line), or an
    interrupt. `state`, `epoch` and `message` are the trainer's when the screen was taken."""

    content: str | None = None
    failure: str | None = None
    interrupted: bool = False
    pictures: bool = False  # the view's pictures were of the weights as shot (none: False)
    state: str = ""
    epoch: int = 0
    message: str = ""


Progress = Callable[[int, int | None, float], None]  # (epochs done, budget, seconds trained)


class Interrupted(Exception):
    pass


class Failed(Exception):
    pass


class Watch:
    """The session's sink, in front of the app's bridge: notes, on the session's thread, the
    trainer's death and the newest snapshot that carried a picture, then hands everything on."""

    def __init__(self, sink: Callable[[object], object]) -> None:
        self.sink = sink
        self.died: TrainerDied | None = None
        self.picture_seq = -1  # seq of the newest snapshot with a decision grid or panel data

    def __call__(self, msg: object) -> None:
        if isinstance(msg, TrainerDied):
            self.died = msg
        elif isinstance(msg, Snapshot) and (msg.grid is not None or msg.panel is not None):
            self.picture_seq = max(self.picture_seq, msg.seq)
        self.sink(msg)


class ShotDriver:
    """The auto-pilot of a headless app that takes one screenshot (see the module's doc)."""

    def __init__(
        self,
        after: float | None = 5.0,
        text: bool = False,
        progress: Progress | None = None,
        keys: tuple[str, ...] = (),
    ) -> None:
        self.after = after  # seconds of training before the screenshot; None: until the end
        self.text = text  # plain text instead of SVG
        self.progress = progress
        self.keys = keys  # pressed once training has stopped, before the screenshot
        self.watch: Watch | None = None
        self.shot = Shot()
        self.app = None  # the app being driven (set by the auto-pilot)
        self.stopped_by: str | None = None  # the signal that ended the wait (interrupt())

    def watching(self, factory: SessionFactory) -> SessionFactory:
        """`factory`, with the driver's Watch between the session and the app."""

        def make(sink: Callable[[object], object], fps: float = 10.0) -> Session:
            self.watch = Watch(sink)
            return factory(self.watch, fps=fps)

        return make

    def interrupt(self, signal_name: str = "SIGINT") -> None:
        """Stop waiting (safe in a signal handler: it only notes what the driver reads)."""
        self.stopped_by = self.stopped_by or signal_name

    async def __call__(self, pilot) -> None:  # noqa: ANN001 - a textual Pilot
        self.app = pilot.app
        try:
            self.shot = await self._drive(pilot)
        except Interrupted:
            self.shot = Shot(interrupted=True)
        except Failed as exc:
            last = pilot.app.last
            self.shot = Shot(failure=str(exc), epoch=last.epoch if last is not None else 0)
        pilot.app.exit()

    async def _drive(self, pilot) -> Shot:  # noqa: ANN001
        app = pilot.app
        await self._until(lambda: app.last is not None)
        app.send(Start())
        began: list[float] = []  # when training was first seen running

        def trained() -> float:
            last = app.last
            if not began and last.state == "running":
                began.append(time.monotonic())
            return time.monotonic() - began[0] if began else 0.0

        def due() -> bool:
            if app.last.state in ENDED:
                return True
            seconds = trained()
            if self.progress is not None:
                self.progress(app.last.epoch, app.last.hyper.epochs, seconds)
            return self.after is not None and seconds >= self.after

        await self._until(due)
        if app.last.state == "running":  # time is up: pause, so every panel shows one epoch
            app.send(Pause())
            await self._until(lambda: app.last.state != "running")
        pictures = await self._fresh_pictures(app)
        if self.keys:
            pictures = await self._press(pilot, app)
        app.clear_notifications()  # a message's toast comes and goes with timing; not shot
        for widget in app.query("*"):
            if isinstance(widget, Throttled):
                widget.flush_repaint()
        await pilot.pause()
        last = app.last
        content = screen_text(app) if self.text else app.export_screenshot()
        return Shot(
            content=content,
            pictures=pictures,
            state=last.state,
            epoch=last.epoch,
            message=last.message,
        )

    async def _press(self, pilot, app) -> bool:  # noqa: ANN001 - a Pilot, a TuiNNApp
        """Press the keys; wait for the trainer's answer to what they asked (a trace, the
        diagram's weights: a newer snapshot, at most KEY_SECONDS), then for fresh pictures."""
        seq = app.last.seq
        await pilot.press(*self.keys)
        await self._until(lambda: app.last.seq > seq, limit=KEY_SECONDS)
        await pilot.pause()
        return await self._fresh_pictures(app)

    async def _fresh_pictures(self, app) -> bool:  # noqa: ANN001 - a TuiNNApp
        """Ask for the pictures of the weights as they are now and wait until they are shown;
        False for a view without pictures, or no answer within PICTURE_SECONDS (as they are)."""
        seq = app.last.seq
        if not app.request_pictures():
            return False
        watch = self.watch

        def shown() -> bool:
            return watch.picture_seq > seq and app.last.seq >= watch.picture_seq

        await self._until(shown, limit=PICTURE_SECONDS)
        return shown()

    async def _until(self, condition: Callable[[], bool], limit: float | None = None) -> None:
        """Let the app run until `condition()` (checked on the UI thread); Interrupted or
        Failed when that happens first; after `limit` seconds (if any), return anyway."""
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            if self.stopped_by is not None:
                raise Interrupted
            self._check_trainer()
            if condition():
                return
            if deadline is not None and time.monotonic() > deadline:
                return
            await asyncio.sleep(POLL_SECONDS)

    def _check_trainer(self) -> None:
        watch, last = self.watch, self.app.last
        if watch is not None and watch.died is not None:
            raise Failed(f"the trainer died: {watch.died.message}")
        if last is not None and last.state == "error":
            raise Failed(f"the trainer failed: {last.message}")


def screen_text(app) -> str:  # noqa: ANN001 - a running Textual App
    """The screen as plain text, as a user would read it."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text().rstrip("\n") + "\n"
