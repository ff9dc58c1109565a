"""Pure NumPy neural-network engine. Imports nothing from the UI."""

from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError
from tui_nn.engine.types import EpochRecord, HyperParams, LayerStats, StepResult, TrainData

__all__ = [
    "EpochRecord",
    "HyperParams",
    "LayerSpec",
    "LayerStats",
    "NetworkSpec",
    "SpecError",
    "StepResult",
    "TrainData",
]
