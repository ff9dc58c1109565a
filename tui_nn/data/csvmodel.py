"""A CSV's rows as a saved model's inputs (`tui-nn eval --data`, `tui-nn predict`).

The file is read the way the model's own training file was (`--header`, `--encoding`,
`--thousands`, `--ignore` recorded in the model, unless the command says otherwise), and its
inputs go through the model's stored normalisation. Columns are matched by the names of the
model's inputs when the model knows them and the file has a header; otherwise by position,
leaving out the columns the model's training ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.data.csvdata import column_index, csv_options, ignored_columns
from tui_nn.data.csvdialect import CsvOptions
from tui_nn.data.csvfast import load
from tui_nn.data.csvtable import CsvTable, read_table
from tui_nn.data.csvtarget import labels_to_indices, parse_target
from tui_nn.data.normalize import apply_normalization
from tui_nn.data.spec import DataError, DatasetSpec


@dataclass(frozen=True)
class CsvFeatures:
    """Inputs read from a CSV for a saved model: X ready for the network (normalised, in the
    model's precision) and, when the file has the target column, y (class indices, or float
    (n, 1))."""

    X: np.ndarray
    y: np.ndarray | None
    feature_names: tuple[str, ...]
    target_name: str | None
    table: CsvTable

    @property
    def lines(self) -> tuple[int, ...]:
        """The file line of each row."""
        return tuple(self.table.lines().tolist())


def model_csv_options(spec: DatasetSpec | None, given: dict[str, Any] | None = None) -> CsvOptions:
    """How to read new data for a model: as its training file was read (`spec`, the model's
    dataset), with the options the command was given (`given`: header, ignore, encoding,
    thousands) instead where it has them."""
    changes = {k: v for k, v in (given or {}).items() if k in _CSV_FIELDS}
    return csv_options(replace(spec or DatasetSpec(), **changes))


_CSV_FIELDS = ("header", "ignore", "encoding", "thousands")


def _with_names(options: CsvOptions | None, names: Any) -> CsvOptions:
    options = options or CsvOptions()
    extra = tuple(str(n) for n in (names or ()))
    return CsvOptions(
        options.header, options.encoding, options.thousands, options.ignore,
        (*options.names, *extra),
    )  # fmt: skip


def _usable(table: CsvTable, options: CsvOptions) -> list[int]:
    ignored = ignored_columns(table, options.ignore, strict=False)
    return [j for j in range(table.width) if j not in ignored]


def _feature_columns(
    table: CsvTable, normalization: dict[str, Any], target: str | int | None, options: CsvOptions
) -> tuple[list[int], int | None]:
    """(feature columns, target column or None), matched by header names when both the file
    and the normalisation have them, else by position."""
    n_features = len(normalization["shift"])
    names = normalization.get("features")
    header = table.header
    usable = _usable(table, options)
    if header and names and all(n in header for n in names):
        features = [header.index(n) for n in names]
        if target is not None:
            return features, column_index(table, target)
        rest = [j for j in usable if j not in features]
        if len(rest) > 1:
            extra = ", ".join(header[j] for j in rest)
            raise DataError(f"{table.path}: which column is the target ({extra})? pass --target")
        return features, (rest[0] if rest else None)
    if len(usable) == n_features and target is None:
        return usable, None
    if len(usable) == n_features + 1:
        t = column_index(table, target) if target is not None else usable[-1]
        return [j for j in usable if j != t], t
    ignored = table.width - len(usable)
    besides = f" besides {ignored} ignored" if ignored else ""
    raise DataError(
        f"{table.path}: {len(usable)} columns{besides}, but the model takes {n_features} inputs "
        f"(the file needs {n_features} feature columns, plus the target if you have it)"
    )


def read_csv_features(
    path: str | Path,
    normalization: dict[str, Any],
    target: str | int | None = None,
    class_names: tuple[str, ...] | list[str] | None = None,
    options: CsvOptions | None = None,
    dtype: Any = np.float32,
) -> CsvFeatures:
    """Read a CSV for a saved model. `normalization` is the model's stored dict (it fixes the
    number of inputs and, if it lists feature names, which columns they are); `target` picks
    the target column as for training (default: the column left over, or the last one when
    the file has one more column than the model has inputs); `class_names` are the model's
    classes (labels are matched by name); None means a regression target."""
    if not normalization or "shift" not in normalization:
        raise DataError("the model has no input normalisation record; cannot read a CSV for it")
    names = [*(normalization.get("features") or ()), *([target] if target is not None else [])]
    options = _with_names(options, names)
    table = read_table(path, options)
    features, t = _feature_columns(table, normalization, target, options)
    if t is None:
        cols = load(table, features)
    elif class_names is not None:
        cols = load(table, features, text=[t])
    else:
        cols = load(table, features, soft=[t])
    X = apply_normalization(cols.columns(features), normalization, dtype=dtype)
    y = None
    if t is not None:
        if class_names is not None:
            y = labels_to_indices(cols, t, class_names)
        else:
            y = parse_target(cols, t, "regression")[0]
    return CsvFeatures(
        X=X,
        y=y,
        feature_names=tuple(table.column_name(j) for j in features),
        target_name=table.column_name(t) if t is not None else None,
        table=table,
    )


@dataclass(frozen=True)
class ModelInputs:
    """A CSV's rows as a saved model's inputs (`tui-nn predict`)."""

    X: np.ndarray  # normalised, in the model's precision (n, n_inputs)
    names: tuple[str, ...]  # the file's name of each input column
    cells: list[list[str]]  # each row's input cells as the file writes them (numbers read)


def read_model_inputs(
    path: str | Path,
    normalization: dict[str, Any] | None,
    n_inputs: int,
    options: CsvOptions | None = None,
    dtype: Any = np.float32,
) -> ModelInputs:
    """The columns a model takes, matched by header name when the model knows its inputs'
    names (other columns, the target say, are left out), else by position (the file must
    then have exactly the model's number of columns, besides those its training ignored)."""
    names = (normalization or {}).get("features")
    options = _with_names(options, names)
    table = read_table(path, options)
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
    else:
        columns = _usable(table, options)
        if len(columns) != n_inputs:
            named = f" ({', '.join(names)})" if names else ""
            raise DataError(
                f"{table.path}: {len(columns)} columns; the model takes {n_inputs} inputs{named}: "
                "give exactly those columns, or a header naming them"
            )
    cols = load(table, columns, text=columns)
    X = cols.columns(columns)
    X = apply_normalization(X, normalization, dtype=dtype)
    texts = [cols.factor(j).texts() for j in columns]
    return ModelInputs(
        X, tuple(table.column_name(j) for j in columns), [list(r) for r in zip(*texts)]
    )
