"""The epochs of a run appended to a JSON Lines file as it is trained, at a bounded rate.

The history the trainer keeps (and snapshots and model files carry) is bounded and thinned
(engine/history.py); this file has more. The app asks for one beside the saved run. It holds
every epoch while training goes at up to `LINES_PER_SECOND` epochs a second; faster than that
(a toy set at full speed runs ~1000 epochs a second, which would be half a gigabyte an hour),
every k-th epoch, k the smallest power of two that keeps it within the rate, measured each
second; the epoch that ends a run (budget, early stopping) is always written, and so is the
last epoch whenever the run is saved (`catch_up`). Each line names its epoch, so a reader sees
the stride. (`tui-nn train --metrics` writes every epoch.) A
failing write (a full disk, a folder removed) stops the stream, said once, and never the run.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable

from tui_nn.engine.types import EpochRecord
from tui_nn.errors import one_line

LINES_PER_SECOND = 20.0


def stride_for(epochs_per_second: float, limit: float = LINES_PER_SECOND) -> int:
    """1 up to `limit` epochs a second, else the smallest power of two k with rate/k <= limit."""
    if epochs_per_second <= limit:
        return 1
    return 2 ** math.ceil(math.log2(epochs_per_second / limit))


class MetricsStream:
    def __init__(
        self,
        path: str | None,
        lines_per_second: float = LINES_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path  # None: no file (or stopped after a failure)
        self.lines_per_second = lines_per_second
        self.stride = 1  # every stride-th epoch is written
        self._clock = clock
        self._window: tuple[float, int] | None = None  # (start, epochs seen since)
        self._writer = None
        self.written: tuple[int, int] | None = None  # (run id, epoch) of the last line

    def _due(self, epoch: int, last: bool) -> bool:
        now = self._clock()
        start, seen = self._window if self._window is not None else (now, 0)
        seen += 1
        if now - start >= 1.0:  # a second's rate sets the stride for the next second
            self.stride = stride_for(seen / (now - start), self.lines_per_second)
            start, seen = now, 0
        self._window = (start, seen)
        return last or epoch % self.stride == 0

    def write(self, run_id: int, record: EpochRecord, last: bool = False) -> str | None:
        """Append this epoch if it is due (`last`: the run ends with it, so it is); None, or
        the one-line reason the stream just stopped."""
        if self.path is None or not self._due(record.epoch, last):
            return None
        return self._append(run_id, record)

    def catch_up(self, run_id: int, record: EpochRecord) -> str | None:
        """The run is saved: its last epoch goes in the file too, if the stride skipped it
        (the metrics file always ends where the saved run does)."""
        if self.path is None or self.written == (run_id, record.epoch):
            return None
        return self._append(run_id, record)

    def _append(self, run_id: int, record: EpochRecord) -> str | None:
        from tui_nn.files import MetricsWriter

        try:
            if self._writer is None:
                os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
                self._writer = MetricsWriter(self.path, append=True)
            self._writer.write({"run": run_id, **record.to_dict()})
            self.written = (run_id, record.epoch)
            return None
        except (OSError, ValueError) as exc:
            path, self.path = self.path, None
            if self._writer is not None:
                with contextlib.suppress(OSError):
                    self._writer.close()
            self._writer = None
            return f"metrics stopped: cannot write {path} ({one_line(exc)})"
