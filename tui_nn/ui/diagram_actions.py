"""The network diagram in the app, and weights set by hand (a mixin of TuiNNApp).

- `n` ("Network diagram") shows the diagram in place of the heatmap, and back. Only while it is
  shown does the app ask the trainer for weights (SetView(weights=True)), at the picture rate.
- `W` ("Set a weight or bias") opens a prompt taking `W1[2,1] = 1.25`; Enter on a weight or
  bias selected in the diagram opens it filled in. The value goes out as SetParameter; the
  trainer's answer (taken: the old value and the cost now; refused: why) is shown as a notice.
"""

from __future__ import annotations

from textual.widgets import Static

from tui_nn.session.protocol.messages import SetParameter, SetView, Snapshot
from tui_nn.textbook.notation import Address
from tui_nn.ui.bridge import Update
from tui_nn.ui.parameter_prompt import ParameterPrompt
from tui_nn.ui.widgets import NeuronHeatmap
from tui_nn.ui.widgets.diagram import NetworkDiagram
from tui_nn.ui.widgets.diagram_text import fit


class DiagramActions:
    """Message handlers go by name (`on_network_diagram_selected`): `@on` is not seen in a
    mixin that is no MessagePump."""

    diagram_shown = False
    _parameter_wait: tuple[str, str] | None = None  # (address sent, the message before)
    _readout = ""  # the diagram's readout shown last
    diagram_sample = 0  # the sample whose z and a the diagram reads (index into the test set)

    # ---- the view -------------------------------------------------------------------------

    def view_command(self, grid: bool, size: tuple[int, int]) -> SetView:
        """The whole view (SetView replaces the previous one): the grid, and the weights while
        the diagram is shown."""
        interval = self.picture_interval
        return SetView(
            weights=self.diagram_shown,
            grid=grid,
            grid_size=size,
            grid_interval=interval,
            weights_interval=interval,
            sample=self.diagram_sample,
        )

    def action_network_diagram(self) -> None:
        self.diagram_shown = not self.diagram_shown
        self._readout = ""  # the heatmap may have written the readout line since
        self.screen.set_class(self.diagram_shown, "-diagram")
        diagram, heatmap = self.query_one(NetworkDiagram), self.query_one(NeuronHeatmap)
        if self.diagram_shown and self.last is not None:
            self._feed_diagram(self.last)
        self._grid_view = None  # send the whole view again, now with(out) the weights
        if self.last is not None:
            self._request_grid()
        if self.diagram_shown:
            diagram.focus()  # the arrows read it at once
        elif not self.diagram_shown and diagram.has_focus:
            heatmap.focus()

    def _feed_diagram(self, snap: Snapshot) -> None:
        diagram = self.query_one(NetworkDiagram)
        diagram.update_network(
            snap.network.sizes, tuple(layer.activation for layer in snap.network.layers)
        )
        if snap.layers:
            diagram.update_layers(snap.layers)

    def show_diagram(self, update: Update) -> None:
        """Called by `show` for every update: the diagram's data, and answers to SetParameter."""
        snap = update.snapshot
        if self.diagram_shown:
            self._feed_diagram(snap)
            if update.weights is not None:
                self.query_one(NetworkDiagram).update_weights(update.weights, update.network_view)
        self._parameter_answer(snap)

    def on_network_diagram_sample_proposed(self, event: NetworkDiagram.SampleProposed) -> None:
        self.diagram_sample = event.index
        self._grid_view = None  # the whole view again, with the new sample
        self._request_grid()

    # ---- reading -------------------------------------------------------------------------

    def on_network_diagram_selected(self, event: NetworkDiagram.Selected) -> None:
        info = self.query_one("#neuron-info", Static)
        text = fit(event.reading, self.query_one("#neurons").size.width, lines=3)
        if text != self._readout:  # posted at every repaint: send only what changed
            self._readout = text
            info.update(text)
        info.add_class("-shown")

    # ---- setting a weight or bias -------------------------------------------------------

    def on_network_diagram_edit_proposed(self, event: NetworkDiagram.EditProposed) -> None:
        reading = event.reading
        if reading.address is None:
            self.notify("nothing to set here: select a neuron (its bias) or a line (a weight)")
            return
        value = "" if reading.value is None else f"{reading.value:.6g}"
        self.open_parameter_prompt(f"{reading.address.text()} = {value}")

    def action_set_parameter(self) -> None:
        reading = self.query_one(NetworkDiagram).reading() if self.diagram_shown else None
        if reading is not None and reading.address is not None and reading.value is not None:
            self.open_parameter_prompt(f"{reading.address.text()} = {reading.value:.6g}")
        else:
            self.open_parameter_prompt("")

    def open_parameter_prompt(self, prefill: str) -> None:
        if self.last is None:
            self.notify("no network yet", severity="warning")
            return
        self.push_screen(ParameterPrompt(self.last.network.sizes, prefill), self._prompt_closed)

    def _prompt_closed(self, result: tuple[Address, float] | None) -> None:
        if result is not None:
            self.set_parameter(*result)

    def set_parameter(self, address: Address, value: float) -> None:
        message = self.last.message if self.last is not None else ""
        if self.send(SetParameter(address.layer, address.row, address.col, value)):
            self._parameter_wait = (address.text(), message)

    def _parameter_answer(self, snap: Snapshot) -> None:
        if self._parameter_wait is None:
            return
        address, before = self._parameter_wait
        if snap.message == before or not (
            snap.message.startswith(address) or snap.message.startswith("refused")
        ):
            return
        self._parameter_wait = None
        if snap.message.startswith("refused"):
            self.refusals.append(snap.message)
            self.notify(snap.message, title="the trainer refused", severity="warning")
        else:
            self.notify(snap.message, title="set by hand", timeout=4)
