"""When a run that nobody watches is saved: at least every `every` seconds of training, so
that a hard kill (`kill -9`, the OOM killer, a reboot) loses no more than that.

A save between two epochs is the clean one (the file's history ends with the epoch its
weights finished), so the clock prefers epoch ends: at the end of an epoch it saves when
waiting for the next epoch's end would pass the deadline; in the middle of an epoch it saves
only when the deadline has come (epochs longer than `every`).

Plain Python, below every layer: `tui-nn train --save` and the detached trainer both use it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LOOK = 16  # a caller that trains step by step asks inside an epoch every LOOK steps only, and
# only while `long_epochs` (an epoch over a quarter of the period): a tiny network's step takes
# ~20 us, and a look at the clock every step would cost more than the saves themselves


class Autosave:
    """`due(epoch_end)` at each epoch's end (and every LOOK steps inside one) says whether to
    save now; `saved()` after saving."""

    def __init__(self, every: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every  # seconds; None: never (only at the end)
        self.clock = clock
        self.last = clock()  # the last save (or the start)
        self.epoch_started = self.last
        self.saves = 0
        self.long_epochs = True  # worth a look inside an epoch (unknown until the first ends)

    def due(self, epoch_end: bool) -> bool:
        if self.every is None:
            return False
        now = self.clock()
        if epoch_end:
            epoch = now - self.epoch_started  # how long the next epoch will take, about
            self.epoch_started = now
            self.long_epochs = epoch > self.every / 4
            return now - self.last + epoch > self.every
        return now - self.last >= self.every

    def overdue(self) -> bool:
        """The deadline has come (the clock read now): for a caller that looks now and then,
        not after every step (the detached trainer, at each snapshot). A clock that went back
        (a new run restarts its stopwatch) starts the period again."""
        if self.every is None:
            return False
        now = self.clock()
        if now < self.last:
            self.last = now
        return now - self.last >= self.every

    def saved(self) -> None:
        self.last = self.clock()
        self.saves += 1

    def restart(self) -> None:
        """Training starts again after a pause: the time paused is not training time."""
        self.last = self.epoch_started = self.clock()
