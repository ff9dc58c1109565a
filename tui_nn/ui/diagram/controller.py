"""The network diagram in the app, and weights set by hand.

- `n` ("Network diagram") shows the diagram in place of the heatmap, and back. Only while it is
  shown does the app ask the trainer for weights (SetView(weights=True)), at the picture rate.
- `W` ("Set a weight or bias") opens a prompt taking `W1[2,1] = 1.25`; Enter on a weight or
  bias selected in the diagram opens it filled in. The value goes out as SetParameter; the
  trainer's answer (taken: the old value and the cost now; refused: why) is shown as a notice,
  and `after_set` is called (trace mode traces its sample again on the new weights).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from tui_nn.session.protocol.answers import Answer, ParameterSet
from tui_nn.session.protocol.messages import SetParameter, Snapshot
from tui_nn.textbook.notation import Address
from tui_nn.ui.diagram.parameter_prompt import ParameterPrompt
from tui_nn.ui.diagram.text import fit
from tui_nn.ui.diagram.widget import NetworkDiagram
from tui_nn.ui.host import Host
from tui_nn.ui.link.bridge import Update
from tui_nn.ui.widgets.heatmap import NeuronHeatmap
from tui_nn.ui.widgets.status_line import number


class DiagramController:
    """`shown`: the diagram is on screen; `sample`: the test sample whose z and a it reads."""

    def __init__(self, host: Host, refusals: list[str]) -> None:
        self.host = host
        self.refusals = refusals  # the app's list of refusals (newest last)
        self.shown = False
        self.sample = 0
        self.after_set: Callable[[], None] = lambda: None  # a SetParameter was answered
        self._readout = ""  # the diagram's readout shown last

    @property
    def widget(self) -> NetworkDiagram:
        return self.host.query_one(NetworkDiagram)

    # ---- the view -------------------------------------------------------------------------

    def toggle(self) -> None:
        self.shown = not self.shown
        self._readout = ""  # the heatmap may have written the readout line since
        host = self.host
        host.screen.set_class(self.shown, "-diagram")
        diagram, heatmap = self.widget, host.query_one(NeuronHeatmap)
        if self.shown and host.last is not None:
            self._feed(host.last)
        host.request_view()  # the weights now, or no more
        if self.shown:
            diagram.focus()  # the arrows read it at once
        elif diagram.has_focus:
            heatmap.focus()

    def _feed(self, snap: Snapshot) -> None:
        diagram = self.widget
        diagram.update_network(
            snap.network.sizes, tuple(layer.activation for layer in snap.network.layers)
        )
        if snap.layers:
            diagram.update_layers(snap.layers)

    def show(self, update: Update) -> None:
        """Every update: the diagram's data, and answers to SetParameter."""
        snap = update.snapshot
        if self.shown:
            self._feed(snap)
            if update.weights is not None:
                self.widget.update_weights(update.weights, update.network_view)

    def sample_proposed(self, event: NetworkDiagram.SampleProposed) -> None:
        self.sample = event.index
        self.host.request_view()  # the whole view again, with the new sample

    # ---- reading -------------------------------------------------------------------------

    def selected(self, event: NetworkDiagram.Selected) -> None:
        info = self.host.query_one("#neuron-info", Static)
        text = fit(event.reading, self.host.query_one("#neurons").size.width, lines=3)
        if text != self._readout:  # posted at every repaint: send only what changed
            self._readout = text
            info.update(text)
        info.add_class("-shown")

    # ---- setting a weight or bias -------------------------------------------------------

    def edit_proposed(self, event: NetworkDiagram.EditProposed) -> None:
        reading = event.reading
        if reading.address is None:
            self.host.notify(
                "nothing to set here: select a neuron (its bias) or a line (a weight)"
            )
            return
        value = "" if reading.value is None else f"{reading.value:.6g}"
        self.open_prompt(f"{reading.address.text()} = {value}")

    def prompt(self) -> None:
        """`W`: the prompt, filled in with what is selected in the diagram (if shown)."""
        reading = self.widget.reading() if self.shown else None
        if reading is not None and reading.address is not None and reading.value is not None:
            self.open_prompt(f"{reading.address.text()} = {reading.value:.6g}")
        else:
            self.open_prompt("")

    def open_prompt(self, prefill: str) -> None:
        last = self.host.last
        if last is None:
            self.host.notify("no network yet", severity="warning")
            return
        self.host.push_screen(ParameterPrompt(last.network.sizes, prefill), self._prompt_closed)

    def _prompt_closed(self, result: tuple[Address, float] | None) -> None:
        if result is not None:
            self.set_parameter(*result)

    def set_parameter(self, address: Address, value: float) -> None:
        command = SetParameter(address.layer, address.row, address.col, value)
        self.host.send(command, then=self._parameter_answered)

    def _parameter_answered(self, answer: Answer) -> None:
        """Taken: the old value and the cost now; refused or lost: why."""
        done = answer.value
        if answer.outcome == "accepted" and isinstance(done, ParameterSet):
            self.host.notify(
                f"{done.address} = {done.new:.6g} (was {done.old:.6g}); training cost now "
                f"{number(done.cost)}",  # as the status line writes it
                title="set by hand",
                timeout=4,
            )
        elif answer.outcome == "refused":
            self.refusals.append(answer.reason)
            self.host.notify(answer.reason, title="the trainer refused", severity="warning")
        else:
            return  # lost: the app says so once (app.py)
        self.after_set()
