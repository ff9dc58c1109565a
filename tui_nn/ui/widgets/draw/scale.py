"""Colour scales: values to palette levels, with bounds rounded so they do not flicker.

Bounds are snapped outwards to round numbers (linear) or half decades (log). A scale that
moves with every snapshot would recolour every cell on every update, and every recoloured
row costs bytes on the terminal; a snapped scale changes only when the data really moves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tui_nn.ui.widgets.draw.colours import quantize

LOG_RATIO = 30.0  # use a log scale when positive values span more than this factor


@dataclass(frozen=True)
class Scale:
    lo: float
    hi: float
    levels: int
    log: bool = False

    def index(self, values: np.ndarray) -> np.ndarray:
        """Palette indices (int16) for values; NaN gives -1."""
        values = np.asarray(values, dtype=np.float64)
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                safe = np.where(values > 0, values, self.lo)
                values = np.where(np.isnan(values), np.nan, np.log10(safe))
            return quantize(values, math.log10(self.lo), math.log10(self.hi), self.levels)
        return quantize(values, self.lo, self.hi, self.levels)

    def label(self) -> tuple[str, str]:
        return f"{self.lo:.2g}", f"{self.hi:.2g}"


def linear_scale(values: np.ndarray, levels: int, zero_floor: bool = False) -> Scale:
    """A linear scale covering the finite values, snapped to round bounds."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return Scale(0.0, 1.0, levels)
    lo = 0.0 if zero_floor else float(finite.min())
    hi = float(finite.max())
    span = hi - lo
    if span <= 0:
        span = abs(hi) or 1.0
        lo, hi = lo - span / 2, hi + span / 2
    step = 10.0 ** math.floor(math.log10(span)) / 2
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if zero_floor:
        lo = 0.0
    return Scale(lo, hi, levels)


def magnitude_scale(values: np.ndarray, levels: int) -> Scale:
    """For non-negative magnitudes (mean |delta|): log when they span decades, else 0..max."""
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    if len(positive) == 0:
        return Scale(0.0, 1.0, levels)
    lo, hi = float(positive.min()), float(positive.max())
    if hi / lo <= LOG_RATIO:
        return linear_scale(finite, levels, zero_floor=True)
    lo = 10.0 ** (math.floor(2 * math.log10(lo)) / 2)
    hi = 10.0 ** (math.ceil(2 * math.log10(hi)) / 2)
    return Scale(lo, hi, levels, log=True)
