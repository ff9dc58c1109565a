"""The trainer's memory with replay frames and neuron maps, over a long run at full speed.

    flock /work/brief/bench.lock .venv/bin/python benchmarks/replay_memory.py [--seconds 600]

A real trainer process (TrainingSession) trains 3-arm spiral with feature inputs at --speed max
while the view asks for the decision grid and a hidden layer's neuron maps on the picture
schedule, and every 10 s jumps to an earlier epoch (replay) and back, as a user scrubbing would.
Printed every `--every` seconds: epochs done, replay frames kept (count, bytes) and the trainer's
RSS. Goals: frames <= 65, the trainer's RSS growing <= 20 MB between the first minute and the
end (it must not grow with the run's length), and a replayed picture arriving for each request.
Private XDG_RUNTIME_DIR / XDG_DATA_HOME folders; the trainer is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time

import psutil

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.messages import SetSpeed, SetView, Snapshot, Start

MB = 1024 * 1024
GOALS = {"frames": 65, "growth_mb": 20.0}
CONFIG = RunConfig(
    dataset=DatasetSpec("spiral", classes=3, features=("x1", "x2", "sin(x1)", "sin(x2)")),
    hidden=(16, 16),
    activation="tanh",
    hyper=HyperParams(lr=0.01, optimizer="adam", batch_size=10),
)


class Sink:
    """Keeps the newest snapshot and what replay answered."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.newest: Snapshot | None = None
        self.frames: tuple[int, ...] = ()
        self.replayed: list[int] = []
        self.maps = 0

    def __call__(self, msg: object) -> None:
        if not isinstance(msg, Snapshot):
            return
        with self.lock:
            self.newest = msg
            if msg.frames is not None:
                self.frames = msg.frames
            if msg.grid is not None and msg.grid.epoch is not None:
                self.replayed.append(msg.grid.epoch)
            if msg.maps is not None:
                self.maps += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--every", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tnr") as runtime:
        os.environ["XDG_RUNTIME_DIR"] = runtime
        os.environ["XDG_DATA_HOME"] = runtime
        sink = Sink()
        session = TrainingSession(sink, fps=10)
        session.start(CONFIG)
        try:
            run(session, sink, args)
        finally:
            session.close(timeout=5.0)


def run(session: TrainingSession, sink: Sink, args: argparse.Namespace) -> None:
    trainer = psutil.Process(session.pid)
    live = SetView(grid=True, grid_size=(48, 24), grid_interval=0.5, maps=0)
    session.send(live)
    session.send(SetSpeed(None))
    session.send(Start())
    start = time.monotonic()
    first_rss = None
    asked = 0
    next_print, next_replay = start + args.every, start + 10.0
    print(f"{'s':>6} {'epoch':>8} {'frames':>6} {'KB':>7} {'RSS MB':>7} {'maps':>6}")
    while (now := time.monotonic()) - start < args.seconds:
        time.sleep(0.5)
        if now >= next_replay and sink.frames:
            target = sink.frames[len(sink.frames) // 3]
            session.send(SetView(grid=True, grid_size=(48, 24), maps=0, replay=target))
            asked += 1
            time.sleep(1.0)
            session.send(live)
            next_replay = now + 10.0
        if now >= next_print:
            rss = trainer.memory_info().rss / MB
            if first_rss is None and now - start >= 60:
                first_rss = rss
            with sink.lock:
                snap, frames, maps = sink.newest, sink.frames, sink.maps
            epoch = snap.epoch if snap is not None else 0
            size = len(frames) * sum(4 * n for n in _params(snap)) / 1024 if snap else 0
            print(f"{now - start:6.0f} {epoch:8d} {len(frames):6d} {size:7.0f} {rss:7.1f} "
                  f"{maps:6d}", flush=True)  # fmt: skip
            next_print = now + args.every
    rss = trainer.memory_info().rss / MB
    growth = rss - (first_rss if first_rss is not None else rss)
    load = os.getloadavg()
    print(f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"frames kept: {len(sink.frames)} (goal <= {GOALS['frames']})")
    print(f"trainer RSS growth after the first minute: {growth:.1f} MB "
          f"(goal <= {GOALS['growth_mb']:.0f} MB; ratio {growth / GOALS['growth_mb']:.2f})")  # fmt: skip
    print(f"replay requests answered: {len(sink.replayed)} of {asked}")


def _params(snap: Snapshot) -> list[int]:
    sizes = snap.network.sizes
    return [n_out * n_in + n_out for n_in, n_out in zip(sizes, sizes[1:])]


if __name__ == "__main__":
    main()
