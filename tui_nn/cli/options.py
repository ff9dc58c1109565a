"""The training options shared by `tui-nn`, `tui-nn train` and `tui-nn check`, and the TOML
file that may hold them.

Every option is one `Rule` (`tui_nn.config.RULES`, plus the files here): its flag, how a value
is checked, and where it goes in the RunConfig. The same checks read command-line strings
and TOML values (and the app's fields), so a bad value gives the same one-line message
everywhere. Precedence, lowest first:

    built-in defaults < the dataset's preset < the loaded model's config < TOML < command line
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui_nn.blas import THREADS
from tui_nn.config import CHECKPOINT, RULES, RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import SpecError
from tui_nn.files import ConfigError, read_toml
from tui_nn.rule import Rule, RuleError, names_text


class UsageError(ValueError):
    """A bad option value: the message is one line naming the option and the allowed values."""


# ---- the option table ---------------------------------------------------------------------

FILE_RULES = (
    Rule("save", "path", "save the trained model here (.npz)", "PATH.npz", "files", "none"),
    Rule("load", "path", "start from this model file (.npz)", "PATH.npz", "files", "none"),
    Rule("metrics", "path", "write one JSON line per epoch here", "PATH", "files", "none"),
    CHECKPOINT,
)
OPTIONS: tuple[Rule, ...] = (*RULES.values(), THREADS, *FILE_RULES)
"""Every training option of the commands: the run's rules (`tui_nn.config.RULES`), the BLAS
threads (`tui_nn.blas`: the machine's, not the run's, so never in a RunConfig or a model file)
and the files. A rule's name is its flag (`--batch-size`) and its TOML key."""
BY_DEST = {opt.dest: opt for opt in OPTIONS}
GROUP_TITLES = {
    "data": "data",
    "network": "network",
    "training": "training",
    "files": "files",
}


def checked(rule: Rule, value: object, where: str | None = None) -> object:
    """`rule.check(value)`, a refusal as a UsageError naming the option (`--lr: ...`)."""
    try:
        return rule.check(value)
    except RuleError as exc:
        raise UsageError(f"{where or '--' + rule.name}: {exc}") from None


def allowed_values(opt: Rule) -> str:
    return names_text(opt.allowed())


def add_options(
    parser: argparse.ArgumentParser,
    exclude: tuple[str, ...] = (),
    include: tuple[str, ...] | None = None,
    config: bool = True,
) -> None:
    """Add the training options (as text; `check_values` checks them) and `--config`."""
    groups = {}
    for opt in OPTIONS:
        if opt.name in exclude or (include is not None and opt.name not in include):
            continue
        if opt.group not in groups:
            groups[opt.group] = parser.add_argument_group(GROUP_TITLES[opt.group])
        extra = allowed_values(opt)
        help_text = f"{opt.help}; one of: {extra}" if extra else opt.help
        groups[opt.group].add_argument(
            f"--{opt.name}", dest=opt.dest, metavar=opt.metavar, default=None, help=help_text
        )
    if config:
        parser.add_argument(
            "--config",
            metavar="PATH.toml",
            default=None,
            help="read options from a TOML file (keys are option names; the command line wins)",
        )


def check_values(raw: dict[str, Any], where: Callable[[Rule], str]) -> dict[str, Any]:
    """Check every given value; `where(opt)` names it in messages ("--lr", "run.toml: lr").
    An empty value is refused (an unset shell variable, a stray `=`), except for the hidden
    sizes and a list of columns, where empty means none (no hidden layer, no column left out)."""
    for dest, value in raw.items():
        opt = BY_DEST[dest]
        if isinstance(value, str) and not value.strip() and opt.kind not in ("sizes", "columns"):
            raise UsageError(
                f"{where(opt)}: an empty value; give {opt.describe()} (or leave the option "
                "out for its default)"
            )
    return {
        dest: checked(BY_DEST[dest], value, where(BY_DEST[dest]))
        for dest, value in raw.items()
        if value is not None
    }


def threads_from_args(ns: argparse.Namespace) -> int | None:
    """The checked `--threads` of a command that takes no other training option (None: the
    default, `tui_nn.blas`)."""
    value = getattr(ns, THREADS.dest, None)
    return None if value is None else checked(THREADS, value)


def require_epoch_budget(values: dict[str, Any], command: str) -> None:
    """`--epochs inf` (no limit) is the app's: it trains until paused. A command that trains
    to the end refuses it rather than quietly using its default."""
    if "epochs" in values and values["epochs"] is None:
        raise UsageError(
            f"--epochs: no limit is for the app, which trains until paused; {command} needs a "
            "number of epochs, e.g. --epochs 500"
        )


def values_from_args(ns: argparse.Namespace) -> dict[str, Any]:
    raw = {dest: getattr(ns, dest, None) for dest in BY_DEST}
    return _data_paths_absolute(check_values(raw, lambda opt: f"--{opt.name}"))


DATA_PATHS = tuple(o.dest for o in OPTIONS if o.kind == "path" and o.target == "dataset")


def _data_paths_absolute(values: dict[str, Any], base: Path | None = None) -> dict[str, Any]:
    """`~` expanded in every path; the data paths made absolute (relative to `base`, else the
    working directory), so a saved model finds its data from any directory."""
    for dest, value in values.items():
        if BY_DEST[dest].kind != "path":
            continue
        path = Path(value).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        if dest in DATA_PATHS:
            path = path.absolute()
        values[dest] = str(path) + (os.sep if value.endswith(os.sep) else "")  # "out/": a folder
    return values


