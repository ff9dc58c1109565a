"""Speed of the NumPy engine (not a test): samples/s and GFLOP/s of training steps.

    .venv/bin/python benchmarks/engine.py [--threads 1] [--seconds 0.4] [--no-torch]

- 784-128-64-10 (relu, relu, softmax + cross-entropy, plain SGD) at batch 1, 32, 128, 1024 in
  float32 and float64: the engine's core step on a fixed batch (forward, loss, backward, update:
  what PyTorch eager does below) and the full `Trainer.step()` (shuffled uint8 batches gathered
  and scaled as in the app).
- The same run's numpy GEMM peak (1024^3 matmul) to put GFLOP/s in context.
- PyTorch CPU eager on the same shapes and the ratio, when torch is importable (never required).
- A 2-8-8-1 net (tanh, sigmoid + bce) at batch 10: small nets are overhead-bound.
- Which BLAS ran (threadpoolctl). One BLAS thread by default, as in the app.

Each figure is the best of `--repeats` timed runs of about `--seconds` each; engine and PyTorch
take turns run by run, so a busy machine slows both alike (their ratio is the steadier figure).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from tui_nn.engine import HyperParams, LayerSpec, Network, NetworkSpec, TrainData, Trainer
from tui_nn.engine.optimizers import OPTIMIZERS

MNIST_SIZES = (784, 128, 64, 10)
BATCHES = (1, 32, 128, 1024)


def best_rates(
    fns: list[Callable[[], None] | None], seconds: float, repeats: int = 3
) -> list[float]:
    """Calls per second of each function, best of `repeats` runs of about `seconds` each.

    The functions take turns run by run, so that they see the same machine load (other
    processes on a shared machine make single figures noisy; the ratios are steadier).
    """
    for fn in fns:
        if fn is not None:
            fn()  # warm up (allocates work arrays)
    best = [0.0 if fn is not None else float("nan") for fn in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            if fn is None:
                continue
            calls, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds:
                for _ in range(8):
                    fn()
                calls += 8
            best[i] = max(best[i], calls / elapsed)
    return best


def best_rate(fn: Callable[[], None], seconds: float, repeats: int = 3) -> float:
    return best_rates([fn], seconds, repeats)[0]


def train_flops(sizes: tuple[int, ...]) -> int:
    """FLOPs per sample of a training step: forward, dW, and dX below the first layer."""
    macs = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2 * sum(macs) + 2 * sum(macs) + 2 * sum(macs[1:])


def spec_for(sizes, hidden_act, out_act, loss, dtype) -> NetworkSpec:
    hidden = tuple(LayerSpec(u, hidden_act) for u in sizes[1:-1])
    return NetworkSpec(sizes[0], hidden, LayerSpec(sizes[-1], out_act), loss, dtype=dtype)


def engine_core_step(spec: NetworkSpec, batch: int, lr: float = 0.01) -> Callable[[], None]:
    """One forward/backward/update on a fixed batch, as a user of the engine's parts would."""
    net = Network.from_spec(spec)
    rng = np.random.default_rng(0)
    x = rng.random((batch, spec.n_inputs)).astype(spec.dtype)
    if spec.loss == "cce":
        y = rng.integers(0, spec.output.units, size=batch)
    else:
        y = rng.integers(0, 2, size=(batch, 1)).astype(spec.dtype)
    bufs = net.buffers("train", batch)
    params, grads = [net.flat_params], [net.flat_grads]
    opt = OPTIMIZERS["sgd"]()

    def step() -> None:
        net.forward_into(x, bufs)
        net.loss_and_output_delta(y, bufs)
        net.backward(bufs)
        opt.step(params, grads, lr)

    return step


def engine_trainer_step(spec: NetworkSpec, batch: int, uint8: bool) -> Callable[[], None]:
    """Trainer.step() on shuffled data, never reaching an epoch end (no evaluation timed)."""
    rng = np.random.default_rng(0)
    n = max(4096, 64 * batch)
    if uint8:
        X = rng.integers(0, 256, size=(n, spec.n_inputs), dtype=np.uint8)
    else:
        X = rng.normal(size=(n, spec.n_inputs)).astype(spec.dtype)
    y = rng.integers(0, max(spec.output.units, 2), size=n)
    data = TrainData(X, y, X[:0], y[:0], input_scale=1 / 255 if uint8 else 1.0)
    trainer = Trainer(Network.from_spec(spec), data, HyperParams(lr=0.01, batch_size=batch))

    def step() -> None:
        if trainer._pos + batch >= n:
            trainer._pos = 0  # start the epoch over instead of evaluating (benchmark only)
        trainer.step()

    return step


