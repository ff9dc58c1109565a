"""Neuron maps: what each neuron computes over the input plane (TensorFlow Playground's small
map inside every neuron), from the trainer's `NeuronMaps` (copies, on the picture schedule).

Two modes: one neuron large (the neuron selected in the heatmap or the diagram, or with ← →),
titled with its formula; or the whole layer as thumbnails side by side, as many as fit, the rest
on further pages. For 1-D data each map is the neuron's output against x. Half-block pixels in a
diverging palette from the layer's range (the activation's: -1..1 for tanh, 0..1 for sigmoid;
else the values'), rows rebuilt only when they change, like the decision boundary.

Keys when focused: ← → the neuron, ↑ ↓ the layer, enter one neuron ↔ the whole layer,
pgup/pgdn the pages of thumbnails. A click on a thumbnail shows that neuron large.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.session.protocol.messages import DataSummary, NeuronMaps
from tui_nn.ui.widgets.draw.colours import DIVERGING, color
from tui_nn.ui.widgets.draw.pixels import PixelStyles
from tui_nn.ui.widgets.draw.row_widget import RowWidget, fill_css
from tui_nn.ui.widgets.draw.scale import Scale
from tui_nn.ui.widgets.widget_message import WidgetMessage

CURVE = (238, 238, 238)  # a 1-D neuron's curve
AXIS = (88, 88, 88)  # its zero line
PALETTE = (*DIVERGING, CURVE, AXIS)
CURVE_INDEX, AXIS_INDEX = len(DIVERGING), len(DIVERGING) + 1
MIN_THUMB_ROWS = 2  # a thumbnail is at least this many cells tall (4 pixels)
MAX_THUMB_ROWS = 8
NO_MAPS = "neuron maps: waiting for the trainer"
NO_PLANE = "neuron maps: data with a plane (2-D) or one input only"
FORMULA = {"softmax": "softmax"}


@dataclass(frozen=True)
class Tiles:
    """How thumbnails are laid out: `per_row` across, `rows_of_tiles` down, each `width` cells
    wide and `height` cells tall with a label row under it."""

    width: int
    height: int
    per_row: int
    rows_of_tiles: int

    @property
    def per_page(self) -> int:
        return self.per_row * self.rows_of_tiles


def tiles_for(n: int, width: int, height: int) -> Tiles:
    """The largest square-looking thumbnails (a cell is about twice as tall as wide: `2h`
    columns by `h` rows) such that all `n` fit, else the smallest and pages."""
    best = None
    for h in range(MAX_THUMB_ROWS, MIN_THUMB_ROWS - 1, -1):
        w = 2 * h
        per_row = max(1, (width + 1) // (w + 1))
        rows_of_tiles = max(1, height // (h + 1))
        tiles = Tiles(w, h, per_row, rows_of_tiles)
        if tiles.per_page >= n:
            return tiles
        best = tiles
    assert best is not None
    return best


def neuron_name(layer: int, n_layers: int, index: int) -> str:
    """`h1[3]` (1-based, as the trace writes it) or `out[2]`."""
    name = "out" if layer == n_layers - 1 else f"h{layer + 1}"
    return f"{name}[{index + 1}]"


def formula(layer: int, index: int, activation: str) -> str:
    """What the neuron computes, in the trace's notation: `a = tanh(W1[3,:]·a0 + b1[3])`."""
    li, j = layer + 1, index + 1
    if activation == "softmax":
        return f"a = softmax(z{li})[{j}],  z{li} = W{li} a{li - 1} + b{li}"
    return f"a = {activation}(W{li}[{j},:]·a{li - 1} + b{li}[{j}])"


