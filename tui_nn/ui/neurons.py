"""The neurons' picture in the app: the heatmap's statistics from each snapshot (none in a new
run until its first step: new data, a reset, another architecture), and the line about the
neuron under the cursor, shown while the heatmap or the diagram has the focus."""

from __future__ import annotations

from textual.widgets import Static

from tui_nn.session.protocol.messages import Snapshot
from tui_nn.ui.diagram.widget import NetworkDiagram
from tui_nn.ui.host import Host
from tui_nn.ui.link.bridge import Update
from tui_nn.ui.widgets.heatmap import NeuronHeatmap
from tui_nn.ui.widgets.status_line import neuron_text

NO_STEP_ON_NEW_DATA = "new data: no step yet"  # fits the heatmap at 80 columns
NO_STEP = "new run: no step yet"  # a reset, another architecture


class Neurons:
    def __init__(self, host: Host) -> None:
        self.host = host
        self._new_data_run: int | None = None  # run id of a data change, until its first step

    @property
    def heatmap(self) -> NeuronHeatmap:
        return self.host.query_one(NeuronHeatmap)

    def show(self, update: Update, previous: Snapshot | None) -> None:
        """The heatmap's statistics. A new run (new data, a reset, another architecture) has
        none until its first step: the heatmap says so instead of keeping the old run's marks
        (and after new data it drops statistics of the last step on the old data)."""
        snap, heatmap = update.snapshot, self.heatmap
        new_run = update.new_run and previous is not None
        if new_run and update.data is not None:
            self._new_data_run = snap.run_id
        if snap.run_id == self._new_data_run and snap.step == 0:
            self._clear(NO_STEP_ON_NEW_DATA)
        elif snap.layers:
            heatmap.update_layers(snap.layers, snap.network.sizes)
        elif new_run:
            self._clear(NO_STEP)

    def _clear(self, reason: str) -> None:
        self.heatmap.clear(reason)
        self.host.query_one("#neuron-info").remove_class("-shown")  # its old numbers

    def selected(self, event: NeuronHeatmap.NeuronSelected) -> None:
        info = self.host.query_one("#neuron-info", Static)
        width = self.host.query_one("#neurons").size.width
        info.update(neuron_text(event, self.host.last, width))
        info.add_class("-shown")

    def focus_changed(self, focused: object) -> None:
        """The neuron line is shown only while the heatmap (or the diagram) has the focus."""
        if not isinstance(focused, (NeuronHeatmap, NetworkDiagram)):
            self.host.query_one("#neuron-info").remove_class("-shown")

    def toggle_mode(self) -> None:
        """`m`: mean |δ| or mean activation, in the heatmap and the diagram alike."""
        heatmap = self.heatmap
        heatmap.toggle_mode()
        self.host.query_one(NetworkDiagram).set_mode(heatmap.mode)
