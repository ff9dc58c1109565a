"""A text column of a CSV as a factor: one code a row and the column's distinct cells.

Labels repeat (three species over two million rows), so everything done to a cell's text
(stripping it, reading a decimal comma, checking it is a number or a class) is done once per
distinct cell, and the rows follow by their codes, in NumPy.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from tui_nn.data.csvdialect import NumberFormat


@dataclass(frozen=True)
class Factor:
    codes: np.ndarray  # int64 (n,): the value of each row, as an index into `values`
    values: tuple[str, ...]  # the distinct cells (stripped, numbers as float() reads them)
    numbers: tuple[float | None, ...]  # each value's number in the file's format, or None

    def __len__(self) -> int:
        return len(self.codes)

    def first_rows(self) -> np.ndarray:
        """The first row holding each value. Values are numbered in the order they first
        appear, so value k first appears where the running maximum of the codes reaches k."""
        if not len(self.codes):
            return np.zeros(0, dtype=np.int64)
        reached = np.maximum.accumulate(self.codes)
        return np.searchsorted(reached, np.arange(len(self.values)))

    def first_row_of(self, k: int) -> int:
        return int(np.argmax(self.codes == k))

    def row_numbers(self) -> np.ndarray | None:
        """Every row as a float64, or None when a value is not a finite number."""
        if not all(x is not None and math.isfinite(x) for x in self.numbers):
            return None
        return np.asarray(self.numbers, dtype=np.float64)[self.codes]

    def texts(self) -> list[str]:
        values = self.values
        return [values[k] for k in self.codes.tolist()]


class Factorizer:
    """Collects the cells of a column, row by row or a list at a time."""

    def __init__(self) -> None:
        self.index: dict[str | bytes, int] = {}  # bytes: a cell read as latin-1
        self.codes = array("q")  # row by row
        self.chunks: list[np.ndarray] = []  # a list at a time

    def add(self, cell: str) -> None:
        code = self.index.get(cell)
        if code is None:
            code = self.index[cell] = len(self.index)
        self.codes.append(code)

    def add_all(self, cells: list[str] | list[bytes]) -> None:
        """A whole column at once (the loops are C's: dict.fromkeys, map)."""
        index = self.index
        for cell in dict.fromkeys(cells):
            index.setdefault(cell, len(index))
        self.chunks.append(np.fromiter(map(index.__getitem__, cells), np.int64, len(cells)))

    def factor(self, fmt: NumberFormat) -> Factor:
        """The cells stripped and their numbers written as `float()` reads them (`1,5` in a `;`
        file is `1.5`), cells that become the same merged."""
        codes = np.concatenate(
            [np.frombuffer(self.codes, dtype=np.int64) if self.codes else np.zeros(0, np.int64)]
            + self.chunks
        )
        merged: dict[tuple[str, bool], int] = {}  # (text, is a number)
        numbers: list[float | None] = []
        remap = np.empty(len(self.index), dtype=np.int64)
        for raw, k in self.index.items():
            cell = (raw.decode("latin-1") if isinstance(raw, bytes) else raw).strip()
            number = fmt.number(cell)
            key = (fmt.text(cell), number is not None)
            if key not in merged:
                merged[key] = len(merged)
                numbers.append(number)
            remap[k] = merged[key]
        return Factor(remap[codes], tuple(text for text, _ in merged), tuple(numbers))