def resample(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Nearest-sample resampling of a (r, c) map to (rows, cols) pixels."""
    r, c = values.shape
    ri = ((np.arange(rows) + 0.5) * r / rows).astype(np.int64).clip(0, r - 1)
    ci = ((np.arange(cols) + 0.5) * c / cols).astype(np.int64).clip(0, c - 1)
    return values[np.ix_(ri, ci)]


def curve_pixels(values: np.ndarray, lo: float, hi: float, rows: int, cols: int) -> np.ndarray:
    """A 1-D neuron's output against x as pixels: the curve over its zero line."""
    canvas = np.full((rows, cols), -1, dtype=np.int16)
    if rows < 2 or cols < 1 or values.size == 0:
        return canvas
    span = (hi - lo) or 1.0
    if lo < 0 < hi:
        canvas[int((hi - 0.0) / span * (rows - 1)), :] = AXIS_INDEX
    xs = ((np.arange(cols) + 0.5) * values.size / cols).astype(np.int64).clip(0, values.size - 1)
    ys = np.rint((hi - values[xs]) / span * (rows - 1)).astype(np.int64).clip(0, rows - 1)
    canvas[ys, np.arange(cols)] = CURVE_INDEX
    return canvas


class NeuronMapsView(RowWidget, Widget, can_focus=True):
    """`set_data(summary)` once per dataset, `update_maps(maps)` as they arrive."""

    BYTE_BUDGET = 8000.0

    DEFAULT_CSS = fill_css("NeuronMapsView", min_height=3)

    BINDINGS = [
        Binding("left", "neuron(-1)", "Previous neuron", show=False),
        Binding("right", "neuron(1)", "Next neuron", show=False),
        Binding("up", "layer(-1)", "Layer before", show=False),
        Binding("down", "layer(1)", "Layer after", show=False),
        Binding("enter", "toggle_all", "One neuron / the whole layer", show=False),
        Binding("pageup", "page(-1)", "Page of maps before", show=False),
        Binding("pagedown", "page(1)", "Page of maps after", show=False),
    ]

    class SizeChanged(Message):
        """The picture's size changed: the app asks for maps of (cols, rows) samples."""

    class LayerChanged(WidgetMessage["NeuronMapsView"]):
        """The view shows another layer: the app asks the trainer for its maps."""

        def __init__(self, view: NeuronMapsView, layer: int) -> None:
            super().__init__(view)
            self.map_layer = layer

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.summary: DataSummary | None = None
        self.maps: NeuronMaps | None = None
        self.sizes: tuple[int, ...] = ()  # the network's sizes, inputs first
        self.map_layer = 0
        self.neuron = 0
        self.all = False  # the whole layer as thumbnails
        self.page = 0
        self._pixels = PixelStyles(PALETTE)
        self._tiles: Tiles | None = None

    @property
    def grid_size(self) -> tuple[int, int]:
        """(cols, rows) of pixels one neuron's map has, drawn large."""
        width, height = self.size
        return width, 2 * max(0, height - 2)

    def on_resize(self) -> None:  # then RowWidget.on_resize repaints
        if self.grid_size[0] > 0 and self.grid_size[1] > 0:
            self.post_message(self.SizeChanged())

    # ---- state in ------------------------------------------------------------------------

    @property
    def n_layers(self) -> int:
        return max(0, len(self.sizes) - 1)

    @property
    def units(self) -> int:
        return self.sizes[self.map_layer + 1] if self.map_layer + 1 < len(self.sizes) else 0

    def set_data(self, summary: DataSummary) -> None:
        self.summary = summary
        self.maps = None
        self.request_repaint()

    def set_network(self, sizes: tuple[int, ...]) -> None:
        """The network's shape (from each snapshot): the selection stays inside it."""
        if sizes == self.sizes:
            return
        self.sizes = sizes
        layer = min(self.map_layer, max(0, self.n_layers - 1))
        if layer != self.map_layer:
            self.select(layer, self.neuron)
        self.neuron = min(self.neuron, max(0, self.units - 1))
        self.request_repaint()

    def update_maps(self, maps: NeuronMaps) -> None:
        self.maps = maps
        self.request_repaint()

    def select(self, layer: int, neuron: int, all_of_layer: bool | None = None) -> None:
        """Show this neuron (and its layer); the app is told when the layer changes."""
        layer = max(0, min(layer, max(0, self.n_layers - 1)))
        changed = layer != self.map_layer
        self.map_layer = layer
        self.neuron = max(0, min(neuron, max(0, self.units - 1)))
        if all_of_layer is not None:
            self.all = all_of_layer
        if self._tiles is not None and self._tiles.per_page:
            self.page = self.neuron // self._tiles.per_page
        if changed:
            self.maps = None  # another layer's maps are on their way
            self.post_message(self.LayerChanged(self, layer))
        self.request_repaint()
        self.flush_repaint()

    # ---- keys and the mouse ------------------------------------------------------------

    def action_neuron(self, delta: int) -> None:
        if self.units:
            self.select(self.map_layer, (self.neuron + delta) % self.units)

    def action_layer(self, delta: int) -> None:
        if self.n_layers:
            self.select((self.map_layer + delta) % self.n_layers, 0)

    def action_toggle_all(self) -> None:
        self.all = not self.all
        self.request_repaint()
        self.flush_repaint()

    def action_page(self, delta: int) -> None:
        tiles = self._tiles
        if not (self.all and tiles and tiles.per_page):
            return
        pages = max(1, -(-self.units // tiles.per_page))
        self.page = (self.page + delta) % pages
        self.neuron = min(self.page * tiles.per_page, self.units - 1)
        self.request_repaint()
        self.flush_repaint()

    def on_click(self, event: events.Click) -> None:
        tiles = self._tiles
        if not (self.all and tiles) or event.y < 1:
            return
        col, row = event.x // (tiles.width + 1), (event.y - 1) // (tiles.height + 1)
        if col >= tiles.per_row:
            return
        index = self.page * tiles.per_page + row * tiles.per_row + col
        if index < self.units:
            self.select(self.map_layer, index, all_of_layer=False)
            event.stop()

    # ---- repaint ------------------------------------------------------------------------

    def repaint(self) -> int:
        width, height = self.size
        base = self.rich_style
        lines = self._lines(width, height)
        keys = [(i, key) for i, (key, _) in enumerate(lines)]
        strips = {i: make for i, (_, make) in enumerate(lines)}
        return self.show_keyed_rows(
            keys, width, lambda y, key: strips[y](base).adjust_cell_length(width, base)
        )

    def _lines(self, width: int, height: int) -> list[tuple[object, Any]]:
        """(key, make_row(base) -> Strip) per screen row."""
        maps, summary = self.maps, self.summary
        if summary is None or maps is None or maps.layer != self.map_layer or height < 3:
            planar = summary is None or summary.plane or summary.n_inputs in (1, 2)
            note = NO_MAPS if planar else NO_PLANE
            return [(("note", note), lambda base, t=note: Strip([Segment(t, base)]))]
        scale = Scale(maps.lo, maps.hi, len(DIVERGING))
        title = self._title(maps, width)
        lines: list[tuple[object, Any]] = [(("title", title), _text(title))]
        body = height - 2
        if self.all:
            lines += self._thumbnails(maps, scale, width, body)
        else:
            self._tiles = None
            lines += self._large(maps, scale, width, body)
        legend = self._legend_text(maps)
        lines.append((("legend", legend, maps.lo, maps.hi), self._legend(maps, legend)))
        return lines

    def _title(self, maps: NeuronMaps, width: int) -> str:
        """The neuron (or layer) and what it computes; the plane and the epoch if they fit."""
        when = f"epoch {maps.epoch}: " if maps.epoch is not None else ""
        plane = self.summary.plane if self.summary is not None else None
        over = f" over {plane[0]}, {plane[1]}" if plane else " against x"
        if self.all:
            units = maps.values.shape[0]
            name = "out" if self.map_layer == self.n_layers - 1 else f"h{self.map_layer + 1}"
            head = f"{when}{name}, {units} neurons ({maps.activation})"
        else:
            name = neuron_name(self.map_layer, self.n_layers, self.neuron)
            head = f"{when}{name}: {formula(self.map_layer, self.neuron, maps.activation)}"
            if len(head) > width:  # narrow: the neuron and its activation
                head = f"{when}{name}: {maps.activation}, neuron {self.neuron + 1} of {maps.values.shape[0]}"
        return head + over if len(head + over) <= width else head

    def _large(self, maps: NeuronMaps, scale: Scale, width: int, body: int):
        j = min(self.neuron, maps.values.shape[0] - 1)
        pixels = self._pixels_of(maps, j, scale, 2 * body, width)
        return [
            (("px", pixels[2 * y].tobytes(), pixels[2 * y + 1].tobytes()),
             self._pixel_row(pixels[2 * y], pixels[2 * y + 1]))
            for y in range(body)
        ]  # fmt: skip

    def _thumbnails(self, maps: NeuronMaps, scale: Scale, width: int, body: int):
        units = maps.values.shape[0]
        tiles = self._tiles = tiles_for(units, width, body)
        pages = max(1, -(-units // tiles.per_page))
        self.page = min(self.page, pages - 1)
        first = self.page * tiles.per_page
        lines = []
        for r in range(tiles.rows_of_tiles):
            members = [first + r * tiles.per_row + c for c in range(tiles.per_row)]
            members = [j for j in members if j < units]
            canvas = np.full((2 * tiles.height, width), -1, dtype=np.int16)
            for c, j in enumerate(members):
                x0 = c * (tiles.width + 1)
                canvas[:, x0 : x0 + tiles.width] = self._pixels_of(
                    maps, j, scale, 2 * tiles.height, tiles.width
                )
            for y in range(tiles.height):
                upper, lower = canvas[2 * y], canvas[2 * y + 1]
                lines.append(
                    (("px", upper.tobytes(), lower.tobytes()), self._pixel_row(upper, lower))
                )
            labels = tuple(members)
            lines.append((("labels", labels, self.neuron, tiles), self._labels(members, tiles)))
        if pages > 1:
            note = f"page {self.page + 1}/{pages}  (pgup pgdn)"
            lines.append((("pages", note), _text(note)))
        return lines[:body]

    def _pixels_of(self, maps: NeuronMaps, j: int, scale: Scale, rows: int, cols: int):
        values = np.asarray(maps.values[j], dtype=np.float64)
        if values.ndim == 1:  # against x
            return curve_pixels(values, maps.lo, maps.hi, rows, cols)
        return scale.index(resample(values, rows, cols))

    def _pixel_row(self, upper: np.ndarray, lower: np.ndarray):
        return lambda base: Strip(self._pixels.row(upper, lower, base))

    def _labels(self, members: list[int], tiles: Tiles):
        def make(base: Style) -> Strip:
            segments = []
            for c, j in enumerate(members):
                text = str(j + 1).center(tiles.width)[: tiles.width]
                style = base + Style(reverse=True) if j == self.neuron else base
                segments.append(Segment(text + (" " if c + 1 < len(members) else ""), style))
            return Strip(segments)

        return make

    def _legend_text(self, maps: NeuronMaps) -> str:
        keys = "←→ neuron ↑↓ layer ⏎ " + ("one" if self.all else "all")
        return f"{maps.lo:.2g}|{maps.hi:.2g}|{keys}"

    def _legend(self, maps: NeuronMaps, text: str):
        lo, hi, keys = text.split("|")

        def make(base: Style) -> Strip:
            segments = [Segment(f"{lo} ", base)]
            segments += [Segment(" ", Style(bgcolor=color(rgb))) for rgb in DIVERGING]
            segments.append(Segment(f" {hi}  {keys}", base))
            return Strip(segments)

        return make


def _text(text: str):
    return lambda base: Strip([Segment(text, base)])
