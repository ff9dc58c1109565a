"""Training throughput through the session versus the bare engine loop; start-up and stop times.

    .venv/bin/python benchmarks/session.py [--seconds 2] [--rounds 5] [--mnist]

For each workload, in the same run, alternating windows (bare, session, bare, session, ...) so
that other load on the machine hits both alike:

- bare: `Trainer.step()` in a loop in this process, one BLAS thread;
- session: one TrainingSession (trainer process, one BLAS thread, fps=10), started and paused
  per window, while a consumer thread here "draws" the newest snapshot 10 times a second (it
  walks the neuron statistics and the decision grid, as the app's widgets would).

Throughput is samples per second of training; the goal is session >= 90 % of bare (the median of
the per-round ratios is reported). "wall" is per wall-clock second, which other load on a shared
machine makes noisy; "cpu" is per CPU second of the training thread (bare) or of the whole
trainer process (session: snapshots, commands and its threads included), which isolates the
session's own overhead from the machine's load. Start-up is the time from `start()` to the first snapshot
(spawn + imports + data + network) on xor; stop is the time `close()` takes on a running
trainer (goal 0.5 s, also in the middle of an MNIST epoch). `--mnist` uses the real files when
fetched, or else random pixels of MNIST's shapes (the step cost is the same).
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import psutil
from threadpoolctl import threadpool_info, threadpool_limits

from tui_nn.config import RunConfig, train_data
from tui_nn.data import load_dataset
from tui_nn.data.spec import DataError, DatasetSpec
from tui_nn.engine import Network, Trainer
from tui_nn.engine.types import HyperParams
from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.messages import Pause, Snapshot, Start

WORKLOADS = {
    "xor 2-8-8-1 batch 10": RunConfig(
        dataset=DatasetSpec(name="xor", samples=1000),
        hidden=(8, 8),
        hyper=HyperParams(lr=0.03, batch_size=10),
    ),
    "digits 64-32-10 batch 32": RunConfig(
        dataset=DatasetSpec(name="digits"),
        hidden=(32,),
        activation="relu",
        hyper=HyperParams(lr=0.05, batch_size=32),
    ),
}
MNIST = RunConfig(
    dataset=DatasetSpec(name="mnist"),
    hidden=(128, 64),
    activation="relu",
    hyper=HyperParams(lr=0.05, batch_size=128),
)


def bare_window(trainer: Trainer, seconds: float) -> tuple[float, float]:
    """(samples per wall-clock second, samples per CPU second) of the engine loop alone."""
    with threadpool_limits(1):
        for _ in range(5):  # warm the caches again after the other side ran
            trainer.step()
        samples, start, cpu = trainer.samples_seen, time.perf_counter(), time.thread_time()
        while time.perf_counter() - start < seconds:
            trainer.step()
        samples = trainer.samples_seen - samples
        return (
            samples / (time.perf_counter() - start),
            samples / (time.thread_time() - cpu),
        )


class Drawer:
    """A consumer that keeps the newest snapshot and 'draws' it at 10 Hz on its own thread."""

    def __init__(self) -> None:
        self.latest: Snapshot | None = None
        self.records = 0
        self.frames = 0
        self.marks: list[tuple[float, int]] = []  # (arrival time, samples seen)
        self.stop = threading.Event()
        self.first = threading.Event()
        self.paused = threading.Event()
        self.thread = threading.Thread(target=self._draw, daemon=True)
        self.thread.start()

    def __call__(self, msg: object) -> None:
        if isinstance(msg, Snapshot):
            self.records += len(msg.records)
            self.marks.append((time.perf_counter(), msg.samples_seen))
            self.latest = msg
            self.first.set()
            if msg.state == "paused":
                self.paused.set()

    def _draw(self) -> None:
        while not self.stop.wait(0.1):
            snap = self.latest
            if snap is None:
                continue
            _ = [float(s.mean_abs_delta.mean()) for s in snap.layers]
            if snap.grid is not None:
                _ = np.clip(snap.grid.values, 0, 1).sum()
            self.frames += 1


def session_window(session: TrainingSession, drawer: Drawer, seconds: float) -> tuple[float, float]:
    """(samples per wall-clock second, samples per CPU second of the trainer process) through
    the session over one window. Wall-clock: between snapshots after a 0.3 s warm-up. CPU: the
    trainer's CPU time from Start to the paused snapshot, publishing and commands included."""
    trainer = psutil.Process(session.pid)
    cpu0, samples0 = sum(trainer.cpu_times()[:2]), drawer.latest.samples_seen
    session.send(Start())
    t0 = time.perf_counter() + 0.3
    time.sleep(seconds + 0.3)
    t1 = time.perf_counter()
    drawer.paused.clear()
    session.send(Pause())
    drawer.paused.wait(10)
    cpu = sum(trainer.cpu_times()[:2]) - cpu0
    window = [(t, s) for t, s in drawer.marks if t0 <= t <= t1]
    (ta, sa), (tb, sb) = window[0], window[-1]
    return (sb - sa) / (tb - ta), (drawer.latest.samples_seen - samples0) / cpu


