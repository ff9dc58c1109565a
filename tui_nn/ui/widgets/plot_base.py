"""The shared machinery of the metric plots: history in, a downsampled plotext chart out.

`HistoryPlot` keeps the whole history (cheap NumPy columns) and draws it only when its repaint
budget allows (`Throttled`). A repaint rebuilds the plotext figure on the UI thread from at
most two points per column, using the widget's own `self.plt` (never plotext's global state),
turns its text into one strip per row, and refreshes only the cells that changed since the last
repaint. To keep that small, the axes hold still while the data grows: the epoch axis ends at a
round number ahead of the data, the cost axis is rounded outwards, and downsampling buckets are
fixed in epochs, so a new epoch changes the picture only at its right end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

from tui_nn.engine.types import EpochRecord
from tui_nn.ui.widgets.draw.row_widget import RowWidget
from tui_nn.ui.widgets.series import (
    History,
    downsample_fixed,
    finite,
    nice_ceil,
    overlap_dashes,
    smooth,
    snapped_range,
)

Y_AXIS_WIDTH = 8  # columns plotext spends on y tick labels and the frame, roughly
MIN_EPOCHS_SHOWN = 5
OTHER_COLOURS = ("green", "magenta")  # run B's train and test curves in a comparison


def round_ticks(lo: float, hi: float, count: int) -> list[float]:
    """Ticks at multiples of a round step (1, 2 or 5 times a power of ten) within lo..hi,
    about `count` of them."""
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return [lo]
    raw = span / max(1, count)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9)), 10 * power)
    first = math.ceil(lo / step - 1e-9)
    ticks = [k * step for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]
    return [round(t, 12) for t in ticks] or [lo]


def epoch_ticks(first: float, last: float, count: int) -> list[int]:
    """About `count` whole-epoch ticks at round values (1, 2, 5 x 10^k) from first to last."""
    ticks = round_ticks(first, last, count)
    whole = sorted({int(round(t)) for t in ticks if t >= first - 1e-9})
    return whole or [int(first)]


def tick_label(value: float) -> str:
    return f"{value:.6g}"


class HistoryPlot(RowWidget, PlotextPlot):
    """A plot of per-epoch metrics: one line per series, with optional smoothing and log scale.

    Subclasses say which `EpochRecord` fields to draw (`SERIES`: (field, label, colour)).
    """

    BYTE_BUDGET = 6000.0  # bytes/s at the default min_interval (see throttle.py)
    SERIES: tuple[tuple[str, str, str], ...] = ()
    TITLE = ""
    EMPTY_NOTE = "no epochs yet"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)  # min_interval, name, id, classes (RowWidget)
        self.log_scale = False
        self.smoothing = 0
        self.history = History(tuple(field for field, _, _ in self.SERIES))
        self.other: History | None = None  # run B of a comparison, drawn over run A
        self.other_label = "B"
        self.plotted: dict[str, int] = {}  # points handed to plotext per series, last repaint
        self.border_title = self.TITLE
        self.loss_name = ""  # shown in the title: cost (bce)
        self.events: list[tuple[float, str]] = []  # (epoch, what changed): lr, architecture
        self._last_lr: float | None = None

    # ---- data in (cheap) ----------------------------------------------------------------

    def add_records(self, records: Sequence[EpochRecord]) -> None:
        """Append epoch records (in order); the plot repaints within its budget."""
        if not records:
            return
        for record in records:
            values = {field: getattr(record, field) for field in self.history.names}
            self.history.append(float(record.epoch), values)
            if self._last_lr is not None and record.lr != self._last_lr:
                self.mark(record.epoch - 1, "lr")
            self._last_lr = record.lr
        self.request_repaint()

    def mark(self, epoch: float, what: str) -> None:
        """A small marker where the learning rate, the architecture or the data changed."""
        if (float(epoch), what) not in self.events:
            self.events.append((float(epoch), what))
            self.request_repaint()

    def set_loss(self, name: str) -> None:
        if name != self.loss_name:
            self.loss_name = name
            self.request_repaint()

    def title(self) -> str:
        """`cost (bce) · log · smoothed 5`: what is drawn and the options in force."""
        parts = [f"{self.TITLE} ({self.loss_name})" if self.loss_name else self.TITLE]
        if self.log_scale:
            parts.append("log")
        if self.smoothing > 1:
            parts.append(f"smoothed {self.smoothing}")
        kinds = sorted({what for _, what in self.events})
        if kinds:
            parts.append("┊ " + "/".join(kinds) + " changed")
        return " · ".join(parts)
    def compare_with(self, label: str | None) -> None:
        """Overlay run B (`label` names what differs, e.g. "B: lr 0.3"); None ends it."""
        if label is None:
            self.other = None
        else:
            if self.other is None:
                self.other = History(self.history.names)
            self.other_label = label
        self.request_repaint()

    def add_other_records(self, records: Sequence[EpochRecord], replace: bool = False) -> None:
        """Run B's epoch records (in order); `replace` starts its curves afresh."""
        if self.other is None:
            return
        if replace:
            self.other.clear()
        for record in records:
            values = {field: getattr(record, field) for field in self.other.names}
            self.other.append(float(record.epoch), values)
        self.request_repaint()

    def clear(self) -> None:
        """Forget the history (after a reset or a new dataset)."""
        self.history.clear()
        self.events, self._last_lr = [], None
        self.request_repaint()

    def set_log_scale(self, on: bool) -> None:
        if on != self.log_scale:
            self.log_scale = on
            self.request_repaint()
            self.flush_repaint()  # a key press: answer now

    def set_smoothing(self, window: int) -> None:
        """Trailing moving average over `window` epochs; 0 or 1 turns it off."""
        window = max(0, int(window))
        if window != self.smoothing:
            self.smoothing = window
            self.request_repaint()
            self.flush_repaint()

    # ---- repaint --------------------------------------------------------------------------

    def _register_theme(self, app_theme_name: str) -> None:
        super()._register_theme(app_theme_name)
        self.rows.reset()
        self.request_repaint()

    def repaint(self) -> int:
        width, height = self.size
        if width <= 0 or height <= 0:
            return 0
        strips = self._strips(self._draw(), width, height)
        return self.show_rows(strips, whole=len(self.rows) != len(strips))

    def _strips(self, text: Text, width: int, height: int) -> list[Strip]:
        base = self.rich_style
        console = self.app.console
        lines = text.split("\n", allow_blank=True)[:height]
        strips = []
        for line in lines:
            segments = Segment.apply_style(line.render(console, end=""), base)
            strips.append(Strip(segments).adjust_cell_length(width, base).simplify())
        blank = Strip([Segment(" " * width, base)], width)
        return strips + [blank] * (height - len(strips))

    # ---- drawing (UI thread only) ---------------------------------------------------------

    def note(self) -> str | None:
        """A short text to show instead of the chart, or None to draw the chart."""
        return self.EMPTY_NOTE if len(self.history) == 0 else None

    def epoch_range(self) -> tuple[float, float]:
        """The epoch axis: from the first epoch to a round number at or past the last."""
        x = self.history.x
        first, last = float(x[0]), float(x[-1])
        return first, max(first + MIN_EPOCHS_SHOWN, nice_ceil(last))

    def series_to_plot(
        self, history: History | None = None
    ) -> dict[str, tuple[list[float], list[float]]]:
        """Each series smoothed, cleaned and downsampled to about two points per column."""
        history = self.history if history is None else history
        lo, hi = self.epoch_range()
        buckets = max(4, self.size.width - Y_AXIS_WIDTH)
        out: dict[str, tuple[list[float], list[float]]] = {}
        for field in history.names:
            if len(history) == 0:
                break
            x, y = finite(history.x, history.y(field), positive=self.log_scale)
            if len(y) == 0:
                continue
            y = smooth(y, self.smoothing)
            x, y = downsample_fixed(x, y, lo, hi, buckets)
            out[field] = (x.tolist(), y.tolist())
        return out

    def _draw(self) -> Text:
        note = self.note()
        series = self.series_to_plot() if note is None else {}
        if note is None and not series:
            kind = "positive" if self.log_scale else "finite"
            note = f"{self.TITLE}: no {kind} values to draw"
        self.plotted = {field: len(x) for field, (x, _) in series.items()}
        if note is not None:
            return Text(note, style="dim", no_wrap=True, overflow="ellipsis")
        plt = self.plt
        plt.clear_figure()
        lo, hi = self.epoch_range()
        for epoch, _ in self.events:
            if lo <= epoch <= hi:
                plt.vline(epoch, color="gray")
        other = self.series_to_plot(self.other) if self.other is not None else {}
        values = np.asarray(
            [v for s in (series, other) for _, ys in s.values() for v in ys], dtype=np.float64
        )
        y_limits = self.y_limits(values)
        # The validation and test curves first, the train curve over them, then pieces of the
        # test curve again where it agrees with train: one dashed line in both colours.
        for field, label, colour in reversed(self.SERIES):
            if field in series:
                x, y = series[field]
                plt.plot(
                    x, y, marker="braille", color=colour, label=f"A {label}" if other else label
                )
        for x, y in self._dashes(series, (lo, hi), y_limits):
            plt.plot(x.tolist(), y.tolist(), marker="braille", color=self.SERIES[1][2])
        for (field, label, _), colour in zip(self.SERIES, OTHER_COLOURS):
            if field in other:
                x, y = other[field]
                plt.plot(x, y, marker="braille", color=colour, label=f"{self.other_label} {label}")
        series = {**series, **{f"other.{k}": v for k, v in other.items()}}
        plt.title(self.title())
        if self.size.height >= 12:  # a short plot keeps its rows for the curves
            plt.xlabel("epoch")
        plt.yscale("log" if self.log_scale else "linear")
        plt.xlim(lo, hi)
        ticks = epoch_ticks(lo, hi, min(6, self.size.width // 12))
        plt.xticks(ticks, [str(t) for t in ticks])
        self.set_y_range(plt, y_limits)
        width, height = self.size
        plt.plotsize(width, height)
        plt._set_size(width, height)  # as PlotextPlot.render does (textual-plotext issue 5)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        try:
            return Text.from_ansi(plt.build())
        except (ArithmeticError, IndexError, TypeError, ValueError) as exc:  # plotext corner cases
            return Text(f"{self.TITLE}: cannot draw ({exc})", style="dim", no_wrap=True)

    def _dashes(
        self,
        series: dict[str, tuple[list[float], list[float]]],
        x_limits: tuple[float, float],
        y_limits: tuple[float, float],
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The pieces of the second series (test) to draw over the first (train) where they
        agree."""
        if len(self.SERIES) < 2 or not all(f in series for f, _, _ in self.SERIES[:2]):
            return []
        (under_field, _, _), (over_field, _, _) = self.SERIES[0], self.SERIES[1]
        under, over = (tuple(np.asarray(v) for v in series[f]) for f in (under_field, over_field))
        if self.log_scale:  # compare in the units plotext draws
            under, over = (under[0], np.log10(under[1])), (over[0], np.log10(over[1]))
            y_limits = (math.log10(y_limits[0]), math.log10(y_limits[1]))
        cells = (max(4, self.size.width - Y_AXIS_WIDTH), max(1, self.size.height - 4))
        return overlap_dashes(under, over, x_limits, y_limits, cells)

    def y_limits(self, values: np.ndarray) -> tuple[float, float]:
        """Y limits rounded outwards, so they hold still while the curve moves within them."""
        return snapped_range(values, self.log_scale)

    def set_y_range(self, plt, limits: tuple[float, float]) -> None:  # noqa: ANN001 - plotext
        lo, hi = limits
        if self.log_scale:  # plotext takes log-scale limits as exponents
            lo, hi = math.log10(lo), math.log10(hi)
        else:  # round ticks inside the limits, so no curve dips below the lowest one
            ticks = round_ticks(lo, hi, max(2, min(5, self.size.height // 4)))
            plt.yticks(ticks, [tick_label(t) for t in ticks])
        plt.ylim(lo, hi)
