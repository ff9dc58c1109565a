"""The accuracy plot: train, test and validation accuracy against epochs (a note for
regression tasks)."""

from __future__ import annotations

import numpy as np

from tui_nn.ui.widgets.draw.row_widget import fill_css
from tui_nn.ui.widgets.plot_base import HistoryPlot, splits

REGRESSION_NOTE = "accuracy: none for a regression task (see the cost)"

# Lower ends the axis may zoom to: few, so that the axis holds still while the curves move.
FLOORS = (0.98, 0.95, 0.9, 0.8, 0.5, 0.0)


def zoomed_floor(values: np.ndarray) -> float:
    """The highest floor at or below every accuracy drawn (0 when there are none): no point is
    ever cut off, yet a run that starts high (MNIST: 96 % after one epoch) gets an axis on which
    97 % and 99 % look different instead of both hugging the 1.0 line."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0
    low = float(finite.min())
    return next(floor for floor in FLOORS if low >= floor)


def percent_ticks(floor: float, count: int) -> tuple[list[float], list[str]]:
    """`count` evenly spaced ticks from `floor` to 1, labelled in percent with as few decimals
    as tell them apart ("98.5%", not "0.9850")."""
    ticks = list(np.linspace(floor, 1.0, count))
    step = (1.0 - floor) * 100 / (count - 1)
    decimals = 0 if step >= 1 or step == 0 else 1 if step >= 0.1 else 2
    return ticks, [f"{t * 100:.{decimals}f}%" for t in ticks]


class AccuracyPlot(HistoryPlot):
    """Train and test accuracy per epoch. The axis ends at 1 and starts at the highest of
    0, 0.5, 0.8, 0.9, 0.95, 0.98 that is below every point, so nothing is clipped."""

    DEFAULT_CSS = fill_css("AccuracyPlot", min_height=5)

    SERIES = splits("acc")
    TITLE = "accuracy"
    EMPTY_NOTE = "accuracy: no epochs yet"

    def set_log_scale(self, on: bool) -> None:
        """Accuracy stays on a linear 0..1 axis (the method exists so both plots take it)."""

    def note(self) -> str | None:
        if len(self.history) == 0:
            return self.EMPTY_NOTE
        if np.isnan(self.history.y("train_acc")).all():
            return REGRESSION_NOTE
        return None

    def y_limits(self, values: np.ndarray) -> tuple[float, float]:
        return zoomed_floor(values), 1.0

    def y_ticks(self, limits: tuple[float, float], rows: int) -> tuple[list[float], list[str]]:
        return percent_ticks(limits[0], max(2, min(5, rows // 2 + 1)))
