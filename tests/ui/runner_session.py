"""A session on a real Runner, in this process: real data, real pictures and the trainer's own
answers, no process. Commands go in envelopes with ids and are applied at once, the way the
trainer applies them between steps (a Step takes its steps now); the snapshot that follows
carries the answers to this session's ids, as TrainingSession delivers them. Start only sets
the run going: `train(epochs)` runs whole epochs and publishes a snapshot. `close` answers
what is still pending `lost`, like a real session.

For timing only (never for the rules: every answer is the runner's), a test may hold commands
of some types back (`hold = EDITS`: a trainer busy elsewhere; `release()` applies them in
order) and end the session as the real one ends (`die`: the process killed; `detach`)."""

from __future__ import annotations

from tui_nn.config import RunConfig
from tui_nn.session.client.outstanding import Outstanding, SessionClosed
from tui_nn.session.protocol.answers import CommandId
from tui_nn.session.protocol.frozen import freeze
from tui_nn.session.protocol.messages import (
    Envelope,
    Pause,
    SetArchitecture,
    SetDataset,
    SetHyper,
    SetView,
    Start,
    Step,
    Stop,
    TrainerDied,
)
from tui_nn.session.trainer.owed import NEVER
from tui_nn.session.trainer.runner import Runner

EDITS = (SetArchitecture, SetHyper, SetDataset)


class RunnerSession:
    def __init__(self, sink, fps: float = 10, blas_threads: int | None = 1) -> None:
        self.sink = sink
        self.fps = fps
        self.alive = False
        self.runner: Runner | None = None
        self.initial_model: str | None = None
        self.run_path: str | None = None
        self.metrics_path: str | None = None
        self.trainer_id: str | None = None
        self.outstanding = Outstanding()
        self.sent_ids: list[CommandId] = []  # every id given out, in order
        self.commands: list[object] = []  # every command sent, in order
        self.hold: tuple[type, ...] = ()  # commands of these types wait for release()
        self.held: list[Envelope] = []
        self.closed = self.detached = self.stopped_elsewhere = False

    def start(
        self,
        config: RunConfig,
        initial_model: str | None = None,
        run_path: str | None = None,
        metrics_path: str | None = None,
    ) -> None:  # nothing is written to run_path or metrics_path but what Save asks
        self.config = config
        self.runner = Runner(config)
        self.runner.load(initial_model)
        self.initial_model, self.run_path, self.metrics_path = initial_model, run_path, metrics_path
        self.trainer_id = self.trainer_id or "runner01"
        self.alive = True
        self.outstanding = Outstanding()
        self._publish()

    def attach(self, trainer_id: str, watch: bool = False) -> None:
        self.trainer_id = trainer_id
        self.watching = watch
        self.start(RunConfig())

    @property
    def view(self) -> SetView:
        return self.runner.view

    def sent(self, kind: type) -> list:
        return [c for c in self.commands if isinstance(c, kind)]

    def send(self, command: object) -> CommandId:
        if not self.alive:
            raise SessionClosed("the trainer is not running")
        self.commands.append(command)
        if isinstance(command, Stop):
            return ""  # not answered: close() ends the session
        envelope = self.outstanding.envelope(command)
        self.sent_ids.append(envelope.id)
        if isinstance(command, self.hold):
            self.held.append(envelope)
            return envelope.id
        self._apply(envelope)
        self._publish()
        return envelope.id

    def _apply(self, envelope: Envelope) -> None:
        runner = self.runner
        runner.apply(envelope)
        if isinstance(envelope.command, Step):
            while runner.running and (runner.steps_left or runner.epochs_left):
                runner.advance()
        runner.owed.picture_time = NEVER  # pictures at once, not on the clock

    def release(self) -> None:
        """What was held back is applied now, in order, and answered in one snapshot."""
        held, self.held = self.held, []
        for envelope in held:
            self._apply(envelope)
        self._publish()

    def train(self, epochs: int) -> None:
        runner = self.runner
        target = runner.trainer.epoch + epochs
        runner.apply(Pause())  # whatever Step was under way is over
        runner.apply(Start())
        while runner.trainer.epoch < target and runner.running:
            runner.advance()
        runner.apply(Pause())
        runner.owed.picture_time = NEVER
        self._publish()

    train_epochs = train

    def publish(self) -> None:
        """A snapshot of the run as it is (with the answers owed so far)."""
        self.sink(freeze(self.outstanding.mine(self.runner.snapshot())))

    _publish = publish

    def _end(self, reason: str) -> None:
        self.alive = False
        lost = self.outstanding.lose(reason)
        if lost is not None:
            self.sink(lost)

    def die(self) -> None:
        """The trainer process was killed: what was pending is lost, then TrainerDied."""
        if not self.alive:
            return
        self._end("the trainer process was killed by signal 9")
        self.sink(TrainerDied(exitcode=-9, message="the trainer process was killed by signal 9"))

    def stopped(self, by: str) -> None:
        """Another app (or `tui-nn attach --stop`) stopped the trainer: not a crash."""
        if not self.alive:
            return
        self.stopped_elsewhere = True
        message = f"the trainer was stopped by {by}"
        self._end(message)
        self.sink(TrainerDied(0, message, stopped_by=by))

    def detach(self) -> None:
        if self.alive:
            self.detached = True
            self._end("this app detached from the trainer")

    def close(self, timeout: float = 0.5) -> None:
        if not self.alive:
            return
        self.closed = True
        self._end("this app closed its session (the trainer was stopped)")
