"""Small prebuilt colour palettes for the picture widgets (heatmap, decision boundary).

Every colour here is one of the xterm 256-colour cube values (0, 95, 135, 175, 215, 255) or a
grey of the 256-colour ramp, so a 256-colour terminal shows exactly what a truecolor one does,
and Textual's downgrade never has to guess. Styles are built once and shared: a repaint only
looks them up by index.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color

RGB = tuple[int, int, int]

# Dark purple to pale yellow, for "how much" (mean |delta|, mean activation, a regression value).
SEQUENTIAL: tuple[RGB, ...] = (
    (28, 28, 28),
    (0, 0, 95),
    (95, 0, 135),
    (135, 0, 135),
    (175, 0, 95),
    (215, 95, 0),
    (255, 135, 0),
    (255, 215, 0),
    (255, 255, 135),
)

# Probability of class 1: blue (sure it is class 0) .. dark grey (0.5) .. orange (sure class 1).
# Muted, so that the brighter data points stay visible on top.
DIVERGING: tuple[RGB, ...] = (
    (0, 95, 175),
    (0, 95, 135),
    (0, 0, 135),
    (48, 48, 48),
    (68, 68, 68),
    (135, 95, 0),
    (175, 95, 0),
    (215, 135, 0),
)

# Bright colours for data points and classes (class 0 is blue, class 1 orange, as above).
CATEGORICAL: tuple[RGB, ...] = (
    (95, 175, 255),
    (255, 175, 0),
    (95, 215, 95),
    (255, 95, 135),
    (175, 135, 255),
    (255, 255, 95),
    (95, 255, 255),
    (255, 135, 215),
    (215, 215, 215),
    (215, 135, 95),
)

# Class regions: darker versions of CATEGORICAL (each channel one or two cube steps down).
CATEGORICAL_DIM: tuple[RGB, ...] = (
    (0, 95, 135),
    (135, 95, 0),
    (0, 95, 0),
    (135, 0, 95),
    (95, 0, 135),
    (135, 135, 0),
    (0, 135, 135),
    (135, 0, 135),
    (95, 95, 95),
    (135, 95, 0),
)

# Binary data points on the diverging background: light, so they stand out on its strong ends;
# test points in different hues (cyan, pink) so that train and test can be told apart.
POINTS_BINARY: tuple[RGB, ...] = ((175, 215, 255), (255, 255, 135))
TEST_POINTS_BINARY: tuple[RGB, ...] = ((0, 255, 255), (255, 95, 175))

# Test points: whiter versions of the point colours, so train and test can be told apart.
CATEGORICAL_LIGHT: tuple[RGB, ...] = (
    (215, 255, 255),
    (255, 255, 175),
    (215, 255, 215),
    (255, 215, 215),
    (255, 215, 255),
    (255, 255, 215),
    (215, 255, 255),
    (255, 215, 255),
    (255, 255, 255),
    (255, 215, 175),
)


def color(rgb: RGB) -> Color:
    return Color.from_rgb(*rgb)


def contrast(rgb: RGB) -> Color:
    """Black or white, whichever reads better on `rgb` (for glyphs drawn on a coloured cell)."""
    r, g, b = rgb
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return Color.from_rgb(0, 0, 0) if luminance > 140 else Color.from_rgb(255, 255, 255)


def quantize(values: np.ndarray, lo: float, hi: float, levels: int) -> np.ndarray:
    """Map values in [lo, hi] to palette indices 0..levels-1 (int16); NaN becomes -1."""
    values = np.asarray(values, dtype=np.float64)
    span = hi - lo if hi > lo else 1.0
    scaled = np.floor((values - lo) / span * levels)
    index = np.clip(np.nan_to_num(scaled, nan=-1.0), 0, levels - 1).astype(np.int16)
    index[np.isnan(values)] = -1
    return index
