"""Pure NumPy neural-network engine. Imports nothing from the UI.

net = Network.from_spec(NetworkSpec(2, (LayerSpec(8, "tanh"),), LayerSpec(1, "sigmoid")))
trainer = Trainer(net, TrainData(X, y, X_test, y_test), HyperParams(lr=0.1))
for result in trainer.run(max_steps=1000): ...

The gradient check is `tui_nn.engine.gradient_check.gradient_check` (the module is not
shadowed here by the function of the same name, so it can be patched and imported by path).
"""

from tui_nn.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from tui_nn.engine.initializers import INITIALIZERS
from tui_nn.engine.losses import LOSSES, encode_targets
from tui_nn.engine.metrics import accuracy
from tui_nn.engine.network import Dense, Network, validate_spec
from tui_nn.engine.optimizers import OPTIMIZERS
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.types import EpochRecord, HyperParams, LayerStats, StepResult, TrainData

# The training loop is imported when it is first used: a process that only describes networks
# (the app, which trains in its trainer process) does not pay for it.
_LAZY = {"Trainer": "tui_nn.engine.trainer", "check_hyper": "tui_nn.engine.trainer"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tui_nn.engine' has no attribute {name!r}")

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "Dense",
    "EpochRecord",
    "HyperParams",
    "LayerSpec",
    "LayerStats",
    "Network",
    "NetworkSpec",
    "SpecError",
    "StepResult",
    "TrainData",
    "Trainer",
    "accuracy",
    "check_hyper",
    "encode_targets",
    "validate_spec",
]
