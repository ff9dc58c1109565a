"""Losses (costs), found by name in `LOSSES`. Definitions follow PyTorch's defaults:

- mse: `L = mean over samples AND outputs of (a - y)^2` (`nn.MSELoss()`), so
  `dL/da = 2 (a - y) / (n k)` for a batch of n samples and k outputs.
- bce: `L = -mean over samples and outputs of [y log p + (1 - y) log(1 - p)]` with `p` the
  sigmoid output (`nn.BCELoss()`, equal to `BCEWithLogitsLoss()` on the logits `z`). With one
  output, as usual, that is the mean over samples.
- cce: `L = -mean over samples of sum_i y_i log p_i` with `p` the softmax output
  (`nn.CrossEntropyLoss()` on the logits), labels one-hot `(n, k)` or class indices `(n,)`.

Fused and stable: bce is only allowed after a sigmoid output and cce after a softmax output,
and both are computed from the logits `z` (`log(1 + e^-|z|)`, log-sum-exp), never `log(p)`, so a
confident wrong answer costs a large finite number instead of `inf`. Their gradient with respect
to `z` is the famous `delta = (p - y) / n` (over n k elements for bce). The unfused definitions
`value_from_output` / `grad_wrt_output` are kept for the tests, which check that the fused forms
agree with them.

Targets: `encode_targets` turns the labels of a data set into what a loss wants once, before
training: class indices stay int64 `(n,)` for cce; bce and mse get float `(n, k)` arrays (a
column for one output, one-hot rows for several).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tui_nn.engine.spec import SpecError

Array = np.ndarray


@dataclass(frozen=True)
class Loss:
    """A loss. `value(z, a, y, tmp)` is the batch loss (a Python float); `delta(z, a, y, out)`
    writes `dL/dz` of the output layer into `out`, with `fused` true when that already includes
    the output activation's derivative (otherwise `out` holds `dL/da`)."""

    name: str
    value: Callable[[Array, Array, Array, Array], float]
    delta: Callable[[Array, Array, Array, Array], None]
    fused: str | None  # the output activation this loss is fused with, or None
    formula: str


# ---- mse ----------------------------------------------------------------------------------


def _mse_value(z: Array, a: Array, y: Array, tmp: Array) -> float:
    np.subtract(a, y, out=tmp)
    flat = tmp.reshape(-1)
    return float(np.dot(flat, flat)) / flat.size


def _mse_delta(z: Array, a: Array, y: Array, out: Array) -> None:
    np.subtract(a, y, out=out)  # dL/da = 2 (a - y) / (n k)
    np.multiply(out, 2.0 / out.size, out=out)


# ---- bce (after a sigmoid): from the logits ---------------------------------------------------


def _bce_value(z: Array, a: Array, y: Array, tmp: Array) -> float:
    # -[y log p + (1-y) log(1-p)] = max(z, 0) - y z + log(1 + e^-|z|), summed per element so
    # that a confident right answer costs a tiny number without cancellation.
    np.abs(z, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    np.log1p(tmp, out=tmp)
    linear = np.maximum(z, 0)
    linear -= y * z
    tmp += linear
    return float(tmp.sum()) / z.size


def _bce_delta(z: Array, a: Array, y: Array, out: Array) -> None:
    np.subtract(a, y, out=out)  # dL/dz = (p - y) / (n k)
    np.multiply(out, 1.0 / out.size, out=out)


# ---- cce (after a softmax): from the logits ---------------------------------------------------


def _cce_value(z: Array, a: Array, y: Array, tmp: Array) -> float:
    # -log p_i = log(sum_j e^(z_j - m)) - (z_i - m), with m the row maximum (no overflow, and no
    # cancellation when the right class is the largest).
    n = z.shape[0]
    np.subtract(z, z.max(axis=1, keepdims=True), out=tmp)
    if y.ndim == 1:
        picked = tmp[np.arange(n), y]
        np.exp(tmp, out=tmp)
        return float((np.log(tmp.sum(axis=1)) - picked).sum()) / n
    picked = float(np.vdot(tmp, y))
    np.exp(tmp, out=tmp)
    return (float(np.dot(np.log(tmp.sum(axis=1)), y.sum(axis=1))) - picked) / n


def _cce_delta(z: Array, a: Array, y: Array, out: Array) -> None:
    n = z.shape[0]
    if y.ndim == 1:  # dL/dz = (p - onehot(y)) / n
        np.copyto(out, a)
        out[np.arange(n), y] -= 1.0
    else:
        np.subtract(a, y, out=out)
    np.multiply(out, 1.0 / n, out=out)


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", _mse_value, _mse_delta, None, "L = mean (a - y)^2"),
    "bce": Loss(
        "bce", _bce_value, _bce_delta, "sigmoid", "L = -mean [y log p + (1 - y) log(1 - p)]"
    ),
    "cce": Loss("cce", _cce_value, _cce_delta, "softmax", "L = -mean_samples sum_i y_i log p_i"),
}


