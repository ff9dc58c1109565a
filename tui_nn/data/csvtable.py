"""Reading a user's CSV file, with one-line errors naming file, line and column.

`read_table` reads the first rows only and decides how the file is written (`csvdialect`):
delimiter, header, a trailing delimiter, the number format. `csvfast.load(table, numeric, ...)`
then reads the whole file once for the columns a caller needs:

- fast (`csvfast`): NumPy's C `loadtxt` reads a regular file, checking that every row has the
  same number of fields;
- careful (`careful` here): the `csv` module, row by row, when the fast reader refuses the file
  (a missing value, a ragged row, a line of blanks, a separator it would misread). It reads
  every file the fast reader reads, with the same result, and is the one that finds and names
  a bad cell. Its memory is the columns asked for, not the file's rows of strings.

Missing values (empty, NA, NaN, null, ?) and non-numbers in feature columns are errors: tui-nn
never guesses a value for you. Line numbers are those of the file (1 = first line); column
numbers count from 1.
"""

from __future__ import annotations

import csv
import math
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.data.csvdialect import (
    HEAD_ROWS,
    MISSING,
    CsvOptions,
    NumberFormat,
    drops_trailing_column,
    has_header,
    sniff_delimiter,
)
from tui_nn.data.csvfactor import Factor, Factorizer
from tui_nn.data.spec import DataError


@dataclass(frozen=True)
class CsvTable:
    """A CSV file as its first rows show it; `load` reads the rest."""

    path: Path
    options: CsvOptions
    delimiter: str
    header: tuple[str, ...] | None
    width: int  # columns, without the empty one a trailing delimiter leaves
    drop_last: bool  # the rows end with a trailing delimiter (one more, empty, cell)
    skip_lines: int  # the file's lines up to the header's end (0 without a header)
    first_line: int  # the file line of the first row (the header or the first data row)
    head: tuple[tuple[str, ...], ...]  # the first data rows, as the reader reads them
    complete: bool  # `head` holds every data row of the file
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def fmt(self) -> NumberFormat:
        return NumberFormat(self.delimiter, self.options.thousands)

    def column_name(self, j: int) -> str:
        return self.header[j] if self.header else f"column {j + 1}"

    def where(self, row: int, j: int) -> str:
        """'file: line L, column C (name)' for error messages."""
        name = f" ({self.header[j]!r})" if self.header else ""
        return f"{self.path}: line {self.lines()[row]}, column {j + 1}{name}"

    def lines(self) -> np.ndarray:
        """The file line of every data row (read once, when a message or a caller needs it)."""
        if "lines" not in self._cache:
            self._cache["lines"] = careful(self, [], [], lines_only=True).lines
        return self._cache["lines"]


def read_table(path: str | Path, options: CsvOptions | None = None) -> CsvTable:
    """The file's layout from its first rows: no empty file, no ragged rows among them, no
    header without data, no two columns of the same name."""
    path = Path(path)
    options = options or CsvOptions()
    rows, lines, complete, delimiter = _head(path, options)
    if not rows:
        raise DataError(f"{path}: the file is empty")
    drop, header_shorter = drops_trailing_column(rows)
    if drop:
        rows = [r if header_shorter and i == 0 else r[:-1] for i, r in enumerate(rows)]
    width = len(rows[0])
    for row, line in zip(rows, lines):
        if len(row) != width:
            raise DataError(
                f"{path}: line {line}: {len(row)} fields, expected {width} (as on line {lines[0]})"
            )
    header = None
    fmt = NumberFormat(delimiter, options.thousands)
    if has_header(rows, options.header, options.names, lambda c: fmt.number(c) is not None):
        header = tuple(rows[0])
        rows = rows[1:]
        _check_names(path, header)
    if not rows and complete:
        raise DataError(f"{path}: no data rows, only a header")
    if header and header[-1] and complete and all(r[-1] == "" for r in rows):
        raise DataError(
            f"{path}: column {width} ({header[-1]!r}) is empty on every line (a trailing "
            f"delimiter?); fill it in or remove it"
        )
    return CsvTable(
        path=path,
        options=options,
        delimiter=delimiter,
        header=header,
        width=width,
        drop_last=drop,
        skip_lines=lines[0] if header else 0,
        first_line=lines[0],
        head=tuple(tuple(r) for r in rows),
        complete=complete,
    )


