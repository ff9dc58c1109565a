"""The frame of a metric plot, as strips: the title row with its legend, a row of cells in runs
of one colour, the legend inside the plot, the x axis with its ticks, round tick values. Plain
functions of numbers and styles (`plot_base.HistoryPlot` puts them together)."""

from __future__ import annotations

import math

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_nn.ui.widgets.draw.braille import NO_LAYER

LEGEND_MARK = "━━"


def round_ticks(lo: float, hi: float, count: int) -> list[float]:
    """Ticks at multiples of a round step (1, 2 or 5 times a power of ten) within lo..hi,
    about `count` of them."""
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return [lo]
    raw = span / max(1, count)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9)), 10 * power)
    first = math.ceil(lo / step - 1e-9)
    ticks = [k * step for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]
    return [round(t, 12) for t in ticks] or [lo]


def epoch_ticks(first: float, last: float, count: int) -> list[int]:
    """About `count` whole-epoch ticks at round values (1, 2, 5 x 10^k) from first to last."""
    ticks = round_ticks(first, last, count)
    whole = sorted({int(round(t)) for t in ticks if t >= first - 1e-9})
    return whole or [int(first)]


def tick_label(value: float) -> str:
    return f"{value:.6g}"


def cell_segments(
    glyphs: str, owners: list[int], styles: list[Style], base: Style
) -> list[Segment]:
    """A row of cells as one segment per run of the same colour."""
    out: list[Segment] = []
    start = 0
    for x in range(1, len(owners) + 1):
        if x == len(owners) or owners[x] != owners[start]:
            owner = owners[start]
            style = base if owner == NO_LAYER else styles[owner]
            out.append(Segment(glyphs[start:x], style))
            start = x
    return out


def title_row(
    title: str, legend: list[tuple[str, str]], width: int, base: Style
) -> Strip:
    pieces = [Segment(title, base)]
    for label, colour in legend:
        pieces += [Segment("  "), Segment(LEGEND_MARK, base + Style(color=colour))]
        pieces.append(Segment(f" {label}", base))
    if legend:
        pieces.insert(1, Segment(" "))
    length = sum(segment.cell_length for segment in pieces)
    return Strip([Segment(" " * max(0, (width - length) // 2), base), *pieces])


def legend_inside(
    rows: list[Strip], legend: list[tuple[str, str]], left: int, cols: int, base: Style
) -> None:
    """The legend over the plot's top left cells (when the title row has no room)."""
    for i, (label, colour) in enumerate(legend):
        y = 2 + i
        if y >= len(rows):
            return
        text = f" {label}"[: max(0, cols - len(LEGEND_MARK))]
        entry = Strip([Segment(LEGEND_MARK, base + Style(color=colour)), Segment(text, base)])
        row = rows[y]
        length = entry.cell_length
        rows[y] = Strip.join([row.crop(0, left), entry, row.crop(left + length)])


def x_axis(
    lo: float, hi: float, label_width: int, cols: int, base: Style
) -> list[Strip]:
    """The frame's bottom with a mark at each epoch tick, and the ticks' labels."""
    ticks = epoch_ticks(lo, hi, min(6, (label_width + cols) // 12))
    frame = ["─"] * cols
    labels = [" "] * (label_width + 1 + cols + 1)
    end = 0  # the first column free for the next label
    for tick in ticks:
        column = round((tick - lo) / ((hi - lo) or 1.0) * (2 * cols - 1)) // 2
        if not 0 <= column < cols:
            continue
        frame[column] = "┬"
        text = str(tick)
        start = label_width + 1 + column - len(text) // 2
        start = min(max(start, end), len(labels) - len(text))
        if start >= end:
            labels[start : start + len(text)] = text
            end = start + len(text) + 1
    bottom = " " * label_width + "└" + "".join(frame) + "┘"
    return [Strip([Segment(bottom, base)]), Strip([Segment("".join(labels).rstrip(), base)])]


def padded(rows: list[Strip], width: int, height: int, base: Style) -> list[Strip]:
    """Exactly `height` rows of `width` cells."""
    shown = [strip.adjust_cell_length(width, base).simplify() for strip in rows[:height]]
    return shown + [Strip.blank(width, base)] * (height - len(shown))
