"""What the lower-right views share (fit plot, confusion matrix, sample strip): a picture
drawn row by row (`RowWidget`) that is told of each new dataset once, `set_data(summary)`,
which forgets what the previous one showed, and is handed the trainer's panel data as it
arrives, `update_panel(panel)` (each view its own)."""

from __future__ import annotations

from typing import Any

from tui_nn.session.protocol.messages import DataSummary
from tui_nn.ui.widgets.draw.row_widget import RowWidget


def fitting(width: int, *forms: str) -> str:
    """The first (longest) form of a title that fits in `width` columns; the last one cut
    if none does. A narrow panel loses words, not the numbers that come first."""
    for form in forms:
        if len(form) <= width:
            return form
    return forms[-1][: max(0, width)]


class PanelRows(RowWidget):
    """The base of a lower-right view: `class ConfusionMatrix(PanelRows)`."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)  # min_interval, name, id, classes (RowWidget)
        self.summary: DataSummary | None = None
        self.forget()

    def forget(self) -> None:
        """Drop what came from the previous dataset's panel data (subclasses)."""

    def set_data(self, summary: DataSummary) -> None:
        self.summary = summary
        self.forget()
        self.request_repaint()
