"""The detached trainer: `python -m tui_nn.session.trainer.daemon ID`, started by the app in a
session of its own (so a hang-up of the terminal never reaches it), listening on a Unix socket.

Its life:

1. Listen on `<runtime dir>/ID.sock` (mode 0600, in a 0700 folder, authkey from a 0600 file)
   and wait, at most LAUNCH_SECONDS, for the app that started it to say `Hello("launch")`
   with the run. No launch: it ends (no orphan).
2. Train, steered by the commands of every attached app (loop.serve), and publish
   every snapshot to all of them. A newly attached app first gets a full snapshot: the run's
   whole (thinned) history, its data and a decision grid, then the live ones.
3. While it trains, rewrite the run file at least every `checkpoint_every` seconds of training
   (30 by default; atomically), so a kill -9, the OOM killer or a reboot loses no more.
   When the last app leaves (detached, hung up, crashed), save the run to its run file (if it
   trained at all) and go on training. A run that finishes (epoch budget, early stopping) while
   no app is attached is saved too; it then waits, paused, blocked in `wait()` (~0 % CPU).
4. End on `Stop` (the app's `q`, after its Save), on `Hello("stop")` (`tui-nn attach --stop`,
   which saves first) or on SIGTERM (saves first). The socket and the info file are removed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from multiprocessing.connection import Listener

import tui_nn.session.protocol.rendezvous as rendezvous
import tui_nn.session.trainer.snapshots as snapshots
from tui_nn.autosave import Autosave
from tui_nn.blas import use_threads
from tui_nn.config import DEFAULT_CHECKPOINT
from tui_nn.errors import one_line
from tui_nn.session.protocol.answers import CommandId
from tui_nn.session.protocol.hello import Launch, Status, Stopped
from tui_nn.session.protocol.messages import Envelope, Save, Stop
from tui_nn.session.trainer.hub import Hub, Joined, Left, Refused, Terminate
from tui_nn.session.trainer.lifeline import quiet_child
from tui_nn.session.trainer.loop import serve
from tui_nn.session.trainer.run_file import RunFile
from tui_nn.session.trainer.runner import Runner

LAUNCH_SECONDS = 60.0


def describe_network(runner: Runner) -> str:
    """e.g. "2-8-8-1 tanh" (or "2-8-8-1 tanh,relu" with one activation per layer)."""
    if runner.net is None:
        return "-"
    spec = runner.net.spec
    sizes = "-".join(str(n) for n in spec.sizes)
    names = tuple(dict.fromkeys(layer.activation for layer in spec.hidden))
    acts = ",".join(layer.activation for layer in spec.hidden) if len(names) > 1 else None
    return f"{sizes} {acts or (names[0] if names else spec.output.activation)}"


class Control:
    """What the trainer does with the hub's own events (a table of handlers, like Runner's)."""

    def __init__(self, trainer_id: str, hub: Hub, runner: Runner, launch: Launch) -> None:
        self.id, self.hub, self.runner, self.launch = trainer_id, hub, runner, launch
        self.started = time.time()
        self.saved_finish = False  # the finished run was saved while detached
        self.run_file = RunFile(launch.run_path, runner.dataset_spec.name, runner.metrics)
        # the run file rewritten at least every checkpoint_every seconds of training (the
        # runner's stopwatch: paused time does not count), so kill -9 loses no more
        every = getattr(launch.config, "checkpoint_every", DEFAULT_CHECKPOINT)
        self.autosave = Autosave(every, lambda: runner.stopwatch.read(runner.clock()))
        self.checkpoint_failed: str | None = None

    def handle(self, event: object) -> bool | None:
        """True/False: handled (False ends the trainer); None: not ours, a Runner command."""
        cid, cmd = (event.id, event.command) if isinstance(event, Envelope) else ("", event)
        if isinstance(cmd, Save) and self.run_file.means(cmd.path):
            self.save_run(cid, asked=True)  # the run file, named by the data it trains on now
            return True
        handler = self._HANDLERS.get(type(cmd))
        return None if handler is None else handler(self, cmd)

    def register(self) -> None:
        """The info file `tui-nn attach --list` reads (rendezvous.py)."""
        rendezvous.write_info(
            rendezvous.TrainerInfo(
                id=self.id,
                pid=os.getpid(),
                started=self.started,
                dataset=self.runner.dataset_spec.name,
                network=describe_network(self.runner),
                run_path=self.run_file.path,
                group=os.environ.get(rendezvous.GROUP_ENV, ""),
            )
        )

    def status(self, **extra: object) -> Status:
        runner = self.runner
        trainer = runner.trainer
        return Status(
            id=self.id,
            pid=os.getpid(),
            dataset=runner.dataset_spec.name,
            network=describe_network(runner),
            epoch=trainer.epoch if trainer else 0,
            state=runner.state,
            started=self.started,
            clients=len(self.hub.clients),
            watchers=len(self.hub.watchers),
            run_path=self.run_file.path,
            config=runner.current_config() if runner.net is not None else runner.config,
            message=runner.message,
            **extra,
        )

    def save_run(self, cid: CommandId = "", asked: bool = False) -> str | None:
        """Save to the run file (renamed to follow the data, run_file.py) if the run has
        something to save (trained, or weights set by hand) or an app `asked` (with command
        id `cid`: answered like any Save); the path, or None."""
        runner = self.runner
        if self.run_file.path is None:
            return None
        if not asked and (runner.trainer is None or not runner.changed):
            return None
        before = self.run_file.path
        path = self.run_file.follow(runner.dataset_spec.name)
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        except OSError:
            pass  # the Save says what is wrong
        said = runner.answered(Save(path), cid)
        self.autosave.saved()  # the next checkpoint is due a whole period later
        if path != before:
            self.register()
        return path if said.outcome == "accepted" else None

    def _joined(self, event: Joined) -> bool:
        kind = event.hello.kind
        if kind in ("launch", "attach", "watch"):
            self.hub.add(event.conn, watch=kind == "watch")
            runner = self.runner
            if runner.owed.sent is None or runner.trainer is None:
                # everyone is owed the whole run anyway: the next snapshot, to all, has it
                runner.owed.everything()
            else:
                self.hub.send_to(event.conn, snapshots.full(runner))
            self.saved_finish = False
            return True
        if kind == "query":
            self.hub.send_to(event.conn, self.status())
            event.conn.close()
            return True
        saved = self.save_run()  # "stop"
        self.hub.send_to(event.conn, self.status(saved_path=saved))
        event.conn.close()
        self.hub.publish(Stopped(self.runner.message, by="tui-nn attach --stop"))
        return False

    def _left(self, event: Left) -> bool:
        if not self.hub.clients:
            self.save_run()  # detached: keep what was trained, whatever happens next
        return True

    def _terminate(self, event: Terminate) -> bool:
        self.save_run()
        self.hub.publish(Stopped(self.runner.message, by=event.signal))
        return False

    def _stop(self, event: Stop) -> bool:
        self.hub.publish(Stopped(self.runner.message, by="another app"))
        return False

    def _refused(self, event: Refused) -> bool:
        self.runner.refuse(event.message, event.reason)  # a watcher's: answered, not applied
        return True

    _HANDLERS = {
        Joined: _joined,
        Left: _left,
        Terminate: _terminate,
        Stop: _stop,
        Refused: _refused,
    }

    def publish(self, snap) -> None:  # noqa: ANN001 - a Snapshot
        self.hub.publish(snap)
        if snap.state == "finished" and not self.hub.clients and not self.saved_finish:
            self.saved_finish = True
            self.save_run()  # finished while detached: saved, then it waits paused
        elif snap.state == "running" and self.autosave.overdue():
            self.checkpoint()

    def checkpoint(self) -> None:
        """The run so far to its run file, quietly (the status line keeps its message); a
        failure is said once per reason, and training goes on."""
        runner = self.runner
        self.autosave.saved()
        if self.run_file.path is None or runner.trainer is None or not runner.changed:
            return
        before = self.run_file.path
        path = self.run_file.follow(runner.dataset_spec.name)
        if path != before:
            self.register()
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            runner.write_run(path)
        except Exception as exc:  # a full disk must not stop the training
            failed = f"checkpoint failed: cannot save to {path}: {one_line(exc)}"
            if failed != self.checkpoint_failed:
                runner.message, runner.owed.urgent = failed, True
            self.checkpoint_failed = failed
        else:
            self.checkpoint_failed = None


def wait_launch(hub: Hub) -> Joined | None:
    """The launching app's hello (with the run), or None after LAUNCH_SECONDS."""
    deadline = time.monotonic() + LAUNCH_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        if not hub.poll(left):
            continue
        event = hub.recv()
        if isinstance(event, Joined) and event.hello.kind == "launch" and event.hello.launch:
            return event
        if isinstance(event, Joined):
            event.conn.close()
        if isinstance(event, Terminate):
            return None
    return None


