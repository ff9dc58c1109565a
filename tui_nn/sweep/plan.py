"""The sweep file and the trials it asks for.

A sweep file is a run configuration (the keys of `tui-nn train --config`) plus a `[sweep]` table:

    dataset = "spiral"
    hidden = "8,8"
    lr = 0.03

    [sweep]
    metric = "test_acc"          # test_acc, test_loss, train_acc, train_loss
    direction = "max"            # default: max for accuracies, min for losses
    epochs = 100                 # each trial's epoch budget (default: the base `epochs`)
    early-stopping = 20          # stop a trial after 20 epochs without a better test loss
    seed = 0                     # random draws and per-trial seeds (default: the base seed)
    trials = 8                   # random draws per grid point (default 1)
    grid = { lr = [0.01, 0.03], hidden = ["4", "8,8"] }      # every combination

    [sweep.random]               # drawn afresh for every trial
    lr = { log_uniform = [1e-4, 1e-1] }
    momentum = { uniform = [0.5, 0.95] }
    activation = { choice = ["tanh", "relu"] }

Trials are the grid's combinations in file order (the last key varies fastest), each repeated
`trials` times with its own draws. Everything random comes from `seed`: the draws from
`default_rng(seed)` in trial order, each trial's weight and shuffling seed from
`SeedSequence([seed, trial])`. The data keep the base seed, so every trial sees the same split
(unless `seed` itself is swept). The same file therefore gives the same trials and, with one BLAS
thread per worker, the same metrics on any cluster.

Values are checked by the options' rules (`tui_nn.config.RULES`, the table `train`, TOML files
and the app read). Reading a run configuration (presets, relative paths, values -> RunConfig) is
the CLI's (`tui_nn.cli.options`); it is handed in as a `ConfigLoader`, so there is one loader,
not two.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.config import RULES, RunConfig
from tui_nn.errors import one_line
from tui_nn.files import ConfigError, read_toml
from tui_nn.rule import Rule

METRICS = ("test_acc", "test_loss", "train_acc", "train_loss")
DIRECTIONS = ("max", "min")
SWEEP_KEYS = ("metric", "direction", "epochs", "early-stopping", "seed", "trials", "grid", "random")
DISTRIBUTIONS = ("log_uniform", "uniform", "choice")
FIXED_KEYS = ("data", "data-dir", "save", "load", "metrics", "epochs", "early-stopping")
"""Options a sweep may set in its base but not vary (files; the budget is [sweep]'s)."""
MAX_TRIALS = 10_000


class SweepError(ConfigError):
    """A sweep file that cannot run; the message is one line naming the file, key and allowed
    values."""


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


BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}
"""The options a sweep may vary, by the name written in the file ("batch-size")."""


def check(key: str, value: Any) -> Any:
    """`value` as option `key` holds it; RuleError (a ValueError) with the reason."""
    return BY_NAME[key].check(value)


def numeric(key: str) -> str | None:
    """ "int" or "float" for the options a range can be drawn for, else None."""
    return {"whole": "int", "number": "float"}.get(BY_NAME[key].kind)


@dataclass(frozen=True)
class Distribution:
    kind: str  # one of DISTRIBUTIONS
    values: tuple[Any, ...]  # (low, high) for the ranges, the items for choice

    def draw(self, rng: np.random.Generator, integer: bool) -> Any:
        if self.kind == "choice":
            return self.values[int(rng.integers(len(self.values)))]
        low, high = (float(v) for v in self.values)
        if self.kind == "log_uniform":
            x = math.exp(rng.uniform(math.log(low), math.log(high)))
        else:
            x = float(rng.uniform(low, high))
        return int(round(x)) if integer else x


