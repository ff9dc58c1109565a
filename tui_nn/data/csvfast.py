"""Reading a CSV's columns at the speed of C: `load` tries NumPy's `loadtxt` first and leaves
to the careful reader (`csvtable.careful`) every file it would not read the same way.

The fast reader parses the numeric columns of every row in C and keeps the other columns out
of the parse with a converter (`len`), so `loadtxt` still checks that every row has the same
number of fields; a text column (a target's labels) is a second `loadtxt` of that column only.
It gives up, and the careful reader reads the file, on anything irregular: a cell that is not a
finite number, a ragged row or a line of blanks, a value after a trailing delimiter, a number
format it would translate wrongly. So the two agree on every file (tests/data/test_data_csv_fast.py
checks it on generated files), and only the careful one ever has to explain a bad cell.

Measured on a 154 MB file (2 M rows x 11 columns): 51 s and 2.3 GB before, with the `csv`
module and a list of strings per row; see `benchmarks/csv_load.py` for today's figure.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from operator import methodcaller
from typing import Any

import numpy as np

from tui_nn.data.csvfactor import Factor, Factorizer
from tui_nn.data.csvtable import CsvColumns, CsvTable, careful, open_text


def load(
    table: CsvTable,
    numeric: list[int],
    soft: list[int] | tuple[int, ...] = (),
    text: list[int] | tuple[int, ...] = (),
    *,
    ignore_hint: bool = False,
) -> CsvColumns:
    """Read `numeric` columns (every cell a finite number, else a DataError naming the first
    bad one), `soft` columns as numbers when every cell is one (a target: else None), and
    `text` columns as factors (others are read when asked for). With `ignore_hint`, a text cell
    in a numeric column suggests `--ignore` (training)."""
    numeric = list(numeric)
    soft = [j for j in soft if j not in numeric]
    text = list(text)
    cols = _fast(table, numeric, soft, text)
    if cols is None:
        cols = careful(table, numeric, sorted({*soft, *text}), ignore_hint=ignore_hint)
        for j in soft:
            cols.soft[j] = cols.factor(j).row_numbers()
    return cols


class _Refused(Exception):
    """The fast reader leaves this file to the careful one."""


@contextmanager
def _source(table: CsvTable, replace: bool = True, blank: bool = False) -> Iterator[Any]:
    """(what `loadtxt` reads, lines to skip): the path (C reads it in chunks), or the file's
    lines, `replace`d by the number format's replacements (`1,5` -> `1.5`) when it has some,
    and with `blank` the lines of blanks left out (C's loops: no Python code runs per line)."""
    steps = table.fmt.replacements() if replace else []
    if any(table.delimiter == old for old, _ in steps):
        raise _Refused  # a separator that is also the delimiter: cell by cell
    if steps and not all(table.fmt.text_ok(block) for block in _blocks(table)):
        raise _Refused  # a separator out of place (text with dots?): cell by cell
    if not steps and not blank:
        yield str(table.path), table.skip_lines
        return
    with open_text(table.path, table.options) as f:
        lines: Iterator[str] = f
        skip = table.skip_lines
        if blank:  # a header is then one line: the file has no quotes (see _fast)
            lines, skip = filter(str.strip, lines), 1 if table.header else 0
        for old, new in steps:
            lines = map(methodcaller("replace", old, new), lines)
        yield lines, skip


def _blocks(table: CsvTable, size: int = 1 << 22) -> Iterator[str]:
    """The data lines of the file, a block of whole lines at a time."""
    with open_text(table.path, table.options) as f:
        for _ in range(table.skip_lines):
            f.readline()
        rest = ""
        while block := f.read(size):
            block = rest + block
            cut = block.rfind("\n") + 1
            rest = block[cut:]
            yield block[:cut]
        yield rest


def _loadtxt(table: CsvTable, source: tuple[Any, int], **kw: Any) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "input contained no data": the careful reader says it
        return np.loadtxt(
            source[0],
            delimiter=table.delimiter,
            comments=None,
            quotechar='"',
            skiprows=source[1],
            encoding=table.options.python_encoding,
            ndmin=2,
            **kw,
        )


_GIVE_UP = (ValueError, UnicodeError, csv.Error, _Refused, OSError)


def _fast(
    table: CsvTable, numeric: list[int], soft: list[int], text: list[int]
) -> CsvColumns | None:
    if not numeric:
        return None
    translated = bool(table.fmt.replacements())
    # text in the same pass, as bytes (latin-1: a cell outside it fails the pass), unless the
    # lines are translated (`1,5` -> `1.5` would change a label) or the first rows have
    # characters outside latin-1; those columns come from a pass of their own
    wanted = [j for j in dict.fromkeys([*soft, *text]) if j not in numeric]
    inline = [] if translated else [j for j in wanted if _latin1(table, j)]
    data = _read(table, numeric, soft if translated else [], inline)
    blank = False
    if data is None:  # once more, the text on its own and lines of blanks left out
        blank = not any('"' in block for block in _blocks(table))
        if inline or blank:
            inline = []
            data = _read(table, numeric, soft if translated else [], inline, blank)
    if data is None:
        return None
    n = len(data)
    if n == 0 or (table.drop_last and data["_trailing"].any()):
        return None  # a value after the last column: the careful reader names the line
    numbers = np.ndarray((n, len(numeric)), np.float64, buffer=data, strides=(data.itemsize, 8))
    if not np.isfinite(numbers).all():
        return None
    cells = {j: data[f"c{j}"] for j in inline if not _cut(data[f"c{j}"])}
    factors = {j: _factor(cells[j], table) for j in text if j in cells}
    rest = [j for j in wanted if j not in cells and (j in text or not translated)]
    if rest:
        more = _texts(table, rest, n, blank)
        if more is None:
            return None
        factors.update(more)
    soft_values = {}
    for j in soft:
        if translated:
            column = data[f"c{j}"]
            soft_values[j] = column.copy() if np.isfinite(column).all() else None
        elif j in cells:
            soft_values[j] = _numbers(cells[j])
        else:
            soft_values[j] = factors[j].row_numbers()

    def more(cols: list[int]) -> dict[int, Factor]:
        out = {j: _factor(cells[j], table) for j in cols if j in cells}
        rest = [j for j in cols if j not in out]
        if rest:
            out.update(_texts(table, rest, n, blank) or careful(table, [], rest).factors)
        return out

    return CsvColumns(table, n, numeric, numbers, soft_values, factors, more=more)


def _cut(cells: np.ndarray) -> bool:
    """A cell as wide as its bytes field may have been cut short."""
    return bool(len(cells)) and int(np.char.str_len(cells).max()) >= cells.itemsize


def _factor(cells: np.ndarray, table: CsvTable) -> Factor:
    factorizer = Factorizer()
    factorizer.add_all(cells.tolist())
    return factorizer.factor(table.fmt)


def _numbers(cells: np.ndarray) -> np.ndarray | None:
    """A column of bytes cells as float64 when every cell is a finite number as Python reads
    it (`float`, no `1_000`); None otherwise (the column is then read as text)."""
    try:
        values = cells.astype(np.float64)
    except ValueError:
        return None
    if not np.isfinite(values).all() or (np.char.find(cells, b"_") >= 0).any():
        return None
    return values


def _latin1(table: CsvTable, j: int) -> bool:
    return all(max(map(ord, row[j]), default=0) < 256 for row in table.head)


def _read(
    table: CsvTable, numeric: list[int], parsed: list[int], inline: list[int], blank: bool = False
) -> np.ndarray | None:
    """One `loadtxt` of every column into a record a row: the `numeric` columns first (float64,
    side by side, so they are an (n, k) view), then `parsed` (float64), the skipped columns
    (`len` of the cell: 0 for the empty cells of a trailing delimiter), and `inline` text
    (bytes, wide enough for twice the first rows' longest cell)."""
    width = table.width + table.drop_last
    order = [*numeric, *[j for j in parsed if j not in numeric]]
    order += [j for j in range(width) if j not in order and j not in inline]
    offsets, formats, offset = {}, {}, 0
    for j in order:
        offsets[j], formats[j], offset = offset, "f8", offset + 8
    for j in inline:
        size = max(16, 2 * max((len(row[j]) for row in table.head), default=0))
        offsets[j], formats[j], offset = offset, f"S{size}", offset + size
    names = [("_trailing" if j == table.width else f"c{j}") for j in range(width)]
    dtype = np.dtype(
        {
            "names": names,
            "formats": [formats[j] for j in range(width)],
            "offsets": [offsets[j] for j in range(width)],
            "itemsize": offset,
        }
    )
    skipped = {j: len for j in range(width) if j not in numeric and j not in parsed}
    for j in inline:
        skipped.pop(j, None)
    try:
        with _source(table, blank=blank) as source:
            return _loadtxt(table, source, dtype=dtype, converters=skipped or None)[:, 0]
    except _GIVE_UP:
        return None


def _texts(table: CsvTable, cols: list[int], n: int, blank: bool) -> dict[int, Factor] | None:
    """Text columns by `loadtxt` (their cells only; the fast read of the numbers has checked
    every row's fields); None when it cannot read them."""
    try:
        with _source(table, replace=False, blank=blank) as source:
            cells = _loadtxt(table, source, dtype=object, usecols=cols)
    except _GIVE_UP:
        return None
    if len(cells) != n:
        return None
    out = {}
    for k, j in enumerate(cols):
        factorizer = Factorizer()
        factorizer.add_all(cells[:, k].tolist())
        out[j] = factorizer.factor(table.fmt)
    return out
