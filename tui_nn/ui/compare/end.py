"""The question at the end of a comparison: keep run A, run B or both (as saved runs)?"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_nn.ui.widgets.dialog import Dialog
from tui_nn.ui.widgets.options import Options

CHOICES = (
    ("a", "keep A: save run A, discard B"),
    ("b", "keep B: save run B, discard it from the screen"),
    ("both", "keep both: save A and B"),
    ("cancel", "go on comparing"),
)


class EndComparison(Dialog[str]):
    """Dismissed with "a", "b", "both" or "cancel"."""

    DEFAULT_CSS = """
    EndComparison {
        align: center middle;
    }
    EndComparison > Vertical {
        width: 52;
        height: auto;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    EndComparison OptionList {
        height: auto;
        border: none;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Go on comparing")]

    def __init__(self, legend: str) -> None:
        super().__init__()
        self.legend = legend

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"End the comparison ({self.legend})")
            yield Options(*(Option(text, id=key) for key, text in CHOICES))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.answer(event.option.id or "cancel")

    def action_cancel(self) -> None:
        self.answer("cancel")
