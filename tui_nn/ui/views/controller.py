"""The lower-right panel always shows the most useful picture for the data:

| data                                   | views (`V` cycles)                        |
|----------------------------------------|-------------------------------------------|
| 2-D (classification or regression)     | decision boundary / regression surface    |
| 1-D regression (sine, quadratic)       | fit plot: y against x, points and curve   |
| classification, more than 2 inputs     | confusion matrix of the test set          |
| image sets (digits, mnist, ...)        | confusion matrix, strip of test samples   |

`LowerRight` picks the views when data arrive, shows one, hands the trainer's panel data
(`Snapshot.panel`, copies) to the widgets, and cycles with `V` (`v` is A/B compare).
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget

from tui_nn.session.protocol.messages import IMAGE_NAMES, DataSummary, PanelData
from tui_nn.ui.host import Host
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.views.confusion_matrix import ConfusionMatrix
from tui_nn.ui.views.sample_strip import SampleStrip
from tui_nn.ui.widgets.fit_plot import FitPlot

VIEW_WIDGETS: dict[str, type[Widget]] = {
    "boundary": DecisionBoundary,
    "fit": FitPlot,
    "confusion": ConfusionMatrix,
    "samples": SampleStrip,
}
PANEL_WIDGETS = (FitPlot, ConfusionMatrix, SampleStrip)


def views_for(summary: DataSummary) -> tuple[str, ...]:
    """The views that make sense for this data, the most useful first (none: no picture)."""
    if summary.n_inputs == 2 and summary.points_train is not None:
        return ("boundary",)
    if summary.task == "regression":
        return ("fit",) if summary.n_inputs == 1 else ()
    if summary.name in IMAGE_NAMES:
        return ("confusion", "samples")
    return ("confusion",)


class LowerRight:
    """The views of the lower-right panel; `view` is the one shown (None: no picture)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.views: tuple[str, ...] = ()
        self.view: str | None = None

    def compose(self, interval: float) -> Iterator[Widget]:
        yield DecisionBoundary(id="boundary", min_interval=interval)
        yield FitPlot(id="view-fit", min_interval=interval)
        yield ConfusionMatrix(id="view-confusion", min_interval=interval)
        yield SampleStrip(id="view-samples", min_interval=interval)

    @property
    def pictured(self) -> bool:
        """The data has a picture (the trainer is asked for its grid or panel data)."""
        return bool(self.views)

    def use(self, summary: DataSummary) -> None:
        """New data: its views; the one shown stays if it still makes sense."""
        host = self.host
        self.views = views_for(summary)
        if self.view not in self.views:
            self.view = self.views[0] if self.views else None
        host.query_one(DecisionBoundary).set_data(summary)
        for widget_type in PANEL_WIDGETS:
            host.query_one(widget_type).set_data(summary)
        host.screen.set_class(not self.views, "-no-boundary")
        regression = summary.task == "regression"  # no accuracy: the cost plot gets its row
        host.screen.set_class(regression, "-regression")
        self._show_view()

    def _show_view(self) -> None:
        for name, widget_type in VIEW_WIDGETS.items():
            widget = self.host.query_one(widget_type)
            widget.set_class(name != self.view, "-view-hidden")  # a class: comparison's CSS
            if name == self.view:
                widget.flush_repaint()

    def update_panels(self, panel: PanelData) -> None:
        for widget_type in PANEL_WIDGETS:
            self.host.query_one(widget_type).update_panel(panel)

    def cycle(self) -> None:
        if len(self.views) < 2:
            only = self.view or "no picture"
            self.host.notify(f"view: {only} is the only view for this data", timeout=2)
            return
        self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
        self._show_view()
        self.host.notify(f"view: {self.view}", timeout=2)

    def toggle_test_points(self) -> None:
        """`t`: test points on the boundary or the fit plot."""
        if self.view == "fit":
            self.host.query_one(FitPlot).toggle_test()
        else:
            self.host.query_one(DecisionBoundary).toggle_test()
