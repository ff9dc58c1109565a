"""`tui-nn sweep` as a user runs it: search with pruning against plain random search, two workers
against one, and what the Optuna + Dask path costs per trial.

    flock /work/brief/bench.lock .venv/bin/python benchmarks/sweep.py [--part tpe|workers|overhead]

Budgets (issue 22), each printed with its ratio:
- tpe: a 24-trial TPE + ASHA sweep over lr, width and depth on digits (a fifth held out for
  testing, a fifth of the rest for validation; ASHA's first rung at the default 4 of 40
  epochs) prunes >= 30 % of its
  trials, and its best validation accuracy is within 1 point of a 24-trial random sweep's
  without pruning, in <= 60 % of its time.
- workers: `--workers 2` / `--workers 1` wall time <= 0.65 on a 12-trial sweep of 2-5 s trials
  (the trials' own durations are printed, to check they are 2-5 s here).
- overhead: per-trial overhead of the Optuna + Dask path <= 50 ms: (sweep time - the trials'
  own training time) / trials, on one worker, for 40 short trials. It holds asking the study,
  scheduling, sending the configuration, bringing the model back, writing the model file and
  the results line, and telling the study.

Every sweep runs as a subprocess (`python -m tui_nn sweep ...`); its time is counted from the
line it prints once its cluster is up (start-up, a few seconds paid once a sweep, is printed
apart). The machine may be shared: the load average is printed beside every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TPE = """\
dataset = "digits"
test-fraction = 0.2
batch-size = 32
optimizer = "adam"
activation = "relu"

[sweep]
method = "{method}"
pruner = "{pruner}"
{prune_after}trials = 24
epochs = 40
seed = 1
[sweep.random]
lr = {{ log_uniform = [1e-4, 0.3] }}
hidden = {{ choice = ["16", "32", "64", "16,16", "32,32", "64,64", "16,16,16", "32,32,32", "64,64,64"] }}
"""

WORKERS = """\
dataset = "spiral"
samples = 4000
optimizer = "adam"
batch-size = 16
activation = "tanh"

[sweep]
epochs = {epochs}
grid = {{ lr = [0.003, 0.01, 0.03], hidden = ["16", "16,16", "32,32", "16,16,16"] }}
"""

OVERHEAD = """\
dataset = "circle"
samples = 200
hidden = "4"
batch-size = 20

[sweep]
method = "random"
trials = 40
epochs = 2
[sweep.random]
lr = { log_uniform = [0.01, 1] }
"""


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def sweep(text: str, folder: Path, *args: str) -> tuple[float, float, list[dict]]:
    """Run a sweep; (start-up seconds, sweep seconds after start-up, its records)."""
    path = folder / "sweep.toml"
    path.write_text(text, encoding="utf-8")
    out = folder / "out"
    command = [sys.executable, "-m", "tui_nn", "sweep", str(path), "--results", str(out), *args]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    up = None
    for line in proc.stdout:
        if up is None and line.startswith("sweep "):
            up = time.perf_counter()
    proc.wait()
    end = time.perf_counter()
    if proc.returncode != 0 or up is None:
        raise SystemExit(f"sweep failed ({proc.returncode}): {proc.stderr.read()}")
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return up - start, end - up, records


def part_tpe(tmp: Path) -> None:
    print(f"== TPE + ASHA against random, 24 trials on digits ({load()})")
    runs = {}
    for name, method, pruner, after in (
        ("random", "random", "none", ""),
        ("tpe+asha", "tpe", "asha", ""),
    ):
        folder = tmp / name
        folder.mkdir()
        text = TPE.format(method=method, pruner=pruner, prune_after=after)
        startup, seconds, records = sweep(text, folder)
        complete = [r for r in records if r["stopped"] != "pruned"]
        best = max(r["val_acc"] for r in complete)
        n_pruned = len(records) - len(complete)
        runs[name] = (seconds, best, n_pruned)
        print(
            f"{name}: {seconds:.1f} s (+ {startup:.1f} s start-up), best val_acc {100 * best:.2f}%, "
            f"{n_pruned} of {len(records)} pruned, {sum(r['epochs'] for r in records)} epochs "
            f"trained ({load()})"
        )
    (t_rand, b_rand, _), (t_tpe, b_tpe, cut) = runs["random"], runs["tpe+asha"]
    print(f"pruned: {100 * cut / 24:.0f}% (budget >= 30%)")
    print(f"best val_acc, tpe+asha - random: {100 * (b_tpe - b_rand):+.2f} points (budget >= -1)")
    print(f"time tpe+asha / random: {t_tpe / t_rand:.2f} (budget <= 0.60)")


def part_workers(tmp: Path, epochs: int) -> None:
    print(f"== --workers 2 / --workers 1, 12 trials ({load()})")
    times = {}
    for n in (1, 2):
        folder = tmp / f"w{n}"
        folder.mkdir()
        startup, seconds, records = sweep(WORKERS.format(epochs=epochs), folder, "--workers", str(n))
        durations = sorted(r["seconds"] for r in records)
        times[n] = seconds
        print(
            f"--workers {n}: {seconds:.1f} s (+ {startup:.1f} s start-up); trials "
            f"{durations[0]:.1f}..{durations[-1]:.1f} s ({load()})"
        )
    print(f"ratio 2 workers / 1: {times[2] / times[1]:.2f} (budget <= 0.65)")


def part_overhead(tmp: Path) -> None:
    print(f"== overhead per trial, 40 short trials on one worker ({load()})")
    folder = tmp / "overhead"
    folder.mkdir()
    startup, seconds, records = sweep(OVERHEAD, folder, "--workers", "1")
    trained = sum(r["seconds"] for r in records)
    per = (seconds - trained) / len(records)
    print(
        f"sweep {seconds:.2f} s (+ {startup:.1f} s start-up), trials' own time {trained:.2f} s; "
        f"overhead {1000 * per:.1f} ms a trial (budget <= 50 ms) ({load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("tpe", "workers", "overhead"), action="append")
    parser.add_argument("--epochs", type=int, default=100, help="the workers part's epochs")
    args = parser.parse_args()
    parts = args.part or ["overhead", "tpe", "workers"]
    import numpy  # noqa: F401 - loads the BLAS that threadpool_info reports
    from threadpoolctl import threadpool_info

    blas = [f"{i.get('internal_api')} {i.get('architecture')}" for i in threadpool_info()]
    print(f"BLAS: {', '.join(blas)}; cores {len(os.sched_getaffinity(0))}; {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            {"tpe": part_tpe, "overhead": part_overhead}.get(part, lambda t: None)(Path(tmp))
            if part == "workers":
                part_workers(Path(tmp), args.epochs)


if __name__ == "__main__":
    main()
