"""Samples per second of a run in lockstep, measured by the app.

In lockstep each epoch is a Step of its own and the trainer rests between them, so the
trainer's meter (which restarts whenever its run stops) reads 0 on nearly every snapshot. The
app measures instead what the comparison gets: samples trained over the last few seconds of
wall time, the rests between epochs included."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 5.0  # readings older than this are dropped (but the newest of them is kept)


class LockstepRate:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._readings: deque[tuple[float, int]] = deque()  # (time, samples seen)

    def restart(self) -> None:
        """The lockstep (re)starts: earlier readings include time it was paused."""
        self._readings.clear()

    def read(self, samples_seen: int) -> float:
        """Note the run's counter now; its samples per second over the window (0 until two
        readings are apart in time and samples)."""
        now, readings = self.clock(), self._readings
        if readings and samples_seen < readings[-1][1]:  # a new run: its counter restarted
            readings.clear()
        readings.append((now, samples_seen))
        while len(readings) > 2 and now - readings[1][0] >= WINDOW_SECONDS:
            readings.popleft()
        first_time, first_samples = readings[0]
        if now <= first_time:
            return 0.0
        return (samples_seen - first_samples) / (now - first_time)
