"""Cached screen rows for Line-API widgets: find what changed, and what sending it costs.

Textual re-sends every refreshed region whole, with the full colour codes of each styled run.
So a widget keeps the strips it showed last, and after a repaint asks `RowCache.update` which
rows changed and, within each, the span of cells from the first to the last difference: only
that span is refreshed. `cost()` estimates the bytes a span costs on the terminal, which the
repaint budget (throttle.py) uses to pace the next repaint.
"""

from __future__ import annotations

from textual.strip import Strip

STYLE_BYTES = 24  # "\x1b[38;5;n;48;5;nm" + "\x1b[0m" in 256 colours (truecolor: ~40)
MOVE_BYTES = 8  # the cursor move before each refreshed span


def cells(strip: Strip) -> list[tuple[str, object]] | None:
    """(character, style) per cell, or None if the strip has wide characters."""
    out: list[tuple[str, object]] = []
    for segment in strip:
        text, style = segment.text, segment.style
        if segment.cell_length != len(text):
            return None
        out.extend((ch, style) for ch in text)
    return out


def changed_span(old: Strip | None, new: Strip) -> tuple[int, int] | None:
    """[x0, x1) of the cells that differ between two rows, None if none, the whole row if the
    rows cannot be compared cell by cell."""
    if old is None or old.cell_length != new.cell_length:
        return 0, new.cell_length
    a, b = cells(old), cells(new)
    if a is None or b is None:
        return (0, new.cell_length) if list(old) != list(new) else None
    n = len(b)
    x0 = 0
    while x0 < n and a[x0] == b[x0]:
        x0 += 1
    if x0 == n:
        return None
    x1 = n
    while x1 > x0 and a[x1 - 1] == b[x1 - 1]:
        x1 -= 1
    return x0, x1


def cost(strip: Strip) -> int:
    """Estimated bytes to send a strip to a 256-colour terminal."""
    total = MOVE_BYTES
    for segment in strip:
        total += len(segment.text.encode("utf-8"))
        if segment.style is not None and (segment.style.color or segment.style.bgcolor):
            total += STYLE_BYTES
    return total


class RowCache:
    """The strips a widget showed, and the diff against the next ones."""

    def __init__(self) -> None:
        self.strips: list[Strip] = []

    def __len__(self) -> int:
        return len(self.strips)

    def get(self, y: int) -> Strip | None:
        return self.strips[y] if 0 <= y < len(self.strips) else None

    def update(self, strips: list[Strip]) -> list[tuple[int, int, int]]:
        """Take new rows; return the changed spans (y, x0, x1) to refresh."""
        spans = []
        for y, strip in enumerate(strips):
            old = self.get(y)
            if old is strip:
                continue
            span = changed_span(old, strip)
            if span is not None:
                spans.append((y, *span))
        self.strips = list(strips)
        return spans

    def reset(self) -> None:
        self.strips = []


def span_cost(strip: Strip, x0: int, x1: int) -> int:
    return cost(strip.crop(x0, x1))
