"""The network diagram: neurons as nodes in columns (inputs -> hidden -> output), the weights as
lines between them, blue for positive and orange for negative, brighter for bigger.

A Line-API widget like the heatmap. A repaint composes the whole picture as two small arrays
(a character and a style code per cell), compares each row with the one shown, and refreshes
only the cells that changed; styles come from a small prebuilt table. Node fill is the mean
activation or mean |δ| of the last step (the heatmap's toggle, `m`), with the same dead (×) and
saturated (~) marks; input nodes show the current sample's value, image inputs a small picture
of it. Wide layers are folded and each node keeps its strongest lines (said in the header).

Keys when focused: ↑ ↓ a neuron in the column, → the next layer; ← from a neuron picks its
strongest incoming line (↑ ↓ then go through its inputs), ← again follows the line to where it
comes from, → back to the neuron. Enter asks to edit the selected weight or bias; [ and ] ask
for the previous / next sample. Every move posts `Selected` with the readout (diagram/text.py).

In trace mode `show_trace(look)` replaces the snapshot's weights, sample and statistics by the
traced sample's (the snapshot's are kept and come back with `show_trace(None)`), and
`trace_at(column, neuron)` highlights the layer and neuron of the trace step (diagram/draw.py).

Screen rows: 0 = column labels, 1..rows = the canvas, last = the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

import tui_nn.ui.diagram.draw as draw
import tui_nn.ui.diagram.text as words
from tui_nn.engine.types import LayerStats
from tui_nn.session.protocol.messages import NetworkView
from tui_nn.ui.diagram.layout import DiagramLayout, plan
from tui_nn.ui.widgets.draw.row_widget import RowWidget, arrow_keys, fill_css
from tui_nn.ui.widgets.draw.rows import cost, span_cost
from tui_nn.ui.widgets.widget_message import WidgetMessage

MODES = ("delta", "activation")
SPAN_GAP = 6  # unchanged cells that split a row's refresh into two spans (a move costs ~8 B)


def spans(changed: np.ndarray) -> list[tuple[int, int]]:
    """[x0, x1) runs of changed cells; runs closer than SPAN_GAP are joined."""
    xs = np.nonzero(changed)[0]
    if len(xs) == 0:
        return []
    breaks = np.nonzero(np.diff(xs) > SPAN_GAP)[0]
    starts = np.concatenate(([xs[0]], xs[breaks + 1]))
    ends = np.concatenate((xs[breaks], [xs[-1]])) + 1
    return [(int(a), int(b)) for a, b in zip(starts, ends)]


class NetworkDiagram(RowWidget, Widget, can_focus=True):
    """Nodes and weighted lines of the whole network, with a cursor to read and edit them."""

    DEFAULT_CSS = fill_css("NetworkDiagram", min_height=5)

    BYTE_BUDGET = 8000.0  # bytes/s at the default min_interval (see throttle.py)

    BINDINGS = [
        *arrow_keys(
            up="neuron / input up",
            down="neuron / input down",
            left="incoming line, then where it comes from",
            right="back to the neuron, then the next layer",
        ),
        Binding("enter", "edit", "edit the selected weight or bias", show=False),
        Binding("left_square_bracket", "sample(-1)", "previous sample (z and a of it)", show=False),
        Binding("right_square_bracket", "sample(1)", "next sample", show=False),
    ]

    class Selected(WidgetMessage["NetworkDiagram"]):
        """The cursor is on a neuron or a weight: `reading` says what it holds."""

        def __init__(self, diagram: NetworkDiagram, reading: words.Reading) -> None:
            super().__init__(diagram)
            self.reading = reading

    class EditProposed(WidgetMessage["NetworkDiagram"]):
        """Enter on a weight or bias: the app asks for a value (`reading.address`)."""

        def __init__(self, diagram: NetworkDiagram, reading: words.Reading) -> None:
            super().__init__(diagram)
            self.reading = reading

    class SampleProposed(Message):
        """`[` / `]`: read the forward pass of the sample `index` instead (the trainer wraps it
        around the test set)."""

        def __init__(self, diagram: NetworkDiagram, index: int) -> None:
            self.diagram = diagram
            self.index = index
            super().__init__()

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)  # min_interval, name, id, classes (RowWidget)
        self.mode = "delta"
        self.sizes: tuple[int, ...] = ()
        self.activations: tuple[str, ...] = ()
        self.weights: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None
        self.view: NetworkView | None = None
        self.stats: tuple[LayerStats, ...] = ()
        self.look: draw.TraceLook | None = None  # trace mode: the traced sample's numbers
        self.traced_at: tuple[int, int | None] | None = None  # (column, neuron) being traced
        self.cursor = (1, 0)  # (column, neuron): column 0 is the inputs
        self.input_names: tuple[str, ...] | None = None  # the data's, for the readout
        self.line: int | None = None  # the selected incoming weight: its source neuron
        self.diagram_layout: DiagramLayout = plan((), 0, 0)
        self.picture = draw.Picture.empty()
        self._shown: tuple[np.ndarray, np.ndarray] | None = None  # the cells on screen
        self._styles: dict[int, Style] = {}
        self._styles_base: Style | None = None

    # ---- data in (cheap) ----------------------------------------------------------------

    def update_network(self, sizes: Sequence[int], activations: Sequence[str]) -> None:
        sizes, activations = tuple(sizes), tuple(activations)
        if (sizes, activations) != (self.sizes, self.activations):
            if sizes != self.sizes:
                self.weights = self.view = None  # of another shape: wait for the new ones
                self.look = self.traced_at = None
            self.sizes, self.activations = sizes, activations
            self.request_repaint()

    def update_weights(
        self, weights: tuple[tuple[np.ndarray, np.ndarray], ...], view: NetworkView | None
    ) -> None:
        shapes = tuple(W.shape for W, _ in weights)
        if shapes != tuple(zip(self.sizes[1:], self.sizes[:-1])):
            return  # weights of an older architecture
        self.weights, self.view = weights, view
        self.request_repaint()

    def update_layers(self, stats: tuple[LayerStats, ...]) -> None:
        self.stats = tuple(stats)
        self.request_repaint()

    def show_trace(self, look: draw.TraceLook | None) -> None:
        """Trace mode: draw this sample's numbers (None: the snapshot's again)."""
        if look is not None and tuple(W.shape for W, _ in look.weights) != tuple(
            zip(self.sizes[1:], self.sizes[:-1])
        ):
            return  # a trace of an older architecture
        self.look = look
        if look is None:
            self.traced_at = None
        self.request_repaint()

    def trace_at(self, column: int | None, neuron: int | None = None) -> None:
        """Highlight layer column `column` (1 = the first hidden layer) and its `neuron`."""
        at = None if column is None else (column, neuron)
        if at != self.traced_at:
            self.traced_at = at
            self._throttle_dirty = True
            self.flush_repaint()  # a key press in the trace panel: answer now

    def shown(self) -> tuple:
        """(weights, view, stats) drawn: the trace's in trace mode, else the snapshot's."""
        if self.look is not None:
            return self.look.weights, self.look.view, self.look.stats
        return self.weights, self.view, self.stats

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"diagram mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode != self.mode:
            self.mode = mode
            self.request_repaint()
            self.flush_repaint()

    def toggle_mode(self) -> None:
        self.set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)])

    # ---- selection ----------------------------------------------------------------------

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def reading(self) -> words.Reading | None:
        """What the cursor is on, in the textbook's notation (None before any network)."""
        columns = self.diagram_layout.columns
        c, j = self.cursor
        if c >= len(columns):
            return None
        column = columns[c]
        weights, view, stats = self.shown()
        if c == 0:
            if column.picture is not None:
                return words.Reading(
                    f"inputs: {words.sample_words(view)} ({self.sizes[0]} pixels)", "inputs"
                )
            return words.input_reading(j, self.sizes[0], view, self.input_names)
        if self.line is not None:
            return words.weight_reading(
                c - 1, j, self.line, self.n_layers, weights, view, self.input_names
            )
        return words.neuron_reading(
            c - 1, j, self.n_layers, weights, view, stats, self.activations[c - 1]
        )

    def set_input_names(self, names: tuple[str, ...] | None) -> None:
        """The inputs by name (feature inputs x1², a CSV's columns), for the readout."""
        self.input_names = names

    def selected_neuron(self) -> tuple[int, int] | None:
        """(layer, neuron) under the cursor (0 = the first layer with weights), None on an
        input or a line."""
        c, j = self.cursor
        if c == 0 or self.line is not None or c >= len(self.sizes):
            return None
        return c - 1, j

    def action_move(self, dx: int, dy: int) -> None:
        columns = self.diagram_layout.columns
        if not columns:
            return
        c, j = self.cursor
        column = columns[c]
        if self.line is not None:
            if dy:
                self.line = (self.line + dy) % self.sizes[c - 1]
            elif dx > 0:
                self.line = None
            else:  # follow the line to where it comes from
                j, self.line = self.line, None
                c -= 1
                if columns[c].picture is not None:
                    j = 0
        elif dy:
            limit = 1 if column.picture is not None else self.sizes[c]
            j = min(max(j + dy, 0), limit - 1)  # neuron by neuron, also inside folded nodes
        elif dx < 0 and c > 0:
            self.line = self._strongest_input(c - 1, j)
        elif dx > 0 and c + 1 < len(columns):
            j = min(self.sizes[c + 1] - 1, j * self.sizes[c + 1] // max(1, self.sizes[c]))
            c += 1
        self._set_cursor(c, j)

    def _strongest_input(self, layer: int, j: int) -> int:
        weights = self.shown()[0]
        if weights is None:
            return 0
        return int(np.argmax(np.abs(weights[layer][0][j])))

    def action_edit(self) -> None:
        reading = self.reading()
        if reading is not None:
            self.post_message(self.EditProposed(self, reading))

    def action_sample(self, step: int) -> None:
        current = self.view.sample if self.view is not None else 0
        self.post_message(self.SampleProposed(self, current + step))

    def on_click(self, event: events.Click) -> None:
        hit = self.picture.hit(event.x, event.y - 1, self.diagram_layout)
        if hit is None:
            return
        c, node, line = hit
        self.focus()
        self.line = line
        self._set_cursor(c, self.diagram_layout.columns[c].neurons(node).start)

    def _set_cursor(self, c: int, neuron: int) -> None:
        self.cursor = (c, neuron)
        self._throttle_dirty = True
        self.flush_repaint()  # a key press: answer now (only the changed cells are sent)
        self._post_selection()

    def _post_selection(self) -> None:
        reading = self.reading()
        if reading is not None:
            self.post_message(self.Selected(self, reading))

    def on_focus(self) -> None:
        self._throttle_dirty = True
        self.flush_repaint()
        self._post_selection()

    def on_blur(self) -> None:
        self._throttle_dirty = True
        self.flush_repaint()

    # ---- repaint ------------------------------------------------------------------------

    def repaint(self) -> int:
        width, height = self.size
        if not self.display or width <= 0 or height <= 0:
            return 0
        weights, view, stats = self.shown()
        image = view.image_shape if view is not None else None
        layout = plan(self.sizes, width, height - 2, image)
        if layout != self.diagram_layout:
            self.diagram_layout = layout
            self._clamp_cursor()
        c, j = self.cursor
        focus = (c, layout.columns[c].node_of(j)) if self.has_focus and layout.columns else None
        self.picture = draw.compose(
            layout,
            width,
            height,
            draw.Content(self.sizes, weights, view, stats, self.mode, self.traced_at),
            focus,
            self.line if self.has_focus else None,
        )
        sent = self._refresh_rows(width)
        if self.has_focus:
            self._post_selection()
        return sent

    def _clamp_cursor(self) -> None:
        columns = self.diagram_layout.columns
        if not columns:
            self.cursor, self.line = (1, 0), None
            return
        c = min(self.cursor[0], len(columns) - 1)
        limit = 1 if columns[c].picture is not None else self.sizes[c]
        self.cursor = (c, min(self.cursor[1], limit - 1))
        if self.line is not None and (c == 0 or self.line >= self.sizes[c - 1]):
            self.line = None

    def _style(self, code: int) -> Style:
        base = self._styles_base
        style = self._styles.get(code)
        if style is None:
            style = self._styles[code] = base + draw.STYLES[code] if code else base
        return style

    def _refresh_rows(self, width: int) -> int:
        """Rebuild the strips of rows that changed and refresh only their changed cells: a
        row's changes are split into separate spans where SPAN_GAP or more cells between them
        held still (a mode toggle recolours the nodes, not the lines between them)."""
        base = self.rich_style  # costly to compute: once per repaint
        if base != self._styles_base:
            self._styles, self._styles_base = {}, base
            self._shown = None
        chars, codes = self.picture.chars, self.picture.codes
        shown = self._shown
        full = shown is None or shown[0].shape != chars.shape or not self.rows.strips
        if full:
            strips = [self._strip(chars[y], codes[y], width) for y in range(len(chars))]
            self.rows.reset()
            self.rows.update(strips)
            self._shown = (chars, codes)
            self.refresh()
            return sum(cost(strip) for strip in strips)
        changed = (chars != shown[0]) | (codes != shown[1])
        strips = list(self.rows.strips)
        sent = 0
        for y in np.nonzero(changed.any(axis=1))[0]:
            strips[y] = self._strip(chars[y], codes[y], width)
            for x0, x1 in spans(changed[y]):
                self.refresh_line(int(y), x0, x1)
                sent += span_cost(strips[y], x0, x1)
        self.rows.strips = strips
        self._shown = (chars, codes)
        return sent

    def _strip(self, chars: np.ndarray, codes: np.ndarray, width: int) -> Strip:
        segments: list[Segment] = []
        start = 0
        n = len(chars)
        for x in range(1, n + 1):
            if x == n or codes[x] != codes[start]:
                segments.append(Segment("".join(chars[start:x]), self._style(int(codes[start]))))
                start = x
        return Strip(segments).adjust_cell_length(width, self._styles_base)
