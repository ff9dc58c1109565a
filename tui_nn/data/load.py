"""Every dataset by name: `load_dataset(spec)` and `list_datasets()`.

| name | task | inputs | default samples | split |
|---|---|---|---|---|
| circle, xor, gauss, spiral, moons | classification, 2 classes | 2 | 500 | stratified |
| plane, multigauss | regression | 2 | 500 | random |
| quadratic, sine | regression | 1 | 40, 500 | random |
| digits | classification, 10 classes | 64 (8x8) | 1797 (fixed) | stratified |
| mnist, fashion-mnist | classification, 10 classes | 784 (28x28) | 60000 + 10000 | official |
| csv | from the file | from the file | the file's rows | stratified / random |

All splits are seeded by `spec.seed` (the data seed). MNIST and Fashion-MNIST keep their
official train/test split, so `test_fraction` is ignored for them (and `samples`, when given,
takes a seeded random subset of the training set only).

Every set, then, may give `spec.val_fraction` of its training part to a validation set
(stratified for classification, drawn by the data seed): the set that chooses (early stopping,
a sweep's best trial), while the test set only reports. It is carved after the inputs'
normalisation was fitted on the training part, as Keras' `validation_split` and
scikit-learn's `early_stopping` do.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import tui_nn.data.images as images
from tui_nn.data.assemble import finish_dataset
from tui_nn.data.catalog import DATASET_NAMES, canonical_name
from tui_nn.data.csvdata import load_csv_dataset
from tui_nn.data.rules import RULES
from tui_nn.data.shipped import DIGITS_FILE, DIGITS_PIXEL_MAX, DIGITS_SAMPLES, load_digits
from tui_nn.data.spec import DataError, Dataset, DatasetInfo, DatasetSpec
from tui_nn.data.split import check_fraction, validation_indices
from tui_nn.data.toy import TOY_SETS

SAMPLES, NOISE = RULES["samples"], RULES["noise"]


def load_dataset(spec: DatasetSpec) -> Dataset:
    """Load (or generate) and split the dataset `spec` asks for (train / validation / test).
    Raises DataError with a one-line message on any bad request or bad file."""
    check_fraction(spec.val_fraction, "validation")
    return with_validation(_load(spec), spec.val_fraction)


def with_validation(dataset: Dataset, val_fraction: float) -> Dataset:
    """`dataset` with `val_fraction` of its training part held out as the validation set."""
    if not val_fraction:
        return dataset
    seed = dataset.spec.seed if dataset.spec is not None else 0
    labels = dataset.y_train if dataset.task == "classification" else None
    train, val = validation_indices(len(dataset.y_train), val_fraction, seed, labels)
    return replace(
        dataset,
        X_train=dataset.X_train[train],
        y_train=dataset.y_train[train],
        X_val=dataset.X_train[val],
        y_val=dataset.y_train[val],
        spec=replace(dataset.spec, val_fraction=val_fraction) if dataset.spec else None,
    )


def _load(spec: DatasetSpec) -> Dataset:
    name = canonical_name(spec.name)
    check_fraction(spec.test_fraction)
    if spec.test_data and not (name == "csv" or spec.path):
        raise DataError(f"{name}: a separate test file works with your own CSV (--data) only")
    if name == "csv" or (spec.path and name not in DATASET_NAMES):
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
    if not SAMPLES.lo <= n <= SAMPLES.hi:
        raise DataError(f"{name}: samples must be between {SAMPLES.lo:,} and {SAMPLES.hi:,}, got {n}")
    if not (np.isfinite(noise) and noise >= NOISE.lo):
        raise DataError(f"{name}: noise must be a number >= {NOISE.lo:g}, got {noise}")
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
