"""`tui-nn sweep SWEEP.toml`: many trainings of one configuration on Dask (tui_nn.sweep)."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui_nn.cli.options import (
    UsageError,
    checked,
    config_from_values,
    default_epochs,
    table_values,
)
from tui_nn.cli.parser import make_parser
from tui_nn.config import RunConfig
from tui_nn.rule import Rule
from tui_nn.sweep.plan import ConfigLoader, Sweep, SweepError, load_sweep

EPILOG = """\
the sweep file: a run configuration (the keys of `tui-nn train --config`) and a [sweep] table:
  dataset = "spiral"
  hidden = "8,8"
  [sweep]
  metric = "test_acc"                 # or test_loss, train_acc, train_loss; direction = max|min
  epochs = 100                        # per trial; early-stopping = N stops a trial early
  grid = { lr = [0.01, 0.03], hidden = ["4", "8,8"] }   # every combination
  trials = 4                          # random draws per grid point, from [sweep.random]:
  [sweep.random]
  momentum = { uniform = [0.5, 0.95] }    # also log_uniform = [a, b], choice = [...]

examples:
  tui-nn sweep examples/spiral-sweep.toml                    embedded cluster, one worker a core
  tui-nn sweep spiral.toml --workers 2 --results runs/spiral
  tui-nn sweep spiral.toml --scheduler tcp://10.0.0.5:8786   a cluster you started:
      dask scheduler --port 8786            (on one machine)
      dask worker tcp://10.0.0.5:8786 --nthreads 1 --name box1   (on each machine, per core)
  tui-nn --sweep runs/spiral                                 the results in the app

exit codes: 0 every trial finished, 1 a trial failed, 2 bad sweep file, options or cluster,
130 interrupted (finished trials are kept).
"""

WORKERS = Rule("workers", "whole", lo=1)


def parser():
    p = make_parser(
        "tui-nn sweep",
        "Train one configuration many times over a grid or random draws, on Dask.",
        EPILOG,
    )
    p.add_argument("file", metavar="SWEEP.toml", help="the sweep file")
    p.add_argument(
        "--workers",
        metavar="N",
        default=None,
        help="embedded cluster: N worker processes (default: the number of cores)",
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
    return p


def config_loader() -> ConfigLoader:
    """How a sweep reads its base configuration: as `tui-nn train --config` reads a file."""

    def build(values: dict[str, Any]) -> RunConfig:
        config = config_from_values(values)
        if config.hyper.epochs is None:
            config = replace(config, hyper=replace(config.hyper, epochs=default_epochs(config)))
        return config

    return ConfigLoader(
        base_values=lambda table, path: table_values(table, str(path), path.parent),
        build=build,
    )


def main(argv: list[str]) -> int:
    from tui_nn.sweep import execute
    from tui_nn.sweep.display import SweepDisplay, print_table, value_text
    from tui_nn.sweep.results import (
        ResultsWriter,
        check_results_folder,
        read_results,
        sweep_header,
    )

    ns = parser().parse_args(argv)
    workers = None if ns.workers is None else checked(WORKERS, ns.workers)
    if ns.scheduler is not None and workers is not None:
        raise UsageError("--workers sizes the embedded cluster; it cannot go with --scheduler")
    sweep = load_sweep(ns.file, config_loader())
    check_data(sweep)
    folder = Path(ns.results or f"{Path(ns.file).stem}-results")
    check_results_folder(folder)
    n = workers or os.cpu_count() or 1
    where = ns.scheduler or f"an embedded cluster of {n} worker{'s' if n > 1 else ''}"
    with execute.connect(ns.scheduler, workers) as client:
        writer = ResultsWriter(folder, sweep_header(sweep), sweep.better)  # once connected
        print(f"sweep {ns.file}: {len(sweep.trials)} trials on {where}; results in {folder}")
        try:
            with SweepDisplay(sweep) as display:
                run = execute.run_trials(
                    client,
                    sweep,
                    on_done=lambda trial, outcome: display.trial_done(writer.add(trial, outcome)),
                    on_failed=lambda trial, reason: display.trial_failed(trial.index, reason),
                )
        finally:
            writer.close()
    results = read_results(folder)
    if results.records:
        print_table(results)
    best = results.best()
    if best is not None:
        value = value_text(results.metric, best.get(results.metric))
        print(
            f"best: trial {best['trial']} ({results.metric} {value}), model "
            f"{folder / 'best.npz'}; open the results with: tui-nn --sweep {folder}"
        )
    if run.interrupted:
        print(
            f"tui-nn: interrupted: kept {len(run.done)} finished trials in {folder}; "
            f"{len(run.cancelled)} cancelled",
            file=sys.stderr,
        )
        return 130
    if run.data_error is not None:
        raise SweepError(f"a worker cannot load the data: {run.data_error}")
    if run.failed:
        print(f"tui-nn: {len(run.failed)} trial(s) failed", file=sys.stderr)
        return 1
    return 0


def check_data(sweep: Sweep) -> None:
    """Bad data and a metric the task has not fail here, before a cluster starts. MNIST-style
    sets (those with an official split) are the workers' to read, from their own folders."""
    from tui_nn.data import load_dataset
    from tui_nn.data.catalog import has_official_split

    if has_official_split(sweep.base.dataset.name):
        return
    specs = {trial.config.dataset for trial in sweep.trials}
    for spec in specs:
        data = load_dataset(spec)
        if sweep.metric.endswith("_acc") and data.task != "classification":
            raise SweepError(
                f"{sweep.path}: [sweep] metric {sweep.metric!r}: {data.name} is a regression "
                "set (no accuracy); use test_loss or train_loss"
            )
        for trial in sweep.trials:
            if trial.config.dataset == spec:
                try:
                    trial.config.network_spec(data)
                except ValueError as exc:
                    raise SweepError(f"{sweep.path}: trial {trial.index}: {exc}") from None
