"""What every picture widget shares: drawn row by row (Textual's Line API) from a `RowCache`,
repainted within its budget (`Throttled`), whole again after a resize."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip

from tui_nn.ui.widgets.draw.rows import RowCache, cost, span_cost
from tui_nn.ui.widgets.draw.throttle import Throttled


def fill_css(type_name: str, min_height: int) -> str:
    """The DEFAULT_CSS of a picture widget: it fills its area, at least `min_height` rows."""
    return f"""
    {type_name} {{
        width: 1fr;
        height: 1fr;
        min-height: {min_height};
    }}
    """


def arrow_keys(up: str, down: str, left: str, right: str) -> list[Binding]:
    """The arrows bound to a cursor's `move(dx, dy)` (hidden from the footer), each with the
    description the help shows."""
    return [
        Binding("up", "move(0, -1)", up, show=False),
        Binding("down", "move(0, 1)", down, show=False),
        Binding("left", "move(-1, 0)", left, show=False),
        Binding("right", "move(1, 0)", right, show=False),
    ]


class RowWidget(Throttled):
    """The base of a picture widget (`class Plot(RowWidget)`; a widget class of Textual's
    may follow it: `class HistoryPlot(RowWidget, PlotextPlot)`). Subclasses fill `self.rows` in `repaint()` and refresh the spans that changed with `refresh_line`."""

    def __init__(
        self,
        *,
        min_interval: float = 0.5,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.min_interval = min_interval
        self.rows = RowCache()
        self._shown_keys: list[object] = []  # what each row shows (show_keyed_rows)
        self._shown_width = 0

    def on_mount(self) -> None:
        if self._throttle_dirty:
            self.request_repaint()

    def on_resize(self) -> None:
        self._throttle_dirty = True
        self.flush_repaint()

    def refresh_line(self, y: int, x0: int = 0, x1: int | None = None) -> None:
        """Repaint cells x0..x1 of one screen row of the widget (and nothing else)."""
        x1 = self.size.width if x1 is None else x1
        self.refresh(Region(x0, y, x1 - x0, 1))

    def show_rows(self, strips: list[Strip], whole: bool) -> int:
        """Show these rows: all of them (`whole`, after the shape changed), else only the
        spans that changed since the last time; the bytes that costs on the terminal."""
        if whole:
            self.rows.reset()
            self.rows.update(strips)
            self.refresh()
            return sum(cost(strip) for strip in strips)
        sent = 0
        for y, x0, x1 in self.rows.update(strips):
            self.refresh_line(y, x0, x1)
            sent += span_cost(strips[y], x0, x1)
        return sent

    def show_keyed_rows(
        self, keys: list[object], width: int, make_row: Callable[[int, object], Strip]
    ) -> int:
        """Show one row per key: `make_row(y, key)` builds row y anew only where its key
        changed since the last call, every row when their number or the width changed."""
        full = len(keys) != len(self._shown_keys) or width != self._shown_width  # resized
        self._shown_width = width
        strips = [Strip([])] * len(keys) if full else list(self.rows.strips)
        for y, key in enumerate(keys):
            if full or self._shown_keys[y] != key:
                strips[y] = make_row(y, key)
        self._shown_keys = keys
        return self.show_rows(strips, whole=full)

    def render_line(self, y: int) -> Strip:
        strip = self.rows.get(y)
        if strip is not None:
            return strip
        return Strip.blank(self.size.width, self.rich_style)
