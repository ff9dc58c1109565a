"""Shared helpers for the drawing-widget tests: a host app, waiting on conditions, strip reading."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.engine.types import EpochRecord, LayerStats


class Host(App):
    """A tiny app holding one widget and recording the messages it posts."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.seen: list[object] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_neuron_heatmap_neuron_selected(self, message) -> None:  # noqa: ANN001
        self.seen.append(message)

    def on_decision_boundary_grid_size_changed(self, message) -> None:  # noqa: ANN001
        self.seen.append(message)


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (fails after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause()


def text_of(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


def widget_text(widget: Widget) -> str:
    """What a Line-API widget shows, one line per row."""
    return "\n".join(text_of(widget.render_line(y)) for y in range(widget.size.height))


def style_at(strip: Strip, x: int):  # noqa: ANN201 - a rich Style
    """The style of the cell at column x."""
    position = 0
    for segment in strip:
        if position <= x < position + segment.cell_length:
            return segment.style
        position += segment.cell_length
    raise IndexError(x)


def char_at(strip: Strip, x: int) -> str:
    return text_of(strip)[x]


def rgb(colour) -> tuple[int, int, int]:  # noqa: ANN001 - a rich Color
    return tuple(colour.triplet)


def record(epoch: int, loss: float, acc: float | None = 0.5) -> EpochRecord:
    return EpochRecord(
        epoch=epoch,
        step=epoch * 10,
        samples=epoch * 100,
        train_loss=loss,
        test_loss=loss * 1.1,
        train_acc=acc,
        test_acc=acc,
        seconds=0.1,
        lr=0.03,
    )


def layer_stats(
    delta, activation=None, dead=None, saturated=None, name: str = "relu"
) -> LayerStats:  # noqa: ANN001
    delta = np.asarray(delta, dtype=np.float32)
    n = len(delta)

    def arr(values):  # noqa: ANN001, ANN202
        return np.zeros(n, dtype=np.float32) if values is None else np.asarray(values, np.float32)

    return LayerStats(delta, arr(activation), arr(dead), arr(saturated), 1.0, 1.0, name)
