"""The status line: one cheap line of numbers, the thing that changes most often.

state · epoch n/N · step · samples/s · train/test cost · train/test accuracy · elapsed.
It repaints only when its text changes (one 1-row region, a few hundred bytes).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui_nn.session.messages import Snapshot
from tui_nn.ui.widgets import NeuronHeatmap

NeuronSelected = NeuronHeatmap.NeuronSelected

STATE_STYLES = {
    "idle": ("○ ready", "bold"),
    "running": ("▶ running", "bold green"),
    "paused": ("‖ paused", "bold yellow"),
    "finished": ("■ finished", "bold cyan"),
    "diverged": ("✗ diverged", "bold red"),
    "error": ("✗ error", "bold red"),
    "lost": ("✗ trainer died", "bold red"),
    "starting": ("… starting", "dim"),
    "saving": ("… saving", "bold"),
}


def _number(value: float | None, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _rate(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f}M/s"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k/s"
    return f"{value:.0f}/s"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def status_text(snap: Snapshot | None, state: str | None = None) -> Text:
    """The line for a snapshot (state overrides the snapshot's, e.g. "lost")."""
    if snap is None:
        label, style = STATE_STYLES[state or "starting"]
        return Text(label, style=style)
    label, style = STATE_STYLES.get(state or snap.state, (snap.state, "bold"))
    budget = snap.hyper.epochs
    epoch = f"{snap.epoch}/{budget}" if budget else str(snap.epoch)
    text = Text.assemble(
        (label, style),
        ("  epoch ", "dim"),
        epoch,
        ("  step ", "dim"),
        f"{snap.step:,}",
        "  ",
        _rate(snap.samples_per_sec) if snap.state == "running" else "",
        ("  cost ", "dim"),
        _number(snap.train_loss, ".4f"),
        ("/", "dim"),
        _number(snap.test_loss, ".4f"),
        ("  acc ", "dim"),
        _percent(snap.train_acc),
        ("/", "dim"),
        _percent(snap.test_acc),
        "  ",
        (_clock(snap.elapsed), "dim"),
    )
    if snap.message and snap.state in ("paused", "finished", "diverged", "error"):
        text.append(f"  {snap.message}", style="italic")
    return text


class StatusLine(Widget):
    """A single line; `show(snapshot)` repaints only when the text differs."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = status_text(None)
        self.repaints = 0

    @property
    def plain(self) -> str:
        return self._text.plain

    def show(self, snap: Snapshot | None, state: str | None = None) -> None:
        text = status_text(snap, state)
        if text.plain == self._text.plain:
            return
        self._text = text
        self.repaints += 1
        self.refresh()

    def render(self) -> Text:
        return self._text


def neuron_text(event: NeuronSelected, snap: Snapshot | None) -> str:
    """One line about the neuron under the heatmap's cursor, in the textbook's words."""
    n_layers = len(snap.network.layers) if snap is not None else 0
    name = "out" if event.layer == n_layers - 1 else f"h{event.layer + 1}"
    values = "  ".join(f"{key} {value:.3g}" for key, value in event.values.items())
    return f"{name} #{event.index}: {values}"
