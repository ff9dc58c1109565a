"""The prompt of "Set a weight or bias": one line in the textbook's notation, `W1[2,1] = 1.25`.

The text is checked against the network's sizes as it is submitted; a bad address or value
keeps the prompt open with one line saying what is wrong, and nothing is sent. A good one
closes it with (Address, value) for the app to send as SetParameter.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui_nn.textbook.notation import Address, NotationError, parse_assignment
from tui_nn.ui.widgets.dialog import Dialog
from tui_nn.ui.widgets.field_input import FieldInput

HINT = (
    "1-based: W<layer>[<neuron>,<input>] = value, b<layer>[<neuron>] = value; "
    "layer 1 is the first hidden layer, L the output layer. Enter sets it, esc cancels."
)


class ParameterPrompt(Dialog[tuple[Address, float] | None]):
    DEFAULT_CSS = """
    ParameterPrompt { align: center middle; }
    ParameterPrompt > Vertical {
        width: 90%; max-width: 76; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ParameterPrompt #parameter-hint { color: $text-muted; }
    ParameterPrompt #parameter-error { color: $error; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, sizes: Sequence[int], prefill: str = "") -> None:
        super().__init__()
        self.sizes = tuple(sizes)
        self.prefill = prefill
        self.error = ""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Set a weight or bias"
            yield FieldInput(value=self.prefill, placeholder="W1[2,1] = 1.25", id="parameter-input")
            yield Static(HINT, id="parameter-hint")
            yield Static("", id="parameter-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            address, value = parse_assignment(event.value, self.sizes)
        except NotationError as exc:
            self.error = str(exc)
            self.query_one("#parameter-error", Static).update(self.error)
            return
        self.answer((address, value))

    def action_cancel(self) -> None:
        self.answer(None)
