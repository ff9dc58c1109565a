"""The training options shared by `tui-nn`, `tui-nn train` and `tui-nn check`, and the TOML
file that may hold them.

Every option is one `Option` row: its flag, how a value is checked, and where it goes in the
RunConfig. The same checks read command-line strings and TOML values, so a bad value gives
the same one-line message either way. Precedence, lowest first:

    built-in defaults < the dataset's preset < the loaded model's config < TOML < command line
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tui_nn.cli.checks import (
    UsageError,
    activation_names,
    as_text,
    batch_size,
    choice,
    dataset_name,
    fraction,
    gamma,
    hidden,
    init_names,
    learning_rate,
    loss_names,
    momentum,
    noise,
    non_negative_float,
    optimizer_names,
    output_names,
    path_text,
    positive_float,
    positive_int,
    schedule_names,
    seed,
)
from tui_nn.config import RunConfig
from tui_nn.data.spec import NORMALIZATIONS, DatasetSpec
from tui_nn.engine.spec import DTYPES

__all__ = ["UsageError", "positive_float", "positive_int"]  # re-exported for the commands


# ---- the option table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    flag: str  # without the leading "--"
    check: Callable[[Any], Any]
    help: str
    metavar: str | None = None
    group: str = "training"  # "data", "network", "training", "files"
    is_path: bool = False  # relative paths in a TOML file are relative to that file

    @property
    def dest(self) -> str:
        return self.flag.replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    # data
    Option("dataset", dataset_name, "dataset name (see `tui-nn datasets`)", "NAME", "data"),
    Option("data", path_text, "your own CSV file (sets --dataset csv)", "PATH.csv", "data", True),
    Option(
        "target", as_text, "CSV target column, by name or index (default: last)", "COLUMN", "data"
    ),
    Option("data-dir", path_text, "where MNIST-style files are", "DIR", "data", True),
    Option("samples", positive_int, "samples to generate (toy sets) or keep", "N", "data"),
    Option("noise", noise, "noise of a generated set", "X", "data"),
    Option(
        "test-fraction",
        fraction,
        "share of samples held out for testing; 0 trains on all (or give --test-data)",
        "X",
        "data",
    ),
    Option(
        "test-data",
        path_text,
        "test on this CSV (same columns; the training file's normalisation), train on all of --data",
        "PATH.csv",
        "data",
        True,
    ),
    Option(
        "normalize",
        choice(lambda: NORMALIZATIONS),
        "input normalisation (default: standard for CSV, none otherwise)",
        "KIND",
        "data",
    ),
    # network
    Option("hidden", hidden, "hidden layer sizes, e.g. 8,8 (empty for none)", "N,N", "network"),
    Option("activation", choice(activation_names), "hidden activation", "NAME", "network"),
    Option(
        "output",
        choice(output_names, auto=True),
        "output activation (auto: follows the task)",
        "NAME",
        "network",
    ),
    Option(
        "loss", choice(loss_names, auto=True), "loss (auto: follows the task)", "NAME", "network"
    ),
    Option(
        "init",
        choice(init_names, auto=True),
        "weight initialiser (auto: He for ReLU-like, else Xavier)",
        "NAME",
        "network",
    ),
    Option("dtype", choice(lambda: DTYPES), "floating-point type", "DTYPE", "network"),
    Option("seed", seed, "seed for data, split, weights and shuffling", "N", "network"),
    # training
    Option("optimizer", choice(optimizer_names), "optimizer", "NAME"),
    Option("lr", learning_rate, "learning rate", "X"),
    Option("momentum", momentum, "momentum of momentum/nesterov optimizers", "X"),
    Option("batch-size", batch_size, "samples per step, or 'full'", "N|full"),
    Option(
        "epochs",
        positive_int,
        "epochs to train (train's default: 100 on toy sets, 20 on digits, 10 on MNIST)",
        "N",
    ),
    Option("l1", non_negative_float, "L1 penalty", "X"),
    Option("l2", non_negative_float, "L2 penalty (weight decay)", "X"),
    Option("early-stopping", positive_int, "stop after N epochs without a better test loss", "N"),
    # learning-rate schedule (tui_nn.engine.schedules)
    Option("lr-schedule", choice(schedule_names), "learning-rate schedule", "NAME", "schedule"),
    Option("lr-step", positive_int, "step: epochs between decays; cosine: period", "N", "schedule"),
    Option("lr-gamma", gamma, "step: factor at each decay (0.1)", "X", "schedule"),
    Option("lr-min", non_negative_float, "cosine: the final learning rate (0)", "X", "schedule"),
    # files
    Option("save", path_text, "save the trained model here (.npz)", "PATH.npz", "files", True),
    Option("load", path_text, "start from this model file (.npz)", "PATH.npz", "files", True),
    Option("metrics", path_text, "write one JSON line per epoch here", "PATH", "files", True),
)
BY_DEST = {opt.dest: opt for opt in OPTIONS}
GROUP_TITLES = {
    "data": "data",
    "network": "network",
    "training": "training",
    "schedule": "learning-rate schedule (constant | step: lr * gamma^(epoch // step) | cosine)",
    "files": "files",
}


def allowed_values(opt: Option) -> str:
    allowed = getattr(opt.check, "allowed", None)
    return ", ".join(allowed()) if allowed else ""


def add_options(
    parser: argparse.ArgumentParser,
    exclude: tuple[str, ...] = (),
    include: tuple[str, ...] | None = None,
    config: bool = True,
) -> None:
    """Add the training options (as text; `check_values` checks them) and `--config`."""
    groups = {}
    for opt in OPTIONS:
        if opt.flag in exclude or (include is not None and opt.flag not in include):
            continue
        if opt.group not in groups:
            groups[opt.group] = parser.add_argument_group(GROUP_TITLES[opt.group])
        extra = allowed_values(opt)
        help_text = f"{opt.help}; one of: {extra}" if extra else opt.help
        groups[opt.group].add_argument(
            f"--{opt.flag}", dest=opt.dest, metavar=opt.metavar, default=None, help=help_text
        )
    if config:
        parser.add_argument(
            "--config",
            metavar="PATH.toml",
            default=None,
            help="read options from a TOML file (keys are option names; the command line wins)",
        )


def check_values(raw: dict[str, Any], where: Callable[[Option], str]) -> dict[str, Any]:
    """Check every given value; `where(opt)` names it in messages ("--lr", "run.toml: lr")."""
    values = {}
    for dest, value in raw.items():
        if value is None:
            continue
        opt = BY_DEST[dest]
        try:
            values[dest] = opt.check(value)
        except UsageError as exc:
            raise UsageError(f"{where(opt)}: {exc}") from None
    return values


def values_from_args(ns: argparse.Namespace) -> dict[str, Any]:
    raw = {dest: getattr(ns, dest, None) for dest in BY_DEST}
    return _data_paths_absolute(check_values(raw, lambda opt: f"--{opt.flag}"))


DATA_PATHS = ("data", "data_dir", "test_data")


def _data_paths_absolute(values: dict[str, Any], base: Path | None = None) -> dict[str, Any]:
    """`~` expanded in every path; the data paths made absolute (relative to `base`, else the
    working directory), so a saved model finds its data from any directory."""
    for dest, value in values.items():
        if not BY_DEST[dest].is_path:
            continue
        path = Path(value).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        if dest in DATA_PATHS:
            path = path.absolute()
        values[dest] = str(path)
    return values


def read_config_values(path: Path) -> dict[str, Any]:
    """The checked values of a TOML file; relative paths in it are relative to the file."""
    from tui_nn.files import ConfigError, read_toml

    table = read_toml(path)
    raw = {}
    unknown = []
    spelled: dict[str, str] = {}
    for key, value in table.items():
        dest = key.replace("-", "_")
        if dest not in BY_DEST:
            unknown.append(key)
            continue
        if dest in spelled:
            raise ConfigError(
                f"--config: {path}: keys {spelled[dest]!r} and {key!r} are the same option; "
                "give it once"
            )
        spelled[dest] = key
        raw[dest] = value
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        allowed = ", ".join(opt.flag for opt in OPTIONS)
        raise ConfigError(f"--config: {path}: unknown key(s) {names}; allowed keys: {allowed}")
    try:
        values = check_values(raw, lambda opt: f"--config: {path}: key {opt.flag!r}")
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    return _data_paths_absolute(values, base=path.parent)


def gather_values(ns: argparse.Namespace) -> dict[str, Any]:
    """TOML values (if --config) overlaid with the command line's."""
    values: dict[str, Any] = {}
    if getattr(ns, "config", None):
        values.update(read_config_values(Path(ns.config)))
    values.update(values_from_args(ns))
    return values


