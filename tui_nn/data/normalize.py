"""Feature normalisation: fitted on the training split, stored with the model, reapplied.

A normalisation is a plain dict (so it can go into a model file's JSON config):

    {"kind": "standard" | "minmax" | "none" | "scale",
     "shift": [one float per input], "scale": [one float per input],
     "features": [input names] (optional)}

and the network sees `(x - shift) / scale` for every input column x:

- standard: shift = mean, scale = standard deviation (of the training split);
- minmax:   shift = minimum, scale = maximum - minimum (inputs land in [0, 1]);
- none:     shift = 0, scale = 1;
- scale:    shift = 0, scale = a fixed divisor (images: 255 for MNIST, 16 for digits).

A constant column gets scale 1 so it never divides by zero. The dict describes the whole
transform from the raw values in the source file to the network's inputs, so
`apply_normalization(raw_X, dataset.normalization)` is what a saved model needs for
predictions on new data. (Image sets keep X as uint8 and set `Dataset.input_scale` instead;
the product is the same: `X * input_scale == apply_normalization(X, normalization)`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tui_nn.data.spec import NORMALIZATIONS, DataError


def check_kind(kind: str) -> str:
    if kind not in NORMALIZATIONS:
        raise DataError(f"unknown normalisation {kind!r}; choose from {', '.join(NORMALIZATIONS)}")
    return kind


def fit_normalization(
    X: np.ndarray, kind: str, features: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Fit the parameters of `kind` on X (the training split only)."""
    check_kind(kind)
    X64 = np.asarray(X, dtype=np.float64)
    d = X64.shape[1]
    if kind == "none" or len(X64) == 0:
        shift, scale = np.zeros(d, dtype=np.float64), np.ones(d, dtype=np.float64)
    elif kind == "standard":
        shift, scale = X64.mean(axis=0), _std(X64, X64.mean(axis=0))
    else:  # minmax
        shift = X64.min(axis=0)
        scale = X64.max(axis=0) - shift
    scale = np.where(scale > 1e-12, scale, 1.0)
    return _as_dict(kind, shift, scale, features)


def _std(X: np.ndarray, mean: np.ndarray, rows: int = 65536) -> np.ndarray:
    """X.std(axis=0), a block of rows at a time (no temporary the size of X: a CSV's X has
    millions of rows)."""
    total = np.zeros(X.shape[1], dtype=np.float64)
    for start in range(0, len(X), rows):
        block = X[start : start + rows] - mean
        total += np.einsum("ij,ij->j", block, block)
    return np.sqrt(total / len(X))


def fixed_scale(d: int, divisor: float, features: tuple[str, ...] | None = None) -> dict:
    """The transform of image sets: every input divided by `divisor`."""
    return _as_dict(
        "scale",
        np.zeros(d, dtype=np.float64),
        np.full(d, float(divisor), dtype=np.float64),
        features,
    )


def _as_dict(kind: str, shift: np.ndarray, scale: np.ndarray, features) -> dict[str, Any]:
    norm: dict[str, Any] = {
        "kind": kind,
        "shift": [float(v) for v in shift],
        "scale": [float(v) for v in scale],
    }
    if features is not None:
        norm["features"] = list(features)
    return norm


def apply_normalization(
    X: np.ndarray,
    normalization: dict[str, Any] | None,
    dtype: Any = np.float32,
    inplace: bool = False,
) -> np.ndarray:
    """Raw inputs (n, d) -> the network's inputs (float32, or `dtype`: a CSV's are float64),
    using a stored normalisation, computed in that precision. None means no transform (only
    the conversion). `inplace`: X (already `dtype`, the caller's own copy) is overwritten."""
    X = np.asarray(X)
    if X.ndim == 1:
        X = X[:, None]
    if normalization is None:
        return X.astype(dtype, copy=False)
    try:
        shift = np.asarray(normalization["shift"], dtype=dtype)
        scale = np.asarray(normalization["scale"], dtype=dtype)
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"bad normalisation record: {exc}") from None
    if shift.shape != scale.shape or shift.ndim != 1:
        raise DataError("bad normalisation record: shift and scale differ in length")
    if X.shape[1] != shift.shape[0]:
        raise DataError(
            f"the data has {X.shape[1]} input columns but the model expects {shift.shape[0]}"
        )
    if inplace and X.dtype == np.dtype(dtype) and X.flags.writeable:
        out = X
    else:
        out = X.astype(dtype)  # a new array: the caller's data is never changed
    out -= shift
    out /= scale
    return out


# ---- regression targets -------------------------------------------------------------------
# A CSV's regression targets are standardised for training with the mean and standard deviation
# of the training split: the network learns y_std = (y - shift) / scale, and every number shown
# to the user goes back through y = out * scale + shift. Stored as `target_normalization`.


def _columns(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    return y.reshape(-1, y.shape[1] if y.ndim == 2 else 1)


def fit_target_normalization(y: np.ndarray) -> dict[str, Any]:
    y64 = _columns(y)
    shift = y64.mean(axis=0) if len(y64) else np.zeros(y64.shape[1])
    scale = y64.std(axis=0) if len(y64) else np.ones(y64.shape[1])
    scale = np.where(scale > 1e-12 * np.maximum(np.abs(shift), 1.0), scale, 1.0)
    return {"shift": [float(v) for v in shift], "scale": [float(v) for v in scale]}


def standardize_targets(
    y: np.ndarray, target: dict[str, Any] | None, dtype: Any = np.float32
) -> np.ndarray:
    """Targets in the user's units -> the network's units ((n, k), float32 or `dtype`)."""
    y = _columns(y)
    if target is None:
        return y.astype(dtype)
    return ((y - np.asarray(target["shift"])) / np.asarray(target["scale"])).astype(dtype)


def unstandardize(out: np.ndarray, target: dict[str, Any] | None) -> np.ndarray:
    """The network's outputs -> the user's units (float64)."""
    out = np.asarray(out, dtype=np.float64)
    if target is None:
        return out
    return out * np.asarray(target["scale"]) + np.asarray(target["shift"])
