"""Train/test splits, and the validation set carved from the training part: seeded, and
stratified for classification.

Stratified means each class keeps its share in both parts: a class with 10 % of the samples
has about 10 % of the training set and 10 % of the test set.
"""

from __future__ import annotations

import numpy as np

from tui_nn.data.spec import DataError


def check_fraction(test_fraction: float, what: str = "test") -> float:
    try:
        f = float(test_fraction)
    except (TypeError, ValueError):
        raise DataError(f"{what} fraction must be a number, got {test_fraction!r}") from None
    if not 0.0 <= f < 1.0:
        raise DataError(f"{what} fraction must be at least 0 and below 1, got {test_fraction}")
    return f


def split_indices(
    n: int,
    test_fraction: float,
    rng: np.random.Generator,
    labels: np.ndarray | None = None,
    what: str = "test",
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test), each shuffled. With `labels`, the split is stratified per class,
    and every class keeps at least one training sample. `what` names the held-out part in
    messages ("test", "validation")."""
    f = check_fraction(test_fraction, what)
    if labels is None:
        order = rng.permutation(n)
        n_test = min(int(round(n * f)), n - 1)
        _check_some_test(f, n_test, n, what)
        return order[n_test:], order[:n_test]
    train_parts, test_parts = [], []
    classes = np.unique(labels)
    for c in classes:
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = min(int(round(len(members) * f)), len(members) - 1)
        test_parts.append(members[:n_test])
        train_parts.append(members[n_test:])
    n_test = sum(len(p) for p in test_parts)
    if f > 0 and n_test == 0 and len(classes) == n:
        raise DataError(
            f"{what} fraction {f:g} holds out no {what} sample: the {n} rows hold {n} classes, "
            "one sample each, and a class's only sample stays in training. Is the target a "
            "column of classes? (--target names another column; --task regression reads "
            f"numbers; --{'test' if what == 'test' else 'val'}-fraction 0 trains on all)"
        )
    _check_some_test(f, n_test, n, what)
    train = rng.permutation(np.concatenate(train_parts))
    test = rng.permutation(np.concatenate(test_parts))
    return train.astype(np.int64), test.astype(np.int64)


def _check_some_test(f: float, n_test: int, n: int, what: str = "test") -> None:
    """A test fraction above 0 that holds out no sample is a mistake, not a choice."""
    if f > 0 and n_test == 0:
        instead = "to train on all of them" if what == "test" else "for none"
        raise DataError(
            f"{what} fraction {f:g} of {n} samples holds out no {what} sample; give 0 {instead}, "
            "or a larger fraction"
        )


def validation_indices(
    n: int, val_fraction: float, seed: int, labels: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) indices into a training part of `n` samples: `val_fraction` of it
    held out, stratified by `labels`, drawn by the data seed (a stream of its own, so the
    test split of the same seed is unchanged)."""
    rng = np.random.default_rng([seed, 1])
    return split_indices(n, val_fraction, rng, labels=labels, what="validation")


def class_counts(y: np.ndarray, n_classes: int) -> np.ndarray:
    """How many samples of each class: an int64 array of length n_classes."""
    return np.bincount(y, minlength=n_classes).astype(np.int64)
