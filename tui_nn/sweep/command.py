"""The `tui-nn train` command that reproduces a run configuration, bit for bit: every option
of the rules table (`tui_nn.config.RULES`) written out with the value the configuration holds,
so that no default, preset or later change of one can make it train something else.

    >>> train_command(trial.config)
    ['tui-nn', 'train', '--dataset', 'digits', ..., '--seed', '1234', '--epochs', '30']

A value that is None is written as the option's word for None ('full', 'auto'), or left out
where None is the option's default (samples, noise, early stopping, a CSV's target).
"""

from __future__ import annotations

import shlex
from typing import Any

from tui_nn.config import RULES, RunConfig
from tui_nn.rule import Rule

DATASET_FIELDS = {"dataset": "name", "data": "path", "data_seed": "seed"}
"""Data options whose DatasetSpec field has another name."""


def option_value(config: RunConfig, rule: Rule) -> Any:
    """What `config` holds for the option of `rule`."""
    if rule.target == "hyper":
        return getattr(config.hyper, rule.dest)
    if rule.target == "run":
        return getattr(config, rule.dest)
    return getattr(config.dataset, DATASET_FIELDS.get(rule.dest, rule.dest))


def as_text(rule: Rule, value: Any) -> str | None:
    """The value as the option's flag reads it (None: leave the flag out)."""
    if value is None:
        if rule.none_words:
            return rule.none_words[0]
        if rule.kind == "name" and "auto" in rule.allowed():
            return "auto"
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def train_arguments(config: RunConfig) -> list[str]:
    """The options of `tui-nn train` that give `config`."""
    args: list[str] = []
    csv = config.dataset.name == "csv"
    for rule in RULES.values():
        if rule.target == "none" or (rule.dest == "dataset" and csv):
            continue
        if rule.dest == "data" and not csv:
            continue
        text = as_text(rule, option_value(config, rule))
        if text is not None:
            args += [f"--{rule.name}", text]
    return args


def train_command(config: RunConfig) -> list[str]:
    return ["tui-nn", "train", *train_arguments(config)]


def command_text(config: RunConfig) -> str:
    """The command as one line a shell reads back (quoted where needed)."""
    return shlex.join(train_command(config))
