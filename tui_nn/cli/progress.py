"""A small progress bar for the terminal (stderr), redrawn in place at most ~10 times a second.

Used only when stderr is a terminal; otherwise the commands print plain lines instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """`update(done, total, text)` redraws `label [#####.....]  45%  text` on one line.

    `print_above(line)` clears the bar, prints a permanent line, and redraws the bar, so
    epoch lines and the bar can share the terminal. `close()` clears the bar."""

    def __init__(self, label: str = "", stream: TextIO | None = None, interval: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.interval = interval
        self._last_draw = 0.0
        self._shown = ""
        self._state: tuple[float, float | None, str] = (0.0, None, "")

    def update(self, done: float, total: float | None, text: str = "", force: bool = False):
        self._state = (done, total, text)
        now = time.monotonic()
        if force or now - self._last_draw >= self.interval:
            self._draw()
            self._last_draw = now

    def due(self) -> bool:
        """True when the next `update` would redraw (callers skip building text otherwise)."""
        return time.monotonic() - self._last_draw >= self.interval

    def print_above(self, line: str, out: TextIO | None = None) -> None:
        self._clear()
        out = out if out is not None else sys.stdout
        out.write(line + "\n")
        out.flush()
        self._draw()

    def close(self) -> None:
        self._clear()

    def _draw(self) -> None:
        done, total, text = self._state
        width = shutil.get_terminal_size((80, 24)).columns
        self._shown = render_bar(self.label, done, total, text, width)
        self.stream.write("\r" + self._shown + "\x1b[K")
        self.stream.flush()

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = ""


def render_bar(label: str, done: float, total: float | None, text: str, width: int) -> str:
    """One line no wider than `width - 1`: label, bar, percentage, text."""
    width = max(width - 1, 20)
    if total:
        share = min(max(done / total, 0.0), 1.0)
        tail = f" {share * 100:5.1f}% {text}".rstrip()
        room = width - len(label) - len(tail) - 3
        bar_width = max(min(room, 40), 0)
        filled = int(round(share * bar_width))
        bar = f" [{'#' * filled}{'.' * (bar_width - filled)}]" if bar_width >= 5 else ""
        line = f"{label}{bar}{tail}"
    else:
        line = f"{label} {text}".rstrip()
    return line[:width]


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def human_seconds(s: float) -> str:
    s = max(int(round(s)), 0)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"
