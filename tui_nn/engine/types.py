"""Plain data passed between the engine and its drivers (session, CLI). No behaviour here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tui_nn.kinds import Task


@dataclass(frozen=True)
class HyperParams:
    """Training settings that may change between steps without losing optimizer state.

    batch_size None means "full batch" (the whole training set per step).
    epochs None means no budget (train until paused).
    early_stopping: stop after this many epochs without a better validation loss (the
        training loss without a validation set; never the test loss), and keep the weights of
        the best epoch (None = off).
    """

    lr: float = 0.03
    batch_size: int | None = 10
    optimizer: str = "sgd"
    momentum: float = 0.9
    l1: float = 0.0
    l2: float = 0.0
    epochs: int | None = None
    early_stopping: int | None = None
    lr_schedule: str = "constant"  # a name in tui_nn.engine.schedules.SCHEDULES
    lr_step: int = 10  # step: epochs between decays; cosine: period without an epoch budget
    lr_gamma: float = 0.1  # step: the factor at each decay
    lr_min: float = 0.0  # cosine: the rate at the end

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HyperParams:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)


@dataclass(frozen=True)
class TrainData:
    """Arrays the trainer trains and evaluates on.

    X arrays are (n, n_inputs), float32/float64, or uint8 images: each batch is converted to
    the network dtype and multiplied by `input_scale` (1/255 for images) as it is used, so
    images stay uint8 in memory. y is int64 class indices (n,) for classification, or float
    targets (n, n_outputs) for regression. The validation set (X_val, y_val; None or empty:
    none) is evaluated after every epoch and chooses (early stopping watches its loss); the
    test set is only ever evaluated, and only reported.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    input_scale: float = 1.0
    task: Task = "classification"
    target_scale: np.ndarray | None = None  # regression: y was divided by this, per output;
    # the reported losses (mse) are then in the original units: mean((a - y)^2 * scale^2)
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


@dataclass(frozen=True)
class EpochRecord:
    """One line of history: measured after each completed epoch. The validation metrics
    (None without a validation set) come last, so records written before they existed read
    the same."""

    epoch: int
    step: int
    samples: int
    train_loss: float
    test_loss: float | None
    train_acc: float | None
    test_acc: float | None
    seconds: float
    lr: float
    val_loss: float | None = None
    val_acc: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LayerStats:
    """Per-neuron statistics of one layer for the last training step (arrays of shape (units,))."""

    mean_abs_delta: np.ndarray  # mean over the batch of |dL/dz|: the error blamed on the neuron
    mean_activation: np.ndarray
    dead_fraction: np.ndarray  # relu family: share of samples with z <= 0
    saturated_fraction: np.ndarray  # sigmoid/tanh: share of samples with |a| near the bounds
    grad_norm: float  # ||dW||_F
    weight_norm: float  # ||W||_F
    activation: str


@dataclass(frozen=True)
class StepResult:
    """What one call of Trainer.step() did."""

    step: int
    epoch: int  # completed epochs after this step
    batch_loss: float
    record: EpochRecord | None = None  # set when this step completed an epoch
    diverged: str | None = None  # reason, when the step produced non-finite values
