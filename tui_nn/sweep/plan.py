"""The sweep file: what it asks for, checked by name before anything runs.

A sweep file is a run configuration (the keys of `tui-nn train --config`) plus a `[sweep]` table:

    dataset = "digits"
    hidden = "32"

    [sweep]
    method = "tpe"               # grid, random or tpe (default: grid; random with [sweep.random])
    pruner = "asha"              # none, median or asha: stop hopeless trials from their curves
    prune-after = 3              # epochs before a trial may be pruned (asha: its first rung;
                                 # default: a tenth of the epochs)
    metric = "val_acc"           # val_acc, val_loss, train_acc, train_loss (default: val_acc,
                                 # val_loss for a regression); never the test set, which reports
    direction = "max"            # default: max for accuracies, min for losses
    epochs = 30                  # each trial's epoch budget (default: the base `epochs`)
    early-stopping = 5           # stop a trial after 5 epochs without a better validation loss
    seed = 0                     # draws, per-trial seeds and TPE's sampler (default: the base
                                 # seed); the data keep the base data-seed
    trials = 24                  # tpe: trials in all; grid and random: trials per grid point
    grid = { hidden = ["16", "32,32"] }      # every combination (tpe: a choice)

    [sweep.random]               # grid and random: drawn afresh for every trial; tpe: searched
    lr = { log_uniform = [1e-4, 1e-1] }
    momentum = { uniform = [0.5, 0.95] }
    activation = { choice = ["tanh", "relu"] }

The base `val-fraction` is 0.2 unless set (the validation set ranks the trials and is what the
pruner sees each epoch). See sweep/space.py for how trials and their seeds are drawn.

Values are checked by the options' rules (`tui_nn.config.RULES`, the table `train`, TOML files
and the app read). Reading a run configuration (presets, relative paths, values -> RunConfig) is
the CLI's (`tui_nn.cli.options`); it is handed in as a `ConfigLoader`, so there is one loader,
not two.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tui_nn.config import RunConfig
from tui_nn.files import ConfigError, read_toml
from tui_nn.sweep.space import (
    BY_NAME,
    DISTRIBUTIONS,
    Distribution,
    SweepError,
    Trial,
    build,
    checked,
    make_trial,
    numeric,
    plan,
)

METRICS = ("val_acc", "val_loss", "train_acc", "train_loss")
REPORTED = ("test_acc", "test_loss")  # the test set reports; it never chooses
DIRECTIONS = ("max", "min")
METHODS = ("grid", "random", "tpe")
PRUNERS = ("none", "median", "asha")
SWEEP_KEYS = (
    "method",
    "pruner",
    "prune-after",
    "metric",
    "direction",
    "epochs",
    "early-stopping",
    "seed",
    "trials",
    "grid",
    "random",
)
FIXED_KEYS = (
    "data",
    "data-dir",
    "save",
    "load",
    "metrics",
    "epochs",
    "early-stopping",
    "val-fraction",
)
"""Options a sweep may set in its base but not vary (files; the budget is [sweep]'s; the
validation set that compares the trials)."""
MAX_TRIALS = 10_000


@dataclass(frozen=True)
class ConfigLoader:
    """How a run configuration is read (the CLI's `tui_nn.cli.options` builds one).

    base_values(table, path): the checked values of a TOML table (ConfigError naming the key;
        relative paths relative to the file).
    build(values): checked values (by `dest`) -> the RunConfig, presets applied and the default
        epoch budget filled in; ValueError for contradictory options.
    """

    base_values: Callable[[dict[str, Any], Path], dict[str, Any]]
    build: Callable[[dict[str, Any]], RunConfig]


@dataclass(frozen=True)
class Sweep:
    path: Path
    base: RunConfig
    metric: str
    direction: str
    seed: int
    grid: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    random: dict[str, Distribution] = field(default_factory=dict)
    trials_per_point: int = 1
    trials: tuple[Trial, ...] = ()  # grid and random: every trial, planned; tpe: none
    method: str = "grid"
    pruner: str = "none"
    prune_after: int = 1
    total: int = 0  # trials in all
    metric_given: bool = False  # the metric was written in the file (else it follows the task)
    digest: str = ""  # sha256 of the file's bytes: a resumed sweep must be the same file
    base_values: dict[str, Any] = field(default_factory=dict, compare=False)
    build_config: Callable[[dict[str, Any]], RunConfig] | None = field(default=None, compare=False)

    @property
    def varied(self) -> tuple[str, ...]:
        return (*self.grid, *self.random)

    @property
    def epochs(self) -> int:
        return self.base.hyper.epochs or 1

    def trial(self, index: int, params: dict[str, Any]) -> Trial:
        """Trial `index` with `params` (what a TPE sampler proposed): its config and seed."""
        assert self.build_config is not None
        return make_trial(
            str(self.path), self.build_config, self.base_values, self.seed, index, params
        )

    def better(self, a: float | None, b: float | None) -> bool:
        """Is metric value `a` better than `b`? (None, a missing value, is worst.)"""
        if a is None or (isinstance(a, float) and math.isnan(a)):
            return False
        if b is None or (isinstance(b, float) and math.isnan(b)):
            return True
        return a > b if self.direction == "max" else a < b


def load_sweep(path: str | Path, loader: ConfigLoader) -> Sweep:
    """Read and check a sweep file and plan its trials. Nothing runs; any problem is a
    SweepError naming the file and the key."""
    path = Path(path)
    table = _read(path)
    raw_sweep = table.pop("sweep", None)
    where = f"{path}"
    if not isinstance(raw_sweep, dict):
        raise SweepError(
            f"{where}: no [sweep] table; add one with grid = {{...}} and/or trials = N "
            "and [sweep.random]"
        )
    unknown = [k for k in raw_sweep if k not in SWEEP_KEYS]
    if unknown:
        raise SweepError(
            f"{where}: unknown key(s) in [sweep]: {', '.join(map(repr, unknown))}; "
            f"allowed keys: {', '.join(SWEEP_KEYS)}"
        )
    base_values = loader.base_values(table, path)
    metric = _metric(where, raw_sweep)
    direction = _direction(where, raw_sweep, metric)
    method = _choice(where, raw_sweep, "method", METHODS, "random" if "random" in raw_sweep else "grid")
    pruner = _choice(where, raw_sweep, "pruner", PRUNERS, "none")
    budget = _budget(where, raw_sweep)
    seed = _count(where, raw_sweep, "seed", base_values.get("seed", 0), minimum=0)
    per_point = _count(where, raw_sweep, "trials", 1, minimum=1)
    grid = _grid(where, raw_sweep.get("grid", {}))
    random = _random(where, raw_sweep.get("random", {}))
    both = [k for k in grid if k in random]
    if both:
        raise SweepError(f"{where}: [sweep] key {both[0]!r} is both in grid and in random")
    if not grid and not random and (per_point == 1 or method == "tpe"):
        raise SweepError(f"{where}: [sweep] varies nothing; give grid = {{...}} or [sweep.random]")
    if method == "grid" and random:
        raise SweepError(
            f"{where}: [sweep] method 'grid' draws nothing; [sweep.random] needs method "
            "'random' or 'tpe'"
        )
    total = per_point if method == "tpe" else math.prod(len(v) for v in grid.values()) * per_point
    if total > MAX_TRIALS:
        raise SweepError(f"{where}: [sweep] asks for {total:,} trials; at most {MAX_TRIALS:,}")
    base_values = {**base_values, **budget}
    base = build(where, loader.build, base_values, "the base configuration")
    chosen = metric or "val_acc"
    if chosen.startswith("val_") and not base.dataset.val_fraction:
        raise SweepError(
            f"{where}: [sweep] metric {chosen!r} needs a validation set; val-fraction 0 holds "
            "none out (give val-fraction > 0, or choose train_acc or train_loss)"
        )
    default_rung = max(1, (base.hyper.epochs or 1) // 10)
    prune_after = _count(where, raw_sweep, "prune-after", default_rung, minimum=1)
    if "prune-after" in raw_sweep and pruner == "none":
        raise SweepError(f"{where}: [sweep] prune-after needs pruner = 'median' or 'asha'")
    sweep = Sweep(
        path,
        base,
        chosen,
        direction,
        seed,
        grid,
        random,
        per_point,
        method=method,
        pruner=pruner,
        prune_after=prune_after,
        total=total,
        metric_given=metric is not None,
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
        base_values=base_values,
        build_config=loader.build,
    )
    if method == "tpe":
        return sweep
    trials = plan(where, loader.build, base_values, seed, grid, random, per_point)
    return replace(sweep, trials=tuple(trials))


def with_task(sweep: Sweep, task: str) -> Sweep:
    """The metric's default follows the task: val_acc for classes, val_loss for a regression
    (whose accuracy does not exist; an explicit accuracy metric is refused)."""
    if task == "classification" or not sweep.metric.endswith("_acc"):
        return sweep
    if sweep.metric_given:
        raise SweepError(
            f"{sweep.path}: [sweep] metric {sweep.metric!r}: {sweep.base.dataset.name} is a "
            "regression set (no accuracy); use val_loss or train_loss"
        )
    return replace(sweep, metric="val_loss", direction="min")


def _read(path: Path) -> dict[str, Any]:
    try:
        return read_toml(path)
    except ConfigError as exc:
        raise SweepError(str(exc).removeprefix("--config: ")) from None


def _metric(where: str, raw: dict[str, Any]) -> str | None:
    metric = raw.get("metric")
    if metric is None:
        return None
    if metric in REPORTED:
        raise SweepError(
            f"{where}: [sweep] metric {metric!r}: the test set only reports, it never chooses; "
            f"choose {metric.replace('test_', 'val_')} (the validation set, see val-fraction)"
        )
    if metric not in METRICS:
        raise SweepError(
            f"{where}: [sweep] metric {metric!r} is unknown; choose one of: {', '.join(METRICS)}"
        )
    return metric


def _choice(where: str, raw: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise SweepError(
            f"{where}: [sweep] {key} {value!r} is unknown; choose one of: {', '.join(allowed)}"
        )
    return value


def _direction(where: str, raw: dict[str, Any], metric: str | None) -> str:
    direction = raw.get("direction", "min" if (metric or "").endswith("_loss") else "max")
    if direction not in DIRECTIONS:
        raise SweepError(
            f"{where}: [sweep] direction {direction!r} is unknown; choose one of: "
            f"{', '.join(DIRECTIONS)}"
        )
    return direction


def _count(where: str, raw: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SweepError(
            f"{where}: [sweep] {key} must be a whole number >= {minimum}, got {value!r}"
        )
    return value


def _budget(where: str, raw: dict[str, Any]) -> dict[str, Any]:
    budget = {}
    for key in ("epochs", "early-stopping"):
        if key in raw:
            budget[key.replace("-", "_")] = checked(where, key, raw[key], "[sweep] ")
    if budget.get("epochs") == 0:  # the rule allows 0 (train saves the initial weights)
        raise SweepError(
            f"{where}: [sweep] epochs = 0: 0 is out of range (must be a whole number >= 1: "
            "a trial trains)"
        )
    return budget


def _variable_key(where: str, key: Any, section: str) -> str:
    if key in FIXED_KEYS:
        hint = " (set the budget in [sweep])" if key in ("epochs", "early-stopping") else ""
        raise SweepError(f"{where}: {section}{key} cannot be varied{hint}")
    if key not in BY_NAME:
        allowed = ", ".join(k for k in BY_NAME if k not in FIXED_KEYS)
        raise SweepError(f"{where}: {section}unknown key {key!r}; allowed keys: {allowed}")
    return key


def _grid(where: str, grid: Any) -> dict[str, tuple[Any, ...]]:
    if not isinstance(grid, dict):
        raise SweepError(f"{where}: [sweep] grid must be a table, like grid = {{ lr = [0.01] }}")
    out = {}
    for key, values in grid.items():
        section = "[sweep.grid] "
        _variable_key(where, key, section)
        if not isinstance(values, list) or not values:
            raise SweepError(
                f"{where}: {section}{key} must be a non-empty list of values, got {values!r}"
            )
        for v in values:
            checked(where, key, v, section)
        out[key] = tuple(values)
    return out


def _random(where: str, table: Any) -> dict[str, Distribution]:
    if not isinstance(table, dict):
        raise SweepError(f"{where}: [sweep] random must be a table ([sweep.random])")
    out = {}
    for key, spec in table.items():
        section = "[sweep.random] "
        _variable_key(where, key, section)
        if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in DISTRIBUTIONS:
            raise SweepError(
                f"{where}: {section}{key} must be one of {{ log_uniform = [a, b] }}, "
                f"{{ uniform = [a, b] }}, {{ choice = [...] }}; got {spec!r}"
            )
        kind, values = next(iter(spec.items()))
        out[key] = _distribution(where, key, kind, values, section)
    return out


def _distribution(where: str, key: str, kind: str, values: Any, section: str) -> Distribution:
    name = f"{section}{key}.{kind}"
    if not isinstance(values, list) or not values:
        raise SweepError(f"{where}: {name} must be a non-empty list, got {values!r}")
    if kind == "choice":
        for v in values:
            checked(where, key, v, section)
        return Distribution(kind, tuple(values))
    number = numeric(key)
    if number is None:
        raise SweepError(f"{where}: {name}: {key} is not a number; use {{ choice = [...] }}")
    ok = len(values) == 2 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    )
    if not ok or not values[0] < values[1]:
        raise SweepError(f"{where}: {name} must be [low, high] with low < high, got {values!r}")
    if kind == "log_uniform" and values[0] <= 0:
        raise SweepError(f"{where}: {name} needs low > 0 (a log scale), got {values!r}")
    for v in values:  # both ends must be allowed values of the option
        checked(where, key, int(round(v)) if number == "int" else v, section)
    return Distribution(kind, (values[0], values[1]))
