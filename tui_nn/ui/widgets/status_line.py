"""The status line: one cheap line of numbers, the thing that changes most often.

    ▶ running  epoch 120/200  ETA 0:12  step 1,234  speed max  7.5k samples/s
    cost train 0.0131 test 0.0176  acc train 98.5% test 97.0%  elapsed 0:41

Every number says what it is. When the line does not fit, it degrades by dropping words
(the least telling first), never by cutting a value: `DEGRADE` is the order. Narrow, the costs
and accuracies are grouped by set, so train and test stay named at 80 columns:

    ▶ running  ep 120/200  ETA 0:12  7.5k/s  train .0131 98%  test .0176 97%  0:41
 Costs fit in a few columns whatever their size (`1.7e35`). After single steps, before
an epoch ends, the minibatch cost is shown. It repaints only when its text changes (one 1-row
region, a few hundred bytes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual.widget import Widget

from tui_nn.session.protocol.messages import Snapshot, State
from tui_nn.ui.widgets.heatmap import NeuronHeatmap

NeuronSelected = NeuronHeatmap.NeuronSelected

# the trainer's states and the app's own
Shown = State | Literal["lost", "stopped", "unlinked", "starting", "saving"]
STATE_STYLES: dict[Shown, tuple[str, str]] = {
    "idle": ("○ ready", "bold"),
    "running": ("▶ running", "bold green"),
    "paused": ("‖ paused", "bold yellow"),
    "finished": ("■ finished", "bold cyan"),
    "diverged": ("✗ diverged", "bold red"),
    "error": ("✗ error", "bold red"),
    "lost": ("✗ trainer died", "bold red"),
    "stopped": ("■ trainer stopped", "bold yellow"),  # by another app, attach --stop, SIGTERM
    "unlinked": ("✗ link lost", "bold red"),
    "starting": ("… starting", "dim"),
    "saving": ("… saving", "bold"),
}
DIM = "dim"

# (piece, form): the steps that shorten the line, in order; form -1 drops the piece.
DEGRADE: tuple[tuple[str, int], ...] = (
    ("message", -1),
    ("step", -1),
    ("elapsed", 1),
    ("speed", 1),
    ("rate", 1),
    ("epoch", 1),
    ("by_set", 0),  # cost train X test Y  acc ...  ->  train X A%  test Y B%
    ("speed", -1),
    ("eta", 1),
    ("batch", 1),
    ("by_set", 1),
    ("rate", -1),
    ("sep", 1),
    ("eta", -1),
    ("by_set", 2),
    ("state", 1),
)


def number(value: float | None) -> str:
    """A cost in at most 7 columns: 0.0131, 12.35, 1234, 1.7e35, 3.2e-6, nan."""
    if value is None:
        return "–"
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    size = abs(value)
    if size >= 1e4 or (0 < size < 1e-4):
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    if size < 10:
        return f"{value:.4f}"
    return f"{value:.2f}" if size < 100 else f"{value:.0f}"


def _short(value: float | None) -> str:
    """0.0123 -> .0123: the same digits in one column less."""
    text = number(value)
    return text[1:] if text.startswith("0.") else text


def _percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{decimals}f}%"


def _rate(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def speed_text(speed: float | None) -> str:
    """The speed limit as the status line shows it: "10 ep/s", "0.5 ep/s", or "max"."""
    return "max" if speed is None else f"{speed:g} ep/s"


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _labelled(label: str, value: str, style: str = "") -> Text:
    return Text.assemble((label, DIM), (value, style)) if label else Text(value, style=style)


def _pair(label: str, train: str, test: str, words: bool) -> Text:
    """`cost train 0.0131 test 0.0176` (words) or `cost 0.0131/0.0176` (train first)."""
    if words:
        return Text.assemble((f"{label} train ", DIM), train, (" test ", DIM), test)
    return Text.assemble((f"{label} ", DIM), train, ("/", DIM), test)


def _epoch(snap: Snapshot, label: str) -> Text:
    budget = snap.hyper.epochs
    if budget is None:
        return _labelled(label, str(snap.epoch))
    if snap.epoch > budget:  # a budget lowered below the epochs done
        return Text.assemble((label, DIM), str(snap.epoch), (f" (over budget {budget})", DIM))
    return _labelled(label, f"{snap.epoch}/{budget}")


def _by_set(
    train_loss: float | None,
    test_loss: float | None,
    train_acc: float | None,
    test_acc: float | None,
    cost: Callable[[float | None], str],
    decimals: int,
    tight: bool = False,
) -> Text:
    """`train 0.0131 98.5%  test 0.0176 97.0%` (regression: no percentages)."""
    parts = []
    for label, loss, acc in (("train", train_loss, train_acc), ("test", test_loss, test_acc)):
        numbers = cost(loss)
        if train_acc is not None or test_acc is not None:
            numbers += " " + _percent(acc, decimals)
        parts.append(Text.assemble((f"{label} ", DIM), numbers))
    return Text(" " if tight else "  ").join(parts)


def pieces(
    snap: Snapshot, state: Shown | None, mid_epoch: bool = False
) -> dict[str, list[Text | None]]:
    """Each piece of the line in its forms, longest first (None: left out)."""
    label, style = STATE_STYLES.get(state or snap.state, (snap.state, "bold"))
    running = snap.state == "running"
    out: dict[str, list[Text | None]] = {"state": [Text(label, style=style)]}
    out["state"].append(Text(label.split(" ")[0], style=style))
    out["epoch"] = [_epoch(snap, "epoch "), _epoch(snap, "ep ")]
    eta = snap.eta_seconds if running else None
    out["eta"] = [None] if eta is None else [_labelled("ETA ", clock(eta))] * 2
    out["step"] = [_labelled("step ", f"{snap.step:,}")]
    out["speed"] = [_labelled("speed ", speed_text(snap.speed)), Text(speed_text(snap.speed))]
    rate = _rate(snap.samples_per_sec)
    out["rate"] = (
        [Text.assemble(rate, (" samples/s", DIM)), Text.assemble(rate, ("/s", DIM))]
        if running
        else [None]
    )
    # The minibatch cost, before an epoch has ended (no epoch cost yet) and when stopped
    # inside one (single steps): the epoch's costs are older than the weights then.
    stepped = snap.batch_loss is not None and (snap.train_loss is None or mid_epoch)
    out["batch"] = (
        [_labelled("batch ", number(snap.batch_loss)), _labelled("batch ", _short(snap.batch_loss))]
        if stepped
        else [None]
    )
    out["cost"] = [
        _pair("cost", number(snap.train_loss), number(snap.test_loss), words=True),
        _pair("cost", number(snap.train_loss), number(snap.test_loss), words=False),
        _pair("cost", _short(snap.train_loss), _short(snap.test_loss), words=False),
    ]
    tr, te = snap.train_acc, snap.test_acc
    out["acc"] = [
        _pair("acc", _percent(tr), _percent(te), words=True),
        _pair("acc", _percent(tr), _percent(te), words=False),
        _pair("acc", _percent(tr, 0), _percent(te, 0), words=False),
    ]
    if tr is None and te is None:  # regression: no accuracy at all
        out["acc"] = [None]
    # Narrower, still labelled: each set's numbers together (a % is an accuracy).
    out["by_set"] = [
        _by_set(snap.train_loss, snap.test_loss, tr, te, number, 1),
        _by_set(snap.train_loss, snap.test_loss, tr, te, _short, 0),
        _by_set(snap.train_loss, snap.test_loss, tr, te, _short, 0, tight=True),
    ]
    out["elapsed"] = [_labelled("elapsed ", clock(snap.elapsed), DIM), Text(clock(snap.elapsed), DIM)]
    worth_saying = snap.message and snap.message not in (snap.state, state)
    finished = snap.state in ("paused", "finished", "diverged", "error")
    out["message"] = [Text(snap.message, style="italic") if worth_saying and finished else None]
    return out


ORDER = ("state", "epoch", "eta", "step", "speed", "rate", "batch", "cost", "acc", "elapsed")


def _assemble(forms: dict[str, list[Text | None]], chosen: dict[str, int], sep: str) -> Text:
    parts = []
    by_set = chosen.get("by_set", -1) >= 0
    for key in (*ORDER, "message"):
        if by_set and key in ("cost", "acc"):
            key = "by_set" if key == "cost" else ""
        if not key:
            continue
        options = forms[key]
        index = chosen.get(key, 0)
        part = None if index < 0 else options[min(index, len(options) - 1)]
        if part is not None:
            parts.append(part)
    return Text(sep).join(parts)


def status_text(
    snap: Snapshot | None,
    state: Shown | None = None,
    width: int | None = None,
    mid_epoch: bool = False,
) -> Text:
    """The line for a snapshot (state overrides the snapshot's, e.g. "lost"; `mid_epoch`:
    stopped inside an epoch, the minibatch cost too); words dropped in the order of `DEGRADE`
    until it fits in `width` columns (all of them without a width)."""
    if snap is None:
        label, style = STATE_STYLES[state or "starting"]
        return Text(label, style=style)
    forms = pieces(snap, state, mid_epoch)
    chosen: dict[str, int] = {}
    sep = "  "
    text = _assemble(forms, chosen, sep)
    for key, form in DEGRADE:
        if width is None or text.cell_len <= width:
            break
        if key == "sep":
            sep = " "
        else:
            chosen[key] = form
        text = _assemble(forms, chosen, sep)
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

    def __init__(self, *, id: str | None = None, prefix: str = "") -> None:
        super().__init__(id=id)
        self.prefix = prefix  # "A " / "B " while two runs are compared
        self._text = status_text(None)
        self._shown: tuple[Snapshot | None, Shown | None, bool] = (None, None, False)
        self.repaints = 0

    @property
    def plain(self) -> str:
        """The whole line, every word (what is on screen may be shorter)."""
        return self._text.plain

    @property
    def shown(self) -> str:
        """The line as it fits the widget now."""
        snap, state, mid_epoch = self._shown
        return status_text(snap, state, self.content_size.width, mid_epoch).plain

    def show(
        self, snap: Snapshot | None, state: Shown | None = None, mid_epoch: bool = False
    ) -> None:
        text = Text.assemble((self.prefix, "bold reverse"), status_text(snap, state, None, mid_epoch))
        if text.plain == self._text.plain:
            return
        self._text, self._shown = text, (snap, state, mid_epoch)
        self.repaints += 1
        self.refresh()

    def render(self) -> Text:
        snap, state, mid_epoch = self._shown
        width = self.content_size.width - len(self.prefix)
        line = status_text(snap, state, width, mid_epoch)
        return Text.assemble((self.prefix, "bold reverse"), line)


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