# ---- per-dataset presets ------------------------------------------------------------------

_IMAGES = {  # 98.2-98.4 % on MNIST in 10 epochs on either BLAS kernel (README, Benchmarks)
    "hidden": (256, 128),
    "activation": "relu",
    "optimizer": "adam",
    "lr": 0.001,
    "batch_size": 64,
    "lr_schedule": "cosine",  # 0.001 down to 0 over the epoch budget
}
PRESETS: dict[str, dict[str, Any]] = {
    "digits": {
        "hidden": (32,),
        "activation": "relu",
        "optimizer": "adam",
        "lr": 0.003,
        "batch_size": 32,
    },
    "mnist": _IMAGES,
    "fashion-mnist": _IMAGES,
    "csv": {"hidden": (16,)},
}
"""Defaults that suit a dataset better than the toy-set defaults of RunConfig."""

TRAIN_EPOCHS = {"digits": 20, "mnist": 10, "fashion-mnist": 10}
"""Epochs `tui-nn train` runs when none is given (the app trains until paused)."""
DEFAULT_TRAIN_EPOCHS = 100


def default_epochs(config: RunConfig) -> int:
    return TRAIN_EPOCHS.get(config.dataset.name, DEFAULT_TRAIN_EPOCHS)


# ---- values -> RunConfig ------------------------------------------------------------------

