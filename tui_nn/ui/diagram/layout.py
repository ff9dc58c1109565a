"""Where the network diagram draws things: node columns, folded layers, the strongest lines.

Columns go left to right: the inputs (or a small picture of the sample, for image data), each
hidden layer, the output layer. A column of n neurons spreads its nodes evenly over the canvas
rows; when n does not fit, neurons are folded the way the heatmap folds them: one node then
stands for `group` consecutive neurons. Between two columns, lines join the nodes: when there
are too many to read, each node keeps only its `k` strongest incoming lines. Lines are drawn
with braille dots (2 x 4 per character cell); each cell takes the colour of the strongest line
through it, and remembers that line (for the mouse).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tui_nn.ui.widgets.heatmap_layout import Block

NODE_WIDTH = 2  # characters per node: two spaces with a background colour
MAX_LINES = 32  # lines between two columns before each node keeps only its strongest k
MIN_GAP = 3  # characters between two columns at least
BRAILLE = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int32)


@dataclass(frozen=True)
class Column:
    """One layer's nodes: `nodes` nodes of `group` neurons, node j on canvas row `ys[j]`."""

    x: int  # first character column
    width: int
    units: int
    group: int
    ys: tuple[int, ...]
    picture: tuple[int, int, int] | None = None  # (rows, cols, factor) of an input picture

    @property
    def nodes(self) -> int:
        return len(self.ys)

    def neurons(self, node: int) -> range:
        return range(node * self.group, min(self.units, (node + 1) * self.group))

    def node_of(self, neuron: int) -> int:
        return neuron // self.group

    def fold(self, values: np.ndarray) -> np.ndarray:
        """Per-neuron values (units,) to per-node means (nodes,), float64 (NaN where none)."""
        block = Block(self.x, self.units, self.group, self.nodes, self.nodes, 1)
        return block.fold(values)


@dataclass(frozen=True)
class DiagramLayout:
    columns: tuple[Column, ...]
    rows: int  # canvas rows

    def node_at(self, x: int, y: int) -> tuple[int, int] | None:
        """(column, node) drawn at canvas cell (x, y), or None."""
        for c, column in enumerate(self.columns):
            if column.picture is None and column.x <= x < column.x + column.width:
                if y in column.ys:
                    return c, column.ys.index(y)
        return None


