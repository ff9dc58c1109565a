"""Reading a user's CSV file into columns, with one-line errors naming file, line and column.

- The delimiter is the most common of `,` `;` and tab on the first line (default `,`). In a
  `;` file a decimal comma is read as a decimal point (`1,5` is 1.5), as spreadsheets in much
  of Europe write them.
- A trailing delimiter (`1,2,3,`): an empty last column is dropped (empty on every line, or
  on every data line when the header has no trailing delimiter); a named last column with no
  value in it is refused by name.
- Blank lines are skipped; cells are stripped; a UTF-8 byte-order mark is ignored.
- The first row is a header when it has a non-numeric cell in a column whose other cells
  are numbers (so `x1,x2,label` over numeric data is a header, while `1.5,2.0,cat` is data),
  or when none of its cells is a number while the rows below have numbers.
- Missing values (empty, NA, NaN, null, ?) and non-numbers in feature columns are errors:
  tui-nn never guesses a value for you.
Line numbers are those of the file (1 = first line); column numbers count from 1.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tui_nn.data.spec import DataError

MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}
MAX_CLASSES = 50  # integer targets with more distinct values than this are regression
_HEADER_SAMPLE = 20


@dataclass(frozen=True)
class CsvTable:
    path: Path
    header: tuple[str, ...] | None
    rows: list[list[str]]
    lines: list[int]  # file line number of each row

    @property
    def width(self) -> int:
        return len(self.rows[0])

    def column_name(self, j: int) -> str:
        return self.header[j] if self.header else f"column {j + 1}"

    def where(self, row: int, j: int) -> str:
        """'file: line L, column C (name)' for error messages."""
        name = f" ({self.header[j]!r})" if self.header else ""
        return f"{self.path}: line {self.lines[row]}, column {j + 1}{name}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _has_header(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return not all(_is_number(c) for c in rows[0])
    sample = rows[1 : 1 + _HEADER_SAMPLE]
    for j, cell in enumerate(rows[0]):
        numeric_below = all(_is_number(r[j]) for r in sample if r[j].lower() not in MISSING)
        if not _is_number(cell) and numeric_below:
            return True
    # no cell of the first row is a number, while the rows below have some: names
    return not any(_is_number(c) for c in rows[0]) and any(
        _is_number(c) for r in sample for c in r
    )


def _decimal_comma(cell: str) -> str:
    """'1,5' -> '1.5' (a `;` file's decimal comma); anything else unchanged."""
    if "," in cell and cell.count(",") == 1 and "." not in cell:
        dotted = cell.replace(",", ".")
        if _is_number(dotted):
            return dotted
    return cell


def _drop_trailing_column(rows: list[list[str]]) -> list[list[str]]:
    """Rows without the empty last cell a trailing delimiter leaves, when it is on every row,
    or on every row but a header written without it."""
    ends_empty = [len(r) > 1 and r[-1] == "" for r in rows]
    if all(ends_empty):
        return [r[:-1] for r in rows]
    if len(rows) > 1 and all(ends_empty[1:]) and len(rows[0]) == len(rows[1]) - 1:
        return [rows[0]] + [r[:-1] for r in rows[1:]]
    return rows


def read_table(path: str | Path) -> CsvTable:
    """Read and check the shape of a CSV file: no empty file, no ragged rows."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            delimiter = _delimiter(f.readline())
            f.seek(0)
            reader = csv.reader(f, delimiter=delimiter)
            rows, lines = [], []
            for row in reader:
                cells = [c.strip() for c in row]
                if any(cells):
                    rows.append(cells)
                    lines.append(reader.line_num)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num}: {exc}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    if not rows:
        raise DataError(f"{path}: the file is empty")
    rows = _drop_trailing_column(rows)
    if delimiter == ";":
        rows = [[_decimal_comma(c) for c in r] for r in rows]
    width = len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != width:
            raise DataError(
                f"{path}: line {line}: {len(row)} fields, expected {width} (as on line {lines[0]})"
            )
    header = None
    if _has_header(rows):
        header = tuple(rows[0])
        rows, lines = rows[1:], lines[1:]
    if not rows:
        raise DataError(f"{path}: no data rows, only a header")
    if header and header[-1] and all(r[-1] == "" for r in rows):
        raise DataError(
            f"{path}: column {width} ({header[-1]!r}) is empty on every line (a trailing "
            f"delimiter?); fill it in or remove it"
        )
    return CsvTable(path, header, rows, lines)


def column_index(table: CsvTable, target: str | int | None) -> int:
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
        names = ", ".join(table.header) if table.header else "the file has no header"
        raise DataError(f"{table.path}: no column named {text!r} ({names})") from None
    if not -width <= j < width:
        raise DataError(
            f"{table.path}: column index {j} is out of range: the file has {width} columns "
            f"(0..{width - 1}, or -1 for the last)"
        )
    return j % width


def _cell_error(table: CsvTable, i: int, j: int, what: str = "value") -> DataError:
    cell = table.rows[i][j]
    if cell.lower() in MISSING:
        return DataError(f"{table.where(i, j)}: missing {what}")
    if _is_number(cell):
        return DataError(f"{table.where(i, j)}: {cell!r} is not a finite number")
    return DataError(f"{table.where(i, j)}: {cell!r} is not a number")


def numeric_columns(table: CsvTable, columns: list[int], what: str = "value") -> np.ndarray:
    """The given columns as float64 (n, len(columns)); the first bad cell raises DataError."""
    try:
        values = np.array([[row[j] for j in columns] for row in table.rows], dtype=np.float64)
    except ValueError:
        values = None
    if values is not None and np.isfinite(values).all():
        return values.reshape(len(table.rows), len(columns))
    for i, row in enumerate(table.rows):
        for j in columns:
            cell = row[j]
            if cell.lower() in MISSING or not _is_number(cell) or not math.isfinite(float(cell)):
                raise _cell_error(table, i, j, what)
    raise AssertionError("unreachable: a bad cell was not found")


def parse_target(
    table: CsvTable, j: int, kind: str = "auto"
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """The target column as (y, class_names): class indices (int64) and their names for
    classification, or float32 (n, 1) and None for regression. `kind` "auto" reads text
    labels, and whole numbers with at most MAX_CLASSES distinct values that repeat (on
    average at least two rows a value), as classes, and other numbers as a regression;
    "classification" and "regression" say it outright."""
    texts = [row[j] for row in table.rows]
    for i, text in enumerate(texts):
        if text.lower() in MISSING:
            raise _cell_error(table, i, j, "target value")
    numeric = all(_is_number(t) for t in texts)
    if kind == "regression" and not numeric:
        i = next(i for i, t in enumerate(texts) if not _is_number(t))
        raise DataError(
            f"{table.where(i, j)}: {texts[i]!r} is not a number; "
            "task regression needs a numeric target"
        )
    if numeric:
        values = np.array(texts, dtype=np.float64)
        if not np.isfinite(values).all():
            raise _cell_error(table, int(np.flatnonzero(~np.isfinite(values))[0]), j, "target")
        classes, y = np.unique(values, return_inverse=True)
        distinct = len(classes)
        if kind != "classification":
            whole = not any(("." in t) or ("e" in t.lower()) for t in texts)
            few = distinct <= MAX_CLASSES and 2 * distinct <= len(values)
            if kind == "regression" or not (whole and few):
                return values.astype(np.float32).reshape(-1, 1), None
        if 2 * distinct > len(values):
            raise DataError(
                f"{table.path}: column {j + 1} ({table.column_name(j)!r}) has {distinct} distinct "
                f"values in {len(values)} rows: too few rows a class for classification (at most "
                f"{len(values) // 2} classes); use --task regression or auto"
            )
        first = {v: t for v, t in zip(values.tolist(), texts)}
        names = tuple(first[c] for c in classes.tolist())  # classes as the file writes them
        y = y.astype(np.int64)
    else:
        names = tuple(sorted(set(texts)))
        index = {name: k for k, name in enumerate(names)}
        y = np.array([index[t] for t in texts], dtype=np.int64)
    if len(names) < 2:
        raise DataError(
            f"{table.path}: column {j + 1} ({table.column_name(j)!r}): every row has the class "
            f"{names[0]!r}; classification needs at least two classes"
        )
    return y, names


def labels_to_indices(
    table: CsvTable, j: int, class_names: tuple[str, ...] | list[str]
) -> np.ndarray:
    """Map the labels in column j to the indices of a model's classes."""
    index = {name: k for k, name in enumerate(class_names)}
    y = np.empty(len(table.rows), dtype=np.int64)
    for i, row in enumerate(table.rows):
        text = row[j]
        k = index.get(text)
        if k is None and _is_number(text) and float(text).is_integer():
            k = index.get(str(int(float(text))))
        if k is None:
            if text.lower() in MISSING:
                raise _cell_error(table, i, j, "target value")
            known = ", ".join(class_names)
            raise DataError(f"{table.where(i, j)}: {text!r} is not one of the classes ({known})")
        y[i] = k
    return y
