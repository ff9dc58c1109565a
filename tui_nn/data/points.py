"""Your own points: samples added to (or removed from) the training set of 2-D data, as in
ConvNetJS's classify2d demo: click to add a point of a class, another click removes one.

An edit is a small tuple a `DatasetSpec` keeps in order (`edits`), so a run's configuration,
its model file and `--resume` carry them and `load_dataset` replays them on the generated set:

    ("add", u, v, value)     a training sample at (u, v) of the plane: a class index, or a
                             target in the user's units for regression
    ("remove", u, v, None)   the training sample nearest to (u, v) goes

(u, v) are in the plane's units (`plane.py`: the raw x1, x2 of the generated sets). Only the
training set changes: the test set is the yardstick and stays as it was.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from tui_nn.data.normalize import standardize_targets
from tui_nn.data.spec import DataError, Dataset

MAX_EDITS = 10_000
"""Edits one run keeps (each is four numbers in the run's configuration)."""

Edit = tuple  # ("add", u, v, value) | ("remove", u, v, None)


def check_edit(edit: object) -> Edit:
    """An edit as the spec keeps it: ("add", u, v, value) or ("remove", u, v, None), with
    finite numbers; DataError otherwise (a hand-edited file, say)."""
    if not isinstance(edit, list | tuple) or len(edit) != 4 or edit[0] not in ("add", "remove"):
        raise DataError(f"bad point edit {edit!r}: expected ['add', u, v, value] or "
                        "['remove', u, v, null]")  # fmt: skip
    kind, u, v, value = edit
    numbers = (u, v) if kind == "remove" else (u, v, value)
    for x in numbers:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise DataError(f"bad point edit {list(edit)!r}: its numbers must be finite")
    return (kind, float(u), float(v), None if kind == "remove" else float(value))


def _check_value(dataset: Dataset, value: float) -> None:
    if dataset.task == "classification":
        k = dataset.n_classes or 2
        if not (float(value).is_integer() and 0 <= value < k):
            names = ", ".join(dataset.class_names or ())
            raise DataError(f"a point of {dataset.name} needs a class 0..{k - 1} ({names}), "
                            f"got {value:g}")  # fmt: skip


def add_point(dataset: Dataset, point: tuple[float, float], value: float) -> Dataset:
    """The dataset with one more training sample at `point` of the plane."""
    plane = dataset.plane
    if plane is None:
        raise DataError(f"{dataset.name} has no plane to add a point to (2-D data only)")
    _check_value(dataset, value)
    uv = np.array([point], dtype=np.float32)
    X = np.concatenate([dataset.X_train, plane.inputs(uv, dataset.X_train.dtype)])
    if dataset.task == "classification":
        y_new = np.array([int(value)], dtype=dataset.y_train.dtype)
    else:
        y_new = standardize_targets(np.array([[value]]), dataset.target_normalization)
        y_new = y_new.astype(dataset.y_train.dtype).reshape(1, *dataset.y_train.shape[1:])
    y = np.concatenate([dataset.y_train, y_new])
    return replace(dataset, X_train=X, y_train=y, plane=plane.with_train(
        np.concatenate([plane.train, uv])))  # fmt: skip


def nearest_training(dataset: Dataset, point: tuple[float, float]) -> int | None:
    """The index of the training sample nearest to `point` of the plane (None if there is none)."""
    plane = dataset.plane
    if plane is None or len(plane.train) == 0:
        return None
    d = ((plane.train.astype(np.float64) - np.asarray(point, dtype=np.float64)) ** 2).sum(axis=1)
    return int(np.argmin(d))


def remove_nearest(dataset: Dataset, point: tuple[float, float]) -> tuple[Dataset, int]:
    """The dataset without the training sample nearest to `point`, and its index.
    DataError if that would leave no training sample."""
    index = nearest_training(dataset, point)
    if index is None:
        raise DataError(f"{dataset.name} has no plane to remove a point from (2-D data only)")
    if len(dataset.X_train) <= 1:
        raise DataError("the last training sample stays: a training set cannot be empty")
    keep = np.ones(len(dataset.X_train), dtype=bool)
    keep[index] = False
    plane = dataset.plane
    assert plane is not None
    out = replace(
        dataset,
        X_train=dataset.X_train[keep],
        y_train=dataset.y_train[keep],
        plane=plane.with_train(plane.train[keep]),
    )
    return out, index


def apply_edit(dataset: Dataset, edit: Edit) -> Dataset:
    kind, u, v, value = check_edit(edit)
    if kind == "add":
        return add_point(dataset, (u, v), value)
    return remove_nearest(dataset, (u, v))[0]


def apply_edits(dataset: Dataset, edits: tuple[Edit, ...]) -> Dataset:
    """The dataset with the spec's edits replayed in order."""
    if len(edits) > MAX_EDITS:
        raise DataError(f"{len(edits):,} point edits; a run keeps at most {MAX_EDITS:,}")
    for edit in edits:
        dataset = apply_edit(dataset, edit)
    return dataset