def stop_seconds(config: RunConfig, trials: int) -> list[float]:
    """How long close() takes on a trainer running flat out, stopped at random moments (so
    some stops land in an end-of-epoch evaluation). close() waits up to 2 s here to show the
    natural latency; the app's close(timeout=0.5) kills the process after 0.5 s anyway."""
    rng = np.random.default_rng(1)
    times = []
    for _ in range(trials):
        drawer = Drawer()
        session = TrainingSession(drawer, fps=10, blas_threads=1)
        session.start(config)
        drawer.first.wait(120)
        session.send(Start())
        time.sleep(0.3 + 1.2 * rng.random())
        start = time.perf_counter()
        session.close(timeout=2.0)
        times.append(time.perf_counter() - start)
        drawer.stop.set()
    return times


def measure(name: str, config: RunConfig, seconds: float, rounds: int) -> None:
    data = load_dataset(config.dataset)
    spec = config.network_spec(data)
    trainer = Trainer(Network.from_spec(spec), train_data(data), config.hyper, seed=spec.seed)
    drawer = Drawer()
    session = TrainingSession(drawer, fps=10, blas_threads=1)
    session.start(config)
    drawer.first.wait(120)
    bare, through = [], []
    for _ in range(rounds):
        bare.append(bare_window(trainer, seconds))
        through.append(session_window(session, drawer, seconds))
    session.close()
    drawer.stop.set()
    stops = stop_seconds(config, 5)
    for label, i in (("wall", 0), ("cpu", 1)):
        b = [x[i] for x in bare]
        t = [x[i] for x in through]
        ratios = [s / b for s, b in zip(t, b)]
        print(
            f"{name if i == 0 else '':30s} {label:4s} bare {statistics.median(b):10,.0f}"
            f"  session {statistics.median(t):10,.0f} samples/s"
            f"  ratio {statistics.median(ratios):6.1%}"
            f" (per round {', '.join(f'{r:.0%}' for r in ratios)})"
        )
    print(
        f"{'':30s} stop: median {statistics.median(stops) * 1000:.0f} ms,"
        f" max {max(stops) * 1000:.0f} ms; start-up {session.startup_seconds * 1000:.0f} ms"
    )


def fake_mnist(folder: Path) -> None:
    """Random uint8 images and labels in MNIST's IDX format and shapes."""
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 60_000), ("t10k", 10_000)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        (folder / f"{prefix}-images-idx3-ubyte").write_bytes(
            struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes()
        )
        (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
            struct.pack(">II", 2049, n) + labels.tobytes()
        )


def startup_times(rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        got = threading.Event()
        session = TrainingSession(lambda msg, got=got: got.set())
        session.start(WORKLOADS["xor 2-8-8-1 batch 10"])
        got.wait(60)
        times.append(session.startup_seconds)
        session.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mnist", action="store_true", help="also an MNIST-sized workload")
    args = parser.parse_args()
    blas = [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()]
    print(f"BLAS: {blas}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    for name, config in WORKLOADS.items():
        measure(name, config, args.seconds, args.rounds)
    if args.mnist:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                load_dataset(MNIST.dataset)
                config, label = MNIST, "mnist 784-128-64-10 b128"
            except DataError:
                fake_mnist(Path(tmp))
                config = replace(MNIST, dataset=replace(MNIST.dataset, data_dir=tmp))
                label = "mnist-shaped (random) b128"
            measure(label, config, args.seconds, args.rounds)
    times = startup_times(5)
    print(
        f"start-up (start() to first snapshot, xor): median {statistics.median(times) * 1000:.0f} ms,"
        f" min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
