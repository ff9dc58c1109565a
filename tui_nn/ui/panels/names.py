"""The names the user can pick in the editor: activations, losses, optimizers, datasets.

All of them come from the rules of the options (`tui_nn.config.RULES`), which read the
engine's registries and the data catalogue, so the editor offers exactly what the engine
and the CLI accept. What is chosen here is only the order and, for the output layer, which
activations are worth offering.
"""

from __future__ import annotations

from tui_nn.config import LOSS_NEEDS, RULES
from tui_nn.data.catalog import has_official_split

__all__ = ["LOSS_NEEDS", "has_official_split"]

ALL_ACTIVATIONS = tuple(name for name in RULES["output"].allowed() if name != "auto")
HIDDEN_ACTIVATIONS = RULES["activation"].allowed()
LOSSES = tuple(name for name in RULES["loss"].allowed() if name != "auto")
OUTPUT_ACTIVATIONS = (
    tuple(name for name in ("sigmoid", "softmax", "identity", "tanh") if name in ALL_ACTIVATIONS)
    or ALL_ACTIVATIONS
)
INITIALIZERS = RULES["init"].allowed()  # "auto" last: He for ReLU-like, else Xavier
OPTIMIZER_NAMES = RULES["optimizer"].allowed()
SCHEDULE_NAMES = RULES["lr_schedule"].allowed()
DATASETS = tuple(name for name in RULES["dataset"].allowed() if name != "csv")

# The loss that fits an output activation (the engine refuses other pairs).
LOSS_FOR = {activation: loss for loss, activation in LOSS_NEEDS.items()}


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
