"""The shared machinery of the metric plots: history in, a downsampled braille chart out.

`HistoryPlot` keeps the whole history (cheap NumPy columns) and draws it only when its repaint
budget allows (`Throttled`). A repaint reduces each series to at most two points per column,
draws the curves in braille with NumPy (`braille.py`), frames them with round ticks, and
refreshes only the cells that changed since the last repaint (a Line-API widget, as the heatmap
is). To keep that small, the axes hold still while the data grows: the epoch axis ends at a
round number ahead of the data, the cost axis is rounded outwards, and downsampling buckets are
fixed in epochs, so a new epoch changes the picture only at its right end.

The layout, top to bottom: the title (with the legend when it fits, else the legend goes inside
the plot's top left corner), the frame with the y ticks on its left, the x ticks and, on plots
of 12 rows or more, the word "epoch". A repaint costs about a millisecond of the UI thread at
any history length (`benchmarks/plots.py`); the plotext chart it replaces cost 10-20 ms, the
first one up to 100 ms, and could not draw a log scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.engine.types import EpochRecord
from tui_nn.ui.widgets.draw.braille import Canvas, glyph_rows
from tui_nn.ui.widgets.draw.row_widget import RowWidget
from tui_nn.ui.widgets.plot_frame import (
    LEGEND_MARK,
    cell_segments,
    legend_inside,
    padded,
    round_ticks,
    tick_label,
    title_row,
    x_axis,
)
from tui_nn.ui.widgets.series import (
    History,
    downsample_fixed,
    finite,
    nice_ceil,
    smooth,
    snapped_range,
)

Y_AXIS_WIDTH = 8  # columns the y tick labels and the frame take, roughly (for the buckets)
MIN_EPOCHS_SHOWN = 5
OTHER_COLOURS = ("green", "magenta")  # run B's train and test curves in a comparison
EVENT_COLOUR = "grey50"  # the dotted line where the learning rate or the architecture changed


def splits(metric: str) -> tuple[tuple[str, str, str], ...]:
    """The `SERIES` of one metric (`"loss"`, `"acc"`): its train, test and validation fields,
    in the colours every history plot draws them in."""
    return (
        (f"train_{metric}", "train", "cyan"),
        (f"test_{metric}", "test", "dark_orange"),
        (f"val_{metric}", "val", "yellow"),
    )


class HistoryPlot(RowWidget, Widget):
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
        self.plotted: dict[str, int] = {}  # points drawn per series, last repaint
        self.overlap_cells = 0  # cells where the first two series met, last repaint (dashed)
        self.border_title = self.TITLE
        self.loss_name = ""  # shown in the title: cost (bce)
        self.events: list[tuple[float, str]] = []  # (epoch, what changed): lr, architecture
        self._last_lr: float | None = None
        self._drawn_style: Style | None = None  # the base style of the rows shown

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

    def notify_style_update(self) -> None:
        """A new theme: the rows drawn in the old colours are drawn again."""
        super().notify_style_update()
        if self._drawn_style is not None and self.rich_style != self._drawn_style:
            self.rows.reset()
            self.request_repaint()

    def repaint(self) -> int:
        width, height = self.size
        if width <= 0 or height <= 0:
            return 0
        strips = self.draw(width, height)
        return self.show_rows(strips, whole=len(self.rows) != len(strips))

    # ---- what is drawn --------------------------------------------------------------------

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

    def y_limits(self, values: np.ndarray) -> tuple[float, float]:
        """Y limits rounded outwards, so they hold still while the curve moves within them."""
        return snapped_range(values, self.log_scale)

    def y_ticks(self, limits: tuple[float, float], rows: int) -> tuple[list[float], list[str]]:
        """The y ticks within `limits` and their labels, for a plot `rows` cells high: round
        values (powers of ten on a log scale, or the limits if no power of ten is within)."""
        lo, hi = limits
        if self.log_scale:
            powers = range(math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9) + 1)
            ticks = [10.0**k for k in powers] or [lo, hi]
            return ticks, [f"{t:.2g}" for t in ticks]
        ticks = round_ticks(lo, hi, max(2, min(5, rows // 2)))
        return ticks, [tick_label(t) for t in ticks]

    def legend(self, series: dict, other: dict) -> list[tuple[str, str]]:
        """(label, colour) of each curve drawn, run A's then run B's."""
        entries = [
            (f"A {label}" if other else label, colour)
            for field, label, colour in self.SERIES
            if field in series
        ]
        entries += [
            (f"{self.other_label} {label}", colour)
            for (field, label, _), colour in zip(self.SERIES, OTHER_COLOURS)
            if field in other
        ]
        return entries

    # ---- drawing (NumPy and strips; no plotext) -------------------------------------------

    def draw(self, width: int, height: int) -> list[Strip]:
        """The widget's rows: the note, or the framed chart (see the module docstring)."""
        base = self._drawn_style = self.rich_style
        note = self.note()
        series = self.series_to_plot() if note is None else {}
        if note is None and not series:
            kind = "positive" if self.log_scale else "finite"
            note = f"{self.TITLE}: no {kind} values to draw"
        self.plotted = {field: len(x) for field, (x, _) in series.items()}
        if note is not None:
            return padded([Strip([Segment(note, base + Style(dim=True))])], width, height, base)
        other = self.series_to_plot(self.other) if self.other is not None else {}
        values = np.asarray(
            [v for s in (series, other) for _, ys in s.values() for v in ys], dtype=np.float64
        )
        limits = self.y_limits(values)
        x_label = height >= 12  # a short plot keeps its rows for the curves
        plot_rows = height - 4 - x_label
        ticks, labels = self.y_ticks(limits, max(1, plot_rows))
        label_width = max(len(text) for text in labels)
        cols = width - label_width - 2
        title = self.title()
        legend = self.legend(series, other)
        legend_text = "  ".join(f"{LEGEND_MARK} {label}" for label, _ in legend)
        legend_on_top = len(title) + 3 + len(legend_text) <= width
        if plot_rows < 1 or cols < 4:
            return padded([Strip([Segment(title, base)])], width, height, base)
        canvas, layer_colours = self._canvas(series, other, limits, cols, plot_rows)
        n = len(self.SERIES)
        under_over = (n - 1, n) if n >= 2 else None  # test under train: their dashes
        codes, owner = canvas.cells(under_over)
        self.overlap_cells = self._met(canvas, under_over)
        styles = [base + Style(color=colour or None) for colour in layer_colours]
        tick_rows = self._tick_rows(ticks, limits, canvas.height)
        rows = [title_row(title, legend if legend_on_top else [], width, base)]
        rows.append(Strip([Segment(" " * label_width + "┌" + "─" * cols + "┐", base)]))
        glyphs = glyph_rows(codes)
        for y in range(plot_rows):
            label = labels[tick_rows.index(y)] if y in tick_rows else ""
            left = f"{label:>{label_width}}" + ("┤" if label else "│")
            cells = cell_segments(glyphs[y], owner[y].tolist(), styles, base)
            rows.append(Strip([Segment(left, base), *cells, Segment("│", base)]))
        if not legend_on_top:
            legend_inside(rows, legend, label_width + 1, cols, base)
        rows += x_axis(*self.epoch_range(), label_width, cols, base)
        if x_label:
            rows.append(Strip([Segment(" " * (label_width + 1) + "epoch".center(cols), base)]))
        return padded(rows, width, height, base)

    def _canvas(
        self, series: dict, other: dict, limits: tuple[float, float], cols: int, rows: int
    ) -> tuple[Canvas, list[str]]:
        """The curves in dots. Layers: 0 the event lines, then run A's series from the last
        to the first (test under train), then run B's."""
        n = len(self.SERIES)
        canvas = Canvas(cols, rows, 1 + 2 * n)
        x_lo, x_hi = self.epoch_range()
        y_lo, y_hi = (math.log10(v) for v in limits) if self.log_scale else limits
        sx = (canvas.width - 1) / ((x_hi - x_lo) or 1.0)
        sy = (canvas.height - 1) / ((y_hi - y_lo) or 1.0)

        def dots(xs: list[float], ys: list[float]) -> tuple[np.ndarray, np.ndarray]:
            y = np.asarray(ys, dtype=np.float64)
            if self.log_scale:
                y = np.log10(y)
            return (np.asarray(xs) - x_lo) * sx, (y_hi - y) * sy

        colours = [EVENT_COLOUR] + [""] * (2 * n)
        for epoch, _ in self.events:
            if x_lo <= epoch <= x_hi:
                canvas.dotted_column((epoch - x_lo) * sx, 0)
        for i, (field, _, colour) in enumerate(self.SERIES):
            layer = n - i  # the first series on top of the others of its run
            colours[layer] = colour
            if field in series:
                canvas.line(*dots(*series[field]), layer)
        for i, ((field, _, _), colour) in enumerate(zip(self.SERIES, OTHER_COLOURS)):
            colours[n + 1 + i] = colour
            if field in other:
                canvas.line(*dots(*other[field]), n + 1 + i)
        return canvas, colours

    @staticmethod
    def _met(canvas: Canvas, pair: tuple[int, int] | None) -> int:
        if pair is None:
            return 0
        blocks = canvas.dots[list(pair)].reshape(2, canvas.rows, 4, canvas.cols, 2)
        present = blocks.any(axis=(2, 4))
        return int((present[0] & present[1]).sum())

    def _tick_rows(self, ticks: list[float], limits: tuple[float, float], dots: int) -> list:
        """The cell row of each tick (None for one off the plot or on a row taken already)."""
        lo, hi = (math.log10(v) for v in limits) if self.log_scale else limits
        rows: list[int | None] = []
        for tick in ticks:
            t = math.log10(tick) if self.log_scale else tick
            dot = round((hi - t) / ((hi - lo) or 1.0) * (dots - 1))
            row = dot // 4 if 0 <= dot < dots else None
            rows.append(row if row not in rows else None)
        return rows
