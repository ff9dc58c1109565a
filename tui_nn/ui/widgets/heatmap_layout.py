"""Where each neuron of the heatmap goes: one block of cells per layer, folded to fit.

A layer's neurons fill its block column by column (top to bottom, then the next column). When
the layers do not fit the widget, wide layers are folded: one cell then stands for a group of
`group` consecutive neurons (their mean). Columns are shared out so that the layers that need
the most get the most, and every layer keeps at least one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CELL_WIDTH = 2  # characters per cell: two spaces with a background colour
GAP = 1  # characters between layer blocks


@dataclass(frozen=True)
class Block:
    """The cells of one layer: `cells` cells of `group` neurons, `rows` x `columns` of them."""

    x: int  # first character column
    units: int
    group: int
    cells: int
    rows: int
    columns: int

    @property
    def width(self) -> int:
        return self.columns * CELL_WIDTH

    def cell_at(self, column: int, row: int) -> int | None:
        cell = column * self.rows + row
        return (
            cell
            if 0 <= row < self.rows and 0 <= column < self.columns and cell < self.cells
            else None
        )

    def position(self, cell: int) -> tuple[int, int]:
        """(column, row) of a cell inside the block."""
        return divmod(cell, self.rows)

    def neurons(self, cell: int) -> range:
        return range(cell * self.group, min(self.units, (cell + 1) * self.group))

    def fold(self, values: np.ndarray) -> np.ndarray:
        """Per-neuron values (units,) to per-cell means (cells,), float64."""
        values = np.asarray(values, dtype=np.float64)
        padded = np.full(self.cells * self.group, np.nan, dtype=np.float64)
        padded[: len(values)] = values[: self.units]
        groups = padded.reshape(self.cells, self.group)
        counts = np.sum(~np.isnan(groups), axis=1)
        sums = np.nansum(groups, axis=1)
        out = np.full(self.cells, np.nan, dtype=np.float64)
        np.divide(sums, counts, out=out, where=counts > 0)
        return out


@dataclass(frozen=True)
class HeatmapLayout:
    blocks: tuple[Block, ...]
    rows: int  # cell rows used by the tallest block

    def block_at_x(self, x: int) -> tuple[int, int] | None:
        """(layer, column) under character column x, or None (a gap or past the end)."""
        for layer, block in enumerate(self.blocks):
            if block.x <= x < block.x + block.width:
                return layer, (x - block.x) // CELL_WIDTH
        return None


def plan(units: Sequence[int], width: int, rows: int) -> HeatmapLayout:
    """Lay out layers of `units` neurons in `width` characters and `rows` cell rows."""
    rows = max(1, rows)
    n_layers = len(units)
    if n_layers == 0:
        return HeatmapLayout((), 0)
    budget = max(n_layers, (width - GAP * (n_layers - 1)) // CELL_WIDTH)
    need = [max(1, -(-n // rows)) for n in units]
    columns = need if sum(need) <= budget else _share(units, need, budget, rows)
    blocks: list[Block] = []
    x = 0
    for n, cols in zip(units, columns):
        n = max(1, n)
        group = max(1, -(-n // (cols * rows)))
        cells = -(-n // group)
        used_rows = min(rows, cells)
        block = Block(x, n, group, cells, used_rows, -(-cells // used_rows))
        blocks.append(block)
        x += block.width + GAP
    return HeatmapLayout(tuple(blocks), max(b.rows for b in blocks))


def _share(units: Sequence[int], need: list[int], budget: int, rows: int) -> list[int]:
    """Give `budget` columns out, one at a time, to the most folded layer (the one whose cells
    hold the most neurons), so that small layers stay unfolded and big ones fold alike."""

    def group(i: int, cols: int) -> int:
        return -(-max(1, units[i]) // (cols * rows))

    columns = [1] * len(need)
    for _ in range(budget - len(need)):
        open_layers = [i for i in range(len(need)) if columns[i] < need[i]]
        if not open_layers:
            break
        best = max(
            open_layers,
            key=lambda i: (group(i, columns[i]), group(i, columns[i]) - group(i, columns[i] + 1)),
        )
        columns[best] += 1
    return columns
