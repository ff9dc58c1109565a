"""The cost plot: train, test and validation cost against epochs, with a log scale toggle."""

from __future__ import annotations

from tui_nn.ui.widgets.draw.row_widget import fill_css
from tui_nn.ui.widgets.plot_base import HistoryPlot, splits


class CostPlot(HistoryPlot):
    """Train, test and validation cost per epoch (`add_records`, `set_log_scale`,
    `set_smoothing`); no validation curve for a run without a validation set."""

    DEFAULT_CSS = fill_css("CostPlot", min_height=5)

    SERIES = splits("loss")
    TITLE = "cost"
    EMPTY_NOTE = "cost: no epochs yet"
