"""What checkpoints cost: `tui-nn train --save` writes its run every --checkpoint-every seconds
(default 30) so that a hard kill loses no more. Budget: at most 1 % of training throughput.

    flock /work/brief/bench.lock .venv/bin/python benchmarks/checkpoint.py [--data-dir DIR]

1. One save (atomic: temp file, fsync, rename) of a model with a full history, for three
   network sizes: its cost divided by 30 s is the overhead at the default period.
2. The detached trainer's checkpoint (the same save from the trainer's runner, with the
   metrics file's catch-up): its cost per save, digits and the MNIST preset.
3. What each step pays to look at the clock (every 16 steps inside an epoch).
4. Headless training, paired A/B in one process (off / 30 s / 1 s, interleaved, the median
   of --repeats): a tiny network on xor (steps of ~20 us: the cost of looking at the clock)
   and the MNIST preset (the largest saves; skipped without the MNIST files). A period of
   1 s makes the saves' cost visible above the noise; the default's overhead is measured too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "datasets"
BUDGET = 0.01  # of throughput, at the default period
PERIOD = 30.0


def save_costs(repeats: int = 15) -> list[tuple[str, float, int]]:
    from tui_nn.config import RunConfig
    from tui_nn.engine.history import CAPACITY, MetricHistory
    from tui_nn.engine.network import Network
    from tui_nn.engine.spec import LayerSpec, NetworkSpec
    from tui_nn.engine.types import EpochRecord
    from tui_nn.files import save_model

    history = MetricHistory()
    for e in range(1, CAPACITY + 1):
        history.append(EpochRecord(e, e * 10, e * 100, 0.5, 0.6, 0.9, 0.8, float(e), 0.01))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.npz"
        for n_in, hidden, n_out in ((64, (32,), 10), (784, (256, 128), 10), (784, (1024, 1024), 10)):
            spec = NetworkSpec(
                n_in, tuple(LayerSpec(u, "relu") for u in hidden), LayerSpec(n_out, "softmax"), "cce"
            )
            net = Network.from_spec(spec)
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                save_model(path, net, RunConfig(), None, history, elapsed=1.0)
                times.append(time.perf_counter() - start)
            name = "-".join(str(n) for n in spec.sizes)
            rows.append((name, statistics.median(times), path.stat().st_size))
    return rows


def trainer_checkpoint_cost(data_dir: str, repeats: int = 10) -> list[tuple[str, float]]:
    """The detached trainer's checkpoint (`Runner.write_run`: the run file with its history and
    the metrics file's catch-up) after some training, per dataset."""
    from tui_nn.cli.options import config_from_values
    from tui_nn.data.spec import DatasetSpec
    from tui_nn.session.protocol.messages import Start
    from tui_nn.session.trainer.runner import Runner

    rows = []
    sets = [DatasetSpec("digits")]
    if (Path(data_dir) / "mnist" / "train-images-idx3-ubyte.gz").exists():
        sets.append(DatasetSpec("mnist", data_dir=data_dir, samples=10_000))
    for spec in sets:
        config = replace(config_from_values({"dataset": spec.name}), dataset=spec)  # its preset
        with tempfile.TemporaryDirectory() as folder:
            runner = Runner(config, metrics_path=os.path.join(folder, "run.jsonl"))
            runner.load()
            runner.apply(Start())
            for _ in range(200):
                runner.advance()
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                runner.write_run(os.path.join(folder, "run.npz"))
                times.append(time.perf_counter() - start)
        rows.append((spec.name, statistics.median(times)))
    return rows


