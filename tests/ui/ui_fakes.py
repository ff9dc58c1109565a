"""A small in-process stand-in for TrainingSession: deterministic snapshots, no process.

It answers every command at once (synchronously, on the caller's thread) with a Snapshot built
from simple closed-form numbers, so pilot and snapshot tests are fast and repeatable. It keeps
every command it received in `commands` for the tests to check.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

import tui_nn.session.trainer.tracing as tracing
from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.types import EpochRecord, LayerStats
from tui_nn.session.protocol.messages import (
    ApplyTraceStep,
    DataSummary,
    DecisionGrid,
    NetworkView,
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
    Step,
    Stop,
    TraceSample,
    TrainerDied,
)

# name -> (inputs, outputs, task, classes)
SHAPES = {
    "circle": (2, 1, "classification", 2),
    "xor": (2, 1, "classification", 2),
    "spiral": (2, 1, "classification", 2),
    "gauss": (2, 1, "classification", 2),
    "digits": (64, 10, "classification", 10),
    "quadratic": (1, 1, "regression", None),
    "csv": (3, 1, "classification", 2),
}
STEPS_PER_EPOCH = 10
BOUNDS = (-6.0, 6.0, -6.0, 6.0)


def head_for(name: str) -> tuple[int, int, str, str]:
    n_in, n_out, task, _ = SHAPES.get(name, SHAPES["circle"])
    if task == "regression":
        return n_in, n_out, "identity", "mse"
    return (n_in, n_out, "sigmoid", "bce") if n_out == 1 else (n_in, n_out, "softmax", "cce")


def network_for(config: RunConfig, name: str, hidden=None) -> NetworkSpec:
    n_in, n_out, out_act, loss = head_for(name)
    if hidden is None:
        hidden = tuple(LayerSpec(u, config.activation) for u in config.hidden)
    return NetworkSpec(n_in, tuple(hidden), LayerSpec(n_out, out_act), loss, seed=config.seed)


def data_for(spec: DatasetSpec) -> DataSummary:
    n_in, n_out, task, classes = SHAPES.get(spec.name, SHAPES["circle"])
    points = labels = test_points = test_labels = bounds = None
    if n_in == 2:
        angles = np.linspace(0, 2 * np.pi, 40, endpoint=False, dtype=np.float32)
        radii = np.tile(np.array([1.5, 4.5], dtype=np.float32), 20) + spec.seed * 0.1
        points = np.stack([radii * np.cos(angles), radii * np.sin(angles)], 1).astype(np.float32)
        labels = (radii > 3).astype(np.int64)
        test_points, test_labels, bounds = points[::2] * 0.9, labels[::2], BOUNDS
    return DataSummary(
        name=spec.name,
        task=task,
        n_inputs=n_in,
        n_outputs=n_out,
        n_classes=classes,
        n_train=200,
        n_test=200,
        class_names=None,
        points_train=points,
        labels_train=labels,
        points_test=test_points,
        labels_test=test_labels,
        bounds=bounds,
    )


def record(epoch: int, lr: float) -> EpochRecord:
    return EpochRecord(
        epoch=epoch,
        step=epoch * STEPS_PER_EPOCH,
        samples=epoch * 100,
        train_loss=0.7 * 0.8**epoch,
        test_loss=0.75 * 0.82**epoch,
        train_acc=1 - 0.5 * 0.8**epoch,
        test_acc=1 - 0.52 * 0.82**epoch,
        seconds=0.01 * epoch,
        lr=lr,
    )


def layer_stats(spec: NetworkSpec, step: int) -> tuple[LayerStats, ...]:
    out = []
    for i, layer in enumerate(spec.layers):
        k = np.arange(layer.units, dtype=np.float32)
        delta = (0.05 + 0.04 * np.cos(k * 1.3 + i + step * 0.1)).astype(np.float32) ** 2
        act = (0.5 + 0.4 * np.sin(k * 0.7 + i)).astype(np.float32)
        zero = np.zeros(layer.units, dtype=np.float32)
        out.append(LayerStats(delta, act, zero, zero, 0.1, 1.0 + i, layer.activation))
    return tuple(out)


def grid_for(size: tuple[int, int], epoch: int) -> DecisionGrid:
    cols, rows = size
    x = np.linspace(-6, 6, cols, dtype=np.float32)
    y = np.linspace(6, -6, rows, dtype=np.float32)
    r = np.sqrt(x[None, :] ** 2 + y[:, None] ** 2)
    values = (1 / (1 + np.exp(-(r - 3) * (0.5 + 0.1 * min(epoch, 20))))).astype(np.float32)
    return DecisionGrid(values=values, bounds=BOUNDS, kind="probability")


def weights_for(spec: NetworkSpec, step: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Closed-form weights of both signs that move a little with the step."""
    out = []
    for i, (n_in, n_out) in enumerate(zip(spec.sizes[:-1], spec.sizes[1:])):
        r, c = np.meshgrid(np.arange(n_out), np.arange(n_in), indexing="ij")
        W = np.sin(r * 1.7 + c * 0.9 + i + step * 0.01).astype(np.float32) * (1.0 + 0.3 * i)
        b = np.cos(np.arange(n_out) * 1.3 + i).astype(np.float32) * 0.5
        out.append((W, b))
    return tuple(out)


