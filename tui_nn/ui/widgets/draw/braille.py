"""Curves in braille, drawn with NumPy: the metric plots' own renderer (no plotext).

A `Canvas` of `cols` x `rows` cells is a grid of 2*cols x 4*rows dots (a braille character
holds 2 x 4), one layer of dots per colour. `line(x, y, layer)` joins points given in dot
coordinates (x to the right, y down, fractions allowed; what falls outside is not drawn);
`dotted_column(x, layer)` draws a vertical dotted line (an event marker). `cells()` turns the
dots into one braille character per cell and the layer whose colour the cell gets: the highest
layer with a dot there, except where the two layers of `dashed` meet, where the colour
alternates every `DASH` columns, so two curves that agree show as one dashed line in both
colours instead of one hiding the other.

Drawing a plot this way costs about a millisecond of the UI thread at any history length (the
history is downsampled to two points a column first); plotext rebuilt the figure in Python in
10-20 ms, 100 ms the first time.
"""

from __future__ import annotations

import numpy as np

DASH = 3  # columns per dash where two curves share cells
# The bit of each dot of a braille cell, by [row][column] (Unicode's dot numbering 1-8).
DOT_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)
GLYPHS = tuple(" " if code == 0 else chr(0x2800 + code) for code in range(256))
NO_LAYER = -1


class Canvas:
    """Dots in layers; `cells()` gives the characters and each cell's layer."""

    def __init__(self, cols: int, rows: int, layers: int) -> None:
        self.cols, self.rows = max(0, cols), max(0, rows)
        self.dots = np.zeros((layers, 4 * self.rows, 2 * self.cols), dtype=bool)

    @property
    def width(self) -> int:
        """Dots across (x runs from 0 to width - 1)."""
        return 2 * self.cols

    @property
    def height(self) -> int:
        """Dots down (y runs from 0 at the top to height - 1)."""
        return 4 * self.rows

    def line(self, x: np.ndarray, y: np.ndarray, layer: int) -> None:
        """Join the points (x[i], y[i]) by straight lines of dots (one point: a dot)."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        if len(x) == 0 or self.width == 0 or self.height == 0:
            return
        if len(x) == 1:
            self._put(x, y, layer)
            return
        dx, dy = np.diff(x), np.diff(y)
        steps = np.ceil(np.maximum(np.abs(dx), np.abs(dy))).astype(np.int64) + 1
        steps = np.minimum(steps, 4 * (self.width + self.height))  # a wild point: bounded work
        segment = np.repeat(np.arange(len(dx)), steps)
        first = np.cumsum(steps) - steps
        t = (np.arange(int(steps.sum())) - np.repeat(first, steps)) / np.repeat(
            np.maximum(steps - 1, 1), steps
        )
        self._put(x[segment] + t * dx[segment], y[segment] + t * dy[segment], layer)

    def dotted_column(self, x: float, layer: int) -> None:
        """A vertical line of every other dot at dot column x (if it is on the canvas)."""
        column = int(round(x))
        if 0 <= column < self.width:
            self.dots[layer, ::2, column] = True

    def _put(self, x: np.ndarray, y: np.ndarray, layer: int) -> None:
        col, row = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
        inside = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        self.dots[layer, row[inside], col[inside]] = True

    def cells(self, dashed: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(codes, owner): per cell the braille dots (0-255) and the layer it is coloured by
        (`NO_LAYER` where empty). `dashed` = (under, over): where both have dots, every other
        run of `DASH` columns shows `under` though `over` is drawn above it."""
        layers = self.dots.shape[0]
        blocks = self.dots.reshape(layers, self.rows, 4, self.cols, 2)
        present = blocks.any(axis=(2, 4))  # (layers, rows, cols)
        codes = (blocks.any(axis=0) * DOT_BITS[None, :, None, :]).sum(axis=(1, 3))
        top = layers - 1 - np.argmax(present[::-1], axis=0)  # the highest layer with a dot
        owner = np.where(present.any(axis=0), top, NO_LAYER)
        if dashed is not None:
            under, over = dashed
            meet = present[under] & present[over] & (owner == over)
            alternate = (np.arange(self.cols) // DASH) % 2 == 1
            owner = np.where(meet & alternate[None, :], under, owner)
        return codes, owner


def glyph_rows(codes: np.ndarray) -> list[str]:
    """The braille characters of each row of cells."""
    return ["".join(GLYPHS[code] for code in row) for row in codes.tolist()]
