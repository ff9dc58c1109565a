"""The feature inputs of 2-D data ticked in a list (TensorFlow Playground's column of inputs):
space or a click ticks one, Enter uses the ticked ones, Esc changes nothing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, SelectionList

from tui_nn.data.features import FEATURES
from tui_nn.ui.panels.name_picker import picker_css
from tui_nn.ui.widgets.dialog import Dialog

SHORT = {"x1*x2": "x1x2", "sin(x1)": "sin1", "sin(x2)": "sin2"}


def short(name: str) -> str:
    """A feature's name on the network panel's input row: x1 x2 x1² x2² x1x2 sin1 sin2."""
    return SHORT.get(name, FEATURES[name].shown)


class FeaturePicker(Dialog[tuple[str, ...] | None]):
    """Tick the inputs to use; answers the canonical names ticked (None: cancelled)."""

    DEFAULT_CSS = picker_css("FeaturePicker") + """
    FeaturePicker Label {
        width: 100%;
        color: $text-muted;
    }
    FeaturePicker SelectionList, FeaturePicker SelectionList:focus {
        height: auto;
        border: none;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the inputs as they are"),
        Binding("enter", "use", "Use the ticked inputs", priority=True),
    ]

    def __init__(self, current: tuple[str, ...]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("feature inputs (space ticks, Enter uses them)")
            yield SelectionList[str](
                *((f"{FEATURES[n].shown}", n, n in self.current) for n in FEATURES)
            )
            yield Label("the other layers keep their weights; a new input starts at 0")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_use(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        self.answer(tuple(n for n in FEATURES if n in ticked))  # once, for keys in a burst

    def action_cancel(self) -> None:
        self.answer(None)
