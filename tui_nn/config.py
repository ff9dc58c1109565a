"""A run's configuration: everything `tui-nn train` and the app need to start training.

The CLI builds it from options and a TOML file; the session sends it to the trainer process,
which loads the data and derives the network spec (input and output sizes follow the data).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from tui_nn.data.spec import Dataset, DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.types import HyperParams

# ---- limits shared by the command line and the app's fields (one rule, two front ends) ----
# (the engine accepts more; past these a run saturates or the data is noise)
LIMITS: dict[str, tuple[float, float]] = {
    "lr": (1e-7, 10.0),  # above ~10 a sigmoid/tanh net saturates at once and stops learning
    "noise": (0.0, 10.0),  # a generated set's points are within about ±6: more is pure noise
    "test_fraction": (0.0, 0.95),  # 0 = train on everything (no test metrics)
}


@dataclass(frozen=True)
class RunConfig:
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    output: str | None = None  # None = follows the task (sigmoid / softmax / identity)
    loss: str | None = None  # None = follows the task (bce / cce / mse)
    init: str = "auto"
    seed: int = 0
    dtype: str = "float32"
    hyper: HyperParams = field(default_factory=HyperParams)

    def network_spec(self, data: Dataset) -> NetworkSpec:
        """The network for this configuration on this data: sizes follow the data."""
        out_act, loss = data.default_head()
        return NetworkSpec(
            n_inputs=data.n_inputs,
            hidden=tuple(LayerSpec(units, self.activation) for units in self.hidden),
            output=LayerSpec(data.n_outputs, self.output or out_act),
            loss=self.loss or loss,
            init=self.init,
            seed=self.seed,
            dtype=self.dtype,
        ).validate()

    def with_dataset(self, **changes: Any) -> RunConfig:
        return replace(self, dataset=replace(self.dataset, **changes))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
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
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
