"""`tui-nn train --dataset mnist --epochs 2` on a busy machine (not a test):

    flock /work/brief/bench.lock .venv/bin/python benchmarks/threads.py [--rounds 3] [--quiet]

With a CPU-bound process running beside it (a Python busy loop this script starts and stops;
`--quiet` for none), each of these runs as a whole process, taking turns round by round:

- `tui-nn train ...` as a user types it (the threads `tui_nn.blas` chooses: one);
- the same with `OPENBLAS_NUM_THREADS=1` in the environment (what the issue compared against);
- with `--two-threads`, the same with `--threads 2` (OpenBLAS's own choice on 2 cores, for the
  record: beside a CPU-bound process it can take many times as long);
- PyTorch eager doing the same work (`benchmarks/mnist_torch.py --only torch`: the same network,
  Adam, cosine schedule, batches and evaluations) on one thread (and with `--torch-default` on
  its default threads too: beside a CPU-bound process that can take many times as long).

Each figure is the median of the rounds' wall times, from start to exit (imports and reading
MNIST included, for tui-nn as for PyTorch), with the CPU seconds it used (all its threads: more
threads on a busy machine burn more CPU for the same work). Budgets (issue 23): tui-nn <= 1.15x the
OPENBLAS_NUM_THREADS=1 time, and <= 0.75x PyTorch's on one thread.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mnist_torch import find_mnist  # noqa: E402  (a sibling script)

BUDGET_ENV, BUDGET_TORCH = 1.15, 0.75


def busy_loop() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


CPU: dict[str, list[float]] = {}


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(name: str, cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of the command; its CPU seconds (all threads) go to CPU[name]."""
    start, cpu = time.perf_counter(), cpu_of_children()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    CPU.setdefault(name, []).append(cpu_of_children() - cpu)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="tui-nn train on a busy machine")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--mnist", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true", help="no CPU-bound process beside it")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--two-threads", action="store_true", help="also --threads 2")
    parser.add_argument("--torch-default", action="store_true",
                        help="also PyTorch on its default threads")  # fmt: skip
    args = parser.parse_args(argv)
    folder = args.mnist or find_mnist()
    if folder is None:
        print("MNIST not found (give --mnist DIR)", file=sys.stderr)
        return 2
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("OPENBLAS_", "OMP_", "MKL_"))}  # fmt: skip
    scratch = tempfile.mkdtemp(prefix="tui-nn-threads-")
    base.update(XDG_RUNTIME_DIR=scratch, XDG_DATA_HOME=scratch, TUI_NN_DATA_DIR=str(folder))
    train = [sys.executable, "-m", "tui_nn", "train", "--dataset", "mnist", "--epochs",
             str(args.epochs), "--quiet"]  # fmt: skip
    torch = [sys.executable, str(HERE / "mnist_torch.py"), "--only", "torch", "--epochs",
             str(args.epochs), "--mnist", str(folder)]  # fmt: skip
    runs = {
        "tui-nn train": (train, base),
        "OPENBLAS_NUM_THREADS=1": (train, {**base, "OPENBLAS_NUM_THREADS": "1"}),
    }
    if args.two_threads:
        runs["--threads 2"] = ([*train, "--threads", "2"], base)
    if not args.no_torch:
        runs["torch, 1 thread"] = ([*torch, "--threads", "1"], base)
    if args.torch_default:
        runs["torch, default threads"] = ([*torch, "--threads", "0"], base)
    load = "quiet" if args.quiet else "a CPU-bound process beside it"
    print(f"{' '.join(train[2:])}: {args.rounds} rounds, {load}; "
          f"load before {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    neighbour = None if args.quiet else busy_loop()
    times: dict[str, list[float]] = {name: [] for name in runs}
    try:
        for r in range(args.rounds):
            for name, (cmd, env) in runs.items():
                times[name].append(timed(name, cmd, env))
                print(f"  round {r + 1} {name:24} {times[name][-1]:6.2f} s wall, "
                      f"{CPU[name][-1]:6.2f} s CPU", flush=True)  # fmt: skip
    finally:
        if neighbour is not None:
            neighbour.kill()
            neighbour.wait()
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"medians (load after {os.getloadavg()[0]:.2f}):")
    for name, seconds in med.items():
        print(f"  {name:24} {seconds:6.2f} s  ({min(times[name]):.2f}-{max(times[name]):.2f}); "
              f"CPU {statistics.median(CPU[name]):.2f} s")  # fmt: skip
    ours = med["tui-nn train"]
    ratio = ours / med["OPENBLAS_NUM_THREADS=1"]
    print(f"tui-nn / OPENBLAS_NUM_THREADS=1: {ratio:.2f}x (budget <= {BUDGET_ENV}x)")
    if not args.no_torch:
        torch_time = med["torch, 1 thread"]
        print(f"tui-nn / PyTorch on one thread: {ours / torch_time:.2f}x "
              f"(budget <= {BUDGET_TORCH}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