def _check_names(path: Path, header: tuple[str, ...]) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in seen:
            what = f"are both named {name!r}" if name else "both have no name"
            raise DataError(
                f"{path}: columns {seen[name] + 1} and {j + 1} {what}; columns are matched by "
                "name, so give each its own"
            )
        seen[name] = j


def open_text(path: Path, options: CsvOptions):
    try:
        return open(path, encoding=options.python_encoding, newline="")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None


def _head(path: Path, options: CsvOptions) -> tuple[list[list[str]], list[int], bool, str]:
    """(rows, their lines, whether that is the whole file, delimiter): the first HEAD_ROWS
    non-blank rows, cells stripped."""
    rows: list[list[str]] = []
    lines: list[int] = []
    guard = _reading(path, options)
    with open_text(path, options) as f, guard:
        delimiter = sniff_delimiter(f.readline())
        f.seek(0)
        reader = guard.reader = csv.reader(f, delimiter=delimiter)
        for row in reader:
            cells = [c.strip() for c in row]
            if any(cells):
                if len(rows) == HEAD_ROWS + 1:
                    return rows, lines, False, delimiter
                rows.append(cells)
                lines.append(reader.line_num)
    return rows, lines, True, delimiter


class _reading:
    """Turns what reading a file may raise into one-line DataErrors (a context manager)."""

    def __init__(self, path: Path, options: CsvOptions) -> None:
        self.path, self.options = path, options
        self.reader: Any = None  # the csv reader, for the line of a csv.Error

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:  # noqa: ANN001
        if exc is None or isinstance(exc, DataError):
            return False
        if isinstance(exc, UnicodeDecodeError):
            raise encoding_error(self.path, self.options) from None
        if isinstance(exc, csv.Error):
            line = f" line {self.reader.line_num}:" if self.reader is not None else ""
            raise DataError(f"{self.path}:{line} {exc}") from None
        if isinstance(exc, OSError):
            raise DataError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        return False


def encoding_error(path: Path, options: CsvOptions) -> DataError:
    """The first line that is not text in the file's encoding, and the flag that reads it."""
    enc = options.python_encoding
    line, byte = 0, 0
    with open(path, "rb") as f:
        for line, raw in enumerate(f, 1):  # noqa: B007 - the line is what the message names
            try:
                raw.decode(enc)
            except UnicodeDecodeError as exc:
                byte = raw[exc.start]
                break
    name = options.encoding if enc != "utf-8-sig" else "UTF-8"
    hint = (
        "; if it was saved by Excel or Windows, try --encoding cp1252 (or latin-1)"
        if enc == "utf-8-sig"
        else "; try --encoding latin-1, which reads any byte"
        if enc == "cp1252"
        else ""
    )
    return DataError(f"{path}: line {line}: not a {name} text file (byte 0x{byte:02x}){hint}")


# ---- reading the columns ------------------------------------------------------------------


@dataclass
class CsvColumns:
    """The columns a caller asked `load` for. `numbers` holds the numeric columns (float64,
    finite, in the order asked); `soft` the columns asked for as numbers if they are (a target:
    None when a cell is not a finite number); `factor(j)` a text column's cells."""

    table: CsvTable
    n: int
    numeric: list[int]
    numbers: np.ndarray
    soft: dict[int, np.ndarray | None]
    factors: dict[int, Factor]
    lines: np.ndarray | None = None  # known when the careful reader read the file
    more: Callable[[list[int]], dict[int, Factor]] | None = None  # reads more text columns

    def columns(self, cols: list[int]) -> np.ndarray:
        """The numeric columns `cols` (a subset of those asked for) as float64 (n, k)."""
        if list(cols) == self.numeric:
            return self.numbers
        index = [self.numeric.index(j) for j in cols]
        return self.numbers[:, index]

    def factor(self, j: int) -> Factor:
        """Column j's cells (read now, unless `load` was asked for them)."""
        if j not in self.factors:
            self.factors.update(
                self.more([j]) if self.more else careful(self.table, [], [j]).factors
            )
        return self.factors[j]


