"""The trainer's state machine: it owns the engine objects, applies commands between steps and
builds snapshots. It knows nothing about processes or pipes (see loop.py), so it can be
driven and tested in one process too.

States: idle (nothing trained in this run), running (training, or working through a Step
command), paused, finished (epoch budget or early stopping), diverged (non-finite values; the
engine restored the last finite weights) and error (an unexpected exception; the process stays
alive so that a Reset or new settings can recover).
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Callable

import tui_nn.session.trainer.forking as forking
import tui_nn.session.trainer.parameters as parameters
import tui_nn.session.trainer.pictures as pictures
import tui_nn.session.trainer.snapshots as snapshots
from tui_nn.config import RunConfig, check_speed, train_data
from tui_nn.data.spec import Dataset, DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.types import HyperParams
from tui_nn.errors import one_line
from tui_nn.session.protocol.answers import Answer, CommandId
from tui_nn.session.protocol.messages import (
    CellSamples,
    CheckGradients,
    Envelope,
    Fork,
    InjectFault,
    Inspect,
    Inspection,
    Pause,
    Reset,
    Save,
    SetArchitecture,
    SetDataset,
    SetHyper,
    SetParameter,
    SetSpeed,
    SetView,
    Snapshot,
    Start,
    State,
    Step,
    Stop,
)
from tui_nn.session.trainer.answering import USER_ERRORS, Refused, answer, refused
from tui_nn.session.trainer.cell_samples import cell_samples
from tui_nn.session.trainer.gradient_check import check_gradients
from tui_nn.session.trainer.meter import Meter, Stopwatch
from tui_nn.session.trainer.metrics_stream import MetricsStream
from tui_nn.session.trainer.plane_edits import HANDLERS as PLANE_HANDLERS
from tui_nn.session.trainer.replay import Replay
from tui_nn.session.trainer.tracing import HANDLERS as TRACE_HANDLERS


class Runner:
    """One run of training, steered by commands. `apply` and `advance` never raise for bad
    input; unexpected exceptions are turned into the `error` state by `fail`."""

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
        # what the next snapshot must carry
        self.urgent = True  # publish at once (a command was answered, the state changed)
        self.sent: int | None = None  # history records already published (None: send it all)
        self.send_data = True
        self.weights_stale = True
        self.last_weights_time, self.weights_run_id = float("-inf"), -1  # see parameters.py
        self.grid_stale = True
        self.last_grid_time = float("-inf")
        self.inspection: Inspection | None = None
        self.cell = None  # a CellContents for the next snapshot (cell_samples.py)
        self.trace = None  # a TraceResult for the next snapshot (tracing.py)
        self.saved_path: str | None = None
        self.save_failed: str | None = None
        self.answers: list[Answer] = []  # to the commands applied since the last snapshot
        # Step(n) / Step(epoch=True) bookkeeping
        self.steps_left: int | None = None
        self.epochs_left: int | None = None
        self.fault: str | None = None
        self.batch_loss: float | None = None
        self.meter = Meter()
        self.replay = Replay()  # the weights of thinned epochs, and the epoch a view replays

    # ---- building ---------------------------------------------------------------------------

    def load(self, initial_model: str | None = None) -> None:
        """Load the configured data and build the network and the trainer; with
        `initial_model` (a saved model file), continue from its weights and history."""
        from tui_nn.data import load_dataset

        try:
            dataset = load_dataset(self.dataset_spec)
        except USER_ERRORS as exc:
            self._set("error", f"could not start: {one_line(exc)}")
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
            self._build(dataset, self.config.network_spec(dataset))
            self.message = note
        except USER_ERRORS as exc:
            self._set("error", f"could not start: {one_line(exc)}")

    def _build(self, dataset: Dataset, spec: NetworkSpec, net=None) -> None:
        """A network (fresh, unless given) and a trainer on this data: a new run."""
        from tui_nn.engine import Network, Trainer

        net = net if net is not None else Network.from_spec(spec)
        trainer = Trainer(net, train_data(dataset), self.hyper, seed=spec.seed)
        self.net, self.trainer = net, trainer
        self._use_data(dataset)
        self._new_run()

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
        self._build(dataset, saved.spec, Network.from_params(saved.spec, saved.params))
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
        self.sent = None
        forked = forking.restore_from(trainer, path)  # a fork: optimizer, shuffling, counters
        self.message = f"{'forked' if forked else 'resumed'} from {path}"

    def _use_data(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.dataset_spec = dataset.spec or self.dataset_spec
        self.bounds = pictures.data_bounds(dataset) if dataset.is_2d else None
        self.send_data = True

    def _new_run(self, keep_clock: bool = False) -> None:
        """Snapshots from now on carry a new run id and, first, the run's whole history.
        `keep_clock`: the same training continues (an architecture change), elapsed goes on."""
        self.run_id += 1
        self.sent = None
        self.weights_stale = self.grid_stale = self.urgent = True
        self.batch_loss = None
        self.meter.restart()
        if not keep_clock:
            self.stopwatch.reset(self.clock())
        self.replay.new_run(self)

    # ---- state ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.state == "running"

    def _set(self, state: State, message: str) -> None:
        if state != "running":
            self.steps_left = self.epochs_left = None
        if state != "error":
            self.error_detail = None
        self.stopwatch.set_running(state == "running", self.clock())
        self.state, self.message = state, message
        self.urgent = True

    def fail(self, exc: BaseException) -> None:
        """An unexpected exception: report it and wait for commands (never die silently)."""
        self._set("error", f"{type(exc).__name__}: {one_line(exc)}")
        self.error_detail = "".join(traceback.format_exception(exc))

    # ---- commands ---------------------------------------------------------------------------

    def apply(self, item: object) -> bool:
        """Apply one command (between steps), bare or in an Envelope, and owe its answer to
        the next snapshot (which is then urgent). Returns False for Stop (not answered: the
        trainer ends)."""
        cid, cmd = (item.id, item.command) if isinstance(item, Envelope) else ("", item)
        if isinstance(cmd, Stop):
            return False
        self.answers.append(self._answer(cid, cmd))
        self.urgent = True
        return True

    def refuse(self, item: object, reason: str) -> None:
        """Answer a command `refused` without applying it (e.g. from an app that may only
        watch); the answer goes with the next snapshot, like any other."""
        cid, cmd = (item.id, item.command) if isinstance(item, Envelope) else ("", item)
        self.answers.append(refused(cid, cmd, reason))
        self.urgent = True

    def _answer(self, cid: CommandId, cmd: object) -> Answer:
        handler = self._HANDLERS.get(type(cmd))
        if handler is None:
            self.message = f"unknown command {type(cmd).__name__}"
            return refused(cid, cmd, self.message)
        if self.trainer is None and type(cmd) not in (SetDataset, SetView, SetHyper, SetSpeed):
            self.message = f"no network yet: {self.message}"
            if isinstance(cmd, Save):
                self.save_failed = f"nothing to save: {self.message}"
            return refused(cid, cmd, self.message)
        try:
            said = answer(cid, cmd, lambda: handler(self, cmd))
        except Exception as exc:  # unexpected: the run is in `error`; the command is answered
            self.fail(exc)
            return refused(cid, cmd, self.message)
        if said.outcome == "refused":  # bad settings from the user: the run is as it was
            self.message = said.reason
        self._check_budget()
        return said

    def _check_budget(self) -> None:
        """After a command: a raised budget (or new data) un-finishes the run; a budget lowered
        below the epochs done finishes a continuous run (Step may still go past it)."""
        trainer = self.trainer
        if trainer is None:
            return
        if self.state == "finished" and not trainer.finished:
            self._set("paused", self.message)
        stepping = self.steps_left is not None or self.epochs_left is not None
        if self.running and trainer.finished and not stepping:
            self._set("finished", trainer.stop_reason or "finished")

    def _start(self, cmd: Start) -> State:
        if self.trainer.finished:
            reason = self.trainer.stop_reason or "finished"
            raise Refused(f"{reason}: raise the epoch budget or reset")
        self._set("running", "training")
        return self.state

    def _pause(self, cmd: Pause) -> State:
        if self.running:
            self._set("paused", "paused")
        return self.state

    def _step(self, cmd: Step) -> State:
        """Run n more steps, or to the end of the epoch; added to a Step of the same kind that
        is in progress (two Step(1) in a row make two steps, two Step(epoch) two epochs)."""
        if cmd.epoch:
            already = self.epochs_left if self.running and self.epochs_left else 0
            self._set("running", "stepping to the end of the epoch")
            self.steps_left, self.epochs_left = None, already + 1
        elif cmd.steps >= 1:
            already = self.steps_left if self.running and self.steps_left else 0
            self._set("running", "stepping")
            self.steps_left, self.epochs_left = already + int(cmd.steps), None
        else:
            raise Refused(f"steps must be at least 1, got {cmd.steps}")
        return self.state

    def _reset(self, cmd: Reset) -> State:
        self.trainer.reset(seed=cmd.seed)
        self._new_run()
        seed = self.net.spec.seed if cmd.seed is None else cmd.seed
        self._set("idle", f"weights re-initialised (seed {seed})")
        return self.state

    def _set_hyper(self, cmd: SetHyper) -> HyperParams:
        if self.trainer is not None:
            self.trainer.set_hyper(cmd.hyper)
        self.hyper = cmd.hyper
        self.message = "settings changed"
        return self.hyper

    def _set_architecture(self, cmd: SetArchitecture) -> NetworkSpec:
        self.trainer.set_architecture(cmd.spec.validate())  # surgery on self.net, in place
        self._new_run(keep_clock=True)
        self.message = "architecture changed"
        return self.net.spec

    def _set_dataset(self, cmd: SetDataset) -> DatasetSpec:
        from tui_nn.data import load_dataset

        dataset = load_dataset(cmd.spec)
        if self.trainer is not None and self._fits(dataset, cmd.network):
            try:
                self.trainer.set_data(train_data(dataset))
            except SpecError:
                pass
            else:
                self._use_data(dataset)
                self._new_run()
                self.message = (
                    "new data: weights kept; epochs, curves and optimizer state restart"
                )
                return self.dataset_spec
        self._build(dataset, cmd.network or self._head_for(dataset))
        self._set("idle", "new data: new network for its sizes (fresh weights); curves restart")
        return self.dataset_spec

    def _fits(self, dataset: Dataset, wanted: NetworkSpec | None) -> bool:
        """Can the current network train on `dataset` as it is (same task, same shapes)?"""
        spec = self.net.spec
        return (
            (wanted is None or wanted == spec)
            and self.dataset is not None
            and dataset.task == self.dataset.task
            and spec.n_inputs == dataset.n_inputs
            and spec.output.units == dataset.n_outputs
        )

    def _head_for(self, dataset: Dataset) -> NetworkSpec:
        """The current hidden layers with the input and output the new data needs."""
        out_act, loss = dataset.default_head()
        hidden = self.net.spec.hidden if self.net is not None else None
        base = self.config.network_spec(dataset)
        return dataclasses.replace(
            base,
            hidden=hidden if hidden is not None else base.hidden,
            output=LayerSpec(dataset.n_outputs, out_act),
            loss=loss,
        ).validate()

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

    def _save(self, cmd: Save) -> str:
        try:
            self.write_run(cmd.path)
        except Exception as exc:  # the app waits for an answer: always give one
            self.save_failed = f"cannot save to {cmd.path}: {one_line(exc)}"
            raise Refused(self.save_failed) from None
        self.saved_path = cmd.path
        self.message = f"saved to {cmd.path}"
        return cmd.path

    def _inspect(self, cmd: Inspect) -> Inspection:
        self.inspection = pictures.inspect_sample(self.net, self.dataset, cmd.index, cmd.split)
        return self.inspection

    def _set_view(self, cmd: SetView) -> State:
        """The answering snapshot carries what the view asks for, even if unchanged since."""
        pictures.check_view(cmd)
        self.weights_stale, self.last_weights_time = cmd.weights, float("-inf")
        if cmd.grid:
            self.grid_stale, self.last_grid_time = True, float("-inf")
        self.view = cmd
        self.replay.view_changed(cmd)
        return self.state

    def _set_speed(self, cmd: SetSpeed) -> State:
        self.speed = check_speed(cmd.epochs_per_second)
        return self.state

    def _inject_fault(self, cmd: InjectFault) -> State:
        self.fault = cmd.message
        return self.state

    _HANDLERS: dict[type, Callable] = {
        Start: _start,
        Pause: _pause,
        Step: _step,
        Reset: _reset,
        SetHyper: _set_hyper,
        SetArchitecture: _set_architecture,
        SetDataset: _set_dataset,
        Save: _save,
        Fork: forking.handle_fork,
        Inspect: _inspect,
        SetView: _set_view,
        SetSpeed: _set_speed,
        InjectFault: _inject_fault,
        CheckGradients: check_gradients,
        **TRACE_HANDLERS,
        **PLANE_HANDLERS,
        CellSamples: cell_samples,
        SetParameter: parameters.set_parameter,
    }

    def current_config(self) -> RunConfig:
        """The run configuration as it is now (for saving)."""
        spec = self.net.spec
        return dataclasses.replace(
            self.config,
            dataset=self.dataset_spec,
            hidden=tuple(layer.units for layer in spec.hidden),
            activation=spec.hidden[0].activation if spec.hidden else self.config.activation,
            output=spec.output.activation,
            loss=spec.loss,
            init=spec.init,
            seed=spec.seed,
            dtype=spec.dtype,
            hyper=self.hyper,
        )

    # ---- training ---------------------------------------------------------------------------

    def step_seconds(self) -> float:
        """The time one step may take at the speed limit (only called when there is one)."""
        return 1.0 / (self.speed * self.trainer.steps_per_epoch)

    def advance(self) -> None:
        """One training step, then the bookkeeping of Step(n), budgets and divergence."""
        if self.fault is not None:
            message, self.fault = self.fault, None
            raise RuntimeError(message)
        result = self.trainer.step()
        self.batch_loss = result.batch_loss
        self.weights_stale = self.grid_stale = True
        if result.record is not None:
            self.replay.epoch_done(self)
            stopped = self.metrics.write(self.run_id, result.record, last=self.trainer.finished)
            if stopped is not None:
                self.message, self.urgent = stopped, True
        if result.diverged is not None:
            self._set("diverged", f"diverged: {result.diverged}; restored the last finite weights")
        elif result.record is not None and self.trainer.finished:
            self._set("finished", self.trainer.stop_reason or "finished")
        elif self.steps_left is not None:
            self.steps_left -= 1
            if self.steps_left <= 0:
                self._set("paused", "stepped")
        elif self.epochs_left is not None and result.record is not None:
            self.epochs_left -= 1
            if self.epochs_left <= 0:
                self._set("paused", f"stepped to the end of epoch {self.trainer.epoch}")

    # ---- snapshots (built in snapshots.py) -------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Everything new since the previous snapshot; clears the one-shot parts."""
        return snapshots.build(self)

    def safe_snapshot(self) -> Snapshot:
        """`snapshot()`, or, if building it fails, the error in a minimal snapshot."""
        try:
            return snapshots.build(self)
        except Exception as exc:
            self.fail(exc)
            return snapshots.bare(self)
