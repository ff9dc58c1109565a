"""The accuracy plot: train and test accuracy against epochs (a note for regression tasks)."""

from __future__ import annotations

import numpy as np

from tui_nn.ui.widgets.plot_base import HistoryPlot

REGRESSION_NOTE = "accuracy: none for a regression task (see the cost)"


class AccuracyPlot(HistoryPlot):
    """Train and test accuracy per epoch, on a fixed 0..1 axis."""

    DEFAULT_CSS = """
    AccuracyPlot {
        width: 1fr;
        height: 1fr;
        min-height: 5;
    }
    """

    SERIES = (("train_acc", "train", "cyan"), ("test_acc", "test", "orange"))
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

    def set_y_range(self, plt, values: np.ndarray) -> None:  # noqa: ANN001 - plotext figure
        plt.ylim(0.0, 1.0)
