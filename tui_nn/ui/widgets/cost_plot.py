"""The cost plot: train, test and validation cost against epochs, with a log scale toggle."""

from __future__ import annotations

from tui_nn.ui.widgets.plot_base import HistoryPlot


class CostPlot(HistoryPlot):
    """Train, test and validation cost per epoch (`add_records`, `set_log_scale`,
    `set_smoothing`); no validation curve for a run without a validation set."""

    DEFAULT_CSS = """
    CostPlot {
        width: 1fr;
        height: 1fr;
        min-height: 5;
    }
    """

    SERIES = (
        ("train_loss", "train", "cyan"),
        ("test_loss", "test", "dark_orange"),
        ("val_loss", "val", "yellow"),
    )
    TITLE = "cost"
    EMPTY_NOTE = "cost: no epochs yet"
