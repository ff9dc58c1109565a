"""What a dataset request looks like and what loading one gives back."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tui_nn.kinds import Task

if TYPE_CHECKING:
    from tui_nn.data.plane import Plane

NORMALIZATIONS = ("standard", "minmax", "none")


class DataError(ValueError):
    """Bad data or a bad dataset request; the message is one line naming file, line and column."""


TARGET_KINDS = ("auto", "classification", "regression")


@dataclass(frozen=True)
class DatasetSpec:
    """A request for data. `name` is a registered dataset ("circle", "digits", "mnist", ...)
    or "csv" with `path` set. `samples` and `noise` apply to generated sets only (None = the
    dataset's default). `normalize` None = the dataset's default ("standard" for CSV). `seed`
    is the data seed (generation, the splits); the weights have their own (RunConfig.seed)."""

    name: str = "circle"
    samples: int | None = None
    noise: float | None = None
    test_fraction: float = 0.5
    seed: int = 0
    path: str | None = None
    target: str | None = None  # CSV target column, by name or index as text; None = last
    normalize: str | None = None
    data_dir: str | None = None  # where MNIST-style IDX files are
    test_data: str | None = None  # CSV only: test on this file (same columns), train on all
    task: str = "auto"  # CSV only: how the target is read (TARGET_KINDS)
    val_fraction: float = 0.0  # share of the training part held out for validation (choosing)
    classes: int | None = None  # generated sets that have k classes (None = the set's default)
    features: tuple[str, ...] | None = None  # 2-D data: the inputs computed from x1, x2
    # (canonical names, see data/features.py); None = x1 and x2 themselves
    plane: tuple[str, str] | None = None  # a CSV: the columns (names or indices) of the plane
    edits: tuple[tuple, ...] = ()  # your own points, replayed in order (data/points.py)
    # CSV only: how the file is written (tui_nn.data.csvdialect) and the columns left out
    header: str = "auto"  # auto | yes | no
    encoding: str = "utf-8"  # utf-8 | cp1252 | latin-1
    thousands: str | None = None  # "," (1,065.00) or "." (1.065,00)
    ignore: tuple[str, ...] = ()  # column names or indices

    def __post_init__(self) -> None:
        object.__setattr__(self, "edits", tuple(tuple(e) for e in self.edits or ()))
        if self.plane is not None:
            object.__setattr__(self, "plane", tuple(str(c) for c in self.plane))
        if self.features is not None:
            features = tuple(self.features)
            object.__setattr__(self, "features", None if features == ("x1", "x2") else features)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ignore"] = list(self.ignore)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DatasetSpec:
        d = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        if isinstance(d.get("ignore"), list):
            d["ignore"] = tuple(str(item) for item in d["ignore"])
        return cls(**d)


@dataclass(frozen=True)
class Dataset:
    """A loaded, split dataset ready to train on (`tui_nn.config.train_data` hands its arrays
    to the engine's Trainer)."""

    name: str
    task: Task
    X_train: np.ndarray  # float32 (n, d) (float64 from a CSV), or uint8 images (n, 784) with
    #                      input_scale = 1/255
    y_train: np.ndarray  # int64 (n,) class indices, or float (n, k) regression targets
    X_test: np.ndarray
    y_test: np.ndarray
    n_inputs: int
    n_classes: int | None  # classification only
    class_names: tuple[str, ...] | None = None
    feature_names: tuple[str, ...] | None = None
    input_scale: float = 1.0
    normalization: dict[str, Any] | None = None  # {"kind": ..., "shift": [...], "scale": [...]}
    spec: DatasetSpec | None = None
    target_normalization: dict[str, Any] | None = None  # regression: y_std = (y - shift) / scale
    target_name: str | None = None  # a CSV's target column, for messages
    X_val: np.ndarray | None = None  # the validation set: carved from the training part
    y_val: np.ndarray | None = None  # (spec.val_fraction, drawn by the data seed); None: none
    features: tuple[str, ...] | None = None  # feature inputs: X holds these, computed from the
    # two columns `feature_names` names (after their normalisation); see data/features.py
    plane: Plane | None = None  # the picture's plane (2-D data, or two columns of a CSV)

    @property
    def n_val(self) -> int:
        return 0 if self.y_val is None else len(self.y_val)
    notes: tuple[str, ...] = ()  # warnings that do not stop training (a CSV of 2 rows, say)

    @property
    def n_outputs(self) -> int:
        """Output units by default: 1 for binary classification (sigmoid), k for k > 2 classes
        (softmax), the target width for regression."""
        if self.task == "classification":
            assert self.n_classes is not None
            return 1 if self.n_classes == 2 else self.n_classes
        return int(self.y_train.shape[1]) if self.y_train.ndim == 2 else 1

    @property
    def is_2d(self) -> bool:
        """Is there a plane to draw (a decision boundary, neuron maps)?"""
        return self.plane is not None

    def default_head(self) -> tuple[str, str]:
        """(output activation, loss) that fit the task."""
        if self.task == "regression":
            return "identity", "mse"
        return ("sigmoid", "bce") if self.n_outputs == 1 else ("softmax", "cce")


@dataclass(frozen=True)
class DatasetInfo:
    """One row of `tui-nn datasets`."""

    name: str
    kind: str  # "toy 2-D", "real (shipped)", "real (download)", "csv"
    task: str
    n_inputs: int
    n_outputs: int
    samples: int  # default total samples
    location: str  # path on disk, "generated", or "not fetched: tui-nn datasets fetch NAME"
    description: str = ""