def view_for(spec: NetworkSpec, weights) -> NetworkView:
    x = np.linspace(-1.0, 1.0, spec.n_inputs, dtype=np.float32)
    a, zs, acts = x, [], []
    for W, b in weights:
        z = W @ a + b
        a = np.tanh(z)
        zs.append(z)
        acts.append(a)
    grads = tuple((W * np.float32(0.01), b * np.float32(0.02)) for W, b in weights)
    shape = (8, 8) if spec.n_inputs == 64 else None
    return NetworkView(grads, True, 0, "test", x, tuple(zs), tuple(acts), shape, "1")


class FakeSession:
    """Quacks like tui_nn.session.client.proxy.TrainingSession."""

    def __init__(self, sink, fps: float = 10, blas_threads: int | None = 1) -> None:
        self.sink = sink
        self.fps = fps
        self.commands: list[object] = []
        self.alive = False
        self.closed = False
        self.detached = False
        self.run_id = 0
        self.seq = 0
        self.state = "idle"
        self.message = ""
        self.step = 0
        self.history: list[EpochRecord] = []
        self.view = SetView()
        self.speed: float | None = None
        self.initial_model: str | None = None
        self.answer_saves = True
        self.fail_saves: str | None = None  # a reason: Save answers that it failed
        self.save_asked: str | None = None
        self.hold = False  # when true, edits are recorded but not applied (a late trainer)
        self._sent: dict[int, int] = {}  # records already published, per run
        self._engine: _TraceRunner | None = None  # a real network for the trace commands
        self.set_by_hand: dict[tuple[int, int, int | None], float] = {}  # SetParameter values

    # ---- the session API -----------------------------------------------------------------

    def start(
        self,
        config: RunConfig,
        initial_model: str | None = None,
        run_path: str | None = None,
        metrics_path: str | None = None,
    ) -> None:
        """`initial_model` is only noted: the fake's numbers do not depend on weights."""
        self.config = config
        self.initial_model = initial_model
        self.run_path, self.metrics_path = run_path, metrics_path
        self.trainer_id = "fake01"
        self.alive = True
        self.dataset = config.dataset
        self.hyper = config.hyper
        self.network = network_for(config, self.dataset.name)
        self.publish(data=True)

    def send(self, command: object) -> None:
        if not self.alive:
            raise RuntimeError("the trainer is not running")
        self.commands.append(command)
        if self.hold and isinstance(command, (SetArchitecture, SetHyper, SetDataset)):
            return  # a slow trainer: not applied yet
        handler = getattr(self, f"_on_{type(command).__name__}")
        handler(command)

    def close(self, timeout: float = 0.5) -> None:
        self.alive = False
        self.closed = True

    def attach(self, trainer_id: str, watch: bool = False) -> None:
        self.start(RunConfig())
        self.trainer_id = trainer_id
        self.watching = watch

    def detach(self) -> None:
        self.alive = False
        self.detached = True

    # ---- test controls --------------------------------------------------------------------

    def sent(self, kind: type) -> list:
        return [c for c in self.commands if isinstance(c, kind)]

    def train_epochs(self, n: int) -> None:
        """What `n` epochs of running would publish."""
        self._advance(n * STEPS_PER_EPOCH)
        self.publish()

    def die(self) -> None:
        self.alive = False
        self.sink(TrainerDied(exitcode=-9, message="trainer process ended (exit code -9)"))

    # ---- commands --------------------------------------------------------------------------

    def _on_Start(self, cmd: Start) -> None:
        self.state = "running"
        self.publish()

    def _on_Pause(self, cmd: Pause) -> None:
        self.state, self.message = "paused", "paused"
        self.publish()

    def _on_Step(self, cmd: Step) -> None:
        steps = STEPS_PER_EPOCH - self.step % STEPS_PER_EPOCH if cmd.epoch else cmd.steps
        self._advance(steps)
        self.state = "paused"
        self.publish()

    def _on_Reset(self, cmd: Reset) -> None:
        if cmd.seed is not None:
            self.network = replace(self.network, seed=cmd.seed)
        self._new_run()
        self.state = "idle"
        self.publish()

    def _on_SetHyper(self, cmd: SetHyper) -> None:
        self.hyper = cmd.hyper
        self.publish()

    def _on_SetArchitecture(self, cmd: SetArchitecture) -> None:
        needs = {"bce": "sigmoid", "cce": "softmax"}.get(cmd.spec.loss)
        if needs is not None and cmd.spec.output.activation != needs:  # as the engine does
            self.message = f"loss {cmd.spec.loss} needs a {needs} output layer"
        else:
            self.network = cmd.spec.validate()
            self._engine = None
            self.run_id += 1
            self.message = "architecture changed"
        self.publish()

    def _on_SetDataset(self, cmd: SetDataset) -> None:
        self.dataset = cmd.spec
        self.network = network_for(self.config, cmd.spec.name, self.network.hidden)
        self._new_run()
        self.publish(data=True)

    def _on_Save(self, cmd: Save) -> None:
        self.save_asked = cmd.path
        if self.fail_saves:
            self.message = f"cannot save to {cmd.path}: {self.fail_saves}"
            self.publish(save_failed=self.message)
        elif self.answer_saves:
            self.answer_save()

    def answer_save(self) -> None:
        """Write the file asked for last and confirm it (a late trainer: call it later)."""
        Path(self.save_asked).write_bytes(b"fake model")
        self.message = f"saved to {self.save_asked}"
        self.publish(saved_path=self.save_asked)

    def _on_SetView(self, cmd: SetView) -> None:
        self.view = cmd
        self.publish()

    def _on_SetSpeed(self, cmd: SetSpeed) -> None:
        self.speed = cmd.epochs_per_second
        self.publish()

    def _on_SetParameter(self, cmd: SetParameter) -> None:
        sizes = self.network.sizes
        if not (0 <= cmd.layer < len(sizes) - 1 and 0 <= cmd.row < sizes[cmd.layer + 1]):
            self.message = f"refused: no such neuron (layer {cmd.layer + 1}, row {cmd.row + 1})"
        else:
            self.set_by_hand[(cmd.layer, cmd.row, cmd.col)] = float(cmd.value)
            if self._engine is not None:  # the trace's real network takes it too
                layer = self._engine.net.layers[cmd.layer]
                if cmd.col is None:
                    layer.b[cmd.row] = cmd.value
                else:
                    layer.W[cmd.row, cmd.col] = cmd.value
            name = (
                f"b{cmd.layer + 1}[{cmd.row + 1}]"
                if cmd.col is None
                else (f"W{cmd.layer + 1}[{cmd.row + 1},{cmd.col + 1}]")
            )
            self.message = f"{name} = {cmd.value:.6g} (was 0); training cost now 0.5000"
        self.publish()

    def _weights(self):
        weights = weights_for(self.network, self.step)
        for (layer, row, col), value in self.set_by_hand.items():
            W, b = weights[layer]
            if col is None:
                b[row] = value
            else:
                W[row, col] = value
        return weights

    def _on_Stop(self, cmd: Stop) -> None:
        self.alive = False

    def _on_TraceSample(self, cmd: TraceSample) -> None:
        self._trace(cmd)

    def _on_ApplyTraceStep(self, cmd: ApplyTraceStep) -> None:
        self._trace(cmd)

    def _trace(self, cmd: object) -> None:
        """Answered honestly: the trainer's own handler on a real network and real data."""
        runner = self.engine()
        lr = tracing.lr_for(runner.trainer, runner.hyper, cmd.lr)
        if isinstance(cmd, TraceSample):
            result = tracing.trace(runner.net, runner.dataset, runner.trainer, lr, cmd)
        else:
            result = tracing.apply_step(runner.net, runner.dataset, runner.trainer, lr, cmd)
        if result.refused is not None:
            self.message = f"cannot trace: {result.refused}"
        elif result.applied:
            self.message = tracing.describe_step(result, runner.trainer.step_count)
        self.publish(trace=result)

    def engine(self) -> _TraceRunner:
        """The real network and data behind the trace commands (built on first use)."""
        if self._engine is None:
            self._engine = _TraceRunner(self.dataset, self.network, self.hyper)
        self._engine.hyper = self.hyper
        return self._engine

    # ---- snapshots -------------------------------------------------------------------------

    def _new_run(self) -> None:
        self._engine = None
        self.run_id += 1
        self.step = 0
        self.history = []

    def _advance(self, steps: int) -> None:
        for _ in range(steps):
            self.step += 1
            if self.step % STEPS_PER_EPOCH == 0:
                self.history.append(record(self.step // STEPS_PER_EPOCH, self.hyper.lr))

    def publish(
        self,
        data: bool = False,
        saved_path: str | None = None,
        trace: object = None,
        save_failed: str | None = None,
    ) -> None:
        self.seq += 1
        already = self._sent.get(self.run_id, 0)
        records = tuple(self.history[already:])
        self._sent[self.run_id] = len(self.history)
        last = self.history[-1] if self.history else None
        summary = data_for(self.dataset) if data else None
        two_d = summary is not None and summary.n_inputs == 2
        grid = grid_for(self.view.grid_size, len(self.history)) if self.view.grid else None
        snap = Snapshot(
            run_id=self.run_id,
            seq=self.seq,
            state=self.state,
            message=self.message,
            epoch=len(self.history),
            step=self.step,
            samples_seen=self.step * 10,
            batch_loss=last.train_loss if last else None,
            train_loss=last.train_loss if last else None,
            test_loss=last.test_loss if last else None,
            train_acc=last.train_acc if last else None,
            test_acc=last.test_acc if last else None,
            records=records,
            layers=layer_stats(self.network, self.step),
            samples_per_sec=12345.0 if self.state == "running" else 0.0,
            eta_seconds=None,
            elapsed=0.5 * len(self.history),
            network=self.network,
            hyper=self.hyper,
            dataset=self.dataset,
            data=summary,
            grid=grid if (two_d or summary is None) and self.network.n_inputs == 2 else None,
            saved_path=saved_path,
            save_failed=save_failed,
            speed=self.speed,
            trace=trace,
            weights=self._weights() if self.view.weights else None,
            network_view=view_for(self.network, self._weights()) if self.view.weights else None,
        )
        self.sink(snap)


class _TraceRunner:
    """What session/trainer/tracing.py needs (network, data, trainer), with the real engine."""

    def __init__(self, dataset: DatasetSpec, network: NetworkSpec, hyper) -> None:
        from tui_nn.data import load_dataset
        from tui_nn.engine import Network, TrainData, Trainer

        ds = self.dataset = load_dataset(dataset)
        self.net = Network.from_spec(network)
        data = TrainData(ds.X_train, ds.y_train, ds.X_test, ds.y_test, ds.input_scale, ds.task)
        self.trainer = Trainer(self.net, data, hyper, seed=network.seed)
        self.hyper = hyper
