"""A session on a real Runner, in this process: real data and real pictures, no process.
Commands are applied at once; `train(epochs)` runs whole epochs and publishes a snapshot."""

from __future__ import annotations

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import Pause, Start, Step, Stop
from tui_nn.session.trainer.runner import Runner


class RunnerSession:
    def __init__(self, sink, fps: float = 10, blas_threads: int | None = 1) -> None:
        self.sink = sink
        self.alive = False
        self.runner: Runner | None = None
        self.initial_model: str | None = None

    def start(
        self, config: RunConfig, initial_model: str | None = None, **where: object
    ) -> None:  # where: run_path, metrics_path (unused: nothing is written here)
        self.runner = Runner(config)
        self.runner.load(initial_model)
        self.alive = True
        self.sink(self.runner.snapshot())

    def send(self, command: object) -> None:
        if isinstance(command, (Start, Step)):
            return  # training happens in train(), when the test says so
        if not isinstance(command, Stop):
            self.runner.apply(command)
            self.runner.last_grid_time = float("-inf")  # pictures at once, not on the clock
            self.sink(self.runner.snapshot())

    def train(self, epochs: int) -> None:
        runner = self.runner
        target = runner.trainer.epoch + epochs
        runner.apply(Start())
        while runner.trainer.epoch < target and runner.running:
            runner.advance()
        runner.apply(Pause())
        runner.last_grid_time = float("-inf")
        self.sink(runner.snapshot())

    def close(self, timeout: float = 0.5) -> None:
        self.alive = False
