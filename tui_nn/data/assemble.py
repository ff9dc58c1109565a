"""The last steps of loading any dataset: split it (stratified for classification), fit the
input normalisation on the training part only, and assemble the `Dataset`; then its plane
and feature inputs (`with_plane`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from tui_nn.data.features import expand
from tui_nn.data.normalize import (
    apply_normalization,
    check_kind,
    fit_normalization,
    fit_target_normalization,
    fixed_scale,
    standardize_targets,
)
from tui_nn.data.plane import make_plane
from tui_nn.data.spec import DataError, Dataset, DatasetSpec
from tui_nn.data.split import split_indices
from tui_nn.kinds import Task


def finish_dataset(
    spec: DatasetSpec,
    X: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    *,
    task: Task,
    class_names: tuple[str, ...] | None,
    feature_names: tuple[str, ...] | None,
    default_normalize: str,
    pixel_max: int | None = None,
    name: str | None = None,
    standardize_target: bool = False,
    dtype: Any = np.float32,
) -> Dataset:
    """Split (stratified for classification), fit the normalisation on the training part,
    and assemble the Dataset. With `pixel_max` and no normalisation asked, X stays uint8 and
    the network sees X / pixel_max through `input_scale`. With `standardize_target` (a CSV's
    regression target) y is standardised with the training split's mean and deviation. The
    inputs (and a standardised target) are `dtype`: float64 for a CSV, read as the file has
    them; the network converts a batch to its own precision."""
    kind = check_kind(spec.normalize or default_normalize)
    stratify = y if task == "classification" else None
    train, test = split_indices(len(X), spec.test_fraction, rng, labels=stratify)
    X_train_raw, X_test_raw = X[train], X[test]
    input_scale = 1.0
    if pixel_max is not None and kind == "none":
        norm = fixed_scale(X.shape[1], pixel_max, feature_names)
        X_train, X_test, input_scale = X_train_raw, X_test_raw, 1.0 / pixel_max
    else:
        norm = fit_normalization(X_train_raw, kind, feature_names)
        # X[train] and X[test] are copies of their own: normalised where they are
        X_train = apply_normalization(X_train_raw, norm, dtype, inplace=True)
        X_test = apply_normalization(X_test_raw, norm, dtype, inplace=True)
    y_train, y_test, target = y[train], y[test], None
    if standardize_target and task == "regression":
        target = fit_target_normalization(y_train)
        y_train = standardize_targets(y_train, target, dtype)
        y_test = standardize_targets(y_test, target, dtype)
    return Dataset(
        name=name or spec.name,
        task=task,
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        n_inputs=int(X.shape[1]),
        n_classes=len(class_names) if class_names is not None else None,
        class_names=class_names,
        feature_names=feature_names,
        input_scale=input_scale,
        normalization=norm,
        spec=replace(spec, normalize=kind),
        target_normalization=target,
    )


def with_plane(dataset: Dataset) -> Dataset:
    """The dataset with its plane (two inputs: the picture's axes; for a wider CSV the two
    columns `spec.plane` names, the others at their training mean) and, if its spec asks for
    them, feature inputs computed from those two inputs (X then holds the features)."""
    spec = dataset.spec
    features = spec.features if spec is not None else None
    asked = spec.plane if spec is not None else None
    if asked is not None:
        if features is not None:
            raise DataError(
                "feature inputs and a plane of two columns do not go together: feature inputs "
                "need 2-D data, a plane picks two columns of a wider CSV"
            )
        columns = _plane_columns(dataset, asked)
        plane = make_plane(dataset.X_train, dataset.X_test, dataset.feature_names, columns)
        return replace(dataset, plane=plane)
    if dataset.n_inputs != 2 or dataset.input_scale != 1.0:
        if features is not None:
            raise DataError(
                f"{dataset.name} has {dataset.n_inputs} inputs; feature inputs "
                f"({', '.join(features)}) are computed from two (x1, x2): use 2-D data"
            )
        return dataset
    plane = make_plane(dataset.X_train, dataset.X_test, dataset.feature_names, (0, 1), features)
    if features is None:
        return replace(dataset, plane=plane)
    return replace(
        dataset,
        X_train=expand(dataset.X_train, features),
        X_val=None if dataset.X_val is None else expand(dataset.X_val, features),
        X_test=expand(dataset.X_test, features),
        n_inputs=len(features),
        features=features,
        plane=plane,
    )


def _plane_columns(dataset: Dataset, asked: tuple[str, ...]) -> tuple[int, int]:
    """The input columns a plane names (by name, any case, or by index among the inputs)."""
    names = dataset.feature_names or tuple(f"x{j + 1}" for j in range(dataset.n_inputs))
    listed = ", ".join(names)
    if dataset.name in ("digits",) or dataset.input_scale != 1.0:
        raise DataError(f"{dataset.name} is a set of images; a plane picks two columns of a CSV")
    if len(asked) != 2:
        raise DataError(f"a plane needs two columns, got {len(asked)} ({', '.join(asked)})")
    found = []
    for text in asked:
        lower = [n.lower() for n in names]
        if text in names or text.lower() in lower:
            found.append(names.index(text) if text in names else lower.index(text.lower()))
            continue
        try:
            j = int(text)
        except ValueError:
            raise DataError(f"the plane's column {text!r} is not an input ({listed})") from None
        if not 0 <= j < len(names):
            raise DataError(
                f"the plane's column {j} is out of range: the inputs are 0..{len(names) - 1} "
                f"({listed})"
            )
        found.append(j)
    if found[0] == found[1]:
        raise DataError(f"the plane needs two different columns, got {names[found[0]]} twice")
    return found[0], found[1]
