"""MNIST end to end, the NumPy engine against PyTorch CPU eager doing the same work (not a test):

    flock /work/brief/bench.lock .venv/bin/python benchmarks/mnist_torch.py [--epochs 2]
        [--rounds 3] [--mnist DIR] [--threads 1] [--profile]

The work is `tui-nn train --dataset mnist`'s: 784-256-128-10 (relu, softmax + cross-entropy),
Adam lr 1e-3 on the engine's cosine schedule, batch 64, a new shuffle every epoch, images kept
as uint8 and each batch scaled by 1/255 to float32, and after every epoch the loss and accuracy
on the whole training set (60,000) and the test set (10,000), in chunks of 1,024. PyTorch gets
the same data, the same batches' sizes and learning rates, its own shuffling and init. Both run
in this process on the same BLAS thread count, taking turns round by round, so a busy machine
slows both alike; each side's figure is its best round. Budget (issue 23): the engine at >= 1.7x
PyTorch's speed.

`--profile` splits the engine's step into its parts (gather, forward, loss, backward, Adam;
the share of GEMM), in CPU time, which says where the remaining time goes.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

from tui_nn.blas import threads_in_force, use_threads
from tui_nn.engine import HyperParams, LayerSpec, Network, NetworkSpec, TrainData, Trainer
from tui_nn.engine.schedules import rate

HERE = Path(__file__).resolve()
CANDIDATES = (HERE.parents[2] / "shared" / "datasets" / "mnist", Path("/work/shared/datasets/mnist"))
BUDGET = 1.7


def find_mnist() -> Path | None:
    for folder in CANDIDATES:
        if (folder / "train-images-idx3-ubyte.gz").is_file():
            return folder
    return None


def read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    data = np.frombuffer(bytearray(raw), dtype=np.uint8, offset=4 + 4 * dims)  # writable
    return data.reshape(shape[0], -1) if dims > 1 else data.reshape(shape[0])


def load(folder: Path) -> TrainData:
    def get(name: str) -> np.ndarray:
        return read_idx(folder / f"{name}-ubyte.gz")

    return TrainData(
        X_train=get("train-images-idx3"),
        y_train=get("train-labels-idx1").astype(np.int64),
        X_test=get("t10k-images-idx3"),
        y_test=get("t10k-labels-idx1").astype(np.int64),
        input_scale=1 / 255,
    )


def hyper(epochs: int) -> HyperParams:
    return HyperParams(lr=1e-3, batch_size=64, optimizer="adam", epochs=epochs,
                       lr_schedule="cosine")  # fmt: skip


def engine_run(data: TrainData, epochs: int) -> tuple[float, float]:
    """(seconds, final test accuracy) of the engine's Trainer."""
    hidden = (LayerSpec(256, "relu"), LayerSpec(128, "relu"))
    spec = NetworkSpec(784, hidden, LayerSpec(10, "softmax"), "cce", seed=0)
    trainer = Trainer(Network.from_spec(spec), data, hyper(epochs), seed=0)
    start = time.perf_counter()
    for _ in trainer.run():
        pass
    return time.perf_counter() - start, trainer.history[-1].test_acc


