"""What divergence recovery costs (not a test): `Trainer.step()` with the engine's checkpoints
against the same steps with none, and against a checkpoint every step (the old policy).

    flock /work/brief/bench.lock .venv/bin/python benchmarks/divergence.py [--seconds 0.3]

A checkpoint is a check that the weights are finite and a copy of them, so that a diverging
run gets back the weights of a step it names. Budget (issue 23): at most 2 % of the
throughput. Networks: 2-8-8-1 (tanh, sigmoid + bce) at batch 10, where a step is ~40 us and
fixed costs dominate, and 784-256-128-10 (relu, softmax + cce, Adam) at batch 64 on uint8
images, where the copy of 235k weights is the cost. One BLAS thread. The three policies take
turns in short chunks of 32 steps, and each figure is from its fastest quarter of chunks: on a
shared machine a chunk that another process interrupted is slower, never faster.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

import tui_nn.engine.trainer as trainer_module
from tui_nn.blas import use_threads
from tui_nn.engine import HyperParams, LayerSpec, Network, NetworkSpec, TrainData, Trainer

BUDGET = 0.02
POLICIES = {  # name -> (CHECKPOINT_SAMPLES, CHECKPOINT_STEPS)
    "none": (10**15, 10**15),
    "engine": (trainer_module.CHECKPOINT_SAMPLES, trainer_module.CHECKPOINT_STEPS),
    "every step": (0, 0),
}


def make_trainer(sizes: tuple[int, ...], batch: int) -> Trainer:
    rng = np.random.default_rng(0)
    n = max(4096, 64 * batch)
    small = sizes[0] < 100
    if small:
        X = rng.normal(size=(n, sizes[0])).astype(np.float32)
        y = rng.integers(0, 2, size=n)
        hidden = tuple(LayerSpec(u, "tanh") for u in sizes[1:-1])
        spec = NetworkSpec(sizes[0], hidden, LayerSpec(1, "sigmoid"), "bce")
        hyper = HyperParams(lr=0.01, batch_size=batch)
        data = TrainData(X, y, X[:0], y[:0])
    else:
        X = rng.integers(0, 256, size=(n, sizes[0]), dtype=np.uint8)
        y = rng.integers(0, sizes[-1], size=n)
        hidden = tuple(LayerSpec(u, "relu") for u in sizes[1:-1])
        spec = NetworkSpec(sizes[0], hidden, LayerSpec(sizes[-1], "softmax"), "cce")
        hyper = HyperParams(lr=1e-3, batch_size=batch, optimizer="adam")
        data = TrainData(X, y, X[:0], y[:0], input_scale=1 / 255)
    return Trainer(Network.from_spec(spec), data, hyper)


def stepper(trainer: Trainer, policy: tuple[int, int]) -> Callable[[], None]:
    n, batch = len(trainer.batches), trainer.batch_size

    def run() -> None:
        trainer_module.CHECKPOINT_SAMPLES, trainer_module.CHECKPOINT_STEPS = policy
        for _ in range(32):
            if trainer._pos + batch >= n:
                trainer._pos = 0  # never reach an epoch's evaluation (not what is measured)
            trainer.step()

    return run


def best_rates(fns: dict[str, Callable[[], None]], seconds: float) -> dict[str, float]:
    """Steps per second of each function: many short chunks of 32 steps, the policies taking
    turns chunk by chunk for about `seconds` each in all; a chunk's time is the fastest quarter's
    mean (a chunk a busy machine interrupted is slower, never faster)."""
    for fn in fns.values():
        fn()  # warm up
    times: dict[str, list[float]] = {name: [] for name in fns}
    deadline = time.perf_counter() + seconds * len(fns)
    while time.perf_counter() < deadline:
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    out = {}
    for name, spans in times.items():
        fastest = sorted(spans)[: max(1, len(spans) // 4)]
        out[name] = 32 / (sum(fastest) / len(fastest))
    return out


def interval(batch: int) -> int:
    """Steps between two of the engine's checkpoints at this batch size."""
    samples, steps = POLICIES["engine"]
    return max(steps, -(-samples // batch))


def checkpoint_seconds(trainer: Trainer) -> float:
    """The time of one checkpoint alone (the finite check and the copy), fastest of many."""
    trainer.step()
    best = float("inf")
    for _ in range(50):
        start = time.perf_counter()
        for _ in range(20):
            trainer._save_checkpoint()
        best = min(best, (time.perf_counter() - start) / 20)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="cost of divergence checkpoints")
    parser.add_argument("--seconds", type=float, default=5.0, help="per policy and network")
    args = parser.parse_args(argv)
    use_threads(1)
    print(f"load average {os.getloadavg()[0]:.2f} (1 min); one BLAS thread")
    worst = 0.0
    for sizes, batch in (((2, 8, 8, 1), 10), ((784, 256, 128, 10), 64)):
        # one trainer per policy: the same work, each its own state
        fns = {name: stepper(make_trainer(sizes, batch), p) for name, p in POLICIES.items()}
        rates = best_rates(fns, args.seconds)
        net = "-".join(map(str, sizes))
        base = rates["none"]
        cost = {name: base / rate - 1 for name, rate in rates.items()}
        one, every = checkpoint_seconds(make_trainer(sizes, batch)), interval(batch)
        share = one * base / every  # a checkpoint's time, spread over the steps between two
        worst = max(worst, cost["engine"], share)
        print(
            f"{net} batch {batch}: none {base:,.0f} steps/s; engine {rates['engine']:,.0f} "
            f"({100 * cost['engine']:+.1f} %); every step {rates['every step']:,.0f} "
            f"({100 * cost['every step']:+.1f} %)\n"
            f"    one checkpoint {one * 1e6:.1f} us = {100 * one * base:.1f} % of a step; "
            f"the engine takes one every {every} steps: {100 * share:.2f} %"
        )
    ratio = (1 + worst) / (1 + BUDGET)
    print(f"worst overhead of the engine's checkpoints (measured or estimated) {100 * worst:+.1f} % (budget {100 * BUDGET:.0f} %): "
          f"ratio to budget {ratio:.3f} ({'ok' if worst <= BUDGET else 'OVER'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
