"""`tui-nn sweep SWEEP.toml`: many trainings of one configuration on Dask, searched and pruned
by Optuna (tui_nn.sweep); `tui-nn sweep --resume DIR` carries an interrupted one on."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui_nn.cli.options import (
    AUTO_VAL_FRACTION,
    UsageError,
    checked,
    config_from_values,
    default_epochs,
    table_values,
)
from tui_nn.cli.parser import make_parser
from tui_nn.config import RunConfig
from tui_nn.rule import Rule
from tui_nn.sweep.plan import ConfigLoader, Sweep, SweepError, load_sweep, with_task

EPILOG = """\
the sweep file: a run configuration (the keys of `tui-nn train --config`) and a [sweep] table:
  dataset = "digits"
  [sweep]
  method = "tpe"              # grid (default), random (with [sweep.random]) or tpe (Optuna)
  pruner = "asha"             # none (default), median or asha: stop hopeless trials early
  prune-after = 2             # epochs a trial runs before it may be pruned
  metric = "val_acc"          # or val_loss, train_acc, train_loss; direction = max|min
  epochs = 30                 # per trial; early-stopping = N keeps a trial's best epoch
  trials = 24                 # tpe: in all; grid and random: per grid point
  grid = { hidden = ["16", "32,32"] }     # grid: every combination; tpe: choices
  [sweep.random]
  lr = { log_uniform = [1e-4, 1e-1] }     # also uniform = [a, b], choice = [...]
  The validation set (val-fraction, 0.2 unless set) ranks the trials; the test set reports.

examples:
  tui-nn sweep examples/digits-tpe.toml                     embedded cluster, one worker a core
  tui-nn sweep spiral.toml --workers 2 --results runs/spiral
  tui-nn sweep --resume runs/spiral                         carry on an interrupted sweep
  tui-nn sweep spiral.toml --scheduler tcp://10.0.0.5:8786   a cluster you started:
      dask scheduler --port 8786            (on one machine)
      dask worker tcp://10.0.0.5:8786 --nthreads 1 --name box1   (on each machine, per core)
  tui-nn --sweep runs/spiral                                 the results in the app
Every trial's line in DIR/results.jsonl holds the `tui-nn train` command that trains it again.

