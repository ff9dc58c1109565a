"""Temporary stand-ins for the drawing widgets (tui_nn.ui.widgets) until they land.
Same public API, drawing only a one-line summary. Delete when the real widgets exist."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Static


class _Summary(Static):
    TITLE = ""

    def __init__(self, *, id: str | None = None, min_interval: float = 0.5) -> None:
        super().__init__("", id=id)
        self.min_interval = min_interval
        self.border_title = self.TITLE


class _Plot(_Summary):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.records: list = []
        self.log_scale = False
        self.smoothing = 0

    def add_records(self, records) -> None:
        self.records.extend(records)
        last = self.records[-1] if self.records else None
        self.update(f"{len(self.records)} epochs; last {last.train_loss if last else '-'}")

    def clear(self) -> None:
        self.records.clear()
        self.update("")

    def set_log_scale(self, on: bool) -> None:
        self.log_scale = on

    def set_smoothing(self, n: int) -> None:
        self.smoothing = n


class CostPlot(_Plot):
    TITLE = "cost"


class AccuracyPlot(_Plot):
    TITLE = "accuracy"


class NeuronHeatmap(_Summary):
    TITLE = "neurons"

    class NeuronSelected(Message):
        def __init__(self, layer: int, index: int, values: object) -> None:
            super().__init__()
            self.layer, self.index, self.values = layer, index, values

    mode = "delta"

    def update_layers(self, layers, sizes) -> None:
        self.update(f"{len(layers)} layers {sizes}")

    def toggle_mode(self) -> None:
        self.mode = "activation" if self.mode == "delta" else "delta"


class DecisionBoundary(_Summary):
    TITLE = "decision boundary"
    show_test = False

    def set_data(self, data) -> None:
        self.update(f"{data.name}: {data.n_train} train points")

    def update_grid(self, grid) -> None:
        pass

    def toggle_test(self) -> None:
        self.show_test = not self.show_test
