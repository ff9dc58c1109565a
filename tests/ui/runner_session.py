"""A session on a real Runner, in this process: real data, real pictures and the trainer's own
answers, no process. Commands go in envelopes with ids and are applied at once, the way the
trainer applies them between steps (a Step takes its steps now); the snapshot that follows
carries the answers to this session's ids, as TrainingSession delivers them. Start only sets
the run going: `train(epochs)` runs whole epochs and publishes a snapshot. `close` answers
what is still pending `lost`, like a real session."""

from __future__ import annotations

from tui_nn.config import RunConfig
from tui_nn.session.client.outstanding import Outstanding, SessionClosed
from tui_nn.session.protocol.answers import CommandId
from tui_nn.session.protocol.frozen import freeze
from tui_nn.session.protocol.messages import Pause, Start, Step, Stop
from tui_nn.session.trainer.owed import NEVER
from tui_nn.session.trainer.runner import Runner


class RunnerSession:
    def __init__(self, sink, fps: float = 10, blas_threads: int | None = 1) -> None:
        self.sink = sink
        self.alive = False
        self.runner: Runner | None = None
        self.initial_model: str | None = None
        self.outstanding = Outstanding()
        self.sent: list[CommandId] = []  # every id given out, in order

    def start(
        self, config: RunConfig, initial_model: str | None = None, **where: object
    ) -> None:  # where: run_path, metrics_path (unused: nothing is written here)
        self.runner = Runner(config)
        self.runner.load(initial_model)
        self.alive = True
        self.outstanding = Outstanding()
        self._publish()

    def send(self, command: object) -> CommandId:
        if not self.alive:
            raise SessionClosed("the trainer is not running")
        if isinstance(command, Stop):
            return ""  # not answered: close() ends the session
        envelope = self.outstanding.envelope(command)
        self.sent.append(envelope.id)
        runner = self.runner
        runner.apply(envelope)
        if isinstance(command, Step):
            while runner.running and (runner.steps_left or runner.epochs_left):
                runner.advance()
        runner.owed.picture_time = NEVER  # pictures at once, not on the clock
        self._publish()
        return envelope.id

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

    def _publish(self) -> None:
        self.sink(freeze(self.outstanding.mine(self.runner.snapshot())))

    def close(self, timeout: float = 0.5) -> None:
        if not self.alive:
            return
        self.alive = False
        lost = self.outstanding.lose("this app closed its session (the trainer was stopped)")
        if lost is not None:
            self.sink(lost)