exit codes: 0 every trial finished, 1 a trial failed, no workers, or a result could not be
written (finished trials are kept), 2 bad sweep file, options or cluster, 130 interrupted
(finished trials are kept; --resume carries on).
"""

WORKERS = Rule("workers", "whole", lo=1)
WORKER_TIMEOUT = Rule("worker-timeout", "number", lo=0, lo_open=True)


def parser():
    p = make_parser(
        "tui-nn sweep",
        "Train one configuration many times (grid, random or TPE search, with pruning) on Dask.",
        EPILOG,
    )
    p.add_argument("file", metavar="SWEEP.toml", nargs="?", help="the sweep file")
    p.add_argument(
        "--workers",
        metavar="N",
        default=None,
        help="embedded cluster: N worker processes (default and most: the cores, and the trials)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="run on an existing Dask cluster instead of an embedded one",
    )
    p.add_argument(
        "--results",
        metavar="DIR",
        default=None,
        help="results folder (default: SWEEP-results in the working directory)",
    )
    p.add_argument(
        "--resume",
        metavar="DIR",
        default=None,
        help="carry on the interrupted sweep whose results are in DIR (its sweep file unchanged)",
    )
    p.add_argument(
        "--dashboard",
        action="store_true",
        help="serve Dask's dashboard (off by default: no port is opened for it)",
    )
    p.add_argument(
        "--worker-timeout",
        metavar="SECONDS",
        default=None,
        help="give up when the cluster has had no worker this long (default 30)",
    )
    return p


def config_loader() -> ConfigLoader:
    """How a sweep reads its base configuration: as `tui-nn train --config` reads a file, with
    a validation set (AUTO_VAL_FRACTION unless set): it ranks the trials."""

    def build(values: dict[str, Any]) -> RunConfig:
        if values.get("val_fraction") is None:
            values = {**values, "val_fraction": AUTO_VAL_FRACTION}
        config = config_from_values(values)
        if config.hyper.epochs is None:
            config = replace(config, hyper=replace(config.hyper, epochs=default_epochs(config)))
        return config

    return ConfigLoader(
        base_values=lambda table, path: table_values(table, str(path), path.parent),
        build=build,
    )


def bounded_workers(requested: int | None, trials: int) -> int:
    """Worker processes for the embedded cluster: as asked, but no more than the cores (a
    trial is one core's work) nor the trials; a request cut down is said once."""
    from tui_nn.sweep.cluster import cores

    n_cores = cores()
    n = min(requested or n_cores, n_cores, max(trials, 1))
    if requested is not None and n < requested:
        why = (
            f"the sweep has {trials} trial{'s' if trials != 1 else ''}"
            if n == trials and trials < n_cores
            else f"this machine has {n_cores} core{'s' if n_cores != 1 else ''}"
        )
        print(f"tui-nn: --workers {requested}: using {n} ({why})", file=sys.stderr, flush=True)
    return n


def main(argv: list[str]) -> int:
    from tui_nn.sweep.results import check_results_folder, read_header, read_results

    ns = parser().parse_args(argv)
    workers = None if ns.workers is None else checked(WORKERS, ns.workers)
    timeout = 30.0 if ns.worker_timeout is None else checked(WORKER_TIMEOUT, ns.worker_timeout)
    if ns.scheduler is not None and workers is not None:
        raise UsageError("--workers sizes the embedded cluster; it cannot go with --scheduler")
    for option, value in (("--results", ns.results), ("--resume", ns.resume)):
        if value is not None and not value.strip():
            raise UsageError(f"{option}: an empty path; give a folder")
    if ns.resume is not None:
        if ns.results is not None:
            raise UsageError("--resume DIR continues the sweep in DIR; it cannot go with --results")
        folder = Path(ns.resume)
        check_results_folder(folder, resume=True)
        header = read_header(folder) if folder.is_dir() else {}
        if not header.get("sweep"):
            raise UsageError(f"--resume: {folder} holds no sweep.json (not a sweep's results)")
        sweep = load_sweep(ns.file or header["sweep"], config_loader())
        if sweep.digest != header.get("digest"):
            raise SweepError(
                f"--resume: {sweep.path} changed since the sweep in {folder} started; resume "
                "needs the same sweep file (or start a new sweep with another --results)"
            )
    else:
        if ns.file is None:
            raise UsageError("give a sweep file (SWEEP.toml), or --resume DIR")
        sweep = load_sweep(ns.file, config_loader())
        folder = Path(ns.results if ns.results is not None else f"{Path(ns.file).stem}-results")
        check_results_folder(folder, reads=sweep_inputs(sweep))
    sweep = check_data(sweep)
    if ns.dashboard and ns.scheduler is None:
        from tui_nn.sweep.cluster import check_dashboard

        check_dashboard()
    finished = {r["trial"] for r in read_results(folder).records} if ns.resume else set()
    run = run_sweep(sweep, folder, ns, workers, timeout, finished)
    return report(sweep, folder, run)


def sweep_inputs(sweep: Sweep) -> dict[str, Any]:
    """What a sweep reads, by how the user named it: its results never go there."""
    data = sweep.base.dataset
    return {"sweep": sweep.path, "--data": data.path, "--test-data": data.test_data}


def run_sweep(
    sweep: Sweep, folder: Path, ns: Any, workers: int | None, timeout: float, finished: set[int]
) -> Any:
    from tui_nn.sweep import cluster
    from tui_nn.sweep.display import SweepDisplay
    from tui_nn.sweep.execute import Runner, SweepRun
    from tui_nn.sweep.results import ResultsWriter, sweep_header

    left = sweep.total - len(finished)
    if left <= 0:
        print(f"sweep {sweep.path}: every trial has finished; results in {folder}")
        return SweepRun()
    n = bounded_workers(workers, left) if ns.scheduler is None else 0
    with cluster.connect(ns.scheduler, n, ns.dashboard) as connected:
        from tui_nn.sweep.command import command_text
        from tui_nn.sweep.study import SweepStudy

        writer = ResultsWriter(folder, sweep_header(sweep), sweep.better, resume=bool(finished))
        try:
            study = SweepStudy(sweep, folder)
            study.settle({r["trial"]: r for r in writer.records})
            print(headline(sweep, folder, connected.where, len(finished)))
            if connected.dashboard:
                print(f"dashboard: {connected.dashboard}")
            with SweepDisplay(sweep, done=len(finished)) as display:
                runner = Runner(
                    connected.client,
                    sweep,
                    study,
                    on_done=lambda trial, outcome: display.trial_done(
                        writer.add(trial, outcome, command_text(trial.config))
                    ),
                    on_failed=lambda trial, reason: display.trial_failed(trial.index, reason),
                    skip=frozenset(finished),
                    worker_timeout=timeout,
                )
                run = runner.run()
            run.where = connected.where
            try:
                writer.write_importances(study.importances())
            except OSError:
                pass
        finally:
            writer.close()
    return run


def headline(sweep: Sweep, folder: Path, where: str, finished: int) -> str:
    search = {"grid": "a grid", "random": "random draws", "tpe": "Optuna's TPE"}[sweep.method]
    pruning = "" if sweep.pruner == "none" else f", {sweep.pruner} pruning"
    done = f" ({finished} finished before)" if finished else ""
    return (
        f"sweep {sweep.path}: {sweep.total} trials{done} by {search}{pruning}, chosen by "
        f"{sweep.metric} on the validation set; on {where}; results in {folder}"
    )


def report(sweep: Sweep, folder: Path, run: Any) -> int:
    from tui_nn.sweep.display import print_table, value_text
    from tui_nn.sweep.results import read_results

    results = read_results(folder)
    if results.records:
        print_table(results)
    best = results.best()
    if best is not None:
        value = value_text(results.metric, best.get(results.metric))
        print(
            f"best: trial {best['trial']} ({results.metric} {value}, test_acc "
            f"{value_text('test_acc', best.get('test_acc'))} reported only), model "
            f"{folder / 'best.npz'}; open the results with: tui-nn --sweep {folder}"
        )
    kept = f"kept {len(results.records)} finished trials in {folder}"
    again = f"carry on with: tui-nn sweep --resume {folder}"
    if run.interrupted:
        print(f"tui-nn: interrupted: {kept}; {len(run.cancelled)} cancelled; {again}", file=sys.stderr)
        return 130
    if run.data_error is not None:
        raise SweepError(f"a worker cannot load the data: {run.data_error}")
    if run.write_error is not None:
        print(f"tui-nn: error: cannot write the results: {run.write_error}; {kept}", file=sys.stderr)
        return 1
    if run.no_workers is not None:
        print(
            f"tui-nn: error: {run.where or 'the cluster'} has had no workers for "
            f"{run.no_workers:.0f} s; {kept}; {again}",
            file=sys.stderr,
        )
        return 1
    if run.failed:
        print(f"tui-nn: {len(run.failed)} trial(s) failed", file=sys.stderr)
        return 1
    return 0


def check_data(sweep: Sweep) -> Sweep:
    """Bad data and a metric the task has not fail here, before a cluster starts; the metric's
    default follows the task. MNIST-style sets (those with an official split) are the workers'
    to read, from their own folders."""
    from tui_nn.data import load_dataset
    from tui_nn.data.catalog import has_official_split

    if has_official_split(sweep.base.dataset.name):
        return sweep
    trials = sweep.trials or ()
    specs = {trial.config.dataset for trial in trials} or {sweep.base.dataset}
    for spec in specs:
        data = load_dataset(spec)
        sweep = with_task(sweep, data.task)
        checks = [(f"trial {t.index}: ", t.config) for t in trials if t.config.dataset == spec]
        for what, config in checks or [("", sweep.base)]:
            try:
                config.network_spec(data)
            except ValueError as exc:
                raise SweepError(f"{sweep.path}: {what}{exc}") from None
    return sweep
