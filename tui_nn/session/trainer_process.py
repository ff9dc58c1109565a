"""The trainer process: its entry point and the loop that interleaves commands, steps and
snapshots.

The loop, in words:

- Running: train step after step. Every POLL_SECONDS (not every step: an XOR step takes ~20 us)
  look at the command pipe without blocking and apply everything waiting, so commands take
  effect between two steps and a Stop is seen within a step plus a few milliseconds. Publish a
  snapshot when one is due (at most `fps` a second) or at once when a command or a state change
  asks for it.
- Not running (idle, paused, finished, diverged, error): publish what is pending, then block in
  `recv()` until the next command. No spinning: ~0 % CPU.

Sending never waits on the UI: the app's reader thread (proxy.py) drains the pipe all the time
and only ever holds a snapshot long enough to merge it into its mailbox.
"""

from __future__ import annotations

import os
import time

from tui_nn.config import RunConfig
from tui_nn.session.lifeline import quiet_child, watch_parent
from tui_nn.session.runner import Runner

POLL_SECONDS = 0.002  # how often a running trainer looks for commands


def serve(commands, publish, runner: Runner, fps: float) -> None:
    """Run until Stop (or the app is gone: EOFError/OSError from the pipes end the loop)."""
    interval = 1.0 / fps
    clock = runner.clock
    next_poll = next_publish = 0.0
    while True:
        if runner.running:
            now = clock()
            if now >= next_poll:
                next_poll = now + POLL_SECONDS
                while commands.poll():
                    if not _apply(runner, commands.recv()):
                        return
            if runner.running:
                try:
                    runner.advance()
                except Exception as exc:  # never a silent death: report and wait
                    runner.fail(exc)
            if runner.urgent or now >= next_publish:
                publish(runner.safe_snapshot())
                next_publish = now + interval
        else:
            if runner.urgent:
                publish(runner.safe_snapshot())
                next_publish = clock() + interval
            if not _apply(runner, commands.recv()):  # blocks while paused: no CPU
                return
            while commands.poll():  # a burst of commands is answered by one snapshot
                if not _apply(runner, commands.recv()):
                    return


def _apply(runner: Runner, cmd: object) -> bool:
    try:
        return runner.apply(cmd)
    except Exception as exc:
        runner.fail(exc)
        return True


def trainer_main(
    commands,
    snapshots,
    config: RunConfig,
    fps: float,
    blas_threads: int | None,
    parent_pid: int,
    initial_model: str | None = None,
) -> None:
    """Entry point of the spawned process: `commands` is the read end of the command pipe,
    `snapshots` the write end of the snapshot pipe; `initial_model` a model file to continue."""
    watch_parent(parent_pid)
    quiet_child()
    limiter = None
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=blas_threads)  # kept alive for the whole process
    runner = Runner(config, clock=time.perf_counter)
    try:
        try:
            runner.load(initial_model)
        except Exception as exc:
            runner.fail(exc)
        serve(commands, snapshots.send, runner, fps)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the app is gone: nothing to report to
    finally:
        del limiter
        try:
            snapshots.close()
        except OSError:
            pass
    os._exit(0)  # skip interpreter teardown: Stop ends the process within milliseconds