@dataclass(frozen=True)
class Trial:
    """One training run of the sweep: what it varies, its seed, its full configuration."""

    index: int
    params: dict[str, Any]  # option name -> value as written in the file (or drawn)
    seed: int
    config: RunConfig


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
    trials: tuple[Trial, ...] = ()

    @property
    def varied(self) -> tuple[str, ...]:
        return (*self.grid, *self.random)

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
    budget = _budget(where, raw_sweep)
    seed = _count(where, raw_sweep, "seed", base_values.get("seed", 0), minimum=0)
    per_point = _count(where, raw_sweep, "trials", 1, minimum=1)
    grid = _grid(where, raw_sweep.get("grid", {}))
    random = _random(where, raw_sweep.get("random", {}))
    both = [k for k in grid if k in random]
    if both:
        raise SweepError(f"{where}: [sweep] key {both[0]!r} is both in grid and in random")
    if not grid and not random and per_point == 1:
        raise SweepError(f"{where}: [sweep] varies nothing; give grid = {{...}} or [sweep.random]")
    total = math.prod(len(v) for v in grid.values()) * per_point
    if total > MAX_TRIALS:
        raise SweepError(f"{where}: [sweep] asks for {total:,} trials; at most {MAX_TRIALS:,}")
    base = _build(where, loader, {**base_values, **budget}, "the base configuration")
    sweep = Sweep(path, base, metric, direction, seed, grid, random, per_point)
    trials = _plan(sweep, loader, {**base_values, **budget})
    return replace(sweep, trials=tuple(trials))


def _read(path: Path) -> dict[str, Any]:
    try:
        return read_toml(path)
    except ConfigError as exc:
        raise SweepError(str(exc).removeprefix("--config: ")) from None


def _metric(where: str, raw: dict[str, Any]) -> str:
    metric = raw.get("metric", "test_acc")
    if metric not in METRICS:
        raise SweepError(
            f"{where}: [sweep] metric {metric!r} is unknown; choose one of: {', '.join(METRICS)}"
        )
    return metric


def _direction(where: str, raw: dict[str, Any], metric: str) -> str:
    direction = raw.get("direction", "max" if metric.endswith("_acc") else "min")
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
            budget[key.replace("-", "_")] = _checked(where, key, raw[key], "[sweep] ")
    if budget.get("epochs") == 0:  # the rule allows 0 (train saves the initial weights)
        raise SweepError(
            f"{where}: [sweep] epochs = 0: 0 is out of range (must be a whole number >= 1: "
            "a trial trains)"
        )
    return budget


def _checked(where: str, key: str, value: Any, section: str) -> Any:
    try:
        return check(key, value)
    except ValueError as exc:
        raise SweepError(f"{where}: {section}{key} = {value!r}: {one_line(exc)}") from None


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
            _checked(where, key, v, section)
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
            _checked(where, key, v, section)
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
        _checked(where, key, int(round(v)) if number == "int" else v, section)
    return Distribution(kind, (values[0], values[1]))


def _build(where: str, loader: ConfigLoader, values: dict[str, Any], what: str) -> RunConfig:
    try:
        return loader.build(values)
    except ValueError as exc:
        raise SweepError(f"{where}: {what}: {exc}") from None


def trial_seed(seed: int, index: int) -> int:
    """The weight and shuffling seed of trial `index` of a sweep with `seed`."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0] & 0x7FFFFFFF)


def _plan(sweep: Sweep, loader: ConfigLoader, base_values: dict[str, Any]) -> list[Trial]:
    rng = np.random.default_rng(sweep.seed)
    where = str(sweep.path)
    points = list(itertools.product(*sweep.grid.values())) or [()]
    trials = []
    for point in points:
        for _ in range(sweep.trials_per_point):
            index = len(trials)
            params = dict(zip(sweep.grid, point))
            for key, dist in sweep.random.items():
                params[key] = dist.draw(rng, integer=numeric(key) == "int")
            values = dict(base_values)
            for key, value in params.items():
                values[key.replace("-", "_")] = _checked(where, key, value, "")
            config = _build(where, loader, values, f"trial {index} ({_describe(params)})")
            seed = trial_seed(sweep.seed, index)
            if "seed" in params:
                seed = config.seed  # swept explicitly: as `tui-nn train --seed` would
            else:
                config = replace(config, seed=seed)  # the data keep the base seed
            trials.append(Trial(index, params, seed, config))
    return trials


def _describe(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())
