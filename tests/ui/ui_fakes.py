"""A stand-in for TrainingSession that answers nothing: deterministic snapshots, no process.

It publishes what a test tells it to (`train_epochs`, `set_state`, `new_data`, `publish`),
built from simple closed-form numbers, so drawing and snapshot tests are repeatable to the
last pixel. It never applies or answers a command: it records them in `commands`, and `send`
returns no id. Whatever checks an outcome (accepted, refused, saved, set) runs on the
trainer's own code instead (runner_session.py).
"""

from __future__ import annotations

import numpy as np

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.types import EpochRecord, LayerStats
from tui_nn.session.protocol.messages import (
    DataSummary,
    DecisionGrid,
    NetworkView,
    Snapshot,
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
    """Quacks like tui_nn.session.client.proxy.TrainingSession, but answers no command."""

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
        self.speed: float | None = None
        self._sent: dict[int, int] = {}  # records already published, per run

    # ---- the session API -----------------------------------------------------------------

    def start(
        self,
        config: RunConfig,
        initial_model: str | None = None,
        run_path: str | None = None,
        metrics_path: str | None = None,
    ) -> None:
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
        """Recorded, never applied nor answered (no id)."""
        if not self.alive:
            raise RuntimeError("the trainer is not running")
        self.commands.append(command)

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

    # ---- what a test tells it to publish ---------------------------------------------------

    def sent(self, kind: type) -> list:
        return [c for c in self.commands if isinstance(c, kind)]

    def train_epochs(self, n: int) -> None:
        """What `n` epochs of running would publish."""
        self._advance(n * STEPS_PER_EPOCH)
        self.publish()

    def set_state(self, state: str, message: str = "") -> None:
        self.state, self.message = state, message
        self.publish()

    def new_data(self, spec: DatasetSpec) -> None:
        """A new run on other data (the last step's statistics still sent, as a careless
        trainer would)."""
        self.dataset = spec
        self.network = network_for(self.config, spec.name, self.network.hidden)
        self.run_id += 1
        self.step, self.history = 0, []
        self.publish(data=True)

    def set_network(self, spec: NetworkSpec) -> None:
        """Another architecture: a new run that re-sends the history so far."""
        self.network = spec
        self.run_id += 1
        self.publish()

    def die(self) -> None:
        self.alive = False
        self.sink(TrainerDied(exitcode=-9, message="trainer process ended (exit code -9)"))

    # ---- snapshots -------------------------------------------------------------------------

    def _advance(self, steps: int) -> None:
        for _ in range(steps):
            self.step += 1
            if self.step % STEPS_PER_EPOCH == 0:
                self.history.append(record(self.step // STEPS_PER_EPOCH, self.hyper.lr))

    def publish(
        self,
        data: bool = False,
        grid_size: tuple[int, int] | None = None,
        weights: bool = False,
    ) -> None:
        """A snapshot of the fake run; a decision grid of `grid_size`, the weights (with a
        network view) if asked."""
        self.seq += 1
        already = self._sent.get(self.run_id, 0)
        records = tuple(self.history[already:])
        self._sent[self.run_id] = len(self.history)
        last = self.history[-1] if self.history else None
        summary = data_for(self.dataset) if data else None
        grid = grid_for(grid_size, len(self.history)) if grid_size else None
        shown = weights_for(self.network, self.step) if weights else None
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
            grid=grid if self.network.n_inputs == 2 else None,
            speed=self.speed,
            weights=shown,
            network_view=view_for(self.network, shown) if shown else None,
        )
        self.sink(snap)
