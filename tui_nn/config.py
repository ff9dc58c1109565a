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
    "fps", "number", "snapshots per second from the trainer", "N", "app", "none", lo=0, lo_open=True
)
__all__ = [
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
                f"{names} names {len(self.activation)} activations for {n} hidden layers: "
                "give one for all, or one per layer"
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
    "dataset.seed": "seed",
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