# ---- the careful reader -------------------------------------------------------------------


def data_rows(table: CsvTable) -> Iterator[tuple[int, list[str]]]:
    """(file line, cells) of every data row, cells stripped, the trailing empty cell dropped;
    a row that does not fit the first rows' layout is a DataError."""
    path, width = table.path, table.width
    guard = _reading(path, table.options)
    with open_text(path, table.options) as f, guard:
        reader = guard.reader = csv.reader(f, delimiter=table.delimiter)
        for row in reader:
            if reader.line_num <= table.skip_lines:
                continue
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if table.drop_last and len(cells) == width + 1:
                if cells[-1]:
                    raise DataError(
                        f"{path}: line {reader.line_num}: a value ({cells[-1]!r}) after the last "
                        f"column; the first rows end with an empty column (a trailing delimiter)"
                    )
                cells.pop()
            if len(cells) != width:
                raise DataError(
                    f"{path}: line {reader.line_num}: {len(cells)} fields, expected {width} "
                    f"(as on line {table.first_line})"
                )
            yield reader.line_num, cells


def careful(
    table: CsvTable,
    numeric: list[int],
    text: list[int],
    lines_only: bool = False,
    ignore_hint: bool = False,
) -> CsvColumns:
    parse = table.fmt.parser()
    values = array("d")
    lines = array("q")
    factorizers = {j: Factorizer() for j in text}
    bad: tuple[int, int, str] | None = None  # (row, column, cell) of the first bad number
    n = 0
    for line, cells in data_rows(table):
        lines.append(line)
        if not lines_only:
            for j in numeric:
                x = parse(cells[j])
                if x is None or not math.isfinite(x):
                    bad = bad or (n, j, cells[j])
                    x = 0.0
                values.append(x)
            for j, factorizer in factorizers.items():
                factorizer.add(cells[j])
        n += 1
    if n == 0:
        raise DataError(f"{table.path}: no data rows, only a header")
    line_numbers = np.frombuffer(lines, dtype=np.int64).copy()
    table._cache.setdefault("lines", line_numbers)
    if bad is not None:
        raise cell_error(table, bad[0], bad[1], bad[2], ignore_hint=ignore_hint)
    numbers = (
        np.frombuffer(values, dtype=np.float64).reshape(n, len(numeric))
        if numeric
        else (np.empty((n, 0)))
    )
    factors = {j: f.factor(table.fmt) for j, f in factorizers.items()}
    return CsvColumns(table, n, list(numeric), numbers, {}, factors, line_numbers)


def cell_error(
    table: CsvTable, row: int, j: int, cell: str, what: str = "value", ignore_hint: bool = False
) -> DataError:
    """Why `cell` (row `row`, column `j`) is not a number, and which flag would read it."""
    where = table.where(row, j)
    if cell.lower() in MISSING:
        return DataError(f"{where}: missing {what}")
    if table.fmt.number(cell) is not None:
        return DataError(f"{where}: {cell!r} is not a finite number")
    return DataError(f"{where}: {cell!r} is not a number{_hint(table, j, cell, ignore_hint)}")


EXAMPLES = {".": "1.065,00", ",": "1,065.00"}


def _hint(table: CsvTable, j: int, cell: str, ignore_hint: bool) -> str:
    """Which flag would read `cell` (a number with thousands separators, a column of text)."""
    given = table.options.thousands
    for sep in (".", ","):
        if (
            sep != given
            and sep in cell
            and NumberFormat(table.delimiter, sep).number(cell) is not None
        ):
            return f"; a number with thousands separators? say --thousands {sep}"
    if given is not None and (given in cell or "," in cell or "." in cell):
        return f" as --thousands {given} writes numbers ({EXAMPLES[given]})"
    text_column = not any(table.fmt.number(row[j]) is not None for row in table.head)
    if ignore_hint and text_column and any(c.isalpha() for c in cell):
        name = table.column_name(j) if table.header else str(j)
        return f"; to leave out a column of text, say --ignore {name}"
    return ""