# ---- unfused definitions (for the tests and for reading) -------------------------------------


def value_from_output(name: str, a: Array, y: Array) -> float:
    """The loss straight from its textbook definition on the outputs `a` (not the logits)."""
    y = np.asarray(y)
    if name == "mse":
        return float(np.mean((a - y) ** 2))
    if name == "bce":
        return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))
    if y.ndim == 1:
        y = np.eye(a.shape[1], dtype=a.dtype)[y]
    return float(-np.sum(y * np.log(a)) / a.shape[0])


def grad_wrt_output(name: str, a: Array, y: Array) -> Array:
    """`dL/da` from the textbook definition (the fused losses skip this step)."""
    y = np.asarray(y)
    if name == "mse":
        return 2 * (a - y) / a.size
    if name == "bce":
        return (a - y) / (a * (1 - a)) / a.size
    if y.ndim == 1:
        y = np.eye(a.shape[1], dtype=a.dtype)[y]
    return -y / a / a.shape[0]


# ---- targets -----------------------------------------------------------------------------


def encode_targets(
    y: Array, n_outputs: int, loss: str, dtype: np.dtype | str, classification: bool = True
) -> Array:
    """Labels as the loss wants them: int64 class indices for cce, else float `(n, k)`.

    Class indices (any integer array of shape (n,)) become one-hot rows when there are several
    outputs, or a single 0/1 column when there is one (bce). Float targets are reshaped to
    `(n, k)`; for regression (`classification=False`) integers are values, not classes.
    Raises SpecError when the labels do not fit the outputs.
    """
    y = np.asarray(y)
    n = y.shape[0] if y.ndim else 0
    if classification and y.ndim == 1 and not np.issubdtype(y.dtype, np.integer):
        if np.issubdtype(y.dtype, np.number) and np.array_equal(y, np.round(y)):
            y = y.astype(np.int64)  # class labels stored as floats (1.0, 0.0, ...)
    if classification and y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
        lo, hi = (int(y.min()), int(y.max())) if n else (0, 0)
        classes = max(n_outputs, 2)
        if lo < 0 or hi >= classes:
            raise SpecError(
                f"class labels must be in 0..{classes - 1} for {n_outputs} output(s), "
                f"got {lo}..{hi}"
            )
        if loss == "cce":
            return y.astype(np.int64, copy=False)
        if n_outputs == 1:
            return y.astype(dtype).reshape(n, 1)
        return np.eye(n_outputs, dtype=dtype)[y]
    if y.ndim == 1:
        y = y.reshape(n, 1)
    if y.ndim != 2 or y.shape[1] != n_outputs:
        raise SpecError(f"targets must have shape (n, {n_outputs}), got {tuple(y.shape)}")
    return np.ascontiguousarray(y, dtype=dtype)
