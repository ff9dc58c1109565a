"""The training set as the trainer sees it: checked, targets encoded once, batches gathered
into preallocated arrays.

Images stay uint8 in memory: each batch is gathered (`np.take` into a reusable uint8 array) and
then converted to the network dtype and scaled by `input_scale` into a reusable float array.
Floats of another precision (a CSV's float64 rows for a float32 network) are converted once.
"""

from __future__ import annotations

import numpy as np

from tui_nn.engine.losses import encode_targets
from tui_nn.engine.network import Network, check_task_head
from tui_nn.engine.spec import SpecError
from tui_nn.engine.types import TrainData

Array = np.ndarray


def check_data(data: TrainData, n_inputs: int) -> None:
    """One-line SpecError when the arrays do not fit each other or the network's inputs."""
    if data.task not in ("classification", "regression"):
        raise SpecError(f"task must be classification or regression, got {data.task!r}")
    for split in ("train", "val", "test"):
        if getattr(data, f"X_{split}") is None:  # no validation set
            continue
        X = np.asarray(getattr(data, f"X_{split}"))
        y = np.asarray(getattr(data, f"y_{split}"))
        if X.ndim != 2 or X.shape[1] != n_inputs:
            raise SpecError(
                f"X_{split} must have shape (n, {n_inputs}) for a network with {n_inputs} "
                f"inputs, got {X.shape}"
            )
        if y.shape[:1] != X.shape[:1]:
            raise SpecError(f"y_{split} has {y.shape[:1]} rows but X_{split} has {X.shape[0]}")
    if len(data.X_train) == 0:
        raise SpecError("the training set is empty")


class Batches:
    """Targets of one data set encoded for one network, and reusable batch arrays."""

    def __init__(self, data: TrainData, net: Network) -> None:
        check_data(data, net.n_inputs)
        check_task_head(data.task, net.spec.loss, net.spec.output.activation)
        self.data = data
        self.classification = data.task == "classification"
        self.dtype = net.dtype
        self.scale = float(data.input_scale)
        self.X = np.asarray(data.X_train)
        if self.X.dtype.kind == "f" and self.X.dtype != self.dtype and self.scale == 1.0:
            self.X = self.X.astype(self.dtype)  # a CSV's float64 rows, for a float32 network:
            #                                     converted once, not batch by batch
        self.y = np.asarray(data.y_train)
        self.Y = self.encode(self.y, net)
        self.X_test = np.asarray(data.X_test)
        self.y_test = np.asarray(data.y_test)
        self.Y_test = self.encode(self.y_test, net) if len(self.y_test) else self.y_test
        self.X_val, self.y_val, self.Y_val = self.X_test[:0], self.y_test[:0], self.Y_test[:0]
        if data.X_val is not None and data.y_val is not None and len(data.y_val):
            self.X_val = np.asarray(data.X_val)
            self.y_val = np.asarray(data.y_val)
            self.Y_val = self.encode(self.y_val, net)
        self.direct = self.X.dtype == self.dtype and self.scale == 1.0
        self._arrays: dict[int, tuple[Array, Array, Array]] = {}

    def __len__(self) -> int:
        return self.X.shape[0]

    def encode(self, y: Array, net: Network) -> Array:
        return encode_targets(y, net.n_outputs, net.spec.loss, net.dtype, self.classification)

    def gather(self, idx: Array) -> tuple[Array, Array]:
        """(inputs, targets) of the samples `idx`, in arrays reused for this batch size."""
        n = idx.shape[0]
        arrays = self._arrays.get(n)
        if arrays is None:
            if len(self._arrays) > 4:
                self._arrays.clear()
            arrays = self._arrays[n] = (
                np.empty((n, self.X.shape[1]), dtype=self.X.dtype),
                np.empty((n, self.X.shape[1]), dtype=self.dtype),
                np.empty((n, *self.Y.shape[1:]), dtype=self.Y.dtype),
            )
        raw, x, y = arrays
        if self.direct:
            self.X.take(idx, axis=0, out=x)
        else:
            self.X.take(idx, axis=0, out=raw)
            np.multiply(raw, self.scale, out=x, dtype=self.dtype, casting="unsafe")
        self.Y.take(idx, axis=0, out=y)
        return x, y