def _picture(shape: tuple[int, int], width: int, rows: int) -> tuple[int, int, int]:
    """(character rows, character columns, factor) of a picture drawn with half blocks: one
    character is 1 x 2 pixels of the image shrunk `factor` times."""
    h, w = shape
    for factor in range(1, max(h, w) + 1):
        ph, pw = -(-h // factor), -(-w // factor)
        if pw <= max(6, width // 4) and -(-ph // 2) <= rows:
            break
    return -(-ph // 2), pw, factor


def shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """Mean of factor x factor blocks (the edges padded with the edge's mean)."""
    if factor == 1:
        return np.asarray(image, dtype=np.float64)
    h, w = image.shape
    H, W = -(-h // factor) * factor, -(-w // factor) * factor
    padded = np.full((H, W), np.nan)
    padded[:h, :w] = image
    blocks = padded.reshape(H // factor, factor, W // factor, factor)
    return np.nanmean(blocks, axis=(1, 3))


def plan(
    sizes: Sequence[int], width: int, rows: int, image: tuple[int, int] | None = None
) -> DiagramLayout:
    """Columns for layers of `sizes` (inputs, hidden..., outputs) in `width` x `rows` cells."""
    rows = max(1, rows)
    if len(sizes) < 2:
        return DiagramLayout((), rows)
    picture = _picture(image, width, rows) if image is not None else None
    widths = [picture[1] if picture else NODE_WIDTH] + [NODE_WIDTH] * (len(sizes) - 1)
    gaps = len(sizes) - 1
    gap = max(MIN_GAP, (width - sum(widths)) // gaps)
    columns, x = [], 0
    for c, (units, w) in enumerate(zip(sizes, widths)):
        units = max(1, int(units))
        if c == 0 and picture is not None:
            ys = (max(0, (rows - picture[0]) // 2),)
            columns.append(Column(x, w, units, units, ys, picture))
        else:
            group = max(1, -(-units // rows))
            nodes = -(-units // group)
            ys = tuple(int((j + 0.5) * rows / nodes) for j in range(nodes))
            columns.append(Column(x, w, units, group, ys))
        x += w + gap
    return DiagramLayout(tuple(columns), rows)


def block_weights(W: np.ndarray, src: Column, dst: Column) -> np.ndarray:
    """(dst nodes, src nodes): per pair of nodes the weight of largest size between their
    neurons (signed); for unfolded columns simply W."""
    W = np.asarray(W, dtype=np.float64)
    if src.group == 1 and dst.group == 1:
        return W
    rows = np.arange(0, dst.units, dst.group)
    cols = np.arange(0, src.units, src.group)
    big = np.maximum.reduceat(np.maximum.reduceat(np.abs(W), rows, axis=0), cols, axis=1)
    small = np.minimum.reduceat(np.minimum.reduceat(W, rows, axis=0), cols, axis=1)
    return np.where(-small >= big, small, big)


def top_k(n_src: int, n_dst: int) -> int:
    """Lines each node keeps: all of them while the pair of columns has at most MAX_LINES."""
    if n_src * n_dst <= MAX_LINES:
        return n_src
    return max(1, min(n_src, MAX_LINES // max(1, n_dst)))


def strongest(B: np.ndarray, k: int) -> list[tuple[int, int]]:
    """(dst node, src node) of the k strongest lines into each node."""
    n_dst, n_src = B.shape
    if k >= n_src:
        return [(j, i) for j in range(n_dst) for i in range(n_src)]
    keep = np.argpartition(-np.abs(B), k - 1, axis=1)[:, :k]
    return [(j, int(i)) for j in range(n_dst) for i in sorted(keep[j])]


@dataclass
class Canvas:
    """Braille dots of the lines between columns, per character cell of the canvas."""

    width: int
    rows: int

    def __post_init__(self) -> None:
        self.mask = np.zeros((self.rows, self.width), dtype=np.int32)
        self.owner = np.full((self.rows, self.width), -1, dtype=np.int32)

    def line(self, x0: int, y0: int, x1: int, y1: int, owner: int) -> None:
        """A line of dots from character cell (x0, y0) to (x1, y1), both inclusive; the cells
        it crosses now belong to `owner` (draw the strongest line last)."""
        cy, cx, bits = _dots(x0, y0, x1, y1)
        inside = (cx < self.width) & (cy < self.rows)
        cy, cx, bits = cy[inside], cx[inside], bits[inside]
        np.bitwise_or.at(self.mask, (cy, cx), bits)
        self.owner[cy, cx] = owner

    def char(self, y: int, x: int) -> str:
        m = int(self.mask[y, x])
        return chr(0x2800 + m) if m else " "


@lru_cache(maxsize=8192)
def _dots(x0: int, y0: int, x1: int, y1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell rows, cell columns, braille bits) of the dots of a line (the same lines are drawn
    at every repaint: computed once)."""
    dx0, dx1 = 2 * x0, 2 * x1 + 1
    dy0, dy1 = 4 * y0 + 1, 4 * y1 + 1
    n = max(abs(dx1 - dx0), abs(dy1 - dy0)) + 1
    t = np.arange(n, dtype=np.float64) / max(1, n - 1)
    xs = np.rint(dx0 + (dx1 - dx0) * t).astype(np.int32)
    ys = np.rint(dy0 + (dy1 - dy0) * t).astype(np.int32)
    keep = (xs >= 0) & (ys >= 0)
    xs, ys = xs[keep], ys[keep]
    out = (ys // 4, xs // 2, BRAILLE[ys % 4, xs % 2])
    for a in out:
        a.flags.writeable = False
    return out


def line_ends(src: Column, dst: Column, i: int, j: int) -> tuple[int, int, int, int]:
    """Character cells where a line from node i of `src` to node j of `dst` starts and ends."""
    y0 = src.ys[i] if src.picture is None else src.ys[0]
    return src.x + src.width, y0, dst.x - 1, dst.ys[j]


def level_of(value: float, hi: float, levels: int) -> int:
    """1..levels for |value| on a scale 0..hi."""
    if hi <= 0 or not math.isfinite(value):
        return 1
    return int(min(levels, max(1, math.ceil(abs(value) / hi * levels))))
