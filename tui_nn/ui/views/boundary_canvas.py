"""The decision-boundary picture as an array of palette indices (NumPy only, no Textual).

The canvas has two pixels per character cell, one above the other (drawn later as `▀` with the
upper pixel as foreground and the lower as background). Each pixel takes the nearest sample of
the trainer's decision grid; then the data points are painted over it in brighter colours.
Index -1 means "no colour" (the widget's own background).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_nn.session.protocol.messages import DataSummary, DecisionGrid
from tui_nn.ui.widgets.draw.class_colours import class_colours, dim, light, names_colours
from tui_nn.ui.widgets.draw.colours import (
    CATEGORICAL,
    DIVERGING,
    POINTS_BINARY,
    RGB,
    SEQUENTIAL,
    TEST_POINTS_BINARY,
)
from tui_nn.ui.widgets.draw.scale import Scale, linear_scale

KINDS = ("probability", "class", "value")
MAX_CLASSES = len(CATEGORICAL)  # classes beyond it share colours
SHADES = 3  # k classes: each class's region in this many shades of its confidence


# 2-D regression: the surface dimmed, so the points (full brightness) stay readable on it
SEQUENTIAL_DIM: tuple[RGB, ...] = tuple(dim(rgb) for rgb in SEQUENTIAL)


@dataclass(frozen=True)
class Colouring:
    """How one kind of grid is coloured: background levels, then train and test point colours."""

    kind: str
    palette: tuple[RGB, ...]  # background levels + train colours + test colours
    levels: int  # number of background levels (indices 0..levels-1)
    n_point_colours: int
    scale: Scale | None  # for "probability" and "value"

    @property
    def train_offset(self) -> int:
        return self.levels

    @property
    def test_offset(self) -> int:
        return self.levels + self.n_point_colours


def default_kind(summary: DataSummary) -> str:
    if summary.task == "regression":
        return "value"
    return "probability" if (summary.n_classes or 2) <= 2 else "class"


def colouring(kind: str, summary: DataSummary) -> Colouring:
    if kind == "probability":
        points, test = POINTS_BINARY, TEST_POINTS_BINARY
        if names_colours(summary.class_names):  # classes called red/green: drawn so
            points = class_colours(summary.class_names, 2)
            test = tuple(light(c) for c in points)
        return Colouring(
            kind,
            (*DIVERGING, *points, *test),
            len(DIVERGING),
            2,
            Scale(0.0, 1.0, len(DIVERGING)),
        )
    if kind == "class":
        k = max(2, min(summary.n_classes or 2, MAX_CLASSES))
        colours = class_colours(summary.class_names, k)
        shades = [shade(dim(c), level) for c in colours for level in range(SHADES)]
        palette = (*shades, *colours, *(light(c) for c in colours))
        return Colouring(kind, palette, k * SHADES, k, None)
    labels = summary.labels_train
    values = np.asarray(labels if labels is not None else [0.0, 1.0], dtype=np.float64).ravel()
    scale = linear_scale(values, len(SEQUENTIAL))
    return Colouring(
        kind, (*SEQUENTIAL_DIM, *SEQUENTIAL, *SEQUENTIAL), len(SEQUENTIAL), len(SEQUENTIAL), scale
    )


def shade(rgb: RGB, level: int) -> RGB:
    """A class's region colour at confidence `level` (0: barely the winner .. SHADES-1: sure),
    darker toward the background as the winner's probability falls."""
    share = 0.45 + 0.55 * level / (SHADES - 1)
    return tuple(int(round(channel * share)) for channel in rgb)  # type: ignore[return-value]


def background(
    grid: DecisionGrid | None, c: Colouring, rows: int, cols: int, discrete: bool = False
) -> np.ndarray:
    """(rows, cols) background indices: the nearest grid sample of each pixel, or -1.
    `discrete`: hard classes (a probability at 0.5; k classes without their confidence)."""
    canvas = np.full((rows, cols), -1, dtype=np.int16)
    if grid is None or grid.values.size == 0 or rows == 0 or cols == 0:
        return canvas
    g_rows, g_cols = grid.values.shape
    row_idx = ((np.arange(rows) + 0.5) * g_rows / rows).astype(np.int64).clip(0, g_rows - 1)
    col_idx = ((np.arange(cols) + 0.5) * g_cols / cols).astype(np.int64).clip(0, g_cols - 1)
    values = np.asarray(grid.values, dtype=np.float64)[np.ix_(row_idx, col_idx)]
    if c.kind == "probability" and discrete:
        return np.where(values >= 0.5, c.levels - 1, 0).astype(np.int16)
    if c.scale is not None:
        return c.scale.index(values)
    k = c.levels // SHADES
    classes = np.clip(np.rint(np.nan_to_num(values, nan=0.0)), 0, k - 1).astype(np.int16)
    level = np.full(classes.shape, SHADES - 1, dtype=np.int16)
    if grid.probabilities is not None and not discrete:
        p = np.asarray(grid.probabilities, dtype=np.float64)[np.ix_(row_idx, col_idx)]
        sure = (p - 1.0 / k) / (1.0 - 1.0 / k)  # 0 at a tie of all k, 1 when certain
        level = np.clip((sure * SHADES).astype(np.int16), 0, SHADES - 1)
    return (classes * SHADES + level).astype(np.int16)


def point_colours(labels: np.ndarray, c: Colouring) -> np.ndarray:
    """Colour (0..n_point_colours-1) of each point from its label."""
    labels = np.asarray(labels)
    if c.kind == "value":
        return c.scale.index(labels.astype(np.float64).ravel()).clip(0, None)
    return (labels.astype(np.int64).ravel() % c.n_point_colours).astype(np.int16)


def paint_points(
    canvas: np.ndarray,
    points: np.ndarray | None,
    labels: np.ndarray | None,
    bounds: tuple[float, float, float, float],
    c: Colouring,
    offset: int,
) -> None:
    """Paint points (m, 2) onto the canvas in place, in colour offset + point colour."""
    if points is None or labels is None or len(points) == 0 or canvas.size == 0:
        return
    rows, cols = canvas.shape
    x_min, x_max, y_min, y_max = bounds
    pts = np.asarray(points, dtype=np.float64)
    px = np.floor((pts[:, 0] - x_min) / ((x_max - x_min) or 1.0) * cols)
    py = np.floor((y_max - pts[:, 1]) / ((y_max - y_min) or 1.0) * rows)
    inside = (px >= 0) & (px < cols) & (py >= 0) & (py < rows)
    colour = point_colours(labels, c)
    canvas[py[inside].astype(np.int64), px[inside].astype(np.int64)] = offset + colour[inside]
