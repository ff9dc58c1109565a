"""The one progress bar of the commands (stderr), redrawn in place at most ~10 times a second:
training epochs (`tui-nn train`) and downloads (`tui-nn datasets fetch`).

Drawn only when stderr is a terminal; otherwise the commands print plain lines instead.
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

    def keep(self) -> None:
        """Leave the bar as it is now on its own line (a finished download)."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = ""

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


class DownloadProgress:
    """The `progress(done, total, filename)` callback of a download: a bar per file on a
    terminal, else one line per finished file."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = is_terminal(self.stream)
        self._bars: dict[str, tuple[ProgressBar, float]] = {}

    def __call__(self, done: int, total: int | None, filename: str) -> None:
        finished = total is not None and done >= total
        if not self.tty:
            if finished:
                self.stream.write(f"  {filename}  {done / 1e6:.1f} MB  ok\n")
            return
        if filename not in self._bars:
            self._bars[filename] = (ProgressBar(f"  {filename}", self.stream), time.monotonic())
        bar, start = self._bars[filename]
        rate = done / max(time.monotonic() - start, 1e-6) / 1e6
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        bar.update(done, total, f"{size}  {rate:.1f} MB/s", force=finished)
        if finished:
            bar.keep()
            del self._bars[filename]


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
