"""A CSV's target column: classes or numbers, and labels matched to a model's classes.

`kind` "auto" reads text labels, and whole numbers with at most MAX_CLASSES distinct values that
repeat (on average at least two rows a value), as classes, and other numbers as a regression;
"classification" and "regression" say it outright. Work is per distinct cell (`csvfactor`),
so two million rows of three labels cost what three do.
"""

from __future__ import annotations

import numpy as np

from tui_nn.data.csvdialect import MISSING, is_number
from tui_nn.data.csvfactor import Factor
from tui_nn.data.csvtable import CsvColumns, cell_error
from tui_nn.data.spec import DataError

MAX_CLASSES = 50  # integer targets with more distinct values than this are regression


def looks_numeric(head: tuple[tuple[str, ...], ...], j: int, fmt) -> bool:  # noqa: ANN001
    """The first rows' cells of column j are numbers: worth reading it as numbers first."""
    return bool(head) and all(fmt.number(row[j]) is not None for row in head)


def parse_target(
    cols: CsvColumns, j: int, kind: str = "auto"
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """The target column as (y, class_names): class indices (int64) and their names for
    classification, or float64 (n, 1) and None for regression."""
    values = cols.soft.get(j)
    if values is not None and kind != "classification":
        if kind == "regression":
            return values.reshape(-1, 1), None
        if not np.array_equal(values, np.round(values)):
            return values.reshape(-1, 1), None  # not whole numbers: no classes
    factor = cols.factor(j)
    _check_missing(cols, j, factor)
    numbers = factor.numbers
    if all(x is not None for x in numbers):
        return _numeric_target(cols, j, factor, np.asarray(numbers, dtype=np.float64), kind)
    if kind == "regression":
        k = next(k for k, x in enumerate(numbers) if x is None)
        row = _first_row(factor, [k])
        raise DataError(
            f"{cols.table.where(row, j)}: {factor.values[k]!r} is not a number; "
            "task regression needs a numeric target"
        )
    names = tuple(sorted(set(factor.values)))
    index = {name: k for k, name in enumerate(names)}
    y = np.array([index[v] for v in factor.values], dtype=np.int64)[factor.codes]
    _check_classes(cols, j, names)
    return y, names


def _first_row(factor: Factor, values: list[int]) -> int:
    """The first row holding any of `values`."""
    return int(np.flatnonzero(np.isin(factor.codes, values))[0])


def _check_missing(cols: CsvColumns, j: int, factor: Factor) -> None:
    missing = [k for k, v in enumerate(factor.values) if v.lower() in MISSING]
    if missing:
        row = _first_row(factor, missing)
        raise cell_error(cols.table, row, j, factor.values[factor.codes[row]], "target value")


def _numeric_target(
    cols: CsvColumns, j: int, factor: Factor, per_value: np.ndarray, kind: str
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    table, n = cols.table, cols.n
    bad = np.flatnonzero(~np.isfinite(per_value))
    if len(bad):
        row = _first_row(factor, bad.tolist())
        raise cell_error(table, row, j, factor.values[factor.codes[row]], "target")
    classes = np.unique(per_value)
    distinct = len(classes)
    if kind != "classification":
        whole = not any(("." in t) or ("e" in t.lower()) for t in factor.values)
        few = distinct <= MAX_CLASSES and 2 * distinct <= n
        if kind == "regression" or not (whole and few):
            return per_value[factor.codes].reshape(-1, 1), None
    y = np.searchsorted(classes, per_value)[factor.codes]
    if 2 * distinct > n:
        raise DataError(
            f"{table.path}: column {j + 1} ({table.column_name(j)!r}) has {distinct} distinct "
            f"values in {n} rows: too few rows a class for classification (at most "
            f"{n // 2} classes); use --task regression or auto"
        )
    # each class named as the file first writes it ("1" and "1.0" are one class, named "1")
    first = factor.first_rows()
    names: list[str | None] = [None] * distinct
    for k in np.argsort(first, kind="stable").tolist():
        c = int(np.searchsorted(classes, per_value[k]))
        if names[c] is None:
            names[c] = factor.values[k]
    _check_classes(cols, j, names)  # type: ignore[arg-type]
    return y.astype(np.int64).reshape(-1), tuple(names)  # type: ignore[arg-type]


def _check_classes(cols: CsvColumns, j: int, names) -> None:  # noqa: ANN001
    if len(names) < 2:
        table = cols.table
        raise DataError(
            f"{table.path}: column {j + 1} ({table.column_name(j)!r}): every row has the class "
            f"{names[0]!r}; classification needs at least two classes"
        )


def labels_to_indices(
    cols: CsvColumns, j: int, class_names: tuple[str, ...] | list[str]
) -> np.ndarray:
    """Map the labels in column j to the indices of a model's classes (by name; a whole
    number written `2.0` is the class `2`)."""
    factor = cols.factor(j)
    index = {name: k for k, name in enumerate(class_names)}
    mapping = np.empty(len(factor.values), dtype=np.int64)
    unknown = []
    for k, text in enumerate(factor.values):
        c = index.get(text)
        if c is None and is_number(text) and float(text).is_integer():
            c = index.get(str(int(float(text))))
        if c is None:
            unknown.append(k)
            c = -1
        mapping[k] = c
    if unknown:
        row = _first_row(factor, unknown)
        text = factor.values[factor.codes[row]]
        if text.lower() in MISSING:
            raise cell_error(cols.table, row, j, text, "target value")
        known = ", ".join(class_names)
        raise DataError(f"{cols.table.where(row, j)}: {text!r} is not one of the classes ({known})")
    return mapping[factor.codes]
