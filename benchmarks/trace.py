"""What a one-sample trace costs: computing it, sending it, formatting it, and the round trip.

    .venv/bin/python benchmarks/trace.py [--repeat 20]

- engine: `trace_sample` (a copy of the network, forward, backward, the update) for an XOR-sized
  2-8-8-1 net and an MNIST-sized 784-256-128-10 one (random pixels; the cost is the same);
- message: the pickled size of the TraceResult the trainer sends (every W, dW and new W);
- text: `trace_step` for every step at 76 columns, all neurons (the CLI's view) and one neuron
  (the app's view of a wide layer), and `trace_to_dict` (the CLI's --json);
- round trip: TraceSample sent to a real trainer process on the digits data (64-32-10) until
  the snapshot carrying the answer arrives (median of the repeats).

One BLAS thread, as in the app. Prints the machine's load next to the figures.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import threading
import time

import numpy as np
from threadpoolctl import threadpool_limits

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine import LayerSpec, Network, NetworkSpec
from tui_nn.engine.trace import trace_sample, trace_to_dict
from tui_nn.session.client.proxy import TrainingSession
from tui_nn.session.protocol.messages import Snapshot, TraceResult, TraceSample
from tui_nn.textbook.trace_text import step_plan, trace_step


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def engine_figures(repeat: int) -> None:
    rng = np.random.default_rng(0)
    nets = {
        "2-8-8-1": (
            NetworkSpec(2, (LayerSpec(8, "tanh"), LayerSpec(8, "tanh")), LayerSpec(1, "sigmoid")),
            rng.normal(size=2).astype(np.float32),
            1,
            1.0,
        ),
        "784-256-128-10": (
            NetworkSpec(
                784,
                (LayerSpec(256, "relu"), LayerSpec(128, "relu")),
                LayerSpec(10, "softmax"),
                "cce",
            ),
            rng.integers(0, 256, 784).astype(np.uint8),
            3,
            1 / 255,
        ),
    }
    for name, (spec, x, y, scale) in nets.items():
        figures(name, Network.from_spec(spec), x, y, scale, repeat)


def figures(name: str, net: Network, x: np.ndarray, y: int, scale: float, repeat: int) -> None:
    trace = trace_sample(net, x, y, 0.01, scale)
    compute = timed(lambda: trace_sample(net, x, y, 0.01, scale), repeat)
    size = len(pickle.dumps(TraceResult(0, "train", 1, trace)))
    steps = range(len(step_plan(trace)))
    every = timed(lambda: [trace_step(trace, i, 76) for i in steps], max(1, repeat // 4))
    one = timed(lambda: [trace_step(trace, i, 76, 5) for i in steps], max(1, repeat // 4))
    as_json = timed(lambda: trace_to_dict(trace), 1)
    print(
        f"{name:>15}: trace_sample {ms(compute)}, message {size / 1024:.1f} KB, "
        f"{len(steps)} steps formatted {ms(every)} (all neurons) / {ms(one)} (one), "
        f"--json {ms(as_json)}"
    )


def round_trip(repeat: int) -> None:
    got, ready = threading.Event(), threading.Event()
    answers: list[Snapshot] = []

    def sink(msg: object) -> None:
        ready.set()
        if isinstance(msg, Snapshot) and msg.trace is not None:
            answers.append(msg)
            got.set()

    session = TrainingSession(sink, fps=10)
    config = RunConfig(dataset=DatasetSpec("digits"), hidden=(32,), activation="relu")
    try:
        session.start(config)
        if not ready.wait(30):  # measured from a trainer that is up
            raise SystemExit("the trainer did not start in 30 s")
        times = []
        for i in range(repeat):
            got.clear()
            start = time.perf_counter()
            session.send(TraceSample(index=i))
            if not got.wait(20):
                raise SystemExit("no answer from the trainer in 20 s")
            times.append(time.perf_counter() - start)
        print(
            f"round trip TraceSample -> snapshot (digits 64-32-10, trainer process): "
            f"median {ms(statistics.median(times))}, max {ms(max(times))} over {repeat}"
        )
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with threadpool_limits(1):
        engine_figures(args.repeat)
    round_trip(args.repeat)


if __name__ == "__main__":
    main()
