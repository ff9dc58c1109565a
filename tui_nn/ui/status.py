"""The status line: one cheap line of numbers, the thing that changes most often.

state · epoch n/N · step · speed limit · samples/s · train/test cost · train/test accuracy ·
elapsed.
It repaints only when its text changes (one 1-row region, a few hundred bytes).
"""

from __future__ import annotations

import math
from typing import Literal

from rich.text import Text
from textual.widget import Widget

from tui_nn.session.messages import Snapshot, State
from tui_nn.ui.widgets import NeuronHeatmap

NeuronSelected = NeuronHeatmap.NeuronSelected

Shown = State | Literal["lost", "starting", "saving"]  # the trainer's states and the app's own
STATE_STYLES: dict[Shown, tuple[str, str]] = {
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


def speed_text(speed: float | None) -> str:
    """The speed limit as the status line shows it: "10 ep/s", "0.5 ep/s", or "max"."""
    return "max" if speed is None else f"{speed:g} ep/s"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def status_text(
    snap: Snapshot | None, state: Shown | None = None, width: int | None = None
) -> Text:
    """The line for a snapshot (state overrides the snapshot's, e.g. "lost"); a shorter form
    when the full one does not fit in `width` columns."""
    if snap is None:
        label, style = STATE_STYLES[state or "starting"]
        return Text(label, style=style)
    text = _line(snap, state, compact=False)
    if width is not None and text.cell_len > width:
        text = _line(snap, state, compact=True)
    return text


def _line(snap: Snapshot, state: Shown | None, compact: bool) -> Text:
    label, style = STATE_STYLES.get(state or snap.state, (snap.state, "bold"))
    budget = snap.hyper.epochs
    epoch = f"{snap.epoch}/{budget}" if budget else str(snap.epoch)
    cost, pct = (_short, _short_percent) if compact else (_cost, _percent)
    text = Text.assemble((label, style), ("  ep " if compact else "  epoch ", "dim"), epoch)
    if not compact:
        text.append_text(Text.assemble(("  step ", "dim"), f"{snap.step:,}", ("  speed ", "dim")))
    text.append(("  " if compact else "") + speed_text(snap.speed))
    if snap.state == "running":
        text.append(f"  {_rate(snap.samples_per_sec)}")
    text.append_text(
        Text.assemble(
            ("  cost ", "dim"),
            cost(snap.train_loss),
            ("/", "dim"),
            cost(snap.test_loss),
            ("  acc ", "dim"),
            pct(snap.train_acc),
            ("/", "dim"),
            pct(snap.test_acc),
            "  ",
            (_clock(snap.elapsed), "dim"),
        )
    )
    worth_saying = snap.message and snap.message not in (snap.state, state)
    if worth_saying and snap.state in ("paused", "finished", "diverged", "error"):
        text.append(f"  {snap.message}", style="italic")
    return text


def _cost(value: float | None) -> str:
    return _number(value, ".4f")


def _short(value: float | None) -> str:
    """0.0123 -> .0123: four decimals in five columns."""
    text = _number(value, ".4f")
    return text[1:] if text.startswith("0.") else text


def _short_percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


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

    def __init__(self, *, id: str | None = None, prefix: str = "") -> None:
        super().__init__(id=id)
        self.prefix = prefix  # "A " / "B " while two runs are compared
        self._text = status_text(None)
        self._shown: tuple[Snapshot | None, str | None] = (None, None)
        self.repaints = 0

    @property
    def plain(self) -> str:
        return self._text.plain

    def show(self, snap: Snapshot | None, state: Shown | None = None) -> None:
        text = Text.assemble((self.prefix, "bold reverse"), status_text(snap, state))
        if text.plain == self._text.plain:
            return
        self._text, self._shown = text, (snap, state)
        self.repaints += 1
        self.refresh()

    def render(self) -> Text:
        snap, state = self._shown
        width = self.content_size.width - len(self.prefix)
        return Text.assemble((self.prefix, "bold reverse"), status_text(snap, state, width=width))


def neuron_text(event: NeuronSelected, snap: Snapshot | None, width: int = 80) -> str:
    """One line about the neuron under the heatmap's cursor, in the textbook's words (1-based,
    as the diagram): the long form when it fits in `width`, else a short one (which may wrap,
    but is never cut off)."""
    n_layers = len(snap.network.layers) if snap is not None else 0
    name = "out" if event.layer == n_layers - 1 else f"h{event.layer + 1}"
    values = event.values
    count = int(values.get("neurons", 1))
    first = event.index + 1
    who = f"{name} #{first}" if count <= 1 else f"{name} #{first}–{first + count - 1}"
    where = f"layer {event.layer + 1}, " + (
        f"neuron {first}" if count <= 1 else f"{count} neurons, their mean"
    )
    delta, act = values.get("delta", math.nan), values.get("activation", math.nan)
    dead, sat = values.get("dead", 0.0), values.get("saturated", 0.0)
    long = (
        f"{who} ({where}): mean|δ| {delta:.3g}  mean a {act:.3g}  dead {dead:.0%}  "
        f"saturated {sat:.0%}"
    )
    if len(long) <= width:
        return long
    marks = "  dead" if dead >= 0.9 else "  sat" if sat >= 0.9 else ""
    return f"{who} |δ| {delta:.3g} a {act:.3g}{marks}"
