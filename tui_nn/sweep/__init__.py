"""Hyper-parameter sweeps: a sweep file (plan), trials trained by the engine on Dask workers
(trial, execute), a results folder (results) and what the terminal shows (display).

Only `execute` imports Dask; the app reads results through `results` without it.
"""

from tui_nn.sweep.plan import METRICS, ConfigLoader, Sweep, SweepError, Trial, load_sweep
from tui_nn.sweep.results import ResultsError, SweepResults, read_results

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
