"""The per-neuron error heatmap: one block per layer, one cell per neuron, colour = mean |delta|.

A Line-API widget. Each row of the picture is a cached `Strip`; a repaint recomputes the rows'
contents (small integer codes), compares them with the previous ones, and refreshes only the
rows that changed, so a heatmap that holds still costs no bytes. Cells are two spaces with a
background colour from a small prebuilt palette; dead (ReLU, z <= 0 for most of the batch) and
saturated neurons carry a glyph. When focused, the arrow keys move a cursor and every
move posts `NeuronSelected` with that neuron's numbers.

Screen rows: 0 = layer labels, 1..rows = cells, rows + 1 = legend (the scale, min..max).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.engine.types import LayerStats
from tui_nn.ui.widgets.draw.colours import SEQUENTIAL, color, contrast
from tui_nn.ui.widgets.draw.row_widget import RowWidget, arrow_keys, fill_css
from tui_nn.ui.widgets.draw.scale import Scale, linear_scale, magnitude_scale
from tui_nn.ui.widgets.heatmap_layout import CELL_WIDTH, GAP, HeatmapLayout, plan
from tui_nn.ui.widgets.widget_message import WidgetMessage

NO_STATS = "no neuron statistics yet"
MODES = ("delta", "activation")
MARK_THRESHOLD = 0.9  # a neuron is dead/saturated when this share of the batch is
NO_CELL, NO_DATA = -1, -2
MARKS = ("", "×", "~")  # none, dead, saturated
STAT_OF = {  # what a cell shows -> the LayerStats array it comes from
    "delta": "mean_abs_delta",
    "activation": "mean_activation",
    "dead": "dead_fraction",
    "saturated": "saturated_fraction",
}


@dataclass(frozen=True)
class _Cells:
    """Per-cell values of one layer (folded to the layout)."""

    values: dict[str, np.ndarray]  # name in STAT_OF -> (cells,)
    mark: np.ndarray  # (cells,) 0 none, 1 dead, 2 saturated


class NeuronHeatmap(RowWidget, Widget, can_focus=True):
    """Mean |delta| (or mean activation) of every neuron, on one shared, labelled scale."""

    DEFAULT_CSS = fill_css("NeuronHeatmap", min_height=4)

    BYTE_BUDGET = 4000.0  # bytes/s at the default min_interval (see throttle.py)

    BINDINGS = arrow_keys("neuron up", "neuron down", "neuron left", "neuron right")

    class NeuronSelected(WidgetMessage["NeuronHeatmap"]):
        """The cursor is on a neuron (or a folded group: `index` is its first neuron)."""

        def __init__(
            self, heatmap: NeuronHeatmap, layer: int, index: int, values: dict[str, float]
        ) -> None:
            super().__init__(heatmap)
            self.layer = layer  # 0 = first hidden layer, last = output layer
            self.index = index
            self.values = values

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)  # min_interval, name, id, classes (RowWidget)
        self.mode = "delta"
        self.stats: tuple[LayerStats, ...] = ()
        self.blank_text = NO_STATS  # what the legend says while there are no statistics
        self.units: tuple[int, ...] = ()  # neurons per drawn layer (hidden layers, output)
        self.sizes: tuple[int, ...] = ()
        self.cursor = (0, 0)  # (layer, cell)
        self.grid_layout: HeatmapLayout = plan((), 0, 0)
        self.scale = Scale(0.0, 1.0, len(SEQUENTIAL))
        self._cells: list[_Cells] = []
        self._keys: list[object] = []  # what each screen row shows, to find changed rows
        self._shape: tuple[object, ...] = ()  # layout inputs of the cached rows
        self._plain = tuple(Style(bgcolor=color(rgb)) for rgb in SEQUENTIAL)
        self._marked = tuple(
            Style(color=contrast(rgb), bgcolor=color(rgb), bold=True) for rgb in SEQUENTIAL
        )

    # ---- data in (cheap) ----------------------------------------------------------------

    def update_layers(self, layers: tuple[LayerStats, ...], sizes: tuple[int, ...]) -> None:
        """New statistics for the hidden layers and the output layer (sizes: input..output)."""
        self.stats = tuple(layers)
        self.blank_text = NO_STATS
        self.sizes = tuple(sizes)  # the input layer is not drawn (784 pixels tell nothing here)
        self.units = tuple(len(s.mean_abs_delta) for s in self.stats)
        self.request_repaint()

    def clear(self, reason: str) -> None:
        """No statistics to show (they belonged to other data); the legend says `reason`."""
        if not self.stats and self.blank_text == reason:
            return
        self.stats, self.sizes, self.units = (), (), ()
        self.blank_text = reason
        self.request_repaint()
        self.flush_repaint()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"heatmap mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode != self.mode:
            self.mode = mode
            self.request_repaint()
            self.flush_repaint()  # a key press: answer now

    def toggle_mode(self) -> None:
        self.set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)])

    def action_toggle_mode(self) -> None:
        self.toggle_mode()

    # ---- selection ----------------------------------------------------------------------

    def selected(self) -> tuple[int, int, dict[str, float]] | None:
        """(layer, first neuron, values) under the cursor, or None before any data."""
        layer, cell = self.cursor
        if layer >= len(self._cells):
            return None
        block = self.grid_layout.blocks[layer]
        values = {name: float(arr[cell]) for name, arr in self._cells[layer].values.items()}
        values["neurons"] = float(len(block.neurons(cell)))
        return layer, block.neurons(cell).start, values

    def action_move(self, dx: int, dy: int) -> None:
        blocks = self.grid_layout.blocks
        if not blocks:
            return
        layer, cell = self.cursor
        if dy:
            cell = min(max(cell + dy, 0), blocks[layer].cells - 1)
        if dx:
            column, row = blocks[layer].position(cell)
            column += dx
            if column < 0 or column >= blocks[layer].columns:  # step into the next layer
                target = layer + dx
                if not 0 <= target < len(blocks):
                    return
                layer = target
                column = 0 if dx > 0 else blocks[layer].columns - 1
            row = min(row, blocks[layer].rows - 1)
            cell = min(column * blocks[layer].rows + row, blocks[layer].cells - 1)
        self._set_cursor(layer, cell)

    def on_click(self, event: events.Click) -> None:
        hit = self.grid_layout.block_at_x(event.x)
        if hit is None:
            return
        layer, column = hit
        cell = self.grid_layout.blocks[layer].cell_at(column, event.y - 1)
        if cell is not None:
            self.focus()
            self._set_cursor(layer, cell)

    def _set_cursor(self, layer: int, cell: int) -> None:
        self.cursor = (layer, cell)
        self._rebuild_rows(changed_only=True)  # the old and the new cursor rows
        self._post_selection()

    def _cursor_row(self) -> int | None:
        layer, cell = self.cursor
        if layer >= len(self.grid_layout.blocks):
            return None
        return 1 + self.grid_layout.blocks[layer].position(cell)[1]

    def _post_selection(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.post_message(self.NeuronSelected(self, *chosen))

    def on_focus(self) -> None:
        self._rebuild_rows(changed_only=True)
        self._post_selection()

    def on_blur(self) -> None:
        self._rebuild_rows(changed_only=True)

    # ---- repaint ------------------------------------------------------------------------

    def repaint(self) -> int:
        width, height = self.size
        shape = (self.units, width, height)
        if shape != self._shape:
            self._shape = shape
            self.grid_layout = plan(self.units, width, height - 2)
            self._clamp_cursor()
            self._fold()
            sent = self._rebuild_rows(changed_only=False)
        else:
            self._fold()
            sent = self._rebuild_rows(changed_only=True)
        if self.has_focus:
            self._post_selection()
        return sent

    def _clamp_cursor(self) -> None:
        blocks = self.grid_layout.blocks
        layer, cell = self.cursor
        if not blocks:
            self.cursor = (0, 0)
            return
        layer = min(layer, len(blocks) - 1)
        self.cursor = (layer, min(cell, blocks[layer].cells - 1))

    def _fold(self) -> None:
        """Per-cell values for every layer, and the shared scale for the current mode."""
        self._cells = []
        for block, stats in zip(self.grid_layout.blocks, self.stats):
            values = {name: block.fold(getattr(stats, field)) for name, field in STAT_OF.items()}
            mark = np.zeros(block.cells, dtype=np.int16)
            mark[block.fold(stats.saturated_fraction >= MARK_THRESHOLD) >= 0.5] = 2
            mark[block.fold(stats.dead_fraction >= MARK_THRESHOLD) >= 0.5] = 1
            self._cells.append(_Cells(values, mark))
        field = STAT_OF[self.mode]
        every = [np.asarray(getattr(s, field), dtype=np.float64) for s in self.stats]
        flat = np.concatenate(every) if every else np.zeros(0, dtype=np.float64)
        levels = len(SEQUENTIAL)
        self.scale = (
            magnitude_scale(flat, levels) if self.mode == "delta" else linear_scale(flat, levels)
        )

    # ---- rows -----------------------------------------------------------------------------

    def _codes(self) -> np.ndarray:
        """(rows, cell columns) of codes: level * 3 + mark, or NO_CELL / NO_DATA."""
        blocks = self.grid_layout.blocks
        total = sum(b.columns for b in blocks)
        codes = np.full((self.grid_layout.rows, total), NO_CELL, dtype=np.int16)
        start = 0
        for block, cells in zip(blocks, self._cells):
            level = self.scale.index(cells.values[self.mode])
            code = np.where(level < 0, NO_DATA, level * 3 + cells.mark)
            column, row = np.divmod(np.arange(block.cells), block.rows)
            codes[row, start + column] = code
            start += block.columns
        return codes

    def _rebuild_rows(self, changed_only: bool) -> int:
        """Recompute every row's key; rebuild the rows whose key changed and refresh the cells
        that differ. Returns the estimated bytes sent."""
        width, height = self.size
        codes = self._codes() if self._cells else np.zeros((0, 0), dtype=np.int16)
        cursor_row = self._cursor_row() if self.has_focus else None
        keys: list[object] = [("header", width, self.units)]
        for r in range(codes.shape[0]):
            cursor = self.cursor if r + 1 == cursor_row else None
            keys.append((codes[r].tobytes(), cursor))
        keys.append(("legend", width, self.mode, self.scale, bool(self._cells), self.blank_text))
        keys = keys[:height]
        old = self._keys
        if len(self.rows) != len(keys):
            changed_only = False
        strips = list(self.rows.strips) if changed_only else [Strip([])] * len(keys)
        for y, key in enumerate(keys):
            if changed_only and y < len(old) and old[y] == key:
                continue
            strips[y] = self._build_row(y, codes, width, key)
        self._keys = keys
        return self.show_rows(strips, whole=not changed_only)

    def _build_row(self, y: int, codes: np.ndarray, width: int, key: object) -> Strip:
        base = self.rich_style
        if y == 0:
            segments = self._header(base)
        elif y <= codes.shape[0]:
            segments = self._cell_row(y - 1, codes[y - 1], base)
        else:
            segments = self._legend(base)
        return Strip(segments).adjust_cell_length(width, base).simplify()

    def _header(self, base: Style) -> list[Segment]:
        segments: list[Segment] = []
        blocks = self.grid_layout.blocks
        for i, block in enumerate(blocks):
            output = i == len(blocks) - 1
            name = "out" if output else f"h{i + 1}"
            folded = f"{name}÷{block.group}"  # one cell stands for `group` neurons
            candidates = (folded, name) if block.group > 1 else (name,)
            short = "y" if output else str(i + 1)
            label = next((c for c in candidates if len(c) <= block.width), short)
            segments.append(Segment(label[: block.width].ljust(block.width + GAP), base))
        return segments

    def _cell_row(self, row: int, codes: np.ndarray, base: Style) -> list[Segment]:
        segments: list[Segment] = []
        cursor_layer, cursor_cell = self.cursor
        start = 0
        for layer, block in enumerate(self.grid_layout.blocks):
            for column in range(block.columns):
                code = int(codes[start + column])
                on_cursor = (
                    self.has_focus
                    and layer == cursor_layer
                    and block.cell_at(column, row) == cursor_cell
                )
                segments.append(self._cell(code, on_cursor, base))
            segments.append(Segment(" " * GAP, base))
            start += block.columns
        return segments

    def _cell(self, code: int, on_cursor: bool, base: Style) -> Segment:
        if code == NO_CELL:
            return Segment(" " * CELL_WIDTH, base)
        if code == NO_DATA:
            return Segment("[]" if on_cursor else "··", base)
        level, mark = divmod(code, 3)
        if on_cursor:
            return Segment("[]", self._marked[level])
        if mark:
            return Segment(MARKS[mark].ljust(CELL_WIDTH), self._marked[level])
        return Segment(" " * CELL_WIDTH, self._plain[level])

    def _legend(self, base: Style) -> list[Segment]:
        """The scale (name, min, colour ramp, max) and the marks, as much as fits."""
        if not self._cells:
            return [Segment(self.blank_text, base)]
        lo, hi = self.scale.label()
        name = ("|δ|" if self.mode == "delta" else "act") + (" log" if self.scale.log else "")
        present = {m for cells in self._cells for m in np.unique(cells.mark).tolist()}
        marks = "".join(
            f"  {MARKS[m]} {word}" for m, word in ((1, "dead"), (2, "sat")) if m in present
        )
        ramp = [Segment(" ", style) for style in self._plain]
        width = self.size.width
        if len(name) + len(lo) + len(hi) + len(ramp) + len(marks) + 3 <= width:
            return [Segment(f"{name} {lo} ", base), *ramp, Segment(f" {hi}{marks}", base)]
        if len(name) + len(lo) + len(hi) + len(ramp) + 3 <= width:
            return [Segment(f"{name} {lo} ", base), *ramp, Segment(f" {hi}", base)]
        return [Segment(f"{name} {lo}..{hi}", base)]