HYPER_KEYS = ("lr", "batch_size", "optimizer", "momentum", "l1", "l2", "epochs", "early_stopping")
HYPER_KEYS += ("lr_schedule", "lr_step", "lr_gamma", "lr_min")
DATA_KEYS = ("samples", "noise", "test_fraction", "normalize", "target", "data_dir")


def config_from_values(values: dict[str, Any], base: RunConfig | None = None) -> RunConfig:
    """Apply checked option values to `base` (default: a fresh RunConfig with the preset of
    the chosen dataset). Raises UsageError for contradictory options."""
    values = dict(values)
    name = _dataset_choice(values, base)
    if base is None:
        base = RunConfig()
        values = {**PRESETS.get(name, {}), **values}
    dataset = base.dataset
    if name != dataset.name:  # another dataset: its own defaults, the same seed and folder
        dataset = DatasetSpec(name, seed=dataset.seed, data_dir=dataset.data_dir)
    if "data" in values:
        dataset = replace(dataset, path=values["data"])
    if name != "csv":
        dataset = replace(dataset, path=None, target=None)
    dataset = replace(dataset, **{k: values[k] for k in DATA_KEYS if k in values})
    if "seed" in values:
        dataset = replace(dataset, seed=values["seed"])
    if "test_data" in values:
        if name != "csv":
            raise UsageError("--test-data tests on a CSV file; it needs --data PATH.csv to train on")
        if values.get("test_fraction", 0) > 0:
            raise UsageError(
                "--test-data and --test-fraction both choose the test set; give one of them"
            )
        dataset = replace(dataset, test_path=values["test_data"], test_fraction=0.0)
    elif name != "csv":
        dataset = replace(dataset, test_path=None)
    hyper = replace(base.hyper, **{k: values[k] for k in HYPER_KEYS if k in values})
    if hyper.lr_min > hyper.lr:
        raise UsageError(f"--lr-min {hyper.lr_min:g} is above the learning rate {hyper.lr:g}")
    changes: dict[str, Any] = {"dataset": dataset, "hyper": hyper}
    for key in ("hidden", "activation", "init", "seed", "dtype"):
        if key in values:
            changes[key] = values[key]
    for key in ("output", "loss"):
        if key in values:
            changes[key] = None if values[key] == "auto" else values[key]
    return replace(base, **changes)


def _dataset_choice(values: dict[str, Any], base: RunConfig | None) -> str:
    name = values.get("dataset")
    if "data" in values:
        if name not in (None, "csv"):
            raise UsageError(
                f"--data reads a CSV file; it cannot be combined with --dataset {name}"
            )
        return "csv"
    if name is None:
        name = base.dataset.name if base is not None else RunConfig().dataset.name
    if name == "csv" and not (base is not None and base.dataset.path):
        raise UsageError("--dataset csv needs --data PATH.csv")
    return name
