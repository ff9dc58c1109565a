"""Half-block pixel rows: two pixels per character cell (`▀`, upper pixel as foreground,
lower as background), runs of equal cells merged into one segment (every colour change costs
bytes on the terminal). Shared by the fit plot, the image strip, the neuron maps and the
decision boundary; palette index -1 is the widget's own background."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.segment import Segment
from rich.style import Style

from tui_nn.ui.widgets.draw.colours import RGB, color


class PixelStyles:
    """The (glyph, style) of each pair of palette indices, built once per palette."""

    def __init__(self, palette: Sequence[RGB]) -> None:
        self.palette = tuple(palette)
        self._cells: dict[tuple[int, int, Style], tuple[str, Style]] = {}

    def cell(self, upper: int, lower: int, base: Style) -> tuple[str, Style]:
        key = (upper, lower, base)
        cached = self._cells.get(key)
        if cached is not None:
            return cached
        p = self.palette
        if upper == lower:
            cell = (" ", base if upper < 0 else Style(bgcolor=color(p[upper])))
        elif lower < 0:
            cell = ("▀", Style(color=color(p[upper]), bgcolor=base.bgcolor))
        elif upper < 0:
            cell = ("▄", Style(color=color(p[lower]), bgcolor=base.bgcolor))
        else:
            cell = ("▀", Style(color=color(p[upper]), bgcolor=color(p[lower])))
        self._cells[key] = cell
        return cell

    def row(self, upper: np.ndarray, lower: np.ndarray, base: Style) -> list[Segment]:
        pairs = list(zip(upper.tolist(), lower.tolist()))
        segments: list[Segment] = []
        start = 0
        for x in range(1, len(pairs) + 1):
            if x == len(pairs) or pairs[x] != pairs[start]:
                glyph, style = self.cell(*pairs[start], base)
                segments.append(Segment(glyph * (x - start), style))
                start = x
        return segments
