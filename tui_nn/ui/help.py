"""The help screen ('?'): every key, generated from the bindings so it cannot go stale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_nn.ui.diagram.widget import NetworkDiagram
from tui_nn.ui.panels.architecture import ArchitecturePanel
from tui_nn.ui.trace.panel import TracePanel
from tui_nn.ui.widgets.dialog import Dialog
from tui_nn.ui.widgets.heatmap import NeuronHeatmap

KEY_NAMES = {
    "space": "space",
    "question_mark": "?",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "escape": "esc",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "insert": "ins",
    "delete": "del",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
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


def keys_text(sections: list[tuple[str, list[Binding]]], key_width: int = 18) -> Text:
    """Every section's keys as aligned lines: a bold title, then `key  what it does`."""
    rows = [
        (title, [(key_label(b.key), b.tooltip or b.description) for b in bindings if b.description])
        for title, bindings in sections
    ]
    rows.append(("Everywhere", list(EXTRA_KEYS)))
    text = Text()
    for n, (title, entries) in enumerate(rows):
        text.append(("\n" if n else "") + title + "\n", style="bold italic")
        for keys, what in entries:
            text.append(f"  {keys:<{key_width}}", style="bold")
            text.append(f"{what}\n")
    return text


class HelpScreen(Dialog[None]):
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
            yield Static(keys_text(self.sections))
            yield Static(Text(TEXTBOOK, style="dim"))

    def action_dismiss(self) -> None:
        self.answer(None)


def help_sections(app_bindings: list[Binding]) -> list[tuple[str, list[Binding]]]:
    """The help screen's sections: the app's keys, then each panel's and mode's."""
    return [
        ("Training and view", app_bindings),
        ("Network panel (when it has the focus)", list(ArchitecturePanel.BINDINGS)),
        ("Heatmap (when it has the focus)", list(NeuronHeatmap.BINDINGS)),
        ("Trace mode (T)", list(TracePanel.BINDINGS)),
        ("Network diagram (n; when it has the focus)", list(NetworkDiagram.BINDINGS)),
    ]


def palette_commands(
    groups: Iterable[tuple[Iterable[Binding], Any]],
) -> Iterable[SystemCommand]:
    """One command-palette entry per binding: (bindings, the node whose actions they run)."""
    for bindings, target in groups:
        for binding in bindings:
            key = key_label(binding.key)
            help_text = f"{binding.tooltip}  (key: {key})" if binding.tooltip else f"key: {key}"
            yield SystemCommand(binding.description, help_text, _caller(target, binding))


def _caller(target: Any, binding: Binding) -> Callable[[], object]:
    """A palette callback that runs the binding's action on its target."""
    return lambda: target.run_action(binding.action)