def main(trainer_id: str) -> None:
    os.umask(0o077)  # the socket is born 0600
    quiet_child()
    early: list[int] = []  # a SIGTERM before the hub exists is kept for it
    signal.signal(signal.SIGTERM, lambda signum, frame: early.append(signum))
    path = rendezvous.socket_path(trainer_id)
    listener = Listener(str(path), family=rendezvous.FAMILY, authkey=rendezvous.authkey())
    os.chmod(path, 0o600)
    hub = Hub(listener)
    signal.signal(signal.SIGTERM, lambda signum, frame: hub.wake(terminate="SIGTERM"))
    # The C-level handler writes to the hub's pipe too: whichever thread the signal lands
    # on, the main thread's wait() wakes up and the Python handler above runs.
    signal.set_wakeup_fd(hub.wake_fd, warn_on_full_buffer=False)
    if early:
        hub.wake(terminate="SIGTERM")
    try:
        launched = wait_launch(hub)
        if launched is None:
            return
        launch = launched.hello.launch
        use_threads(launch.blas_threads)
        runner = Runner(launch.config, metrics_path=launch.metrics_path)
        try:
            runner.load(launch.initial_model)
        except Exception as exc:
            runner.fail(exc)
        control = Control(trainer_id, hub, runner, launch)
        control.register()
        control.handle(launched)  # the launcher: attached, and its first (full) snapshot
        serve(hub, control.publish, runner, launch.fps, control=control.handle)
    finally:
        hub.close()
        rendezvous.remove(trainer_id)
        os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
