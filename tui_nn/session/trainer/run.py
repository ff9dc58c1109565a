"""The state of the trainer's run: the engine objects, the state and its message, what the apps
asked to see, and what the next snapshot owes them (`owed`, owed.py).

`Run` is what the rest of the trainer reads: the command handlers (handlers.py) change it, the
snapshot code (snapshots.py) reads it and takes what is owed. The `Runner` (runner.py) is a Run
that applies commands and trains. Nothing here knows about processes or sockets.

States: idle (nothing trained in this run), running (training, or working through a Step
command), paused, finished (epoch budget or early stopping), diverged (non-finite values; the
engine restored the last finite weights) and error (an unexpected exception; the process stays
alive so that a Reset or new settings can recover).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import tui_nn.session.trainer.forking as forking
import tui_nn.session.trainer.pictures as pictures
from tui_nn.config import RunConfig, train_data
from tui_nn.data.spec import Dataset
from tui_nn.engine.spec import NetworkSpec, SpecError
from tui_nn.errors import one_line
from tui_nn.session.protocol.messages import SetView, State
from tui_nn.session.trainer.answering import USER_ERRORS
from tui_nn.session.trainer.meter import Meter, Stopwatch
from tui_nn.session.trainer.metrics_stream import MetricsStream
from tui_nn.session.trainer.owed import Owed
from tui_nn.session.trainer.replay import Replay


@dataclass(frozen=True)
class Scores:
    """Loss and accuracy of the network as it is now, on the whole training and test sets."""

    train_loss: float | None
    test_loss: float | None
    train_acc: float | None
    test_acc: float | None


class Run:
    def __init__(
        self,
        config: RunConfig,
        clock: Callable[[], float] = time.perf_counter,
        metrics_path: str | None = None,
    ):
        self.config = config
        self.metrics = MetricsStream(metrics_path)  # the epochs as JSON Lines, rate-bounded
        self.clock = clock
        self.state: State = "idle"
        self.stopwatch = Stopwatch()
        self.message = ""
        self.error_detail: str | None = None
        self.run_id = 0
        self.seq = 0
        self.view = SetView()
        self.speed: float | None = None  # epochs per second at most; None: as fast as possible
        self.hyper = config.hyper
        self.dataset_spec = config.dataset
        self.dataset: Dataset | None = None
        self.net = None
        self.trainer = None
        self.bounds: tuple[float, float, float, float] | None = None
        self.owed = Owed()  # what the next snapshot must carry
        # The scores of the network as it is now, when it changed other than by training (a
        # weight set by hand, a trace step, a new architecture): the newest epoch record
        # describes the network before that. None: the newest record is the network's.
        self.now: Scores | None = None
        self.changed = False  # trained or edited since this run's weights began: worth saving
        self.steps_left: int | None = None  # Step(n) / Step(epoch=True) bookkeeping
        self.epochs_left: int | None = None
        self.fault: str | None = None
        self.batch_loss: float | None = None
        self.meter = Meter()
        self.replay = Replay()  # the weights of thinned epochs, for a view that replays one

    # ---- building ---------------------------------------------------------------------------

    def load(self, initial_model: str | None = None) -> None:
        """Load the configured data and build the network and the trainer; with
        `initial_model` (a saved model file), continue from its weights and history."""
        from tui_nn.data import load_dataset

        try:
            dataset = load_dataset(self.dataset_spec)
        except USER_ERRORS as exc:
            self.set_state("error", f"could not start: {one_line(exc)}")
            return
        if initial_model is not None:
            try:
                self._resume(dataset, initial_model)
                return
            except USER_ERRORS as exc:
                note = f"could not resume ({one_line(exc)}); new weights"
        else:
            note = ""
        try:
            self.build(dataset, self.config.network_spec(dataset))
            self.message = note
        except USER_ERRORS as exc:
            self.set_state("error", f"could not start: {one_line(exc)}")

    def build(self, dataset: Dataset, spec: NetworkSpec, net=None) -> None:
        """A network (fresh, unless given) and a trainer on this data: a new run."""
        from tui_nn.engine import Network, Trainer

        net = net if net is not None else Network.from_spec(spec)
        trainer = Trainer(net, train_data(dataset), self.hyper, seed=spec.seed)
        self.net, self.trainer = net, trainer
        self.use_data(dataset)
        self.new_run()
        self.changed = False

    def _resume(self, dataset: Dataset, path: str) -> None:
        """Weights and metric history from a model file; counters continue from its last epoch
        (the optimizer state is not saved, so it starts afresh)."""
        from tui_nn.engine import Network
        from tui_nn.files import load_model

        saved = load_model(path)
        if (saved.spec.n_inputs, saved.spec.output.units) != (
            dataset.n_inputs,
            dataset.n_outputs,
        ):
            raise SpecError(
                f"the model has {saved.spec.n_inputs} inputs and {saved.spec.output.units} "
                f"outputs; the data needs {dataset.n_inputs} and {dataset.n_outputs}"
            )
        self.build(dataset, saved.spec, Network.from_params(saved.spec, saved.params))
        trainer, history = self.trainer, saved.history
        if len(history):
            last = history[-1]
            trainer.history.extend(history)
            trainer.epoch, trainer.step_count, trainer.samples_seen = (
                last.epoch,
                last.step,
                last.samples,
            )
            trainer.elapsed = self.stopwatch.total = last.seconds  # the clock goes on
        if saved.elapsed is not None:  # the wall-clock time shown, paced waits included
            self.stopwatch.total = max(self.stopwatch.total, saved.elapsed)
        self.owed.sent = None
        forked = forking.restore_from(trainer, path)  # a fork: optimizer, shuffling, counters
        self.replay.restart(self)  # the first frame is the saved epoch's, not epoch 0
        self.message = f"{'forked' if forked else 'resumed'} from {path}"

    def use_data(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.dataset_spec = dataset.spec or self.dataset_spec
        self.bounds = pictures.data_bounds(dataset) if dataset.is_2d else None
        self.owed.data = True

    def new_run(self, keep_clock: bool = False) -> None:
        """Snapshots from now on carry a new run id and, first, the run's whole history.
        `keep_clock`: the same training continues (an architecture change), elapsed goes on."""
        self.run_id += 1
        self.owed.new_run()
        self.batch_loss = self.now = None
        self.meter.restart()
        if not keep_clock:
            self.stopwatch.reset(self.clock())
        self.replay.offer(self)  # the weights this run starts from (or goes on with)

    def weights_changed(self) -> None:
        """The weights changed other than by a training step (by hand, a trace step, surgery):
        the scores are computed anew, and the weights and pictures are sent at once."""
        self.owed.weights_changed(at_once=True)
        self.changed = True
        b = self.trainer.batches
        train_loss, train_acc = self.trainer.evaluate(b.X, b.y)
        test_loss = test_acc = None
        if len(b.y_test):
            test_loss, test_acc = self.trainer.evaluate(b.X_test, b.y_test)
        self.now = Scores(train_loss, test_loss, train_acc, test_acc)

    def scores(self) -> Scores | None:
        """Loss and accuracy of the network now: computed after a change by hand, else those
        of the epoch record that describes the weights in place (the newest, or the epoch
        early stopping kept; None before the first)."""
        if self.now is not None:
            return self.now
        last = self.trainer.current_record if self.trainer is not None else None
        if last is None:
            return None
        return Scores(last.train_loss, last.test_loss, last.train_acc, last.test_acc)

    def write_run(self, path: str) -> None:
        """The run to its file (Save, and the detached trainer's checkpoints): weights, history
        and the elapsed time, so that --resume goes on from them; the metrics file gets the
        last epoch if its stride skipped it. Raises what the save raises."""
        from tui_nn.files import save_model

        trainer = self.trainer
        elapsed = max(trainer.elapsed, self.stopwatch.read(self.clock()))
        history = trainer.kept_history()  # early stopping: up to the epoch its weights are
        save_model(path, self.net, self.current_config(), self.dataset, history, elapsed)
        if trainer.history:
            self.metrics.catch_up(self.run_id, trainer.history[-1])

    def current_config(self) -> RunConfig:
        """The run configuration as it is now (for saving)."""
        return self.config.with_network(self.net.spec, self.dataset_spec, self.hyper)

    # ---- state ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.state == "running"

    def set_state(self, state: State, message: str) -> None:
        if state != "running":
            self.steps_left = self.epochs_left = None
        if state != "error":
            self.error_detail = None
        self.stopwatch.set_running(state == "running", self.clock())
        self.state, self.message = state, message
        self.owed.urgent = True

    def fail(self, exc: BaseException) -> None:
        """An unexpected exception: report it and wait for commands (never die silently)."""
        self.set_state("error", f"{type(exc).__name__}: {one_line(exc)}")
        self.error_detail = "".join(traceback.format_exception(exc))

    def step_seconds(self) -> float:
        """The time one step may take at the speed limit (only called when there is one)."""
        return 1.0 / (self.speed * self.trainer.steps_per_epoch)
