"""The loop of the trainer process (daemon.py is its entry point): it interleaves commands,
steps and snapshots.

The loop, in words:

- Running: train step after step. Every POLL_SECONDS (not every step: an XOR step takes ~20 us)
  look at the command pipe without blocking and apply everything waiting, so commands take
  effect between two steps and a Stop is seen within a step plus a few milliseconds. Publish a
  snapshot when one is due (at most `fps` a second) or at once when a command or a state change
  asks for it.
- Running at a speed limit (SetSpeed): the same, but each step has a time when it is due,
  1 / (epochs per second x steps per epoch) after the previous one. Until then the loop waits
  in `poll(timeout)` on the command pipe (never `time.sleep`), so a command still takes effect
  at once and the process uses no CPU between steps. A step that comes late is not made up for
  by a burst: when the loop is more than MAX_LAG behind, the schedule starts again from now.
- Not running (idle, paused, finished, diverged, error): publish what is pending, then block in
  `recv()` until the next command. No spinning: ~0 % CPU.

Sending never waits on the UI: the app's reader thread (proxy.py) drains the socket all the
time and only ever holds a snapshot long enough to merge it into its mailbox. `commands` is the
hub of attached apps (hub.py), which reads like a pipe.
"""

from __future__ import annotations

from tui_nn.session.trainer.runner import Runner

POLL_SECONDS = 0.002  # how often a running trainer looks for commands
MAX_LAG = 0.1  # seconds behind the paced schedule after which it starts again from now


class Pace:
    """When the next step is due at a speed limit: evenly spaced, never a catch-up burst."""

    def __init__(self) -> None:
        self.due: float | None = None  # the time the next step may start
        self.seconds = 0.0  # the spacing the schedule was made with

    def wait(self, now: float, seconds: float) -> float:
        """Seconds until the next step; 0.0 means take it now (the one after is booked)."""
        due = self.due
        if due is None or seconds != self.seconds or now - due > MAX_LAG:
            due, self.seconds = now, seconds  # a new pace, or far behind: start from now
        if due > now:
            self.due = due
            return due - now
        self.due = due + seconds
        return 0.0


def serve(commands, publish, runner: Runner, fps: float, control=None) -> None:
    """Run until Stop (or the app is gone: EOFError/OSError from the pipes end the loop).
    `control(item)`: handles what the command source yields besides commands (the detached
    trainer's hub events): True/False handled (False ends the loop), None: a Runner command."""
    interval = 1.0 / fps
    clock = runner.clock
    pace = Pace()
    next_poll = next_publish = 0.0
    fresh = False  # steps taken since the last snapshot
    while True:
        if runner.running:
            now = clock()
            if now >= next_poll:
                next_poll = now + POLL_SECONDS
                while commands.poll():
                    if not _apply(runner, commands.recv(), control):
                        return
            if runner.running and runner.speed is not None:
                wait = pace.wait(now, runner.step_seconds())
                if wait > 0.0:  # not due yet: publish what is new, then wait for a command
                    if runner.urgent or (fresh and now >= next_publish):
                        publish(runner.safe_snapshot())
                        next_publish, fresh = now + interval, False
                    commands.poll(min(wait, next_publish - now) if fresh else wait)
                    next_poll = 0.0  # whatever woke us, look at the commands now
                    continue
            if runner.running:
                try:
                    runner.advance()
                    fresh = True
                except Exception as exc:  # never a silent death: report and wait
                    runner.fail(exc)
            if runner.urgent or now >= next_publish:
                publish(runner.safe_snapshot())
                next_publish, fresh = now + interval, False
        else:
            if runner.urgent:
                publish(runner.safe_snapshot())
                next_publish, fresh = clock() + interval, False
            if not _apply(runner, commands.recv(), control):  # blocks while paused: no CPU
                return
            while commands.poll():  # a burst of commands is answered by one snapshot
                if not _apply(runner, commands.recv(), control):
                    return


def _apply(runner: Runner, cmd: object, control=None) -> bool:
    try:
        if control is not None:
            handled = control(cmd)
            if handled is not None:
                return handled
        return runner.apply(cmd)
    except Exception as exc:
        runner.fail(exc)
        return True
