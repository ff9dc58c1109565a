"""A run's configuration: everything `tui-nn train` and the app need to start training.

The CLI builds it from options and a TOML file; the session sends it to the trainer process,
which loads the data and derives the network spec (input and output sizes follow the data).
This is the layer where the data and the engine meet: neither imports the other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from tui_nn.data.rules import RULES as DATA_RULES
from tui_nn.data.spec import Dataset, DatasetSpec
from tui_nn.engine.network import check_task_head
from tui_nn.engine.rules import LOSS_NEEDS, UNITS
from tui_nn.engine.rules import RULES as ENGINE_RULES
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.types import HyperParams, TrainData
from tui_nn.rule import Rule, RuleError

RULES: dict[str, Rule] = {**DATA_RULES, **ENGINE_RULES}
"""Every option of a run, by `dest`: the one table the CLI, the TOML files and the app read
(data, then network and training; see `tui_nn.rule`)."""

MAX_FPS = 60  # no terminal shows more; more would only slow the trainer down
SPEED = Rule(
    "speed",
    "number",
    "start with training limited to EPS epochs per second, or 'max'",
    "EPS",
    "app",
    "none",
    lo=0,
    lo_open=True,
    optional=True,
    none_words=("max",),
)
FPS = Rule(
    "fps", "number", "snapshots per second from the trainer", "N", "app", "none", lo=0, lo_open=True,
    hi=MAX_FPS,
)
CHECKPOINT = Rule(
    "checkpoint-every",
    "number",
    "save the run (--save; the app's run file) at least every SECONDS of training, so a hard "
    "kill loses no more ('off': only at the end; default 30)",
    "SECONDS",
    "files",
    "run",
    lo=1,
    hi=86400,
    optional=True,
    none_words=("off", "never", "none"),
)
DEFAULT_CHECKPOINT = 30.0
__all__ = [
    "CHECKPOINT",
    "FPS",
    "LOSS_NEEDS",
    "RULES",
    "SPEED",
    "UNITS",
    "RunConfig",
    "check_fps",
    "check_speed",
    "train_data",
]


def check_fps(value: float | str) -> float:
    """Screen updates per second: a number > 0 (the app and `tui-nn --fps` check it here)."""
    try:
        return FPS.check(value)
    except RuleError:
        raise RuleError(f"fps must be {FPS.describe()}, got {value}") from None


def check_speed(value: float | str | None) -> float | None:
    """A training speed limit in epochs per second (None or 'max': as fast as possible).
    The app, `tui-nn --speed` and the trainer all check it here."""
    try:
        return SPEED.check(value)
    except RuleError:
        raise RuleError(
            f"speed must be a positive number of epochs per second, got {value}"
        ) from None


@dataclass(frozen=True)
class RunConfig:
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    hidden: tuple[int, ...] = (8, 8)
    activation: str | tuple[str, ...] = "tanh"  # one for every hidden layer, or one per layer
    output: str | None = None  # None = follows the task (sigmoid / softmax / identity)
    loss: str | None = None  # None = follows the task (bce / cce / mse)
    init: str = "auto"
    seed: int = 0
    dtype: str = "float32"
    hyper: HyperParams = field(default_factory=HyperParams)
    checkpoint_every: float | None = DEFAULT_CHECKPOINT  # seconds of training between saves

    @property
    def activation_names(self) -> tuple[str, ...]:
        """`activation` as a tuple of names (one name: a tuple of one)."""
        return (self.activation,) if isinstance(self.activation, str) else tuple(self.activation)

    def activations(self, layers: int | None = None) -> tuple[str, ...]:
        """The activation of each hidden layer (of `layers` of them; default: `hidden`'s)."""
        n = len(self.hidden) if layers is None else layers
        if isinstance(self.activation, str):
            return (self.activation,) * n
        if len(self.activation) != n:
            names = ",".join(self.activation)
            raise SpecError(
                f"{names} names {len(self.activation)} activations for {n} hidden "
                f"layer{'s' if n != 1 else ''}: give one for all, or one per layer"
            )
        return tuple(self.activation)

    def network_spec(self, data: Dataset) -> NetworkSpec:
        """The network for this configuration on this data: sizes follow the data (the
        inverse is `with_network`)."""
        out_act, loss = data.default_head()
        check_task_head(data.task, self.loss or loss, self.output or out_act, target_of(data))
        return NetworkSpec(
            n_inputs=data.n_inputs,
            hidden=tuple(LayerSpec(u, a) for u, a in zip(self.hidden, self.activations())),
            output=LayerSpec(data.n_outputs, self.output or out_act),
            loss=self.loss or loss,
            init=self.init,
            seed=self.seed,
            dtype=self.dtype,
        ).validate()

    def with_network(
        self,
        spec: NetworkSpec,
        dataset: DatasetSpec | None = None,
        hyper: HyperParams | None = None,
    ) -> RunConfig:
        """This configuration with the network `spec` (the inverse of `network_spec`): its
        hidden sizes and their activations (one name when all are the same), output, loss,
        initialiser, seed and dtype; and the data and settings, when given. Every path that
        turns a running network back into a configuration (save, fork, the app's A/B runs)
        goes through here, so no layer's activation is lost."""
        names = tuple(layer.activation for layer in spec.hidden) or self.activation_names[:1]
        names = names or ("tanh",)
        activation = names[0] if len(set(names)) == 1 else names
        return replace(
            self,
            dataset=self.dataset if dataset is None else dataset,
            hidden=tuple(layer.units for layer in spec.hidden),
            activation=activation,
            output=spec.output.activation,
            loss=spec.loss,
            init=spec.init,
            seed=spec.seed,
            dtype=spec.dtype,
            hyper=self.hyper if hyper is None else hyper,
        )

    def with_dataset(self, **changes: Any) -> RunConfig:
        return replace(self, dataset=replace(self.dataset, **changes))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        if not isinstance(self.activation, str):
            d["activation"] = list(self.activation)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunConfig:
        d = dict(d)
        if "dataset" in d:
            d["dataset"] = DatasetSpec.from_dict(d["dataset"])
        if "hyper" in d:
            d["hyper"] = HyperParams.from_dict(d["hyper"])
        if "hidden" in d:
            d["hidden"] = tuple(int(u) for u in d["hidden"])
        if isinstance(d.get("activation"), list | tuple):
            d["activation"] = tuple(str(a) for a in d["activation"])
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


# ---- a configuration read from a file (a model file's `run` entry) ---------------------------

_DATASET_RULES = {"name": "dataset", "path": "data", "seed": "data_seed"}  # field -> its rule
_AUTO = ("output", "loss")  # "auto" is None in a RunConfig: it follows the task


def checked_run_config(d: Any) -> RunConfig:
    """A RunConfig from a dict read from a file, every field checked by its option's rule and
    of its JSON type (a number, a whole number, text, a list of sizes, or null where null is
    the default). RuleError names the field: `hyper.lr: -1 is out of range (...)`. Keys this
    version does not know are left out."""
    table = _table(d, "run")
    values: dict[str, Any] = {}
    defaults = RunConfig()
    for key, value in table.items():
        if key == "dataset":
            values[key] = DatasetSpec(**_checked_fields(_table(value, key), DatasetSpec(), key))
        elif key == "hyper":
            values[key] = HyperParams(**_checked_fields(_table(value, key), HyperParams(), key))
        elif key in RunConfig.__dataclass_fields__:
            values.update(_checked_fields({key: value}, defaults, ""))
    for key in _AUTO:
        if values.get(key) == "auto":
            values[key] = None
    config = RunConfig(**values)
    try:
        config.activations()  # one for all hidden layers, or one per layer
    except SpecError as exc:
        raise RuleError(f"activation: {exc}") from None
    if config.hyper.lr_min > config.hyper.lr:
        raise RuleError(
            f"hyper.lr_min: {config.hyper.lr_min:g} is above the learning rate {config.hyper.lr:g}"
        )
    return config


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(f"{where}: expected a table of settings, got {value!r}")
    return value


def _checked_fields(table: dict[str, Any], defaults: Any, where: str) -> dict[str, Any]:
    out = {}
    for key, value in table.items():
        if key not in defaults.__dataclass_fields__:
            continue
        name = f"{where}.{key}" if where else key
        rule = _file_rule(key, defaults)
        if value is None and (getattr(defaults, key) is None or (rule and rule.optional)):
            out[key] = None
            continue
        if rule is None:  # a field without an option (none today): its type must match
            out[key] = value
            continue
        try:
            out[key] = rule.check(_json_typed(rule, value))
        except RuleError as exc:
            raise RuleError(f"{name}: {exc}") from None
        if isinstance(getattr(defaults, key), tuple) or isinstance(out[key], list):
            out[key] = tuple(out[key])
    return out


def _file_rule(key: str, defaults: Any) -> Rule | None:
    if isinstance(defaults, DatasetSpec):
        key = _DATASET_RULES.get(key, key)
    if key == "checkpoint_every":
        return CHECKPOINT
    return RULES.get(key)


def _json_typed(rule: Rule, value: Any) -> Any:
    """The value if its JSON type suits the rule (a file stores numbers as numbers)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if rule.per_layer and isinstance(value, list):  # one name per hidden layer
        ok = bool(value) and all(isinstance(v, str) for v in value)
        if not ok:
            raise RuleError(f"{value!r} is not {rule.describe()}")
        return value
    ok = {
        "number": number,
        "whole": number and float(value).is_integer(),
        "sizes": isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ),
        "names": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "columns": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }.get(rule.kind, isinstance(value, str))
    if not ok:
        raise RuleError(f"{value!r} is not {rule.describe()}")
    return int(value) if rule.kind == "whole" else value


def target_of(data: Dataset) -> str:
    """The target as messages name it: `column 'price' of houses.csv`, `quadratic's target`."""
    if data.target_name is not None:
        return f"column {data.target_name!r} of {data.name}"
    return f"{data.name}'s target"


def train_data(dataset: Dataset) -> TrainData:
    """The arrays of a loaded dataset, as the engine's Trainer takes them (no copies)."""
    return TrainData(
        X_train=dataset.X_train,
        y_train=dataset.y_train,
        X_test=dataset.X_test,
        y_test=dataset.y_test,
        X_val=dataset.X_val,
        y_val=dataset.y_val,
        input_scale=dataset.input_scale,
        task=dataset.task,
        target_scale=None  # regression targets standardised by the data layer (a CSV's)
        if dataset.target_normalization is None
        else np.asarray(dataset.target_normalization["scale"], dtype=np.float64),
    )


# ---- what differs between two configurations (A/B comparisons: "B: lr 0.3") -------------

# RunConfig field paths -> the option name people know
_DIFF_NAMES = {
    "dataset.name": "dataset",
    "dataset.path": "data",
    "dataset.data_dir": "data-dir",
    "dataset.test_fraction": "test-fraction",
    "dataset.seed": "data-seed",
    "dataset.val_fraction": "val-fraction",
    "hyper.batch_size": "batch-size",
    "hyper.early_stopping": "early-stopping",
}


def _flat_fields(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in d.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat_fields(value, f"{path}."))
        else:
            out[path] = value
    return out


def _shown_value(value: Any) -> str:
    if value is None:
        return "auto"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def config_differences(a: RunConfig, b: RunConfig, skip: tuple[str, ...] = ()) -> list[str]:
    """`name value-of-b` for every setting where `b` differs from `a` (the seed once)."""
    fa, fb = _flat_fields(a.to_dict()), _flat_fields(b.to_dict())
    out: list[str] = []
    for path in fa.keys() | fb.keys():
        if fa.get(path) == fb.get(path):
            continue
        name = _DIFF_NAMES.get(path, path.rsplit(".", 1)[-1].replace("_", "-"))
        if name in skip:
            continue
        item = f"{name} {_shown_value(fb.get(path))}"
        if item not in out:
            out.append(item)
    order = list(_flat_fields(RunConfig().to_dict()))
    rank = {(_DIFF_NAMES.get(p, p.rsplit(".", 1)[-1].replace("_", "-"))): i for i, p in enumerate(order)}
    return sorted(out, key=lambda item: rank.get(item.split(" ", 1)[0], len(rank)))