def torch_run(data: TrainData, epochs: int) -> tuple[float, float]:
    """(seconds, final test accuracy) of the same work in PyTorch eager."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )  # fmt: skip
    h = hyper(epochs)
    opt = torch.optim.Adam(model.parameters(), lr=h.lr)
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    Xt, yt = torch.from_numpy(data.X_test), torch.from_numpy(data.y_test)
    n, batch = len(y), h.batch_size

    def evaluate(X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        loss, correct = 0.0, 0
        with torch.no_grad():
            for s in range(0, len(y), 1024):
                out = model(X[s : s + 1024].float().mul_(1 / 255))
                loss += float(F.cross_entropy(out, y[s : s + 1024], reduction="sum"))
                correct += int((out.argmax(1) == y[s : s + 1024]).sum())
        return loss / len(y), correct / len(y)

    start = time.perf_counter()
    acc = 0.0
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = rate(h, epoch)
        order = torch.randperm(n)
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            x = X[idx].float().mul_(1 / 255)
            loss = F.cross_entropy(model(x), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        evaluate(X, y)
        _, acc = evaluate(Xt, yt)
    return time.perf_counter() - start, acc


def profile(data: TrainData, steps: int = 400) -> None:
    """Where an engine step's time goes (64 samples, the MNIST network, Adam)."""
    hidden = (LayerSpec(256, "relu"), LayerSpec(128, "relu"))
    spec = NetworkSpec(784, hidden, LayerSpec(10, "softmax"), "cce", seed=0)
    trainer = Trainer(Network.from_spec(spec), data, hyper(2), seed=0)
    net, b = trainer.net, trainer.batches
    for _ in range(20):
        trainer.step()
    idx = np.arange(64)
    bufs = net.buffers("train", 64)
    x, yb = b.gather(idx)
    parts = {
        "gather + scale": lambda: b.gather(idx),
        "forward": lambda: net.forward_into(x, bufs),
        "loss + output delta": lambda: net.loss_and_output_delta(yb, bufs),
        "backward": lambda: net.backward(bufs),
        "adam": lambda: trainer.optimizer.step(trainer._params, trainer._grads, 1e-3),
    }
    rng = np.random.default_rng(0)
    gemm_a = [rng.random((64, n), dtype=np.float32) for n in (784, 256, 128)]
    Ws = [layer.W for layer in net.layers]
    outs = [np.empty((64, W.shape[0]), np.float32) for W in Ws]
    dWs = [np.empty_like(W) for W in Ws]
    deltas = [rng.random((64, W.shape[0]), dtype=np.float32) for W in Ws]
    dxs = [np.empty((64, W.shape[1]), np.float32) for W in Ws]

    def gemms() -> None:  # the step's matrix products alone: forward, dW, dX below layer 1
        for i, W in enumerate(Ws):
            np.dot(gemm_a[i], W.T, out=outs[i])
            np.dot(deltas[i].T, gemm_a[i], out=dWs[i])
            if i:
                np.dot(deltas[i], W, out=dxs[i])

    parts["(the GEMMs alone)"] = gemms
    total_fn = trainer.step
    times = {}
    for name, fn in [*parts.items(), ("Trainer.step", total_fn)]:
        best = float("inf")
        for _ in range(5):
            start = time.thread_time()  # CPU time: a busy machine does not inflate it
            for _ in range(steps // 5):
                fn()
            best = min(best, (time.thread_time() - start) / (steps // 5))
        times[name] = best
    step = times["Trainer.step"]
    for name, seconds in times.items():
        print(f"  {name:22} {seconds * 1e6:8.1f} us  {100 * seconds / step:5.1f} %")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="MNIST end to end: engine vs PyTorch eager")
    parser.add_argument("--mnist", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="0: each library's default")
    parser.add_argument("--profile", action="store_true", help="split the engine's step")
    parser.add_argument("--only", choices=("engine", "torch"), default=None,
                        help="run one side once (benchmarks/threads.py times it as a process)")
    args = parser.parse_args(argv)
    folder = args.mnist or find_mnist()
    if folder is None or not (folder / "train-images-idx3-ubyte.gz").is_file():
        print(f"MNIST not found (give --mnist DIR; looked in {CANDIDATES})", file=sys.stderr)
        return 2
    try:
        import torch
    except ImportError:
        torch = None
        print("(PyTorch not installed: pip install torch==2.13.0 for the comparison)")
    data = load(folder)
    if args.threads:
        use_threads(args.threads)
        if torch is not None:
            torch.set_num_threads(args.threads)
    if args.only is not None:
        seconds, acc = (engine_run if args.only == "engine" else torch_run)(data, args.epochs)
        print(f"{args.only}: {seconds:.2f} s, test acc {acc * 100:.2f} %")
        return 0
    print(f"load {os.getloadavg()[0]:.2f}; {threads_in_force()} BLAS thread(s); "
          f"{args.epochs} epochs of MNIST, best of {args.rounds} rounds")  # fmt: skip
    if args.profile:
        profile(data)
    best = {"engine": float("inf"), "torch": float("inf")}
    for r in range(args.rounds):
        for name, run in (("engine", engine_run), ("torch", torch_run)):  # taking turns
            if name == "torch" and torch is None:
                continue
            seconds, acc = run(data, args.epochs)
            best[name] = min(best[name], seconds)
            print(f"  round {r + 1} {name:6} {seconds:6.2f} s  test acc {acc * 100:.2f} %",
                  flush=True)  # fmt: skip
    e, t = best["engine"], best["torch"]
    print(f"engine {e:.2f} s, torch {t:.2f} s: engine/torch speed {t / e:.2f}x "
          f"(budget >= {BUDGET}x; load now {os.getloadavg()[0]:.2f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
