"""A repaint budget shared by the picture widgets.

Storing new data is cheap and may happen as often as snapshots arrive; drawing it costs bytes
on the terminal. A widget mixes in `Throttled`, calls `request_repaint()` whenever its content
changed, and implements `repaint()`. `repaint()` then runs at most once per `min_interval`
seconds, on the UI thread, and only if something changed since the last one: no timer runs
while nothing new arrives.
"""

from __future__ import annotations

import math
import time

from textual.timer import Timer


class Throttled:
    """Mixin for a Textual widget: at most one `repaint()` per `min_interval` seconds."""

    min_interval: float = 0.5
    repaint_count: int = 0  # how many repaints ran (for tests and benchmarks)

    _throttle_dirty: bool = False
    _throttle_last: float = -math.inf
    _throttle_timer: Timer | None = None
    _throttle_queued: bool = False

    def request_repaint(self) -> None:
        """Note that the content changed; schedule a repaint within the budget."""
        self._throttle_dirty = True
        if self._throttle_timer is not None or self._throttle_queued:
            return
        if not self.is_mounted:  # type: ignore[attr-defined]
            return  # on_mount calls us again
        delay = self._throttle_last + self.min_interval - time.monotonic()
        if delay > 0:
            self._throttle_timer = self.set_timer(delay, self._throttle_fire)  # type: ignore[attr-defined]
        else:
            self._throttle_queued = True
            self.call_later(self._throttle_fire)  # type: ignore[attr-defined]

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

    def _run_repaint(self) -> None:
        self._throttle_dirty = False
        self._throttle_last = time.monotonic()
        self.repaint_count += 1
        self.repaint()

    def repaint(self) -> None:  # pragma: no cover - every widget overrides it
        raise NotImplementedError
