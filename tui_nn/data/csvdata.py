"""The user's own CSV: as a training dataset, and as new inputs for a saved model.

Training (`load_csv_dataset`): the target is `spec.target` (a header name, or a column index
counted from 0, -1 = last; default the last column); every other column is a numeric
feature. `spec.task` says how the target is read; "auto" takes a text target, or whole
numbers with at most 50 distinct values that repeat (two rows a value on average), as
classes (class names kept, sorted), and other numbers as a regression. Features are normalised (`spec.normalize`, default "standard") with parameters
fitted on the training split only.

Predicting (`read_csv_features`): a file laid out like the training file, with or without the
target column, is turned into network inputs with the model's stored normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.data.assemble import finish_dataset
from tui_nn.data.csvtable import (
    CsvTable,
    column_index,
    labels_to_indices,
    numeric_columns,
    parse_target,
    read_table,
)
from tui_nn.data.normalize import apply_normalization, standardize_targets
from tui_nn.data.spec import DataError, Dataset, DatasetSpec


def load_csv_dataset(spec: DatasetSpec) -> Dataset:
    if not spec.path:
        raise DataError("csv: no file given; pass --data PATH.csv")
    table = read_table(spec.path)
    if table.width < 2:
        raise DataError(
            f"{table.path}: found 1 column; need at least one feature column and a target"
        )
    if len(table.rows) < 2:
        raise DataError(f"{table.path}: only one data row; need at least two")
    t = column_index(table, spec.target)
    features = [j for j in range(table.width) if j != t]
    X = numeric_columns(table, features)
    y, class_names = parse_target(table, t, spec.task)
    if spec.test_data:
        spec = replace(spec, test_fraction=0.0)  # the whole file trains; the other one tests
    dataset = finish_dataset(
        replace(spec, name="csv", path=str(spec.path)),
        X.astype(np.float32),
        y,
        np.random.default_rng(spec.seed),
        task="classification" if class_names is not None else "regression",
        class_names=class_names,
        feature_names=tuple(table.column_name(j) for j in features),
        default_normalize="standard",
        name=table.path.name,
        standardize_target=True,
    )
    dataset = replace(dataset, target_name=table.column_name(t))
    if spec.test_data:
        dataset = with_test_file(dataset, table, t, spec.test_data)
    return dataset


def with_test_file(dataset: Dataset, table: CsvTable, t: int, path: str | Path) -> Dataset:
    """`dataset` (trained on all of `table`) tested on another file with the same columns,
    through the training file's normalisation, classes and target scaling."""
    other = read_table(path)
    if table.header and other.header and tuple(other.header) != tuple(table.header):
        missing = [n for n in table.header if n not in other.header]
        extra = [n for n in other.header if n not in table.header]
        what = (
            f"lacks {', '.join(map(repr, missing))}"
            if missing
            else f"has {', '.join(map(repr, extra))} too"
            if extra
            else "has them in another order"
        )
        raise DataError(
            f"{other.path}: the test file's columns differ from {table.path.name}'s: it {what} "
            f"(expected {', '.join(table.header)})"
        )
    if other.width != table.width:
        raise DataError(
            f"{other.path}: {other.width} columns; the training file {table.path.name} has "
            f"{table.width}"
        )
    features = [j for j in range(table.width) if j != t]
    X = apply_normalization(numeric_columns(other, features), dataset.normalization)
    if dataset.task == "classification":
        y = labels_to_indices(other, t, dataset.class_names or ())
    else:
        y = standardize_targets(
            numeric_columns(other, [t], "target value"), dataset.target_normalization
        )
    return replace(dataset, X_test=X, y_test=y)


@dataclass(frozen=True)
class CsvFeatures:
    """Inputs read from a CSV for a saved model: X ready for the network (float32, normalised)
    and, when the file has the target column, y (class indices, or float (n, 1))."""

    X: np.ndarray
    y: np.ndarray | None
    feature_names: tuple[str, ...]
    target_name: str | None
    lines: tuple[int, ...]  # file line of each row, to report predictions


