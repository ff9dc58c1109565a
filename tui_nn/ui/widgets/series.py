"""Metric history for the plots: storage, smoothing and downsampling (NumPy only, no Textual).

A plot never draws its whole history: before plotting, a series is reduced to about two points
per column of the plot (the minimum and the maximum of each bucket, which keeps spikes visible),
plus its newest point, so a repaint costs the same after 100 epochs as after a million.
"""

from __future__ import annotations

import math

import numpy as np

from tui_nn.engine.history import CAPACITY, OLD_BUCKETS, RECENT, bucket_width, thin_indices

NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


class History:
    """Growable columns of float64 values (x plus named series); NaN marks a missing value.

    Bounded like the trainer's history (tui_nn/engine/history.py): past `limit` points,
    everything but the newest `recent` is thinned to each bucket's first point and the min and
    max of every series, which is what `downsample_fixed` draws anyway."""

    def __init__(
        self, names: tuple[str, ...], recent: int = RECENT, limit: int = CAPACITY
    ) -> None:
        self.names = names
        self.recent, self.limit = recent, limit
        self.width = 1.0
        self._capacity = 256
        self._n = 0
        self._x = np.empty(self._capacity, dtype=np.float64)
        self._y = {name: np.empty(self._capacity, dtype=np.float64) for name in names}

    def __len__(self) -> int:
        return self._n

    def append(self, x: float, values: dict[str, float | None]) -> None:
        if self._n >= self.limit:
            self._thin()
        if self._n == self._capacity:
            self._grow()
        self._x[self._n] = x
        for name in self.names:
            value = values.get(name)
            self._y[name][self._n] = np.nan if value is None else value
        self._n += 1

    def clear(self) -> None:
        self._n, self.width = 0, 1.0

    @property
    def x(self) -> np.ndarray:
        return self._x[: self._n]

    def y(self, name: str) -> np.ndarray:
        return self._y[name][: self._n]

    def _thin(self) -> None:
        n_old = self._n - self.recent
        x = self._x[:n_old]
        self.width = max(self.width, bucket_width(x[-1] - x[0] + 1, OLD_BUCKETS))
        while True:
            keep = thin_indices(x, [self._y[name][:n_old] for name in self.names], self.width)
            if len(keep) + self.recent <= self.limit - OLD_BUCKETS // 2:
                break
            self.width *= 2.0
        n = len(keep)
        for col in (self._x, *self._y.values()):
            tail = col[n_old : self._n].copy()
            col[:n] = col[keep]
            col[n : n + len(tail)] = tail
        self._n = n + self._n - n_old

    def _grow(self) -> None:
        self._capacity *= 2
        self._x = np.resize(self._x, self._capacity)
        self._y = {name: np.resize(col, self._capacity) for name, col in self._y.items()}


def finite(x: np.ndarray, y: np.ndarray, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Drop missing (NaN, inf) points, and points <= 0 if `positive` (for a log scale)."""
    keep = np.isfinite(y)
    if positive:
        keep &= y > 0
    return x[keep], y[keep]


def smooth(y: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average over `window` points (the first points average what exists)."""
    if window <= 1 or len(y) < 2:
        return y
    csum = np.concatenate(([0.0], np.cumsum(y, dtype=np.float64)))
    end = np.arange(1, len(y) + 1)
    start = np.maximum(end - window, 0)
    return (csum[end] - csum[start]) / (end - start)


def nice_ceil(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= value
    (axis limits that hold still while the data grows, and then jump by at most 25 %)."""
    if value <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in NICE_STEPS:
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power


def snapped_range(y: np.ndarray, log: bool) -> tuple[float, float]:
    """Y limits around the data, rounded outwards (half decades on a log scale) so that they
    change only when the data crosses a round number."""
    lo, hi = float(np.min(y)), float(np.max(y))
    if log:
        lo = 10.0 ** (math.floor(2 * math.log10(lo)) / 2)
        hi = 10.0 ** (math.ceil(2 * math.log10(hi)) / 2)
        return lo, hi if hi > lo else lo * 10**0.5
    span = hi - lo if hi > lo else (abs(hi) or 1.0)
    step = 10.0 ** math.floor(math.log10(span)) / 2
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return lo, hi if hi > lo else lo + step


def downsample_fixed(
    x: np.ndarray, y: np.ndarray, lo: float, hi: float, buckets: int
) -> tuple[np.ndarray, np.ndarray]:
    """Like `downsample`, but with buckets fixed in x (`buckets` equal slices of [lo, hi]): as
    points are appended only the last bucket changes, so the plot changes only at its right
    end and the terminal is sent only that."""
    n = len(x)
    if n <= 2 * buckets + 1:
        return x, y
    width = (hi - lo) / buckets if hi > lo else 1.0
    index = np.clip(((x - lo) / width).astype(np.int64), 0, buckets - 1)
    starts = np.flatnonzero(np.concatenate(([True], index[1:] != index[:-1])))
    ends = np.append(starts[1:], n)
    keep = np.empty(2 * len(starts) + 1, dtype=np.int64)
    for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist())):
        chunk = y[start:end]
        keep[2 * i] = start + int(np.argmin(chunk))
        keep[2 * i + 1] = start + int(np.argmax(chunk))
    keep[-1] = n - 1
    keep = np.unique(keep)
    return x[keep], y[keep]


def downsample(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most `max_points` points that keep the shape: min and max of each bucket, in order,
    and always the newest point."""
    n = len(x)
    if n <= max_points:
        return x, y
    buckets = max(1, (max_points - 1) // 2)
    edges = np.linspace(0, n - 1, buckets + 1).astype(np.int64)  # the last point stays apart
    starts, ends = edges[:-1], edges[1:]
    keep = np.empty(2 * buckets + 1, dtype=np.int64)
    for i, (lo, hi) in enumerate(zip(starts.tolist(), ends.tolist())):
        chunk = y[lo:hi] if hi > lo else y[lo : lo + 1]
        keep[2 * i] = lo + int(np.argmin(chunk))
        keep[2 * i + 1] = lo + int(np.argmax(chunk))
    keep[-1] = n - 1
    keep = np.unique(keep)  # sorted, duplicates gone
    return x[keep], y[keep]