def read_config_values(path: Path) -> dict[str, Any]:
    """The checked values of a TOML file; relative paths in it are relative to the file."""
    try:
        table = read_toml(path)
    except ConfigError as exc:
        raise ConfigError(f"--config: {exc}") from None
    return table_values(table, f"--config: {path}", path.parent)


def table_values(table: dict[str, Any], where: str, base: Path) -> dict[str, Any]:
    """The checked values of a TOML table of option names (a --config file, a lesson's
    [config], `compare --set`); `where` starts every message; relative paths are relative to
    `base`."""
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
                f"{where}: keys {spelled[dest]!r} and {key!r} are the same option; "
                "give it once"
            )
        spelled[dest] = key
        raw[dest] = value
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        allowed = ", ".join(opt.name for opt in OPTIONS)
        raise ConfigError(f"{where}: unknown key(s) {names}; allowed keys: {allowed}")
    try:
        values = check_values(raw, lambda opt: f"{where}: key {opt.name!r}")
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    return _data_paths_absolute(values, base=base)


def load_run_config(path: str | os.PathLike[str], base: RunConfig | None = None) -> RunConfig:
    """A RunConfig from a TOML file with `tui-nn train` option names as keys
    (`hidden = [8, 8]`, `lr = 0.03`, `batch-size = "full"`, ...). Unknown keys and bad values
    raise ConfigError naming them. Keys not in the file keep the values of `base`."""
    return config_from_values(read_config_values(Path(path)), base=base)


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


TOY_SPEED = 30.0  # epochs/s: the decision boundary bends over a few seconds, as in a playground


def default_speed(config) -> float | None:  # noqa: ANN001 - a RunConfig
    """The app's starting pace: a watchable one for the generated toy sets (they would otherwise
    converge in a fraction of a second), as fast as possible for real data."""
    from tui_nn.data.toy import TOY_SETS

    return TOY_SPEED if config.dataset.name in TOY_SETS else None


def default_epochs(config: RunConfig) -> int:
    return TRAIN_EPOCHS.get(config.dataset.name, DEFAULT_TRAIN_EPOCHS)


# ---- values -> RunConfig ------------------------------------------------------------------

HYPER_KEYS = tuple(opt.dest for opt in OPTIONS if opt.target == "hyper")
DATA_KEYS = tuple(
    opt.dest
    for opt in OPTIONS
    if opt.target == "dataset" and opt.dest not in ("dataset", "data", "data_seed", "val_fraction")
)
AUTO_VAL_FRACTION = 0.2
"""The validation share `--val-fraction auto` holds out where something chooses by it (early
stopping, a sweep)."""
RUN_KEYS = tuple(opt.dest for opt in OPTIONS if opt.target == "run")
AUTO_KEYS = ("output", "loss")  # "auto" is None in a RunConfig: it follows the task


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
        _csv_only(values, name)
        dataset = replace(dataset, path=None, target=None)
    dataset = replace(dataset, **{k: values[k] for k in DATA_KEYS if k in values})
    if "data_seed" in values:
        dataset = replace(dataset, seed=values["data_seed"])
    if "test_data" in values:
        if name != "csv":
            raise UsageError("--test-data tests on a CSV file; it needs --data PATH.csv to train on")
        if values.get("test_fraction", 0) > 0:
            raise UsageError(
                "--test-data and --test-fraction both choose the test set; give one of them"
            )
        dataset = replace(dataset, test_data=values["test_data"], test_fraction=0.0)
    elif name != "csv":
        dataset = replace(dataset, test_data=None)
    hyper = replace(base.hyper, **{k: values[k] for k in HYPER_KEYS if k in values})
    dataset = replace(dataset, val_fraction=val_fraction(values, dataset, hyper))
    if hyper.lr_min > hyper.lr:
        raise UsageError(f"--lr-min {hyper.lr_min:g} is above the learning rate {hyper.lr:g}")
    changes: dict[str, Any] = {"dataset": dataset, "hyper": hyper}
    for key in RUN_KEYS:
        if key in values:
            auto = key in AUTO_KEYS and values[key] == "auto"
            changes[key] = None if auto else values[key]
    config = replace(base, **changes)
    try:
        config.activations()  # one per hidden layer, when there are several
    except SpecError as exc:
        raise UsageError(f"--activation: {exc}") from None
    return config


def val_fraction(values: dict[str, Any], dataset: DatasetSpec, hyper: Any) -> float:
    """The validation share: as given; 'auto' holds out AUTO_VAL_FRACTION where early stopping
    chooses by it, else none. Not given: auto when these values ask for early stopping and
    the base has no validation set, else the base's (a saved model keeps its split)."""
    if "val_fraction" in values:
        given = values["val_fraction"]
        if given is not None:
            return given
        return AUTO_VAL_FRACTION if hyper.early_stopping is not None else 0.0
    if values.get("early_stopping") is not None and not dataset.val_fraction:
        return AUTO_VAL_FRACTION
    return dataset.val_fraction


CSV_ONLY = {"target": None, "task": "auto"}
"""Options that only a CSV file reads, and their value that changes nothing (None: any value
is refused without --data)."""


def _csv_only(values: dict[str, Any], name: str) -> None:
    for key, harmless in CSV_ONLY.items():
        if key in values and (harmless is None or values[key] != harmless):
            raise UsageError(
                f"--{BY_DEST[key].name} is for a CSV file's columns; it needs --data PATH.csv "
                f"(the dataset is {name})"
            )


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
