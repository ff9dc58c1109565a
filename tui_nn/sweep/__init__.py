"""Hyper-parameter sweeps: a sweep file (plan, space), trials trained by the engine on Dask
workers (trial, cluster, execute) against an Optuna study (study), a results folder (results)
and what the terminal shows (display).

Only `cluster` and `execute` import Dask, only `study` imports Optuna; the app reads results
through `results` without either.
"""

from tui_nn.sweep.plan import METRICS, ConfigLoader, Sweep, load_sweep
from tui_nn.sweep.results import ResultsError, SweepResults, read_results
from tui_nn.sweep.space import SweepError, Trial

__all__ = [
    "METRICS",
    "ConfigLoader",
    "ResultsError",
    "Sweep",
    "SweepError",
    "SweepResults",
    "Trial",
    "load_sweep",
    "read_results",
]