def _feature_columns(
    table: CsvTable, normalization: dict[str, Any], target: str | int | None
) -> tuple[list[int], int | None]:
    """(feature columns, target column or None), matched by header names when both the file
    and the normalisation have them, else by position."""
    n_features = len(normalization["shift"])
    names = normalization.get("features")
    header = table.header
    if header and names and all(n in header for n in names):
        features = [header.index(n) for n in names]
        if target is not None:
            return features, column_index(table, target)
        rest = [j for j in range(table.width) if j not in features]
        if len(rest) > 1:
            extra = ", ".join(header[j] for j in rest)
            raise DataError(f"{table.path}: which column is the target ({extra})? pass --target")
        return features, (rest[0] if rest else None)
    if table.width == n_features and target is None:
        return list(range(n_features)), None
    if table.width == n_features + 1:
        t = column_index(table, target)
        return [j for j in range(table.width) if j != t], t
    raise DataError(
        f"{table.path}: {table.width} columns, but the model takes {n_features} inputs "
        f"(the file needs {n_features} feature columns, plus the target if you have it)"
    )


def read_csv_features(
    path: str | Path,
    normalization: dict[str, Any],
    target: str | int | None = None,
    class_names: tuple[str, ...] | list[str] | None = None,
) -> CsvFeatures:
    """Read a CSV for a saved model. `normalization` is the model's stored dict (it fixes the
    number of inputs and, if it lists feature names, which columns they are); `target` picks
    the target column as for training (default: the column left over, or the last one when
    the file has one more column than the model has inputs); `class_names` are the model's
    classes (labels are matched by name); None means a regression target."""
    if not normalization or "shift" not in normalization:
        raise DataError("the model has no input normalisation record; cannot read a CSV for it")
    table = read_table(path)
    features, t = _feature_columns(table, normalization, target)
    X = apply_normalization(numeric_columns(table, features), normalization)
    y = None
    if t is not None:
        if class_names is not None:
            y = labels_to_indices(table, t, class_names)
        else:
            y = numeric_columns(table, [t], "target value").astype(np.float32)
    return CsvFeatures(
        X=X,
        y=y,
        feature_names=tuple(table.column_name(j) for j in features),
        target_name=table.column_name(t) if t is not None else None,
        lines=tuple(table.lines),
    )


@dataclass(frozen=True)
class ModelInputs:
    """A CSV's rows as a saved model's inputs (`tui-nn predict`)."""

    X: np.ndarray  # normalised, float32 (n, n_inputs)
    table: CsvTable
    columns: tuple[int, ...]  # the file's column of each model input


def read_model_inputs(path: str | Path, normalization: dict[str, Any] | None, n_inputs: int):
    """The columns a model takes, matched by header name when the model knows its inputs'
    names (other columns, the target say, are left out), else by position (the file must
    then have exactly the model's number of columns)."""
    table = read_table(path)
    names = (normalization or {}).get("features")
    if names and table.header:
        lower = [h.lower() for h in table.header]
        missing = [n for n in names if n not in table.header and n.lower() not in lower]
        if missing:
            raise DataError(
                f"{table.path}: no column {missing[0]!r}; the model's inputs are "
                f"{', '.join(names)} (found {', '.join(table.header)})"
            )
        columns = [
            table.header.index(n) if n in table.header else lower.index(n.lower()) for n in names
        ]
    elif table.width == n_inputs:
        columns = list(range(n_inputs))
    else:
        named = f" ({', '.join(names)})" if names else ""
        raise DataError(
            f"{table.path}: {table.width} columns; the model takes {n_inputs} inputs{named}: "
            "give exactly those columns, or a header naming them"
        )
    X = numeric_columns(table, columns)
    X = apply_normalization(X, normalization) if normalization else X.astype(np.float32)
    return ModelInputs(X, table, tuple(columns))
