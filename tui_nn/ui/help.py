"""The help screen ('?'): every key, generated from the bindings so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {
    "space": "space",
    "question_mark": "?",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "escape": "esc",
    "insert": "ins",
    "delete": "del",
}

EXTRA_KEYS = (
    ("tab / shift+tab", "move between panels and fields"),
    ("↑ ↓", "select a layer in the network panel"),
    ("0-9, enter", "network panel: type the selected layer's neuron count"),
    ("enter", "in a field: apply the value (a refused value keeps the old one)"),
    ("ctrl+p", "command palette: every action by name"),
)

TEXTBOOK = (
    "z = W·x + b, a = f(z) for each layer; the heatmap colours each neuron by the mean |δ| "
    "(δ = ∂C/∂z, the error backpropagation blames on it), or by its mean activation (m)."
)


def key_label(keys: str) -> str:
    return " / ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def bindings_table(title: str, bindings: Iterable[Binding]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False, expand=True)
    table.add_column("key", style="bold", no_wrap=True, width=18)
    table.add_column("action")
    for binding in bindings:
        if binding.description:
            table.add_row(key_label(binding.key), binding.tooltip or binding.description)
    return table


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; any of esc, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 90; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys — esc to close"
            for title, bindings in self.sections:
                yield Static(bindings_table(title, bindings))
            extra = Table(title="Everywhere", title_justify="left", box=None, show_header=False)
            extra.add_column("key", style="bold", no_wrap=True, width=18)
            extra.add_column("action")
            for keys, what in EXTRA_KEYS:
                extra.add_row(keys, what)
            yield Static(extra)
            yield Static(Text(TEXTBOOK, style="dim"))

    def action_dismiss(self) -> None:
        self.dismiss(None)
