"""One trainer the app talks to (run A, or run B of a comparison): its session, the bridge that
brings its snapshots to the UI thread, and sending commands to it.

    link = TrainerLink(real_session, post=app.post_message, fps=10, say=app.notify)
    link.open()                     # the session, its sink the bridge
    link.session.start(config, ...) # or link.session.attach(trainer_id)
    link.send(Start())              # False (and a message on screen) when it cannot be sent
    link.send(Save(path), then=f)   # f(answer) on the UI thread when the trainer answers
    link.detach() / link.close()    # leave it training / stop it

The session's deliverer thread calls the bridge; the bridge posts one notice at a time to the
app (`post`, thread-safe), whose handler takes the merged `Update` on the UI thread and hands
its answers to `pending` (the one owner of what was asked, by id: pending.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from tui_nn.session.protocol.answers import CommandId
from tui_nn.ui.link.bridge import SnapshotBridge
from tui_nn.ui.link.pending import Pending, Then
from tui_nn.ui.link.session import Session, SessionFactory

Say = Callable[..., Any]  # notify(text, severity=...): tell the user


class TrainerLink:
    def __init__(
        self,
        factory: SessionFactory,
        post: Callable[[Message], object],
        fps: float,
        say: Say,
    ) -> None:
        self.factory = factory
        self.fps = fps
        self.say = say
        self.bridge = SnapshotBridge(post)
        self.session: Session | None = None
        self.pending = Pending()  # what was asked of this trainer and not answered yet

    def open(self) -> Session:
        """Make the session (not started yet); its snapshots go to the bridge."""
        self.session = self.factory(self.bridge, fps=self.fps)
        return self.session

    @property
    def alive(self) -> bool:
        return self.session is not None and self.session.alive

    @property
    def trainer_id(self) -> str | None:
        return getattr(self.session, "trainer_id", None)

    @property
    def stopped_elsewhere(self) -> bool:
        """Another app (or `tui-nn attach --stop`) stopped the trainer: it saved there."""
        return bool(getattr(self.session, "stopped_elsewhere", False))

    def send(self, command: object, then: Then | None = None) -> bool:
        """Send `command` (its answer to `then`, if given); False, with a message on screen,
        when the trainer cannot get it."""
        return self.request(command, then) is not None

    def request(self, command: object, then: Then | None = None) -> CommandId | None:
        """Send `command`: its id ("" when the session gives none: no answer will come), or
        None, with a message on screen, when the trainer cannot get it."""
        if self.session is None or not self.session.alive:
            self.say("the trainer is not running", severity="warning")
            return None
        try:
            cid = self.session.send(command)
        except Exception as exc:  # SessionClosed, a broken pipe: say so, keep the UI alive
            self.say(f"could not reach the trainer: {exc}", severity="error")
            return None
        if cid:
            self.pending.asked(cid, command, then)
        return cid or ""

    def detach(self) -> None:
        """Leave the trainer training on its own (it saves the run when left)."""
        if self.session is not None:
            self.session.detach()

    def close(self) -> None:
        """Stop the trainer (and wait for it)."""
        if self.session is not None:
            self.session.close()
