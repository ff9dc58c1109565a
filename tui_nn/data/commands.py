"""The `tui-nn datasets` subcommands as plain functions; the CLI only wires argparse to them.

datasets_list(data_dir=None, out=sys.stdout) -> exit code
datasets_fetch(["mnist"], data_dir=None, mirror=None, out=sys.stdout, err=sys.stderr)
    -> exit code (0 ok, 1 an error, printed as one line)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TextIO

from tui_nn.data.fetch import fetch_dataset
from tui_nn.data.images import IMAGE_SETS
from tui_nn.data.registry import list_datasets
from tui_nn.data.spec import DataError, DatasetInfo


def format_datasets_table(infos: Iterable[DatasetInfo]) -> str:
    """A plain-text table: name, kind, task, inputs -> outputs, samples, location."""
    rows = [("name", "kind", "task", "in -> out", "samples", "where")]
    for i in infos:
        shape = f"{i.n_inputs} -> {i.n_outputs}" if i.n_inputs else "from file"
        samples = f"{i.samples:,}" if i.samples else "-"
        rows.append((i.name, i.kind, i.task, shape, samples, i.location))
    widths = [max(len(r[c]) for r in rows) for c in range(5)]
    lines = []
    for r in rows:
        cells = [r[c].ljust(widths[c]) if c != 4 else r[c].rjust(widths[c]) for c in range(5)]
        lines.append("  ".join(cells + [r[5]]).rstrip())
    return "\n".join(lines)


def datasets_list(data_dir: str | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    print(format_datasets_table(list_datasets(data_dir)), file=out)
    return 0


class ProgressPrinter:
    """A download progress bar on one terminal line (redrawn at most 10 times a second), or
    one line per finished file when the stream is not a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 24) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._started: dict[str, float] = {}

    def __call__(self, done: int, total: int | None, filename: str) -> None:
        now = time.monotonic()
        start = self._started.setdefault(filename, now)
        finished = total is not None and done >= total
        if not self.tty:
            if finished:
                print(f"  {filename}  {done / 1e6:.1f} MB  ok", file=self.stream)
            return
        if not finished and now - self._last < 0.1:
            return
        self._last = now
        rate = done / max(now - start, 1e-6) / 1e6
        if total:
            filled = int(self.width * done / total)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"{done / total:4.0%} [{bar}] {done / 1e6:.1f}/{total / 1e6:.1f} MB"
        else:
            text = f"{done / 1e6:.1f} MB"
        end = "\n" if finished else ""
        self.stream.write(f"\r  {filename}  {text}  {rate:.1f} MB/s\x1b[K{end}")
        self.stream.flush()


def datasets_fetch(
    names: Iterable[str],
    data_dir: str | None = None,
    mirror: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Download each named set ("mnist", "fashion-mnist", or "all"); 0 if all succeeded."""
    out, err = out or sys.stdout, err or sys.stderr
    wanted: list[str] = []
    for name in names:
        wanted.extend(IMAGE_SETS if name == "all" else [name])
    status = 0
    for name in wanted:
        try:
            folder = fetch_dataset(name, data_dir, mirror, progress=ProgressPrinter(err))
        except DataError as exc:
            print(f"error: {exc}", file=err)
            status = 1
        except KeyboardInterrupt:
            print("\ninterrupted; run the same command again to resume", file=err)
            return 130
        else:
            print(f"{name}: ready in {folder}", file=out)
    return status
