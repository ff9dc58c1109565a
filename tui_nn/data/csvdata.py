"""The user's own CSV as a training dataset.

The target is `spec.target` (a header name, or a column index counted from 0, -1 = last;
default the last column); the columns in `spec.ignore` are left out; every other column is a
numeric feature. `spec.task` says how the target is read (`csvtarget`). `spec.header`,
`spec.encoding` and `spec.thousands` say how the file is written (`csvdialect`). Features are
normalised (`spec.normalize`, default "standard") with parameters fitted on the training split
only. Inputs and a regression target stay float64 from the file to the network, which reads
them in its own precision (a float64 run is float64 end to end).

Warnings that do not stop training (every input constant, a handful of rows, a first row that
looks like a header read as data) are in `Dataset.notes`; the commands print them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tui_nn.data.assemble import finish_dataset
from tui_nn.data.csvdialect import CsvOptions
from tui_nn.data.csvfast import load
from tui_nn.data.csvtable import CsvTable, read_table
from tui_nn.data.csvtarget import labels_to_indices, looks_numeric, parse_target
from tui_nn.data.normalize import apply_normalization, standardize_targets
from tui_nn.data.spec import DataError, Dataset, DatasetSpec

FEW_ROWS = 10  # fewer training rows than this: a warning


def csv_options(spec: DatasetSpec, names: tuple[str, ...] = ()) -> CsvOptions:
    """How `spec` says its CSV is written; `names` are columns the caller names (a first row
    holding one is a header), besides the spec's target and ignored columns."""
    named = (*([spec.target] if spec.target is not None else []), *spec.ignore, *names)
    return CsvOptions(
        header=spec.header,
        encoding=spec.encoding,
        thousands=spec.thousands,
        ignore=tuple(spec.ignore),
        names=tuple(str(n) for n in named),
    )


def column_index(table: CsvTable, target: str | int | None, what: str = "column") -> int:
    """The target column: None = the last; a header name (case-insensitive); or an index
    counted from 0 (negative counts from the end, -1 = last)."""
    width = table.width
    if target is None:
        return width - 1
    text = str(target).strip()
    if table.header:
        for exact in (True, False):
            for j, name in enumerate(table.header):
                if name == text if exact else name.lower() == text.lower():
                    return j
    try:
        j = int(text)
    except ValueError:
        names = (
            ", ".join(table.header)
            if table.header
            else "the file has no header; name columns by index, or say --header yes"
        )
        raise DataError(f"{table.path}: no {what} named {text!r} ({names})") from None
    if not -width <= j < width:
        raise DataError(
            f"{table.path}: {what} index {j} is out of range: the file has {width} columns "
            f"(0..{width - 1}, or -1 for the last)"
        )
    return j % width


def ignored_columns(table: CsvTable, ignore: tuple[str, ...], strict: bool = True) -> set[int]:
    """The columns `ignore` names (names or indices, as `--target`). Not strict (a model's
    record applied to new data): a name the file does not have is passed over."""
    out = set()
    for item in ignore:
        try:
            out.add(column_index(table, item, "column to ignore"))
        except DataError:
            if strict:
                raise
    return out


def load_csv_dataset(spec: DatasetSpec) -> Dataset:
    if not spec.path:
        raise DataError("csv: no file given; pass --data PATH.csv")
    table = read_table(spec.path, csv_options(spec))
    if table.width < 2:
        raise DataError(
            f"{table.path}: found 1 column; need at least one feature column and a target"
        )
    if table.complete and len(table.head) < 2:
        raise DataError(f"{table.path}: only one data row; need at least two")
    t = column_index(table, spec.target)
    ignored = ignored_columns(table, spec.ignore)
    if t in ignored:
        raise DataError(
            f"{table.path}: --ignore names the target column {table.column_name(t)!r}; "
            "choose another target with --target"
        )
    features = [j for j in range(table.width) if j != t and j not in ignored]
    if not features:
        raise DataError(f"{table.path}: no feature columns left after --ignore")
    soft = [t] if looks_numeric(table.head, t, table.fmt) else []
    cols = load(table, features, soft=soft, ignore_hint=True)
    if cols.n < 2:
        raise DataError(f"{table.path}: only one data row; need at least two")
    X = cols.columns(features)
    y, class_names = parse_target(cols, t, spec.task)
    if spec.test_data:
        spec = replace(spec, test_fraction=0.0)  # the whole file trains; the other one tests
    dataset = finish_dataset(
        replace(spec, name="csv", path=str(spec.path)),
        X,
        y,
        np.random.default_rng(spec.seed),
        task="classification" if class_names is not None else "regression",
        class_names=class_names,
        feature_names=tuple(table.column_name(j) for j in features),
        default_normalize="standard",
        name=table.path.name,
        standardize_target=True,
        dtype=np.float64,
    )
    dataset = replace(dataset, target_name=table.column_name(t))
    if spec.test_data:
        dataset = with_test_file(dataset, table, t, features, spec)
    return replace(dataset, notes=notes(table, X, y, class_names, dataset))


def notes(table: CsvTable, X: np.ndarray, y: np.ndarray, class_names, dataset: Dataset):  # noqa: ANN001
    """Warnings about data that trains but will not teach much."""
    out = []
    name = table.path.name
    n_train, n_test = len(dataset.X_train), len(dataset.X_test)
    if n_train < FEW_ROWS:
        out.append(
            f"{name}: only {len(X)} rows ({n_train} to train on, {n_test} to test): far too "
            "few to learn from or to measure; the numbers will mean little"
        )
    if len(X) > 1 and bool(np.all(X.max(axis=0) == X.min(axis=0))):
        what = "the input column holds" if X.shape[1] == 1 else "every input column holds"
        learns = "the most common class" if class_names is not None else "the average target"
        out.append(
            f"{name}: {what} a single value on every row: the network cannot tell the rows "
            f"apart, so all it can learn is {learns}"
        )
    if (
        table.header is None
        and table.options.header == "auto"
        and class_names is not None
        and len(y) > 2 * len(class_names)
        and int(np.count_nonzero(y == y[0])) == 1
    ):
        cell = class_names[int(y[0])]
        out.append(
            f"{name}: the class {cell!r} is on one row only, the first: if line "
            f"{table.first_line} names the columns, say --header yes"
        )
    return tuple(out)


def with_test_file(
    dataset: Dataset, table: CsvTable, t: int, features: list[int], spec: DatasetSpec
) -> Dataset:
    """`dataset` (trained on all of `table`) tested on another file with the same columns,
    written the same way, through the training file's normalisation, classes and scaling."""
    path = spec.test_data
    assert path is not None
    other = read_table(path, csv_options(spec, names=table.header or ()))
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
    soft = [t] if dataset.task == "regression" else []
    text = [t] if dataset.task == "classification" else []
    cols = load(other, features, soft=soft, text=text)
    X = apply_normalization(cols.columns(features), dataset.normalization, dtype=np.float64)
    if dataset.task == "classification":
        y = labels_to_indices(cols, t, dataset.class_names or ())
    else:
        y, _ = parse_target(cols, t, "regression")
        y = standardize_targets(y, dataset.target_normalization, dtype=np.float64)
    return replace(dataset, X_test=X, y_test=y)
