"""The lower-right panel always shows the most useful picture for the data:

| data                                   | views (`V` cycles)                        |
|----------------------------------------|-------------------------------------------|
| 2-D (classification or regression)     | decision boundary / regression surface    |
| 1-D regression (sine, quadratic)       | fit plot: y against x, points and curve   |
| classification, more than 2 inputs     | confusion matrix of the test set          |
| image sets (digits, mnist, ...)        | confusion matrix, strip of test samples   |

A mixin of the app: it picks the views when data arrive, shows one, hands the trainer's panel
data (`Snapshot.panel`, copies) to the widgets, and cycles with `V` (`v` is A/B compare).
"""

from __future__ import annotations

from textual.widget import Widget

from tui_nn.session.protocol.messages import IMAGE_NAMES, DataSummary, PanelData
from tui_nn.ui.widgets.boundary import DecisionBoundary
from tui_nn.ui.widgets.confusion_matrix import ConfusionMatrix
from tui_nn.ui.widgets.fit_plot import FitPlot
from tui_nn.ui.widgets.sample_strip import SampleStrip

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


class PictureViews:
    """Mixin of TuiNNApp (before App)."""

    views: tuple[str, ...] = ()
    view: str | None = None

    def compose_views(self, interval: float):
        yield DecisionBoundary(id="boundary", min_interval=interval)
        yield FitPlot(id="view-fit", min_interval=interval)
        yield ConfusionMatrix(id="view-confusion", min_interval=interval)
        yield SampleStrip(id="view-samples", min_interval=interval)

    def use_views(self, summary: DataSummary) -> None:
        """New data: its views; the one shown stays if it still makes sense."""
        self.views = views_for(summary)
        if self.view not in self.views:
            self.view = self.views[0] if self.views else None
        for widget_type in PANEL_WIDGETS:
            self.query_one(widget_type).set_data(summary)  # type: ignore[attr-defined]
        self.screen.set_class(not self.views, "-no-boundary")  # type: ignore[attr-defined]
        regression = summary.task == "regression"  # no accuracy: the cost plot gets its row
        self.screen.set_class(regression, "-regression")  # type: ignore[attr-defined]
        self._show_view()

    def _show_view(self) -> None:
        for name, widget_type in VIEW_WIDGETS.items():
            widget = self.query_one(widget_type)  # type: ignore[attr-defined]
            widget.set_class(name != self.view, "-view-hidden")  # a class: comparison's CSS
            if name == self.view:
                widget.flush_repaint()

    def update_panels(self, panel: PanelData) -> None:
        for widget_type in PANEL_WIDGETS:
            self.query_one(widget_type).update_panel(panel)  # type: ignore[attr-defined]

    def request_pictures(self) -> bool:
        """Ask the trainer again for the pictures of the view shown (answered at once, with
        the weights as they are now; headless.py's screenshot waits for them). False when the
        view shows none."""
        grid_view = self._grid_view  # type: ignore[attr-defined]
        if grid_view is None or not grid_view[0]:
            return False
        return self.send(self.view_command(*grid_view))  # type: ignore[attr-defined]

    def action_cycle_view(self) -> None:
        if len(self.views) < 2:
            only = self.view or "no picture"
            self.notify(f"view: {only} is the only view for this data", timeout=2)  # type: ignore[attr-defined]
            return
        self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
        self._show_view()
        self.notify(f"view: {self.view}", timeout=2)  # type: ignore[attr-defined]

    def action_test_points(self) -> None:
        """`t`: test points on the boundary or the fit plot."""
        if self.view == "fit":
            self.query_one(FitPlot).toggle_test()  # type: ignore[attr-defined]
        else:
            self.query_one(DecisionBoundary).toggle_test()  # type: ignore[attr-defined]
