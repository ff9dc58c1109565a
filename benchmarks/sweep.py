"""A 12-trial grid on spiral: two Dask workers against the same trials one after another, and
Dask's scheduling overhead per trial.

    .venv/bin/python benchmarks/sweep.py [--workers 2] [--samples 4000] [--epochs 100]

Budgets (issue 16): the sweep on 2 workers takes <= 0.6x the one-after-another time; Dask's
overhead per trial <= 50 ms. Both runs train the very same trials (`tui_nn.sweep.trial.run_trial`,
one BLAS thread), so their metrics must agree too; the script checks that.

- sequential: every trial in this process, one after another (the data generated once, as a
  worker caches it too).
- dask: the trials submitted to an embedded LocalCluster of --workers processes, from submit to
  the last result handed back (the cluster's start-up, reported apart, is paid once per sweep).
- overhead, two ways: (a) the round trip of an empty task, one at a time; (b) from the sweep,
  (wall - busiest worker's training time) / trials: what scheduling, sending the configuration
  and bringing the model back cost per trial beyond the training itself.

The machine may be shared: the load average is printed next to the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

SWEEP = """\
dataset = "spiral"
samples = {samples}
optimizer = "adam"
batch-size = 16
activation = "tanh"

[sweep]
epochs = {epochs}
grid = {{ lr = [0.003, 0.01, 0.03], hidden = ["16", "16,16", "32,32", "16,16,16"] }}
"""


def noop() -> None:
    return None


def warm() -> None:
    import tui_nn.engine.network  # noqa: F401
    import tui_nn.engine.trainer  # noqa: F401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--empty-tasks", type=int, default=100)
    args = parser.parse_args()

    from threadpoolctl import threadpool_info

    from tui_nn.cli.sweep import config_loader
    from tui_nn.sweep import execute
    from tui_nn.sweep.plan import load_sweep
    from tui_nn.sweep.trial import run_trial

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(SWEEP.format(samples=args.samples, epochs=args.epochs), encoding="utf-8")
        sweep = load_sweep(path, config_loader())
    trials = sweep.trials
    print(f"{len(trials)} trials: spiral, {args.samples} samples, {args.epochs} epochs each")
    blas = [f"{i.get('internal_api')} {i.get('architecture')}" for i in threadpool_info()]
    print(f"BLAS: {', '.join(blas)}; load average before: {os.getloadavg()}")

    start = time.perf_counter()
    sequential = [run_trial(t.index, t.config) for t in trials]
    t_seq = time.perf_counter() - start
    per_trial = [o.seconds for o in sequential]
    print(f"sequential: {t_seq:.2f} s ({min(per_trial):.2f}..{max(per_trial):.2f} s a trial)")

    start = time.perf_counter()
    with execute.connect(None, args.workers) as client:
        t_start = time.perf_counter() - start
        client.run(warm)  # workers have imported the engine, as this process has
        outcomes = {}
        start = time.perf_counter()
        execute.run_trials(client, sweep, on_done=lambda t, o: outcomes.__setitem__(t.index, o))
        t_dask = time.perf_counter() - start
        rtt = []
        for _ in range(args.empty_tasks):
            t0 = time.perf_counter()
            client.submit(noop, pure=False).result()
            rtt.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        client.gather(client.map(lambda i: i, range(args.empty_tasks), pure=False))
        batch = (time.perf_counter() - t0) / args.empty_tasks
    assert len(outcomes) == len(trials), "a trial did not finish"

    busy: dict[str, float] = {}
    for o in outcomes.values():
        busy[str(o.worker["address"])] = busy.get(str(o.worker["address"]), 0.0) + o.seconds
    overhead = (t_dask - max(busy.values())) / len(trials)
    same = all(outcomes[o.index].metrics == o.metrics for o in sequential)
    rtt.sort()
    ratio = t_dask / t_seq
    print(f"dask, {args.workers} workers: {t_dask:.2f} s (cluster start-up {t_start:.2f} s apart)")
    print(
        f"ratio dask/sequential: {ratio:.2f} (budget <= 0.60) "
        f"[{(t_dask + t_start) / t_seq:.2f} counting the start-up]"
    )
    print(
        f"trials per worker: {sorted(sum(1 for o in outcomes.values() if str(o.worker['address']) == a) for a in busy)}; "
        f"busiest worker trained {max(busy.values()):.2f} s"
    )
    print(
        f"overhead per trial: {1000 * overhead:.1f} ms from the sweep (budget <= 50 ms); "
        f"empty task round trip median {1000 * rtt[len(rtt) // 2]:.1f} ms, "
        f"p90 {1000 * rtt[int(len(rtt) * 0.9)]:.1f} ms; "
        f"{1000 * batch:.2f} ms a task in a batch of {args.empty_tasks}"
    )
    print(f"same metrics as sequential: {same}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
