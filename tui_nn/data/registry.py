"""Every dataset by name: `load_dataset(spec)` and `list_datasets()`.

| name | task | inputs | default samples | split |
|---|---|---|---|---|
| circle, xor, gauss, spiral, moons | classification, 2 classes | 2 | 500 | stratified |
| plane, multigauss | regression | 2 | 500 | random |
| quadratic, sine | regression | 1 | 40, 500 | random |
| digits | classification, 10 classes | 64 (8x8) | 1797 (fixed) | stratified |
| mnist, fashion-mnist | classification, 10 classes | 784 (28x28) | 60000 + 10000 | official |
| csv | from the file | from the file | the file's rows | stratified / random |

All splits are seeded by `spec.seed`. MNIST and Fashion-MNIST keep their official
train/test split, so `test_fraction` is ignored for them (and `samples`, when given, takes a
seeded random subset of the training set only).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tui_nn.data import images
from tui_nn.data.normalize import (
    apply_normalization,
    check_kind,
    fit_normalization,
    fit_target_normalization,
    fixed_scale,
    standardize_targets,
)
from tui_nn.data.shipped import DIGITS_FILE, DIGITS_PIXEL_MAX, DIGITS_SAMPLES, load_digits
from tui_nn.data.spec import DataError, Dataset, DatasetInfo, DatasetSpec
from tui_nn.data.split import check_fraction, split_indices
from tui_nn.data.toy import TOY_SETS

DATASET_NAMES: tuple[str, ...] = (*TOY_SETS, "digits", *images.IMAGE_SETS)
"""Built-in datasets, in display order. "csv" (the user's file) is accepted too but needs a path."""

ALIASES = {"fashion": "fashion-mnist", "fashion_mnist": "fashion-mnist", "fmnist": "fashion-mnist"}
MAX_SAMPLES = 1_000_000


def canonical_name(name: str) -> str:
    key = name.strip().lower()
    return ALIASES.get(key, key)


def load_dataset(spec: DatasetSpec) -> Dataset:
    """Load (or generate) and split the dataset `spec` asks for. Raises DataError with a
    one-line message on any bad request or bad file."""
    name = canonical_name(spec.name)
    check_fraction(spec.test_fraction)
    if spec.test_path and not (name == "csv" or spec.path):
        raise DataError(f"{name}: a separate test file works with your own CSV (--data) only")
    if name == "csv" or (spec.path and name not in DATASET_NAMES):
        from tui_nn.data.csvdata import load_csv_dataset

        return load_csv_dataset(spec)
    if name in TOY_SETS:
        return _load_toy(name, spec)
    if name == "digits":
        return _load_digits(spec)
    if name in images.IMAGE_SETS:
        return images.load_image_set(name, spec)
    raise DataError(f"unknown dataset {spec.name!r}; choose from {', '.join(DATASET_NAMES)}, csv")


def _load_toy(name: str, spec: DatasetSpec) -> Dataset:
    toy = TOY_SETS[name]
    try:
        n = toy.samples if spec.samples is None else int(spec.samples)
        noise = toy.noise if spec.noise is None else float(spec.noise)
    except (TypeError, ValueError):
        raise DataError(f"{name}: samples and noise must be numbers") from None
    if not 4 <= n <= MAX_SAMPLES:
        raise DataError(f"{name}: samples must be between 4 and {MAX_SAMPLES:,}, got {n}")
    if not (np.isfinite(noise) and noise >= 0):
        raise DataError(f"{name}: noise must be a number >= 0, got {noise}")
    rng = np.random.default_rng(spec.seed)
    X, y = toy.generate(n, noise, rng)
    features = ("x1", "x2") if toy.n_inputs == 2 else ("x",)
    resolved = replace(spec, name=name, samples=n, noise=noise)
    return finish_dataset(
        resolved,
        X,
        y,
        rng,
        task=toy.task,
        class_names=("0", "1") if toy.task == "classification" else None,
        feature_names=features,
        default_normalize="none",
    )


def _load_digits(spec: DatasetSpec) -> Dataset:
    X, y = load_digits()
    rng = np.random.default_rng(spec.seed)
    features = tuple(f"pixel{r}{c}" for r in range(8) for c in range(8))
    return finish_dataset(
        replace(spec, name="digits"),
        X,
        y,
        rng,
        task="classification",
        class_names=tuple(str(d) for d in range(10)),
        feature_names=features,
        default_normalize="none",
        pixel_max=DIGITS_PIXEL_MAX,
    )


def finish_dataset(
    spec: DatasetSpec,
    X: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    *,
    task: str,
    class_names: tuple[str, ...] | None,
    feature_names: tuple[str, ...] | None,
    default_normalize: str,
    pixel_max: int | None = None,
    name: str | None = None,
    standardize_target: bool = False,
) -> Dataset:
    """Split (stratified for classification), fit the normalisation on the training part,
    and assemble the Dataset. With `pixel_max` and no normalisation asked, X stays uint8 and
    the network sees X / pixel_max through `input_scale`. With `standardize_target` (a CSV's
    regression target) y is standardised with the training split's mean and deviation."""
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
        X_train = apply_normalization(X_train_raw, norm)
        X_test = apply_normalization(X_test_raw, norm)
    y_train, y_test, target = y[train], y[test], None
    if standardize_target and task == "regression":
        target = fit_target_normalization(y_train)
        y_train, y_test = standardize_targets(y_train, target), standardize_targets(y_test, target)
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


def list_datasets(data_dir: str | None = None) -> list[DatasetInfo]:
    """One row per dataset for `tui-nn datasets`: what it is and where it lives."""
    rows = []
    for name, toy in TOY_SETS.items():
        classes = toy.task == "classification"
        rows.append(
            DatasetInfo(
                name=name,
                kind=f"toy {toy.n_inputs}-D",
                task=toy.task,
                n_inputs=toy.n_inputs,
                n_outputs=1,
                samples=toy.samples,
                location="generated",
                description=toy.description + (", 2 classes" if classes else ""),
            )
        )
    rows.append(
        DatasetInfo(
            name="digits",
            kind="real (shipped)",
            task="classification",
            n_inputs=64,
            n_outputs=10,
            samples=DIGITS_SAMPLES,
            location=str(DIGITS_FILE),
            description="8x8 handwritten digits (UCI), 10 classes",
        )
    )
    rows.extend(images.image_set_info(name, data_dir) for name in images.IMAGE_SETS)
    rows.append(
        DatasetInfo(
            name="csv",
            kind="csv",
            task="from the file",
            n_inputs=0,
            n_outputs=0,
            samples=0,
            location="your file: --data PATH.csv",
            description="your own table; target column by --target (default: last)",
        )
    )
    return rows
