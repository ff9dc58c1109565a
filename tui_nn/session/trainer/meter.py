"""Samples per second, the time left to an epoch budget, and the wall-clock time spent running."""

from __future__ import annotations

RATE_SMOOTHING = 0.3  # weight of the newest window in the moving average


class Meter:
    """Throughput over the windows between snapshots, smoothed. A window that contains the end
    of an epoch includes the evaluation time, so the average (and the ETA) accounts for it."""

    def __init__(self) -> None:
        self.rate = 0.0  # samples per second; 0 while not training
        self._mark: tuple[float, int] | None = None  # (time, samples seen) at the last reading

    def restart(self) -> None:
        self.rate, self._mark = 0.0, None

    def read(self, now: float, samples: int, running: bool) -> float:
        """Update with the counters at `now`; returns the smoothed samples per second."""
        if not running:
            self.restart()
            return self.rate
        if self._mark is not None and now > self._mark[0]:
            window = (samples - self._mark[1]) / (now - self._mark[0])
            if self.rate == 0.0:
                self.rate = window
            else:
                self.rate = RATE_SMOOTHING * window + (1 - RATE_SMOOTHING) * self.rate
        self._mark = (now, samples)
        return self.rate

    def eta(self, budget: int | None, epochs_done: float, epoch_samples: int) -> float | None:
        """Seconds to `budget` epochs at the current rate (None without a budget or a rate)."""
        if budget is None or self.rate <= 0.0:
            return None
        return max(budget - epochs_done, 0.0) * epoch_samples / self.rate


class Stopwatch:
    """Wall-clock seconds spent in the running state, paced waits included (what a person
    means by "elapsed"; the trainer's own `elapsed` counts only the time inside steps)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._since: float | None = None  # when the current running stretch began

    def set_running(self, running: bool, now: float) -> None:
        if running and self._since is None:
            self._since = now
        elif not running and self._since is not None:
            self.total += now - self._since
            self._since = None

    def reset(self, now: float) -> None:
        self.total = 0.0
        if self._since is not None:
            self._since = now

    def read(self, now: float) -> float:
        return self.total + (now - self._since if self._since is not None else 0.0)
