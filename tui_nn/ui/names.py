"""The names the user can pick in the editor: activations, losses, optimizers, datasets.

The UI does not import engine internals (DESIGN.md), so the activations and losses it offers
are listed here; a test checks each one against the engine's registries. Datasets come from
the data package's public list, optimizers from the engine's public types.
"""

from __future__ import annotations

from tui_nn.engine.types import OPTIMIZERS

ALL_ACTIVATIONS = (
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "gelu",
    "softplus",
    "swish",
    "softmax",
)
LOSSES = ("mse", "bce", "cce")
SCHEDULE_NAMES = ("constant", "step", "cosine")  # tui_nn.engine.schedules


def _dataset_names() -> tuple[str, ...]:
    from tui_nn.data import DATASET_NAMES

    return tuple(name for name in DATASET_NAMES if name != "csv")


HIDDEN_ACTIVATIONS = tuple(name for name in ALL_ACTIVATIONS if name != "softmax")
OUTPUT_ACTIVATIONS = (
    tuple(name for name in ("sigmoid", "softmax", "identity", "tanh") if name in ALL_ACTIVATIONS)
    or ALL_ACTIVATIONS
)
OPTIMIZER_NAMES = tuple(OPTIMIZERS)
DATASETS = _dataset_names()


# Which output layer a loss needs (the engine refuses other pairs); mse takes any output.
LOSS_NEEDS = {"bce": "sigmoid", "cce": "softmax"}
LOSS_FOR = {"sigmoid": "bce", "softmax": "cce"}


def output_choices(units: int) -> tuple[str, ...]:
    """Output activations that make sense for `units` outputs (softmax of one unit is 1)."""
    return tuple(a for a in OUTPUT_ACTIVATIONS if units > 1 or a != "softmax")


def loss_choices(units: int) -> tuple[str, ...]:
    return tuple(
        loss
        for loss in LOSSES
        if LOSS_NEEDS.get(loss) in output_choices(units) or loss not in LOSS_NEEDS
    )


def fitting_loss(activation: str, loss: str) -> str:
    """`loss` if it works with this output activation, else one that does."""
    needs = LOSS_NEEDS.get(loss)
    if needs is None or needs == activation:
        return loss
    return LOSS_FOR.get(activation, "mse")


def cycle(names: tuple[str, ...], current: str, step: int = 1) -> str:
    """The name after `current` (before it if step is -1), wrapping around."""
    if current not in names:
        return names[0]
    return names[(names.index(current) + step) % len(names)]


def has_official_split(dataset: str) -> bool:
    """MNIST-style sets keep their published train/test split (the test fraction is unused)."""
    from tui_nn.data.images import IMAGE_SETS
    from tui_nn.data.registry import canonical_name

    return canonical_name(dataset) in IMAGE_SETS