def torch_step(sizes, hidden_act, loss, dtype, batch, threads) -> Callable[[], None] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    tdtype = {"float32": torch.float32, "float64": torch.float64}[dtype]
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}[hidden_act]
    modules: list = []
    for a, b in zip(sizes[:-2], sizes[1:-1]):
        modules += [torch.nn.Linear(a, b), act()]
    modules.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    model = torch.nn.Sequential(*modules).to(tdtype)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(batch, sizes[0], generator=g, dtype=tdtype)
    if loss == "cce":
        y = torch.randint(0, sizes[-1], (batch,), generator=g)
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        y = torch.randint(0, 2, (batch, 1), generator=g).to(tdtype)
        loss_fn = torch.nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def gemm_peak(dtype: str, seconds: float) -> float:
    """Best GFLOP/s of square matmuls (n = 256, 512, 1024) in this process, right now."""
    best = 0.0
    rng = np.random.default_rng(0)
    for n in (256, 512, 1024):
        a = rng.random((n, n)).astype(dtype)
        b = rng.random((n, n)).astype(dtype)
        out = np.empty((n, n), dtype=dtype)
        rate = best_rate(lambda a=a, b=b, out=out: np.matmul(a, b, out=out), seconds / 2)
        best = max(best, rate * 2 * n**3 / 1e9)
    return best


def blas_report() -> str:
    lines = []
    for info in threadpool_info():
        arch = info.get("architecture") or ""
        lines.append(
            f"  {info['internal_api']} {info.get('version') or ''} {arch} "
            f"threads={info['num_threads']} ({info['filepath'].rsplit('/', 1)[-1]})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="NumPy engine speed")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--seconds", type=float, default=0.25, help="per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs (the best counts)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--small-only", action="store_true", help="only the 2-8-8-1 net")
    args = parser.parse_args(argv)
    threads, secs = args.threads, args.seconds
    if not args.no_torch:
        try:
            import torch  # noqa: F401  (load it before the BLAS report and the limits)
        except ImportError:
            print("(PyTorch not installed: no comparison)")
    with threadpool_limits(threads):
        print(f"BLAS/OpenMP libraries (limited to {threads} thread(s)):\n{blas_report()}")
        flops = train_flops(MNIST_SIZES)
        print(f"\n784-128-64-10, relu, softmax+cce, SGD; {flops / 1e6:.3f} MFLOP per sample")
        header = (
            f"{'dtype':8} {'batch':>5} {'core samp/s':>12} {'GFLOP/s':>8} {'trainer samp/s':>15}"
            f" {'torch samp/s':>13} {'engine/torch':>12}"
        )
        for dtype in () if args.small_only else ("float32", "float64"):
            print(f"\nnumpy GEMM peak {dtype}: {gemm_peak(dtype, secs):.1f} GFLOP/s")
            print(header)
            spec = spec_for(MNIST_SIZES, "relu", "softmax", "cce", dtype)
            for batch in BATCHES:
                tstep = (
                    None
                    if args.no_torch
                    else torch_step(MNIST_SIZES, "relu", "cce", dtype, batch, threads)
                )
                core, full, torch_rate = (
                    rate * batch
                    for rate in best_rates(
                        [
                            engine_core_step(spec, batch),
                            engine_trainer_step(spec, batch, uint8=True),
                            tstep,
                        ],
                        secs,
                        args.repeats,
                    )
                )
                print(
                    f"{dtype:8} {batch:5d} {core:12,.0f} {core * flops / 1e9:8.2f} "
                    f"{full:15,.0f} {torch_rate:13,.0f} {core / torch_rate:11.2f}x",
                    flush=True,
                )
        small = (2, 8, 8, 1)
        spec = spec_for(small, "tanh", "sigmoid", "bce", "float32")
        tstep = None if args.no_torch else torch_step(small, "tanh", "bce", "float32", 10, threads)
        core, full, torch_rate = best_rates(
            [engine_core_step(spec, 10), engine_trainer_step(spec, 10, uint8=False), tstep],
            secs,
            args.repeats,
        )
        print(
            f"\n2-8-8-1 tanh, sigmoid+bce, batch 10, float32: core {core:,.0f} steps/s, "
            f"Trainer.step {full:,.0f} steps/s"
            + (
                f", torch {torch_rate:,.0f} steps/s; ratio core {core / torch_rate:.2f}x, "
                f"Trainer.step {full / torch_rate:.2f}x"
                if torch_rate == torch_rate  # measured (not NaN)
                else ""
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
