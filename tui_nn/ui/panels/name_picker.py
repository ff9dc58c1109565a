"""A picker: a small list of names over the screen (activation, output, loss, initialiser).

The caller gives the names (from `tui_nn.ui.panels.names`, i.e. the rules table) and the current
one; Enter (or a click) answers the highlighted name, Esc answers None (nothing changes).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui_nn.ui.widgets.dialog import Dialog
from tui_nn.ui.widgets.options import Options


def picker_css(type_name: str) -> str:
    """The CSS of a picker's box (this one, the feature picker): 44 columns over the dimmed
    screen."""
    return f"""
    {type_name} {{
        align: center middle;
        background: $background 40%;
    }}
    {type_name} > Vertical {{
        width: 44;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }}
    """


class NamePicker(Dialog[str | None]):
    """Pick one of `choices`; `current` starts highlighted (and is marked)."""

    DEFAULT_CSS = picker_css("NamePicker") + """
    NamePicker Label.picker-hint {
        width: 100%;
        color: $text-muted;
    }
    NamePicker OptionList, NamePicker OptionList:focus {
        height: auto;
        max-height: 16;
        border: none;
        width: 100%;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Keep the current choice")]

    def __init__(self, what: str, choices: tuple[str, ...], current: str, hint: str = "") -> None:
        super().__init__()
        self.what = what
        self.choices = tuple(choices)
        self.current = current
        self.hint = hint

    def compose(self) -> ComposeResult:
        options = [
            Option(f"{name}  (now)" if name == self.current else name, id=name)
            for name in self.choices
        ]
        with Vertical() as box:
            box.border_title = self.what
            box.border_subtitle = "enter picks, esc keeps"
            yield Options(*options, id="picker-list")
            if self.hint:
                yield Label(self.hint, classes="picker-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.current in self.choices:
            option_list.highlighted = self.choices.index(self.current)
        option_list.focus()

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answer(event.option.id)

    def action_cancel(self) -> None:
        self.answer(None)
