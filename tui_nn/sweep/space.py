"""What a sweep varies: the grid's lists and the [sweep.random] distributions, the trials they
give, and each trial's configuration and seed.

    grid       every combination, in file order (the last key fastest), `trials` times each
    random     the grid's points, `trials` draws each from [sweep.random]
    tpe        `trials` trials whose values Optuna's TPE sampler proposes from the same lists
               (as choices) and ranges, learning from the trials that finished (sweep/study.py)

Grid and random trials are planned up front, so the same file gives the same trials (and a
resumed sweep the ones not yet run): the draws come from `default_rng(seed)` in trial order,
each trial's seed (the weights and the shuffling) from `SeedSequence([seed, trial])`. The data
keep the base `data-seed`, so every trial sees the same split and the same validation set.

No Optuna here: `describe()` gives each key's distribution as plain data; sweep/study.py turns
it into Optuna's.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tui_nn.config import RULES, RunConfig
from tui_nn.errors import one_line
from tui_nn.files import ConfigError
from tui_nn.rule import Rule

DISTRIBUTIONS = ("log_uniform", "uniform", "choice")
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}
"""The options a sweep may vary, by the name written in the file ("batch-size")."""


class SweepError(ConfigError):
    """A sweep file that cannot run; the message is one line naming the file, key and allowed
    values."""


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
class Searched:
    """One varied key as a search space: a list of choices, or a range (ints or floats, on a
    log scale or not). `choices` hold values Optuna can store (text for lists and tables)."""

    key: str
    choices: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False
    log: bool = False

    def value(self, stored: Any, originals: tuple[Any, ...] | None) -> Any:
        """The option's value for a value Optuna stored (a choice back to the file's value)."""
        if self.choices is not None and originals is not None:
            return originals[self.choices.index(stored)]
        return int(stored) if self.integer else stored


def storable(value: Any) -> Any:
    """A value as Optuna's categorical choices may hold it: lists and tables as JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, sort_keys=True)


def describe(
    grid: dict[str, tuple[Any, ...]], random: dict[str, Distribution]
) -> dict[str, tuple[Searched, tuple[Any, ...] | None]]:
    """Each varied key's search space, with the file's values for the choices."""
    out: dict[str, tuple[Searched, tuple[Any, ...] | None]] = {}
    for key, values in grid.items():
        out[key] = (Searched(key, choices=tuple(storable(v) for v in values)), values)
    for key, dist in random.items():
        if dist.kind == "choice":
            out[key] = (Searched(key, choices=tuple(storable(v) for v in dist.values)), dist.values)
            continue
        integer = numeric(key) == "int"
        low, high = dist.values
        log = dist.kind == "log_uniform"
        if integer:
            low, high = int(round(low)), int(round(high))
            log = log and low >= 1  # Optuna's log scale for whole numbers starts at 1
        out[key] = (Searched(key, low=low, high=high, integer=integer, log=log), None)
    return out


def trial_seed(seed: int, index: int) -> int:
    """The weight and shuffling seed of trial `index` of a sweep with `seed`."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0] & 0x7FFFFFFF)


@dataclass(frozen=True)
class Trial:
    """One training run of the sweep: what it varies, its seed, its full configuration."""

    index: int
    params: dict[str, Any]  # option name -> value as written in the file (or drawn)
    seed: int
    config: RunConfig


def checked(where: str, key: str, value: Any, section: str) -> Any:
    try:
        return check(key, value)
    except ValueError as exc:
        raise SweepError(f"{where}: {section}{key} = {value!r}: {one_line(exc)}") from None


def build(
    where: str, build_config: Callable[[dict[str, Any]], RunConfig], values: dict[str, Any], what: str
) -> RunConfig:
    try:
        return build_config(values)
    except ValueError as exc:
        raise SweepError(f"{where}: {what}: {exc}") from None


def make_trial(
    where: str,
    build_config: Callable[[dict[str, Any]], RunConfig],
    base_values: dict[str, Any],
    seed: int,
    index: int,
    params: dict[str, Any],
) -> Trial:
    """Trial `index` with `params` over the base values: its configuration and its seed (the
    trial's own, unless `seed` itself is varied: then as `tui-nn train --seed` would)."""
    values = dict(base_values)
    for key, value in params.items():
        values[key.replace("-", "_")] = checked(where, key, value, "")
    config = build(where, build_config, values, f"trial {index} ({describe_params(params)})")
    if "seed" in params:
        return Trial(index, params, config.seed, config)
    own = trial_seed(seed, index)
    return Trial(index, params, own, replace(config, seed=own))


def plan(
    where: str,
    build_config: Callable[[dict[str, Any]], RunConfig],
    base_values: dict[str, Any],
    seed: int,
    grid: dict[str, tuple[Any, ...]],
    random: dict[str, Distribution],
    per_point: int,
) -> list[Trial]:
    """The trials of a grid or random sweep, in order."""
    rng = np.random.default_rng(seed)
    points = list(itertools.product(*grid.values())) or [()]
    trials: list[Trial] = []
    for point in points:
        for _ in range(per_point):
            params = dict(zip(grid, point))
            for key, dist in random.items():
                params[key] = dist.draw(rng, integer=numeric(key) == "int")
            trials.append(make_trial(where, build_config, base_values, seed, len(trials), params))
    return trials


def describe_params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())
