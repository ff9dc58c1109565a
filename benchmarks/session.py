"""Training throughput through the session versus the bare engine loop, and start-up time.

    .venv/bin/python benchmarks/session.py [--seconds 4] [--rounds 2] [--mnist]

For each workload, in the same run and alternating (bare, session, bare, session, ...) so that
other load on the machine hits both alike:

- bare: `Trainer.step()` in a loop in this process, one BLAS thread;
- session: a TrainingSession (trainer process, one BLAS thread, fps=10) while a consumer thread
  here "draws" the newest snapshot 10 times a second (it walks the records, the neuron
  statistics and the decision grid, the way the app's widgets would).

Throughput is samples per second of training; the goal is session >= 90 % of bare. Start-up is
the time from `start()` to the first snapshot (spawn + imports + data + network), on xor.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from tui_nn.config import RunConfig
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine import Network, Trainer
from tui_nn.engine.types import HyperParams
from tui_nn.session import TrainingSession
from tui_nn.session.messages import Pause, Snapshot, Start

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


def bare_rate(config: RunConfig, seconds: float) -> float:
    """Samples per second of the engine loop alone (data loading not counted)."""
    data = load_dataset(config.dataset)
    trainer = Trainer(Network.from_spec(config.network_spec(data)), data.train_data(), config.hyper)
    with threadpool_limits(1):
        for _ in range(20):  # warm-up
            trainer.step()
        start_samples, start = trainer.samples_seen, time.perf_counter()
        while time.perf_counter() - start < seconds:
            trainer.step()
        return (trainer.samples_seen - start_samples) / (time.perf_counter() - start)


class Drawer:
    """A consumer that keeps the newest snapshot and 'draws' it at 10 Hz on its own thread."""

    def __init__(self) -> None:
        self.latest: Snapshot | None = None
        self.records = 0
        self.frames = 0
        self.marks: list[tuple[float, int]] = []  # (arrival time, samples seen)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._draw, daemon=True)
        self.thread.start()

    def __call__(self, msg: object) -> None:
        if isinstance(msg, Snapshot):
            self.records += len(msg.records)
            self.marks.append((time.perf_counter(), msg.samples_seen))
            self.latest = msg

    def _draw(self) -> None:
        while not self.stop.wait(0.1):
            snap = self.latest
            if snap is None:
                continue
            _ = [float(s.mean_abs_delta.mean()) for s in snap.layers]
            if snap.grid is not None:
                _ = np.clip(snap.grid.values, 0, 1).sum()
            self.frames += 1


def session_rate(config: RunConfig, seconds: float) -> tuple[float, float]:
    """(samples per second through the session, start-up seconds)."""
    drawer = Drawer()
    session = TrainingSession(drawer, fps=10, blas_threads=1)
    session.start(config)
    while drawer.latest is None:
        time.sleep(0.01)
    startup = session.startup_seconds
    session.send(Start())
    time.sleep(0.5)  # warm-up
    t0 = time.perf_counter()
    time.sleep(seconds)
    session.send(Pause())
    session.close()
    drawer.stop.set()
    window = [(t, s) for t, s in drawer.marks if t >= t0]
    (ta, sa), (tb, sb) = window[0], window[-1]
    return (sb - sa) / (tb - ta), startup


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
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mnist", action="store_true", help="also MNIST (needs the files)")
    args = parser.parse_args()
    blas = [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()]
    print(f"BLAS: {blas}")
    workloads = dict(WORKLOADS)
    if args.mnist:
        workloads["mnist 784-128-64-10 batch 128"] = MNIST
    for name, config in workloads.items():
        bare, through = [], []
        for _ in range(args.rounds):
            bare.append(bare_rate(config, args.seconds))
            through.append(session_rate(config, args.seconds)[0])
        b, s = statistics.median(bare), statistics.median(through)
        print(
            f"{name:32s} bare {b:12,.0f} samples/s   session {s:12,.0f} samples/s"
            f"   ratio {s / b:6.1%}   (rounds: bare {[round(x) for x in bare]},"
            f" session {[round(x) for x in through]})"
        )
    times = startup_times(5)
    print(
        f"start-up (start() to first snapshot, xor): median {statistics.median(times) * 1000:.0f} ms,"
        f" min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
