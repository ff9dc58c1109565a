"""The shared machinery of the metric plots: history in, a downsampled plotext chart out.

`HistoryPlot` keeps the whole history (cheap NumPy columns), and draws it only when asked to by
its repaint budget (`Throttled`): the plotext figure is rebuilt in `render()`, on the UI thread,
from at most two points per column of the widget, using the widget's own `self.plt` (never the
global plotext state). Only this widget is refreshed, never the app.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from tui_nn.engine.types import EpochRecord
from tui_nn.ui.widgets.series import History, downsample, finite, smooth
from tui_nn.ui.widgets.throttle import Throttled

Y_AXIS_WIDTH = 8  # columns plotext spends on y tick labels and the frame, roughly


def epoch_ticks(epochs: np.ndarray, count: int) -> list[int]:
    """About `count` whole-epoch tick positions over the plotted epochs."""
    if len(epochs) == 0:
        return []
    first, last = int(epochs[0]), int(epochs[-1])
    return sorted({int(round(t)) for t in np.linspace(first, last, count)})


class HistoryPlot(Throttled, PlotextPlot):
    """A plot of per-epoch metrics: one line per series, with optional smoothing and log scale.

    Subclasses say which `EpochRecord` fields to draw (`SERIES`: (field, label, colour)).
    """

    SERIES: tuple[tuple[str, str, str], ...] = ()
    TITLE = ""
    EMPTY_NOTE = "no epochs yet"

    def __init__(
        self,
        *,
        min_interval: float = 0.5,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.min_interval = min_interval
        self.log_scale = False
        self.smoothing = 0
        self.history = History(tuple(field for field, _, _ in self.SERIES))
        self.plotted: dict[str, int] = {}  # points handed to plotext per series, last render
        self.border_title = self.TITLE

    # ---- data in (cheap) ----------------------------------------------------------------

    def add_records(self, records: Sequence[EpochRecord]) -> None:
        """Append epoch records (in order); the plot repaints within its budget."""
        if not records:
            return
        for record in records:
            values = {field: getattr(record, field) for field in self.history.names}
            self.history.append(float(record.epoch), values)
        self.request_repaint()

    def clear(self) -> None:
        """Forget the history (after a reset or a new dataset)."""
        self.history.clear()
        self.request_repaint()

    def set_log_scale(self, on: bool) -> None:
        if on != self.log_scale:
            self.log_scale = on
            self.border_title = f"{self.TITLE} (log)" if on else self.TITLE
            self.request_repaint()

    def set_smoothing(self, window: int) -> None:
        """Trailing moving average over `window` epochs; 0 or 1 turns it off."""
        window = max(0, int(window))
        if window != self.smoothing:
            self.smoothing = window
            self.request_repaint()

    # ---- throttled repaint ----------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        if self._throttle_dirty:
            self.request_repaint()

    def repaint(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.refresh()  # render() downsamples to the new width

    # ---- drawing (UI thread only) ---------------------------------------------------------

    def note(self) -> str | None:
        """A short text to show instead of the chart, or None to draw the chart."""
        return self.EMPTY_NOTE if len(self.history) == 0 else None

    def series_to_plot(self) -> dict[str, tuple[list[float], list[float]]]:
        """Each series smoothed, cleaned and downsampled to about two points per column."""
        max_points = 2 * max(4, self.size.width - Y_AXIS_WIDTH)
        out: dict[str, tuple[list[float], list[float]]] = {}
        for field in self.history.names:
            x, y = finite(self.history.x, self.history.y(field), positive=self.log_scale)
            if len(y) == 0:
                continue
            y = smooth(y, self.smoothing)
            x, y = downsample(x, y, max_points)
            out[field] = (x.tolist(), y.tolist())
        return out

    def render(self) -> RenderResult:
        note = self.note()
        if note is not None:
            self.plotted = {}
            return Text(note, style="dim", no_wrap=True, overflow="ellipsis")
        plt = self.plt
        plt.clear_figure()
        series = self.series_to_plot()
        self.plotted = {field: len(x) for field, (x, _) in series.items()}
        for field, label, colour in self.SERIES:
            if field in series:
                x, y = series[field]
                plt.plot(x, y, marker="braille", color=colour, label=label)
        plt.yscale("log" if self.log_scale else "linear")
        ticks = epoch_ticks(self.history.x, max(2, min(6, self.size.width // 12)))
        plt.xticks(ticks, [str(t) for t in ticks])
        self.configure(plt)
        return super().render()

    def configure(self, plt) -> None:  # noqa: ANN001 - plotext figure
        """Subclass hook: axis limits and labels."""
