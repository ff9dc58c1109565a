"""The names the user can pick in the editor: activations, losses, optimizers, datasets.

They come from the engine's and the data package's registries, so a new activation or dataset
appears in the app without touching it. (Reading a registry's keys is not touching engine
objects: the app still only sends specs.)
"""

from __future__ import annotations

from tui_nn.engine.types import OPTIMIZERS


def _activation_names() -> tuple[str, ...]:
    try:
        from tui_nn.engine.activations import ACTIVATIONS, ALIASES
    except ImportError:  # the engine is not there: the names the issue lists
        return ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus")
    return tuple(name for name in ACTIVATIONS if name not in ALIASES)  # no name twice


def _loss_names() -> tuple[str, ...]:
    try:
        from tui_nn.engine.losses import LOSSES
    except ImportError:
        return ("mse", "bce", "cce")
    return tuple(LOSSES)


def _dataset_names() -> tuple[str, ...]:
    try:
        from tui_nn.data import DATASET_NAMES
    except ImportError:
        return ("circle", "xor", "gauss", "spiral", "moons", "plane", "quadratic", "digits")
    return tuple(name for name in DATASET_NAMES if name != "csv")


ALL_ACTIVATIONS = _activation_names()
HIDDEN_ACTIVATIONS = tuple(name for name in ALL_ACTIVATIONS if name != "softmax")
OUTPUT_ACTIVATIONS = (
    tuple(name for name in ("sigmoid", "softmax", "identity", "tanh") if name in ALL_ACTIVATIONS)
    or ALL_ACTIVATIONS
)
LOSSES = _loss_names()
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
