"""The last step of loading any dataset: split it (stratified for classification), fit the
input normalisation on the training part only, and assemble the `Dataset`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from tui_nn.data.normalize import (
    apply_normalization,
    check_kind,
    fit_normalization,
    fit_target_normalization,
    fixed_scale,
    standardize_targets,
)
from tui_nn.data.spec import Dataset, DatasetSpec
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
