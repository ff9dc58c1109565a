"""The decision boundary: the network's output over the plane of a 2-D dataset, with its points.

A Line-API widget drawing two pixels per character cell (`▀`: upper pixel as foreground, lower
as background). The picture is a small array of palette indices (see boundary_canvas); each
screen row is rebuilt and refreshed only when its indices changed, and runs of equal cells are
merged into one styled segment, because every colour change costs bytes on the terminal. The
last row is a legend. For data that is not 2-D the widget shows a one-line note instead.

Trace mode adds two marks over the picture (`mark_sample`, `set_cursor`): the traced sample as
`◆` in its cell, and the cursor of keyboard point picking as `╋`; only their rows change.

Your own points (ConvNetJS's classify2d): with the focus here, the arrows move the cursor,
1..8 add a point of class 0..7 under it (for 2-D regression + adds a target of 1, - of -1,
0 of 0), delete removes the nearest training point; a click adds a point of the class chosen
last, a right click (or ctrl+click) removes the nearest. The widget proposes (`PointProposed`);
the app sends the command and the trainer's new data summary redraws the points.

`discrete` (O) draws hard classes instead of the probability's gradient (Playground's
"discretize output"); k classes are shaded by the winner's probability unless discrete.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

import tui_nn.ui.views.boundary_canvas as canvas_mod
from tui_nn.session.protocol.messages import DataSummary, DecisionGrid
from tui_nn.ui.views.boundary_canvas import Colouring
from tui_nn.ui.widgets.draw.colours import color
from tui_nn.ui.widgets.draw.pixels import PixelStyles
from tui_nn.ui.widgets.draw.row_widget import RowWidget, arrow_keys, fill_css
from tui_nn.ui.widgets.widget_message import WidgetMessage

NOT_2D_NOTE = "decision boundary: 2-D datasets only"
NO_DATA_NOTE = "decision boundary: no data yet"
SAMPLE_MARK = ("◆", Style(color="rgb(255,255,255)", bgcolor="rgb(0,0,0)", bold=True))
CURSOR_MARK = ("╋", Style(color="rgb(0,0,0)", bgcolor="rgb(255,215,0)", bold=True))


class DecisionBoundary(RowWidget, Widget, can_focus=True):
    """`set_data(summary)` once per dataset, `update_grid(grid)` as grids arrive."""

    BYTE_BUDGET = 8000.0  # bytes/s at the default min_interval (see throttle.py)

    BINDINGS = [
        *arrow_keys("Cursor up", "Cursor down", "Cursor left", "Cursor right"),
        *(Binding(str(k + 1), f"add_class({k})", f"Add a point of class {k}", show=False)
          for k in range(8)),
        Binding("plus", "add_value(1)", "Add a point of target 1", show=False),
        Binding("minus", "add_value(-1)", "Add a point of target -1", show=False),
        Binding("0", "add_value(0)", "Add a point of target 0", show=False),
        Binding("delete,backspace", "remove_point", "Remove the nearest point", show=False),
    ]  # fmt: skip

    class PointProposed(WidgetMessage["DecisionBoundary"]):
        """Add a training point at (x, y) of the plane with this class or target (`value`), or
        remove the one nearest to it (`value` None)."""

        def __init__(self, boundary: DecisionBoundary, x: float, y: float, value: float | None):
            super().__init__(boundary)
            self.x, self.y, self.value = x, y, value

    DEFAULT_CSS = fill_css("DecisionBoundary", min_height=3)

    class GridSizeChanged(WidgetMessage["DecisionBoundary"]):
        """The picture's size in pixels changed: a grid of (cols, rows) samples fills it exactly
        (the app may ask the trainer for it with SetView(grid_size=(cols, rows)))."""

        def __init__(self, boundary: DecisionBoundary, cols: int, rows: int) -> None:
            super().__init__(boundary)
            self.cols = cols
            self.rows = rows

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)  # min_interval, name, id, classes (RowWidget)
        self.show_test = False
        self.summary: DataSummary | None = None
        self.grid: DecisionGrid | None = None
        self.colouring: Colouring | None = None
        self.canvas = np.zeros((0, 0), dtype=np.int16)  # the last painted pixels
        self._keys: list[object] = []
        self._styles: PixelStyles | None = None  # the colouring's cells (built as drawn)
        self._posted_size: tuple[int, int] | None = None
        self.output_activation = "sigmoid"  # the legend says P(y=1) only under a sigmoid
        self.sample_mark: tuple[float, float] | None = None  # the traced sample (data units)
        self.cursor: tuple[int, int] | None = None  # (col, row) of the picking cursor
        self.discrete = False  # hard classes instead of the probability's gradient
        self.point_class = 0  # the class a click adds (the digit pressed last)
        self.editable = True  # points may be added (not in trace mode, not run B's picture)
        self.label = ""  # "A" / "B" while comparing two runs

    # ---- data in (cheap) ----------------------------------------------------------------

    # ---- your own points ------------------------------------------------------------------

    def point_at(self, col: int, row: int) -> tuple[float, float] | None:
        """The data point under cell (col, row) (None off the picture or without a plane):
        the centre of the cell's two pixels, as the picture maps them."""
        bounds = self.bounds()
        cols, rows = self.grid_size
        if bounds is None or not (0 <= col < cols and 0 <= 2 * row < rows):
            return None
        x_min, x_max, y_min, y_max = bounds
        x = x_min + (col + 0.5) / cols * (x_max - x_min)
        y = y_max - (2 * row + 1) / rows * (y_max - y_min)
        return float(x), float(y)

    def on_focus(self) -> None:
        if self.cursor is None and self.editable and self.is_2d:
            cols, rows = self.grid_size
            self.set_cursor((cols // 2, rows // 4))

    def on_blur(self) -> None:
        if self.editable:
            self.set_cursor(None)

    def action_move(self, dx: int, dy: int) -> None:
        cols, rows = self.grid_size
        col, row = self.cursor or (cols // 2, rows // 4)
        self.set_cursor((min(max(col + dx, 0), cols - 1), min(max(row + dy, 0), rows // 2 - 1)))

    def _propose(self, value: float | None, cell: tuple[int, int] | None = None) -> None:
        cell = cell or self.cursor
        point = self.point_at(*cell) if cell is not None and self.editable else None
        if point is not None:
            self.post_message(self.PointProposed(self, point[0], point[1], value))

    def action_add_class(self, k: int) -> None:
        s = self.summary
        if s is None or s.task != "classification":
            return
        if k >= (s.n_classes or 2):
            self.notify(f"{s.name} has classes 1..{s.n_classes or 2} (keys)", timeout=3)
            return
        self.point_class = k
        self._propose(float(k))

    def action_add_value(self, value: float) -> None:
        if self.summary is not None and self.summary.task == "regression":
            self._propose(float(value))

    def action_remove_point(self) -> None:
        self._propose(None)

    def on_click(self, event: events.Click) -> None:
        if not (self.editable and self.is_2d) or event.y >= self.size.height - 1:
            return
        cell = (event.x, event.y)
        if event.button == 3 or event.ctrl:
            self._propose(None, cell)
        elif self.summary is not None and self.summary.task == "classification":
            self._propose(float(self.point_class), cell)
        else:
            return
        self.set_cursor(cell)

    def set_label(self, label: str) -> None:
        if label != self.label:
            self.label = label
            self.request_repaint()

    def set_discrete(self, on: bool) -> None:
        if on != self.discrete:
            self.discrete = on
            self._styles = None
            self.request_repaint()
            self.flush_repaint()

    @property
    def is_2d(self) -> bool:
        s = self.summary
        return s is not None and s.points_train is not None and bool(s.plane or s.n_inputs == 2)

    def set_data(self, summary: DataSummary) -> None:
        """A new dataset: its points, classes and bounds (the old grid no longer applies)."""
        self.summary = summary
        self.grid = None
        self.colouring = canvas_mod.colouring(canvas_mod.default_kind(summary), summary)
        self._styles = None
        self.request_repaint()

    def update_grid(self, grid: DecisionGrid) -> None:
        self.grid = grid
        if self.summary is not None and (
            self.colouring is None or self.colouring.kind != grid.kind
        ):
            self.colouring = canvas_mod.colouring(grid.kind, self.summary)
            self._styles = None
        self.request_repaint()

    def set_output(self, activation: str) -> None:
        """The network's output activation (it decides what the legend may call the values)."""
        if activation != self.output_activation:
            self.output_activation = activation
            self.request_repaint()

    def set_show_test(self, on: bool) -> None:
        if on != self.show_test:
            self.show_test = on
            self.request_repaint()
            self.flush_repaint()  # a key press: answer now

    def toggle_test(self) -> None:
        self.set_show_test(not self.show_test)

    def action_toggle_test(self) -> None:
        self.toggle_test()

    def mark_sample(self, point: tuple[float, float] | None) -> None:
        """Mark the traced sample (None: no mark)."""
        if point != self.sample_mark:
            self.sample_mark = point
            self.request_repaint()
            self.flush_repaint()

    def set_cursor(self, cell: tuple[int, int] | None) -> None:
        """The picking cursor at character cell (col, row) of the picture (None: none)."""
        if cell != self.cursor:
            self.cursor = cell
            self.request_repaint()
            self.flush_repaint()  # a key press: answer now

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(x_min, x_max, y_min, y_max) the picture spans (None without 2-D data)."""
        if not self.is_2d:
            return None
        if self.grid is not None and self.grid.bounds is not None:
            return self.grid.bounds
        if self.summary.bounds is not None:
            return self.summary.bounds
        pts = np.asarray(self.summary.points_train, dtype=np.float64)
        return (pts[:, 0].min(), pts[:, 0].max(), pts[:, 1].min(), pts[:, 1].max())

    def cell_of(self, point: tuple[float, float]) -> tuple[int, int] | None:
        """The character cell (col, row) where `point` is painted (None: off the picture)."""
        bounds = self.bounds()
        cols, rows = self.grid_size
        if bounds is None:
            return None
        x_min, x_max, y_min, y_max = bounds
        px = int(np.floor((point[0] - x_min) / ((x_max - x_min) or 1.0) * cols))
        py = int(np.floor((y_max - point[1]) / ((y_max - y_min) or 1.0) * rows))
        return (px, py // 2) if 0 <= px < cols and 0 <= py < rows else None

    def _marks(self) -> dict[int, list[tuple[int, tuple[str, Style]]]]:
        """Row -> [(col, (glyph, style))] of the marks over the picture."""
        marks: dict[int, list[tuple[int, tuple[str, Style]]]] = {}
        sample = self.cell_of(self.sample_mark) if self.sample_mark is not None else None
        for cell, mark in ((sample, SAMPLE_MARK), (self.cursor, CURSOR_MARK)):
            if cell is not None:
                marks.setdefault(cell[1], []).append((cell[0], mark))
        return marks

    @property
    def grid_size(self) -> tuple[int, int]:
        """(cols, rows) of pixels the picture has at the current widget size."""
        width, height = self.size
        return width, 2 * max(0, height - 1)

    # ---- repaint ------------------------------------------------------------------------

    def on_resize(self) -> None:  # then RowWidget.on_resize repaints
        size = self.grid_size
        if size != self._posted_size and size[0] > 0 and size[1] > 0:
            self._posted_size = size
            self.post_message(self.GridSizeChanged(self, *size))

    def repaint(self) -> int:
        width, height = self.size
        keys: list[object]
        if not self.is_2d or self.colouring is None:
            note = NO_DATA_NOTE if self.summary is None else NOT_2D_NOTE
            self.canvas = np.zeros((0, 0), dtype=np.int16)
            keys = [("note", note, width)]
        else:
            self.canvas = self._paint(width, 2 * max(0, height - 1))
            marks = self._marks()
            keys = [
                (self.canvas[2 * y : 2 * y + 2].tobytes(), tuple(marks.get(y, ())))
                for y in range(height - 1)
            ]
            keys.append(("legend", width, self.colouring, self.show_test, self.output_activation,
                         self.discrete, self._epoch(), self.label))  # fmt: skip
        return self._update_rows(keys[: max(1, height)], width)

    def _paint(self, cols: int, rows: int) -> np.ndarray:
        s, c = self.summary, self.colouring
        assert s is not None and c is not None
        canvas = canvas_mod.background(self.grid, c, rows, cols, self.discrete)
        bounds = self.grid.bounds if self.grid is not None else s.bounds
        if bounds is None:
            pts = np.asarray(s.points_train, dtype=np.float64)
            bounds = (pts[:, 0].min(), pts[:, 0].max(), pts[:, 1].min(), pts[:, 1].max())
        canvas_mod.paint_points(canvas, s.points_train, s.labels_train, bounds, c, c.train_offset)
        if self.show_test:
            canvas_mod.paint_points(canvas, s.points_test, s.labels_test, bounds, c, c.test_offset)
        return canvas

    def _update_rows(self, keys: list[object], width: int) -> int:
        """Rebuild the rows whose key changed and refresh the cells that differ (everything
        after a resize). Returns the estimated bytes sent."""
        full = len(keys) != len(self._keys) or any(
            isinstance(k, tuple) and k[0] == "note" for k in keys + self._keys
        )
        strips = [Strip([])] * len(keys) if full else list(self.rows.strips)
        for y, key in enumerate(keys):
            if not full and self._keys[y] == key:
                continue
            strips[y] = self._build_row(y, key, width)
        self._keys = keys
        return self.show_rows(strips, whole=full)

    def _build_row(self, y: int, key: object, width: int) -> Strip:
        base = self.rich_style
        if isinstance(key, tuple) and key[0] == "note":
            segments = [Segment(key[1], base)]
        elif isinstance(key, tuple) and key[0] == "legend":
            segments = self._legend(base)
        else:
            segments = self._pixel_row(self.canvas[2 * y], self.canvas[2 * y + 1], base)
            strip = Strip(segments).adjust_cell_length(width, base)
            for x, (glyph, style) in key[1]:  # the trace marks of this row
                if 0 <= x < width:
                    left, _, right = strip.divide([x, x + 1, width])
                    strip = Strip.join([left, Strip([Segment(glyph, style)], 1), right])
            return strip.simplify()
        return Strip(segments).adjust_cell_length(width, base).simplify()

    def _pixel_row(self, upper: np.ndarray, lower: np.ndarray, base: Style) -> list[Segment]:
        if self._styles is None:
            assert self.colouring is not None
            self._styles = PixelStyles(self.colouring.palette)
        return self._styles.row(upper, lower, base)

    def _epoch(self) -> int | None:
        return self.grid.epoch if self.grid is not None else None

    def _legend(self, base: Style) -> list[Segment]:
        c, s = self.colouring, self.summary
        assert c is not None and s is not None
        segments: list[Segment] = []
        if self.label:
            segments.append(Segment(f" {self.label} ", base + Style(reverse=True, bold=True)))
            segments.append(Segment(" ", base))
        if self._epoch() is not None:
            segments.append(Segment(f"epoch {self._epoch()} ", base + Style(reverse=True)))
        plane = s.plane
        if plane and (tuple(plane) != ("x1", "x2") or s.held):  # a CSV's columns: which
            held = f"({s.held} at mean) " if s.held else ""
            segments.append(Segment(f"{plane[0]}→ {plane[1]}↑ {held}", base + Style(bold=True)))
        if self.discrete and c.kind != "value":
            segments.append(Segment("discrete ", base))
        elif c.scale is not None:
            lo, hi = ("0", "1") if c.kind == "probability" else c.scale.label()
            probability = c.kind == "probability" and self.output_activation == "sigmoid"
            name = "P(y=1)" if probability else f"{self.output_activation} output"
            segments.append(Segment(f"{name} {lo} ", base))
            segments += [Segment(" ", Style(bgcolor=color(rgb))) for rgb in c.palette[: c.levels]]
            segments.append(Segment(f" {hi} ", base))
        if c.kind != "value":
            names = s.class_names or tuple(str(i) for i in range(c.n_point_colours))
            for i, label in enumerate(names[: c.n_point_colours]):
                style = Style(color=color(c.palette[c.train_offset + i]), bgcolor=base.bgcolor)
                segments.append(Segment(f" ■{label}", style))
        segments.append(Segment(" +test" if self.show_test else "", base))
        return segments