def train_seconds(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one in-process `tui-nn train ... --save`."""
    from tui_nn.cli import main

    with tempfile.TemporaryDirectory() as folder:
        sink = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = main([*args, "--quiet", "--save", os.path.join(folder, "m.npz")])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert code == 0, sink.getvalue()
    return seconds, cpu


def paired(args: list[str], periods: list[str], repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per period; the runs interleaved (off, 30, 1, off, ...)."""
    times: dict[str, list[tuple[float, float]]] = {p: [] for p in periods}
    train_seconds([*args, "--checkpoint-every", "off"])  # warm-up: imports, data cache
    for _ in range(repeats):
        for period in periods:
            times[period].append(train_seconds([*args, "--checkpoint-every", period]))
    return {
        p: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
        for p, t in times.items()
    }


def report(name: str, medians: dict[str, tuple[float, float]]) -> float:
    """One line per workload; the CPU-time overhead at the default period (the wall time of a
    shared machine is noisier; both are printed)."""
    wall, cpu = medians["off"]
    print(f"  {name}: off {wall:.2f} s wall, {cpu:.2f} s CPU")
    overhead = 0.0
    for period, (w, c) in medians.items():
        if period == "off":
            continue
        print(
            f"    every {period:>2} s: {w:.2f} s wall ({100 * (w / wall - 1):+.2f} %), "
            f"{c:.2f} s CPU ({100 * (c / cpu - 1):+.2f} %)"
        )
        if period == str(int(PERIOD)):
            overhead = c / cpu - 1
    return overhead


def clock_cost(calls: int = 1_000_000) -> float:
    """Seconds per step of the look headless_run takes inside an epoch when epochs are short
    (two tests; the clock itself only at epoch ends), less an empty loop."""
    from types import SimpleNamespace

    from tui_nn.autosave import LOOK, Autosave

    auto, trainer, record = Autosave(PERIOD), SimpleNamespace(step_count=0), None

    auto.long_epochs = False  # epochs short against the period, as on xor

    def loop(look: bool) -> float:
        start = time.perf_counter()
        for i in range(calls):
            trainer.step_count = i
            if look and auto is not None:
                end = record is not None
                if end or (auto.long_epochs and trainer.step_count % LOOK == 0):
                    auto.due(end)
        return time.perf_counter() - start

    return max(loop(True) - loop(False), 0.0) / calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(DEFAULT_DIR))
    parser.add_argument("--repeats", type=int, default=5)
    ns = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load: {f.read().split()[:3]}  (python {sys.version.split()[0]})")

    print("\n1. one checkpoint (atomic save with a full history of the bounded size):")
    worst = 0.0
    for name, seconds, size in save_costs():
        share = seconds / PERIOD
        worst = max(worst, share)
        print(
            f"  network {name:<16} {1000 * seconds:7.1f} ms  {size / 1e6:5.2f} MB  "
            f"= {100 * share:.3f} % of a {PERIOD:g} s period"
        )
    print(f"  worst: {100 * worst:.3f} % (budget {100 * BUDGET:g} %: ratio {worst / BUDGET:.2f})")

    print("\n2. the detached trainer's checkpoint (Runner.write_run, after 200 steps):")
    for name, seconds in trainer_checkpoint_cost(ns.data_dir):
        share = seconds / PERIOD
        worst = max(worst, share)
        print(f"  {name:<8} {1000 * seconds:7.1f} ms = {100 * share:.3f} % of a {PERIOD:g} s period")

    print(f"\n3. looking at the clock: {1e9 * clock_cost():.0f} ns a step (a xor step: ~20,000 ns)")
    print("\n4. headless training, paired (median of", ns.repeats, "runs each):")
    xor = ["train", "--dataset", "xor", "--hidden", "8,8", "--epochs", "2000"]
    results = [report("xor 2-8-8-1, 2000 epochs", paired(xor, ["off", "30", "1"], ns.repeats))]
    mnist = Path(ns.data_dir) / "mnist"
    if (mnist / "train-images-idx3-ubyte.gz").exists():
        args = ["train", "--dataset", "mnist", "--data-dir", str(Path(ns.data_dir)), "--epochs", "1"]
        args += ["--samples", "20000"]
        results.append(report("mnist preset, 1 epoch of 20,000", paired(args, ["off", "30", "1"], 3)))
    else:
        print(f"  (no MNIST at {mnist}: the MNIST row skipped)")
    measured = max(results)
    print(
        f"\noverhead at the default {PERIOD:g} s: save cost {100 * worst:.3f} % (ratio "
        f"{worst / BUDGET:.2f} of the budget); paired runs {100 * measured:+.2f} % CPU (their "
        f"noise on a shared machine is a few %); budget {100 * BUDGET:g} %"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
