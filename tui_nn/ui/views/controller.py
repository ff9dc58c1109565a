"""The lower-right panel always shows the most useful picture for the data:

| data                                   | views (`V` cycles)                              |
|----------------------------------------|-------------------------------------------------|
| 2-D, or a CSV with a plane (--plane)   | decision boundary / regression surface, maps    |
| 1-D regression (sine, quadratic)       | fit plot: y against x, points and curve; maps   |
| classification, more than 2 inputs     | confusion matrix of the test set                |
| image sets (digits, mnist, ...)        | confusion matrix, strip of test samples         |

`LowerRight` picks the views when data arrive, shows one, hands the trainer's panel data
(`Snapshot.panel`, copies) and neuron maps to the widgets, and cycles with `V` (`v` is A/B
compare). A neuron selected in the heatmap or the diagram is shown large in the neuron maps
view while they have the focus (`peek`), as Playground shows a hovered neuron.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget

from tui_nn.session.protocol.messages import (
    IMAGE_NAMES,
    DataSummary,
    NeuronMaps,
    PanelData,
    SetPlane,
)
from tui_nn.ui.host import Host
from tui_nn.ui.panels.name_picker import NamePicker
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.views.confusion_matrix import ConfusionMatrix
from tui_nn.ui.views.neuron_maps import NeuronMapsView
from tui_nn.ui.views.sample_strip import SampleStrip
from tui_nn.ui.widgets.fit_plot import FitPlot

VIEW_WIDGETS: dict[str, type[Widget]] = {
    "boundary": DecisionBoundary,
    "fit": FitPlot,
    "confusion": ConfusionMatrix,
    "samples": SampleStrip,
    "maps": NeuronMapsView,
}
PANEL_WIDGETS = (FitPlot, ConfusionMatrix, SampleStrip)
NAMES = {"maps": "neuron maps", "boundary": "decision boundary", "fit": "fit plot"}


def views_for(summary: DataSummary) -> tuple[str, ...]:
    """The views that make sense for this data, the most useful first (none: no picture)."""
    if summary.points_train is not None and (summary.plane or summary.n_inputs == 2):
        return ("boundary", "maps")
    if summary.task == "regression":
        return ("fit", "maps") if summary.n_inputs == 1 else ()
    if summary.name in IMAGE_NAMES:
        return ("confusion", "samples")
    return ("confusion",)


class LowerRight:
    """The views of the lower-right panel; `view` is the one shown (None: no picture)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.views: tuple[str, ...] = ()
        self.view: str | None = None
        self.peeking = False  # the maps view shows the neuron selected elsewhere, for now
        self.summary: DataSummary | None = None
        self.preferred: str | None = None  # shown when the data has it (a lesson's view)

    def compose(self, interval: float) -> Iterator[Widget]:
        yield DecisionBoundary(id="boundary", min_interval=interval)
        yield FitPlot(id="view-fit", min_interval=interval)
        yield ConfusionMatrix(id="view-confusion", min_interval=interval)
        yield SampleStrip(id="view-samples", min_interval=interval)
        yield NeuronMapsView(id="view-maps", min_interval=interval)

    @property
    def pictured(self) -> bool:
        """The data has a picture (the trainer is asked for its grid or panel data)."""
        return bool(self.views)

    @property
    def shown(self) -> str | None:
        """The view on screen (the maps while peeking at a neuron)."""
        return "maps" if self.peeking else self.view

    def grid_size(self) -> tuple[int, int]:
        """(cols, rows) of samples the trainer's grid should have: the picture on screen fills
        them exactly (the neuron maps when they are shown, else the decision boundary)."""
        for name, widget_type in (("maps", NeuronMapsView), (None, DecisionBoundary)):
            widgets = self.host.query(widget_type)  # none while the screen goes away
            if widgets and (name is None or self.shown == name):
                size = widgets.first().grid_size
                if size[0] > 0 and size[1] > 0:
                    return size
        return (0, 0)

    @property
    def maps_layer(self) -> int | None:
        """The layer whose neuron maps the screen shows (None: no maps wanted)."""
        if self.shown != "maps":
            return None
        return self.host.query_one(NeuronMapsView).map_layer

    def update_maps(self, maps: NeuronMaps) -> None:
        self.host.query_one(NeuronMapsView).update_maps(maps)

    def set_network(self, sizes: tuple[int, ...]) -> None:
        self.host.query_one(NeuronMapsView).set_network(sizes)

    def peek(self, layer: int, neuron: int) -> None:
        """A neuron selected in the heatmap or the diagram: its map, large, for now."""
        if "maps" not in self.views:
            return
        widget = self.host.query_one(NeuronMapsView)
        was = (self.shown, widget.map_layer)
        self.peeking = True
        widget.select(layer, neuron, all_of_layer=False)
        if was[0] != "maps":
            self._show_view()
        if was != ("maps", widget.map_layer):
            self.host.request_view()

    def unpeek(self) -> None:
        """The focus left the heatmap and the diagram: back to the view chosen."""
        if self.peeking:
            self.peeking = False
            self._show_view()
            self.host.request_view()

    def use(self, summary: DataSummary) -> None:
        """New data: its views; the one shown stays if it still makes sense."""
        host = self.host
        self.summary = summary
        self.views = views_for(summary)
        if self.preferred in self.views:
            self.view, self.preferred = self.preferred, None
        elif self.view not in self.views:
            self.view = self.views[0] if self.views else None
        host.query_one(DecisionBoundary).set_data(summary)
        host.query_one(NeuronMapsView).set_data(summary)
        for widget_type in PANEL_WIDGETS:
            host.query_one(widget_type).set_data(summary)
        host.screen.set_class(not self.views, "-no-boundary")
        regression = summary.task == "regression"  # no accuracy: the cost plot gets its row
        host.screen.set_class(regression, "-regression")
        self._show_view()

    def _show_view(self) -> None:
        shown = self.shown
        for name, widget_type in VIEW_WIDGETS.items():
            widget = self.host.query_one(widget_type)
            widget.set_class(name != shown, "-view-hidden")  # a class: comparison's CSS
            if name == shown:
                widget.flush_repaint()

    def update_panels(self, panel: PanelData) -> None:
        for widget_type in PANEL_WIDGETS:
            self.host.query_one(widget_type).update_panel(panel)

    def cycle(self) -> None:
        if len(self.views) < 2:
            only = self.view or "no picture"
            self.host.notify(f"view: {only} is the only view for this data", timeout=2)
            return
        self.peeking = False
        self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
        self._show_view()
        self.host.request_view()  # the maps come only while they are shown
        self.host.notify(f"view: {NAMES.get(self.view, self.view)}", timeout=2)

    def prefer(self, name: str) -> None:
        """Show view `name` (now if the data has it, else when data that has it arrives)."""
        if name in self.views:
            self.view = name
            self._show_view()
            self.host.request_view()
        else:
            self.preferred = name

    # ---- the plane of a wider CSV ----------------------------------------------------------

    def pick_plane(self) -> None:
        """`P`: two inputs of a CSV for the picture's axes (the others at their training
        mean), or none; two pickers, the x axis then the y axis."""
        host, summary = self.host, self.summary
        names = tuple(summary.input_names or ()) if summary is not None else ()
        if summary is None or summary.features is not None or len(names) < 2:
            host.notify("plane: a CSV's inputs only (2-D data has its own plane)", timeout=3)
            return
        if len(names) == 2 and not summary.held:
            host.notify("plane: this data has two inputs, they are the plane", timeout=3)
            return
        now = summary.plane or ("", "")
        none = "(none: no picture)"

        def second(x: str | None) -> None:
            if x is None:
                return
            if x == none:
                host.send(SetPlane(None))
                return
            others = tuple(n for n in names if n != x)
            host.push_screen(
                NamePicker("plane: the y axis", others, now[1], f"x is {x}"),
                lambda y: host.send(SetPlane((x, y))) if y is not None else None,
            )

        hint = "the other inputs are held at their training mean"
        host.push_screen(NamePicker("plane: the x axis", (*names, none), now[0], hint), second)

    # ---- a confusion-matrix cell's samples ------------------------------------------------

    def show_cell(self, cell) -> None:  # noqa: ANN001 - a CellContents
        """The cell's test samples in the strip (Enter there traces one; Esc comes back)."""
        strip = self.host.query_one(SampleStrip)
        strip.show_cell(cell)
        self.peeking = False
        self.view = "samples"
        self._show_view()
        strip.focus()

    def close_cell(self) -> None:
        if "confusion" in self.views:
            self.view = "confusion"
            self._show_view()
            self.host.query_one(ConfusionMatrix).focus()

    def toggle_test_points(self) -> None:
        """`t`: test points on the boundary or the fit plot."""
        if self.view == "fit":
            self.host.query_one(FitPlot).toggle_test()
        else:
            self.host.query_one(DecisionBoundary).toggle_test()
