"""The cost plot: train and test cost against epochs, with a log scale toggle."""

from __future__ import annotations

from tui_nn.ui.widgets.plot_base import HistoryPlot


class CostPlot(HistoryPlot):
    """Train and test cost per epoch (`add_records`, `set_log_scale`, `set_smoothing`)."""

    DEFAULT_CSS = """
    CostPlot {
        width: 1fr;
        height: 1fr;
        min-height: 5;
    }
    """

    SERIES = (("train_loss", "train", "cyan"), ("test_loss", "test", "dark_orange"))
    TITLE = "cost"
    EMPTY_NOTE = "cost: no epochs yet"
