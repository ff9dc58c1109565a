"""The controls a lesson may lock or hide, by the names of `tui-nn train`'s options.

`control_values` reads what each control is set to from the three things the app edits (the
data request, the network and the training settings); `changed_controls` compares two such
readings, so a lesson can refuse an edit that touches a locked control, whichever panel or
key it came from.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import NetworkSpec
from tui_nn.engine.types import HyperParams

DATA_CONTROLS = ("dataset", "samples", "noise", "test_fraction", "data_seed", "classes", "features")
NETWORK_CONTROLS = ("hidden", "activation", "output", "loss", "init", "seed")
HYPER_CONTROLS = (
    "optimizer",
    "lr",
    "momentum",
    "batch_size",
    "l1",
    "l2",
    "epochs",
    "early_stopping",
)
CONTROLS = DATA_CONTROLS + NETWORK_CONTROLS + HYPER_CONTROLS
"""Every control, as the option names of `tui-nn train` with `_` for `-`."""


def control_name(text: str) -> str:
    """`batch-size` and `batch_size` are the same control."""
    return text.strip().replace("-", "_")


def shown_name(control: str) -> str:
    return control.replace("_", "-")


def control_values(
    dataset: DatasetSpec | None, network: NetworkSpec | None, hyper: HyperParams | None
) -> dict[str, object]:
    """What each control is set to; the controls of a missing part are absent."""
    values: dict[str, object] = {}
    if dataset is not None:
        values.update(
            dataset=dataset.path if dataset.name == "csv" else dataset.name,
            samples=dataset.samples,
            noise=dataset.noise,
            test_fraction=dataset.test_fraction,
            data_seed=dataset.seed,
            classes=dataset.classes,
            features=dataset.features,
        )
    if network is not None:
        values.update(
            hidden=tuple(layer.units for layer in network.hidden),
            activation=tuple(layer.activation for layer in network.hidden),
            output=network.output.activation,
            loss=network.loss,
            init=network.init,
            seed=network.seed,  # the weights' seed (R: new weights); data_seed is the data's
        )
    if hyper is not None:
        values.update({name: getattr(hyper, name) for name in HYPER_CONTROLS})
    return values


def changed_controls(
    before: dict[str, object], after: dict[str, object], among: Iterable[str]
) -> list[str]:
    """The controls of `among` whose value differs between two readings (both present)."""
    return [
        name for name in among if name in before and name in after and before[name] != after[name]
    ]
