"""A repaint budget shared by the picture widgets.

Storing new data is cheap and may happen as often as snapshots arrive; drawing it costs bytes
on the terminal. A widget derives from `Throttled`, calls `request_repaint()` whenever its content
changed, and implements `repaint()`, which refreshes what changed and returns an estimate of the
bytes that costs. `repaint()` then runs on the UI thread, only if something changed since the
last one (no timer runs while nothing new arrives), and at most once per `min_interval` seconds
or as rarely as the widget's byte budget requires: after a repaint of `n` bytes the next one
waits at least `n / bytes_per_second` seconds. The same for time: a repaint that kept the UI
thread busy for `t` seconds waits `t / CPU_SHARE` (on a loaded machine pictures slow down, keys
stay quick). Both budgets scale with `min_interval` (the app sets it from --fps and
--low-bandwidth): `BYTE_BUDGET` bytes/s and `CPU_SHARE` of a core at the default 0.5 s.
"""

from __future__ import annotations

import math
import time

from textual.timer import Timer
from textual.widget import Widget

BASE_INTERVAL = 0.5  # the min_interval at which a widget may spend its whole BYTE_BUDGET


class Throttled(Widget):
    """A Textual widget whose repaints are paced by `min_interval` and a byte budget."""

    BYTE_BUDGET = 6000.0  # bytes per second at min_interval == BASE_INTERVAL
    CPU_SHARE = 0.06  # share of the UI thread's time at min_interval == BASE_INTERVAL
    min_interval: float = 0.5
    byte_budget: float | None = None  # bytes per second; None: derived from min_interval
    repaint_count: int = 0  # how many repaints ran (for tests and benchmarks)
    bytes_sent: int = 0  # estimated bytes of all repaints so far

    _throttle_dirty: bool = False
    _throttle_next: float = -math.inf
    _throttle_timer: Timer | None = None
    _throttle_queued: bool = False

    def request_repaint(self) -> None:
        """Note that the content changed; schedule a repaint within the budget."""
        self._throttle_dirty = True
        if self._throttle_timer is not None or self._throttle_queued:
            return
        if not self.is_mounted:
            return  # on_mount calls us again
        delay = self._throttle_next - time.monotonic()
        if delay > 0:
            self._throttle_timer = self.set_timer(delay, self._throttle_fire)
        else:
            self._throttle_queued = True
            self.call_later(self._throttle_fire)

    def flush_repaint(self) -> None:
        """Repaint now if something changed (ignores the budget; for resizes and key actions)."""
        if self._throttle_timer is not None:
            self._throttle_timer.stop()
            self._throttle_timer = None
        self._throttle_queued = False
        if self._throttle_dirty:
            self._run_repaint()

    def _throttle_fire(self) -> None:
        self._throttle_timer = None
        self._throttle_queued = False
        if self._throttle_dirty:
            self._run_repaint()

    @property
    def bytes_per_second(self) -> float:
        if self.byte_budget is not None:
            return self.byte_budget
        if self.min_interval <= 0:
            return math.inf
        return self.BYTE_BUDGET * BASE_INTERVAL / self.min_interval

    @property
    def cpu_share(self) -> float:
        if self.min_interval <= 0:
            return math.inf
        return self.CPU_SHARE * BASE_INTERVAL / self.min_interval

    def _run_repaint(self) -> None:
        self._throttle_dirty = False
        start = time.monotonic()
        self.repaint_count += 1
        sent = self.repaint()
        busy = time.monotonic() - start
        self.bytes_sent += sent
        self._throttle_next = start + max(
            self.min_interval, sent / self.bytes_per_second, busy / self.cpu_share
        )

    def repaint(self) -> int:  # pragma: no cover - every widget overrides it
        """Refresh what changed; return the estimated bytes that costs on the terminal."""
        raise NotImplementedError
