"""Composing the network diagram as cells: a character and a style code for every cell.

`compose` draws the column labels, the lines (strongest last, so a crossing shows the stronger
one), the nodes and the legend into two arrays; the widget turns changed rows into strips.
Style codes index `STYLES`, a small table built once: line colours by sign and size, node fills
(the heatmap's sequential palette), greys for input pictures.

In trace mode `Content.traced` is (column, neuron or None): that column's label is drawn in
the trace colour and its nodes as `▸◂`; the traced neuron's node as `▶◀` in the trace colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rich.style import Style

from tui_nn.engine.types import LayerStats
from tui_nn.session.protocol.messages import NetworkView
from tui_nn.ui.diagram.layout import (
    Canvas,
    DiagramLayout,
    block_weights,
    line_ends,
    shrink,
    strongest,
    top_k,
)
from tui_nn.ui.widgets.draw.colours import SEQUENTIAL, color, contrast
from tui_nn.ui.widgets.draw.scale import Scale, linear_scale, magnitude_scale

MARK_THRESHOLD = 0.9
LEVELS = 4  # shades of a line by the size of its weight
# Positive weights blue, negative orange (as in TensorFlow Playground); weak to strong.
POSITIVE = ((0, 95, 135), (0, 135, 175), (0, 175, 255), (135, 215, 255))
NEGATIVE = ((135, 95, 0), (175, 95, 0), (215, 135, 0), (255, 175, 0))
GREYS = ((0, 0, 0), (68, 68, 68), (108, 108, 108), (158, 158, 158), (208, 208, 208), (255,) * 3)

DIM, BOLD, SELECTED_LINE, TRACED = 1, 2, 3, 4  # TRACED: the layer / neuron being traced
TRACE_RGB = (255, 215, 0)
LINE = 10  # + sign * LEVELS + level - 1 (sign 0 positive, 1 negative)
NODE, NODE_MARKED = 20, 40  # + palette level
PIXEL = 60  # + top grey * 6 + bottom grey


def _styles() -> dict[int, Style]:
    styles = {
        DIM: Style(dim=True),
        BOLD: Style(bold=True),
        SELECTED_LINE: Style(color=color((255, 255, 255)), bold=True),
        TRACED: Style(color=color((0, 0, 0)), bgcolor=color(TRACE_RGB), bold=True),
    }
    for sign, ramp in enumerate((POSITIVE, NEGATIVE)):
        for level, rgb in enumerate(ramp):
            styles[LINE + sign * LEVELS + level] = Style(color=color(rgb))
    for level, rgb in enumerate(SEQUENTIAL):
        styles[NODE + level] = Style(bgcolor=color(rgb))
        styles[NODE_MARKED + level] = Style(color=contrast(rgb), bgcolor=color(rgb), bold=True)
    for top, a in enumerate(GREYS):
        for bottom, b in enumerate(GREYS):
            styles[PIXEL + top * 6 + bottom] = Style(color=color(a), bgcolor=color(b))
    return styles


STYLES = _styles()


@dataclass(frozen=True)
class Content:
    """What the diagram draws (the widget's copies of the snapshot's data)."""

    sizes: tuple[int, ...]
    weights: tuple[tuple[np.ndarray, np.ndarray], ...] | None
    view: NetworkView | None
    stats: tuple[LayerStats, ...]
    mode: str
    traced: tuple[int, int | None] | None = None  # trace mode: (column, neuron or None)


@dataclass(frozen=True)
class TraceLook:
    """Trace mode: one sample's numbers shown instead of the snapshot's (its weights, its forward
    pass and gradients as a NetworkView, |δ| and a of that sample as the node statistics)."""

    weights: tuple[tuple[np.ndarray, np.ndarray], ...]
    view: NetworkView
    stats: tuple[LayerStats, ...]


@dataclass
class Picture:
    """The composed cells, and what the mouse can hit."""

    chars: np.ndarray  # (height, width) '<U1'
    codes: np.ndarray  # (height, width) int16 style codes
    owner: np.ndarray | None = None  # (canvas rows, width): the line drawn in each cell, -1
    lines: list[tuple[int, int, int]] = field(default_factory=list)  # (layer, dst, src) nodes
    notes: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls) -> Picture:
        return cls(np.zeros((0, 0), dtype="<U1"), np.zeros((0, 0), dtype=np.int16))

    def put(self, y: int, x: int, text: str, code: int = 0) -> int:
        """Write text from (y, x), clipped to the row; returns the x after it."""
        height, width = self.chars.shape
        if not 0 <= y < height:
            return x
        for ch in text:
            if 0 <= x < width:
                self.chars[y, x] = ch
                self.codes[y, x] = code
            x += 1
        return x

    def hit(self, x: int, y: int, layout: DiagramLayout) -> tuple[int, int, int | None] | None:
        """(column, node, source neuron of a line or None) under canvas cell (x, y)."""
        node = layout.node_at(x, y)
        if node is not None:
            return node[0], node[1], None
        if self.owner is None or not (
            0 <= y < self.owner.shape[0] and 0 <= x < self.owner.shape[1]
        ):
            return None
        line = int(self.owner[y, x])
        if line < 0:
            return None
        layer, dst, src = self.lines[line]
        columns = layout.columns
        unfolded = columns[layer].group == 1 and columns[layer + 1].group == 1
        return layer + 1, dst, (src if unfolded else None)


def node_scale(stats: Sequence[LayerStats], mode: str) -> Scale:
    """One scale for every layer's nodes (as the heatmap's)."""
    field_name = "mean_abs_delta" if mode == "delta" else "mean_activation"
    every = [np.asarray(getattr(s, field_name), dtype=np.float64) for s in stats]
    flat = np.concatenate(every) if every else np.zeros(0)
    levels = len(SEQUENTIAL)
    return magnitude_scale(flat, levels) if mode == "delta" else linear_scale(flat, levels)


def compose(
    layout: DiagramLayout,
    width: int,
    height: int,
    content: Content,
    focus: tuple[int, int] | None,
    line: int | None,
) -> Picture:
    pic = Picture(
        np.full((height, width), " ", dtype="<U1"), np.zeros((height, width), dtype=np.int16)
    )
    columns = layout.columns
    if not columns:
        pic.put(height - 1, 0, "no network yet", DIM)
        return pic
    _labels(pic, layout, content.traced)
    _lines(pic, layout, width, content, focus, line)
    scale = node_scale(content.stats, content.mode)
    _nodes(pic, layout, content, scale, focus if line is None else None)
    _legend(pic, height - 1, width, content, scale)
    return pic


def _labels(pic: Picture, layout: DiagramLayout, traced: tuple[int, int | None] | None) -> None:
    columns = layout.columns
    n_layers = len(columns) - 1
    for c, column in enumerate(columns):
        room = (columns[c + 1].x - column.x - 1) if c + 1 < len(columns) else 99
        if c == 0:
            name = "x" if column.picture is None else f"x {column.units}px"
        else:
            name = "out" if c == n_layers else f"h{c}"
        folded = f"{name}÷{column.group}" if column.group > 1 and column.picture is None else name
        label = folded if len(folded) <= room else name[: max(1, room)]
        start = min(column.x, pic.chars.shape[1] - len(label))  # the last one: right-aligned
        pic.put(0, max(0, start), label, TRACED if traced and traced[0] == c else BOLD)


def _lines(
    pic: Picture,
    layout: DiagramLayout,
    width: int,
    content: Content,
    focus: tuple[int, int] | None,
    line: int | None,
) -> None:
    columns, rows = layout.columns, layout.rows
    canvas = Canvas(width, rows)
    codes: list[int] = []
    if content.weights is None:
        pic.notes.append("weights: waiting for the trainer")
    else:
        fewest = None
        for layer, (W, _b) in enumerate(content.weights):
            src, dst = columns[layer], columns[layer + 1]
            if src.picture is not None:
                continue
            B = block_weights(W, src, dst)
            k = top_k(src.nodes, dst.nodes)
            if k < src.nodes:
                fewest = k if fewest is None else min(fewest, k)
            pairs = strongest(B, k)
            sizes = np.array([abs(B[j, i]) for j, i in pairs])
            hi = linear_scale(sizes, LEVELS, zero_floor=True).hi if len(sizes) else 1.0
            for n in np.argsort(sizes, kind="stable"):
                j, i = pairs[n]
                level = int(min(LEVELS, max(1, np.ceil(sizes[n] / hi * LEVELS)))) if hi > 0 else 1
                sign = 0 if B[j, i] >= 0 else 1
                canvas.line(*line_ends(src, dst, i, j), owner=len(pic.lines))
                pic.lines.append((layer, j, i))
                codes.append(LINE + sign * LEVELS + level - 1)
        if fewest is not None:
            pic.notes.append(f"top {fewest} lines/node")
        if focus is not None and line is not None and focus[0] >= 1:
            c, node = focus
            src, dst = columns[c - 1], columns[c]
            if src.picture is None:
                canvas.line(*line_ends(src, dst, src.node_of(line), node), owner=len(pic.lines))
                pic.lines.append((c - 1, node, src.node_of(line)))
                codes.append(SELECTED_LINE)
    table = np.array(codes + [0], dtype=np.int16)  # -1 (no line) picks the trailing 0
    ys, xs = np.nonzero(canvas.mask)
    pic.chars[1 + ys, xs] = [chr(0x2800 + int(m)) for m in canvas.mask[ys, xs]]
    pic.codes[1 + ys, xs] = table[canvas.owner[ys, xs]]
    pic.owner = canvas.owner


def _nodes(
    pic: Picture,
    layout: DiagramLayout,
    content: Content,
    scale: Scale,
    focus: tuple[int, int] | None,
) -> None:
    columns, view = layout.columns, content.view
    traced_column, traced_node = -1, -1
    if content.traced is not None and content.traced[0] < len(columns):
        traced_column = content.traced[0]
        neuron = content.traced[1]
        traced_node = columns[traced_column].node_of(neuron) if neuron is not None else -1
    for c, column in enumerate(columns):
        if c == 0 and column.picture is not None:
            _image(pic, column, view)
            continue
        if c == 0:
            values = np.asarray(view.x, dtype=np.float64) if view is not None else None
            levels = (
                linear_scale(values, len(SEQUENTIAL)).index(values) if values is not None else None
            )
            marks = np.zeros(column.nodes, dtype=np.int16)
        else:
            stats = content.stats[c - 1] if c - 1 < len(content.stats) else None
            levels = marks = None
            if stats is not None:
                field_name = "mean_abs_delta" if content.mode == "delta" else "mean_activation"
                levels = scale.index(column.fold(getattr(stats, field_name)))
                marks = np.zeros(column.nodes, dtype=np.int16)
                marks[column.fold(stats.saturated_fraction >= MARK_THRESHOLD) >= 0.5] = 2
                marks[column.fold(stats.dead_fraction >= MARK_THRESHOLD) >= 0.5] = 1
        for node, y in enumerate(column.ys):
            on_cursor = focus == (c, node)
            level = int(levels[node]) if levels is not None else -1
            if c == traced_column and (node == traced_node or level < 0):
                pic.put(1 + y, column.x, "▶◀" if node == traced_node else "▸◂", TRACED)
            elif c == traced_column:
                pic.put(1 + y, column.x, "▸◂", NODE_MARKED + level)
            elif level < 0:
                pic.put(1 + y, column.x, "[]" if on_cursor else "··", BOLD if on_cursor else DIM)
            elif on_cursor:
                pic.put(1 + y, column.x, "[]", NODE_MARKED + level)
            elif marks is not None and marks[node]:
                pic.put(1 + y, column.x, "× " if marks[node] == 1 else "~ ", NODE_MARKED + level)
            else:
                pic.put(1 + y, column.x, "  ", NODE + level)


def _image(pic: Picture, column, view: NetworkView | None) -> None:
    rows, cols, factor = column.picture
    if view is None or view.image_shape is None:
        return
    image = shrink(np.asarray(view.x, dtype=np.float64).reshape(view.image_shape), factor)
    hi = max(1.0, float(np.nanmax(image))) if image.size else 1.0
    grey = np.clip(np.rint(np.nan_to_num(image) / hi * 5), 0, 5).astype(np.int16)
    if grey.shape[0] % 2:
        grey = np.vstack([grey, np.zeros((1, grey.shape[1]), dtype=np.int16)])
    for r in range(min(rows, grey.shape[0] // 2)):
        for x in range(min(cols, grey.shape[1])):
            code = PIXEL + int(grey[2 * r, x]) * 6 + int(grey[2 * r + 1, x])
            pic.put(1 + column.ys[0] + r, column.x + x, "▀", code)


def _legend(pic: Picture, y: int, width: int, content: Content, scale: Scale) -> None:
    """The line colours, the node scale and the marks, as much as fits, then the notes."""
    def weights_part(compact: bool) -> list[tuple[str, int]]:
        return (
            [("+" if compact else "w+", DIM)]
            + [("━", LINE + level) for level in range(LEVELS)]
            + [("−" if compact else " −", DIM)]
            + [("━", LINE + LEVELS + level) for level in range(LEVELS)]
        )

    def nodes_part(compact: bool) -> list[tuple[str, int]]:
        lo, hi = scale.label()
        name = ("|δ|" if content.mode == "delta" else "act") + (" log" if scale.log else "")
        levels = range(0, len(SEQUENTIAL), 2 if compact else 1)
        ramp = [(" ", NODE + level) for level in levels]
        return [(f"{' ' if compact else '  '}{name} {lo}", DIM), (" ", 0), *ramp, (f" {hi}", DIM)]

    def length(part: list[tuple[str, int]]) -> int:
        return sum(len(text) for text, _ in part)

    parts = [weights_part(False)] + ([nodes_part(False)] if content.stats else [])
    if sum(length(part) for part in parts) > width:  # narrow: the short forms of both
        parts = [weights_part(True)] + ([nodes_part(True)] if content.stats else [])
    marks = [
        (f"  {glyph} {word}", DIM)
        for glyph, word, name in (
            ("×", "dead", "dead_fraction"),
            ("~", "sat", "saturated_fraction"),
        )
        if any(np.any(getattr(s, name) >= MARK_THRESHOLD) for s in content.stats)
    ]
    if marks:
        parts.append(marks)
    for note in pic.notes:
        parts.append([(f"  {note}", DIM)])
    x = 0
    for part in parts:
        if x + length(part) > width:
            continue
        for text, code in part:
            x = pic.put(y, x, text, code)
